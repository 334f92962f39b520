package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestOwnProfile: a peer supporter without a linked record is told what
// to do; once linked they see their own record, trainings and the
// supervision they attended — and nobody else's — on the page and
// through the API, but not the coordinators' peer pages.
func TestOwnProfile(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		pb := setupPeers(t, db)
		ctx := context.Background()
		supporter := pb.users[tenants.RolePeerSupporter]
		session := sessionCookie(pb.signIn(t, "sub-peer_supporter"))
		_, token, err := pb.policy.Tokens.Create(ctx, pb.region.ID, supporter.ID, "x", nil)
		if err != nil {
			t.Fatal(err)
		}
		profileURL, apiURL := "/r/"+pb.region.Slug+"/me/profile", "/api/v1/regions/"+pb.region.Slug+"/me/profile"

		code, body := pb.page(t, profileURL, session)
		if code != http.StatusOK || !strings.Contains(body, "Ingen profil kopplad än") {
			t.Fatalf("profile before linking: %d", code)
		}
		if resp, _ := pb.call(t, token, http.MethodGet, apiURL, nil); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("API profile before linking: %d", resp.StatusCode)
		}

		own := pb.createPeer(t, pb.org, "Egen Kamrat")
		other := pb.createPeer(t, pb.org, "Annan Kamrat")
		if _, err := pb.peers.SetUser(ctx, pb.region.ID, pb.org, own.ID, &supporter.ID); err != nil {
			t.Fatal(err)
		}
		held := tenants.DateOf(time.Now().AddDate(0, 0, -7))
		if _, err := tenants.NewSupervisionStore(pb.db).Create(ctx, pb.region.ID, pb.org, tenants.SupervisionSession{
			Kind: tenants.SupervisionGroup, SupervisorName: "Maja Handledare", SupervisorLivedExperience: true,
			HeldOn: held, DurationMinutes: 90, PeerIDs: []int64{own.ID, other.ID},
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := pb.peers.AddTraining(ctx, pb.region.ID, pb.org, own.ID, tenants.Training{
			Kind: tenants.TrainingBaseCourse, StartedOn: held.AddDays(-60), CompletedOn: held.AddDays(-25),
		}); err != nil {
			t.Fatal(err)
		}

		code, body = pb.page(t, profileURL, session)
		for _, want := range []string{"Egen Kamrat", "070-123 45 67", "Grundutbildning", "Maja Handledare", "90 min", held.String(), held.AddDays(-25).AddMonths(tenants.CertificationMonths).String()} {
			if !strings.Contains(body, want) {
				t.Errorf("profile (%d) lacks %q", code, want)
			}
		}
		if strings.Contains(body, "Annan Kamrat") {
			t.Error("the profile shows another peer")
		}
		resp, body := pb.call(t, token, http.MethodGet, apiURL, nil)
		var p apiProfile
		if err := json.Unmarshal([]byte(body), &p); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("API profile: %d %s", resp.StatusCode, body)
		}
		if p.Peer.ID != own.ID || len(p.Trainings) != 1 || len(p.Supervision) != 1 || p.Supervision[0].DurationMinutes != 90 ||
			p.Peer.Certification == nil || !p.Peer.Certification.Certified || strings.Contains(body, "Annan Kamrat") {
			t.Errorf("API profile: %s", body)
		}
		if rows, _ := pb.policy.Audit.Search(ctx, pb.region.ID, tenants.AuditFilter{Action: "peer.read"}); len(rows) < 2 {
			t.Errorf("the peer's own reads were not logged: %d rows", len(rows))
		}

		for _, path := range []string{"/r/" + pb.region.Slug + "/org/peers", "/r/" + pb.region.Slug + "/org/peers/" + itoa(other.ID)} {
			if code, _ := pb.page(t, path, session); code != http.StatusForbidden {
				t.Errorf("peer supporter on %s: %d, want 403", path, code)
			}
		}
		if resp, _ := pb.call(t, token, http.MethodGet, pb.api+"/"+itoa(other.ID), nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("peer supporter on the peers API: %d, want 403", resp.StatusCode)
		}
	})
}
