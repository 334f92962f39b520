package ui

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// peerBundle is a region with its coordinator (of organisation org)
// signed in on the pages and holding an API token, and a second
// organisation of the same region with a coordinator of its own.
type peerBundle struct {
	*signInBundle
	org, otherOrg          int64
	coordinator, otherCoor *http.Cookie
	token, otherToken      string
	pages, api             string
	peers                  *tenants.PeerStore
}

func setupPeers(t *testing.T, db *tenants.DB) *peerBundle {
	t.Helper()
	ctx := context.Background()
	sb := setupSignIn(t, db)
	pb := &peerBundle{
		signInBundle: sb, org: *sb.membership(t, tenants.RoleOrgCoordinator).OrganisationID,
		pages: "/r/" + sb.region.Slug + "/org/peers", api: "/api/v1/regions/" + sb.region.Slug + "/peers",
		peers: tenants.NewPeerStore(sb.db, testSealer(t)),
	}
	pb.coordinator = sessionCookie(sb.signIn(t, "sub-org_coordinator"))
	_, tok, err := sb.policy.Tokens.Create(ctx, sb.region.ID, sb.users[tenants.RoleOrgCoordinator].ID, "x", nil)
	if err != nil {
		t.Fatal(err)
	}
	pb.token = tok

	other, err := tenants.NewOrganisationStore(sb.db).Create(ctx, sb.region.ID, tenants.Organisation{Name: "Andra föreningen", Kind: tenants.OrgPatient, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	pb.otherOrg = other.ID
	u, err := sb.policy.Identities.CreateUser(ctx, tenants.User{Email: "samordnare-b@example.se", DisplayName: "Samordnare B"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.policy.Identities.SetMembership(ctx, sb.region.ID, tenants.Membership{UserID: u.ID, Role: tenants.RoleOrgCoordinator, OrganisationID: &other.ID}); err != nil {
		t.Fatal(err)
	}
	secret, _, err := sb.policy.Sessions.Create(ctx, u.ID, &sb.region.ID, "test", sb.policy.Session.Absolute)
	if err != nil {
		t.Fatal(err)
	}
	pb.otherCoor = &http.Cookie{Name: "kamrat_session", Value: secret}
	if _, pb.otherToken, err = sb.policy.Tokens.Create(ctx, sb.region.ID, u.ID, "x", nil); err != nil {
		t.Fatal(err)
	}
	return pb
}

// validPeerForm is the peer form filled in as a coordinator would.
func validPeerForm() url.Values {
	return url.Values{
		"display_name": {"Sara Ali"}, "phone": {"070-123 45 67"}, "email": {"Sara@Example.se"},
		"languages": {"sv", "ar"}, "experience": {"psychosis", "depression_anxiety"},
		"gender": {"woman"}, "age_band": {"30-44"}, "capacity": {"3"}, "status": {"recruited"},
	}
}

// call sends a JSON request (body nil for none) with token.
func (pb *peerBundle) call(t *testing.T, token, method, path string, body any) (*http.Response, string) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = strings.NewReader(string(b))
	}
	req := httptest.NewRequest(method, path, r)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return pb.do(t, req)
}

// page GETs a page with session and returns the status and body.
func (pb *peerBundle) page(t *testing.T, path string, session *http.Cookie) (int, string) {
	t.Helper()
	resp := pb.send(t, http.MethodGet, path, session)
	return resp.StatusCode, readAll(t, resp)
}

func (pb *peerBundle) createPeer(t *testing.T, org int64, name string) tenants.Peer {
	t.Helper()
	p, err := pb.peers.Create(context.Background(), pb.region.ID, org, pb.users[tenants.RoleOrgCoordinator].ID, fixturePeer(name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPeerPagesLifecycle: a coordinator registers a peer, sees the
// decrypted contact data (and the read is logged), moves the status only
// as the lifecycle allows, records and removes trainings, and links the
// peer supporter's account.
func TestPeerPagesLifecycle(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		pb := setupPeers(t, db)
		ctx := context.Background()
		if code, body := pb.page(t, pb.pages+"/new", pb.coordinator); code != http.StatusOK || !strings.Contains(body, "arabiska") {
			t.Fatalf("new form: %d", code)
		}
		resp := pb.post(t, pb.pages, validPeerForm(), pb.coordinator)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", resp.StatusCode, readAll(t, resp))
		}
		peerURL := resp.Header.Get("Location")
		list, err := pb.peers.Peers(ctx, pb.region.ID, pb.org)
		if err != nil || len(list) != 1 || list[0].Status != tenants.PeerRecruited {
			t.Fatalf("peers after create: %+v %v", list, err)
		}
		id := list[0].ID
		if peerURL != pb.pages+"/"+itoa(id) {
			t.Fatalf("redirect to %q", peerURL)
		}

		code, body := pb.page(t, peerURL, pb.coordinator)
		for _, want := range []string{"070-123 45 67", "sara@example.se", "svenska, arabiska", "Psykos", "Rekryterad", "Påbörja utbildning", "Avsluta uppdraget", "Ingen slutförd grundutbildning"} {
			if !strings.Contains(body, want) {
				t.Errorf("peer page (%d) lacks %q", code, want)
			}
		}
		if strings.Contains(body, `value="active"`) {
			t.Error("the page offers a move the lifecycle does not allow")
		}
		reads, err := pb.policy.Audit.Search(ctx, pb.region.ID, tenants.AuditFilter{Action: "peer.read"})
		if err != nil || len(reads) == 0 {
			t.Fatalf("opening the peer was not logged (%v)", err)
		}
		if r := reads[0]; r.ObjectID != itoa(id) || r.Role != string(tenants.RoleOrgCoordinator) || r.OrganisationID == nil || *r.OrganisationID != pb.org {
			t.Errorf("peer.read row: %+v", r)
		}

		// recruited → active skips the training: refused, nothing changed.
		resp = pb.post(t, peerURL+"/status", url.Values{"status": {"active"}}, pb.coordinator)
		if body := readAll(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Statusen kan inte ändras så") {
			t.Fatalf("recruited → active: %d", resp.StatusCode)
		}
		if p, _ := pb.peers.Peer(ctx, pb.region.ID, pb.org, id); p.Status != tenants.PeerRecruited {
			t.Fatalf("a refused move changed the status to %s", p.Status)
		}
		resp = pb.post(t, peerURL+"/status", url.Values{"status": {"in_training"}, "reason": {"Kursstart i januari"}}, pb.coordinator)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("recruited → in_training: %d %s", resp.StatusCode, readAll(t, resp))
		}
		if _, body := pb.page(t, peerURL, pb.coordinator); !strings.Contains(body, "Rekryterad → Under utbildning") || !strings.Contains(body, "Kursstart i januari") {
			t.Error("the history lacks the move and its reason")
		}

		// A training completed before it started: refused with its message.
		resp = pb.post(t, peerURL+"/trainings", url.Values{
			"training_kind": {"base_course"}, "training_started_on": {"2026-03-01"}, "training_completed_on": {"2026-02-01"},
		}, pb.coordinator)
		body = readAll(t, resp)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Slutförd: Slutdatumet får inte vara före startdatumet.") {
			t.Fatalf("end before start: %d", resp.StatusCode)
		}
		if ts, _ := pb.peers.Trainings(ctx, pb.region.ID, pb.org, id); len(ts) != 0 {
			t.Fatalf("a refused training was stored: %+v", ts)
		}
		resp = pb.post(t, peerURL+"/trainings", url.Values{"training_kind": {"other"}, "training_started_on": {"2026-01-05"}}, pb.coordinator)
		if body := readAll(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Utbildningens namn: Måste fyllas i.") {
			t.Fatalf("other training without a title: %d", resp.StatusCode)
		}
		completed := tenants.DateOf(time.Now().AddDate(0, -1, 0))
		resp = pb.post(t, peerURL+"/trainings", url.Values{
			"training_kind": {"base_course"}, "training_started_on": {completed.AddDays(-35).String()}, "training_completed_on": {completed.String()},
		}, pb.coordinator)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add training: %d %s", resp.StatusCode, readAll(t, resp))
		}
		_, body = pb.page(t, peerURL, pb.coordinator)
		if !strings.Contains(body, completed.AddMonths(tenants.CertificationMonths).String()) {
			t.Error("the page does not show when the certification expires")
		}
		_, body = pb.page(t, pb.pages, pb.coordinator)
		if !strings.Contains(body, completed.AddMonths(tenants.CertificationMonths).String()) || strings.Contains(body, "070-123") {
			t.Error("the list lacks the certification, or shows contact data")
		}
		ts, _ := pb.peers.Trainings(ctx, pb.region.ID, pb.org, id)
		if len(ts) != 1 {
			t.Fatalf("trainings: %+v", ts)
		}
		if resp := pb.post(t, peerURL+"/trainings/remove", url.Values{"training": {itoa(ts[0].ID)}}, pb.coordinator); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove training: %d", resp.StatusCode)
		}
		if ts, _ := pb.peers.Trainings(ctx, pb.region.ID, pb.org, id); len(ts) != 0 {
			t.Fatal("the training was not removed")
		}

		// The account select offers the organisation's peer supporter.
		supporter := pb.users[tenants.RolePeerSupporter]
		if _, body = pb.page(t, peerURL, pb.coordinator); !strings.Contains(body, `value="`+itoa(supporter.ID)+`"`) {
			t.Error("the account select lacks the organisation's peer supporter")
		}
		if resp := pb.post(t, peerURL+"/account", url.Values{"user_id": {itoa(pb.users[tenants.RoleViewer].ID)}}, pb.coordinator); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("linking a viewer: %d", resp.StatusCode)
		}
		if resp := pb.post(t, peerURL+"/account", url.Values{"user_id": {itoa(supporter.ID)}}, pb.coordinator); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("link account: %d", resp.StatusCode)
		}
		if p, _ := pb.peers.PeerByUser(ctx, pb.region.ID, supporter.ID); p.ID != id {
			t.Fatal("the account was not linked")
		}

		// Changing the peer: a refused change keeps the stored values.
		form := validPeerForm()
		form.Set("capacity", "-1")
		resp = pb.post(t, peerURL, form, pb.coordinator)
		if body := readAll(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Måste vara mellan 0 och 20.") {
			t.Fatalf("capacity -1: %d", resp.StatusCode)
		}
		form.Set("capacity", "5")
		form.Set("phone", "")
		if resp := pb.post(t, peerURL, form, pb.coordinator); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("update: %d", resp.StatusCode)
		}
		if p, _ := pb.peers.Peer(ctx, pb.region.ID, pb.org, id); p.Capacity != 5 || p.Phone != "" || p.Email != "sara@example.se" {
			t.Fatalf("after update: %+v", p)
		}
		for _, action := range []string{"peer.create", "peer.status", "peer.training_add", "peer.training_remove", "peer.account", "peer.update"} {
			if rows, err := pb.policy.Audit.Search(ctx, pb.region.ID, tenants.AuditFilter{Action: action}); err != nil || len(rows) == 0 {
				t.Errorf("%s was not logged (%v)", action, err)
			}
		}
	})
}

// TestPeerFormRefusals: bad input is refused with a specific message and
// nothing is stored.
func TestPeerFormRefusals(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		pb := setupPeers(t, db)
		for _, tc := range []struct {
			name, field string
			values      []string
			want        string
		}{
			{"unknown language", "languages", []string{"sv", "xx"}, "Språk: Välj språk ur listan."},
			{"no language", "languages", nil, "Språk: Måste fyllas i."},
			{"negative capacity", "capacity", []string{"-1"}, "Måste vara mellan 0 och 20."},
			{"capacity no number", "capacity", []string{"tre"}, "Ange ett heltal"},
			{"bad e-mail", "email", []string{"sara@"}, "E-postadress: Ange en giltig e-postadress."},
			{"paused at registration", "status", []string{"paused"}, "Status: Välj ett av alternativen."},
		} {
			t.Run(tc.name, func(t *testing.T) {
				form := validPeerForm()
				form[tc.field] = tc.values
				resp := pb.post(t, pb.pages, form, pb.coordinator)
				body := readAll(t, resp)
				if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
					t.Errorf("%d, want 422 with %q", resp.StatusCode, tc.want)
				}
				checkWellFormed(t, body)
			})
		}
		if list, _ := pb.peers.Peers(context.Background(), pb.region.ID, pb.org); len(list) != 0 {
			t.Fatalf("refused forms stored peers: %+v", list)
		}
	})
}

// TestPeersOfAnotherOrganisation: a coordinator of organisation B cannot
// see or change organisation A's peers in the same region, on the pages
// or through the API; each sees only their own in the list.
func TestPeersOfAnotherOrganisation(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		pb := setupPeers(t, db)
		ctx := context.Background()
		mine := pb.createPeer(t, pb.org, "Kamrat A")
		theirs := pb.createPeer(t, pb.otherOrg, "Kamrat B")
		peerURL, apiURL := pb.pages+"/"+itoa(mine.ID), pb.api+"/"+itoa(mine.ID)

		for _, path := range []string{peerURL, peerURL + "/edit"} {
			if code, _ := pb.page(t, path, pb.otherCoor); code != http.StatusNotFound {
				t.Errorf("GET %s by the other organisation: %d, want 404", path, code)
			}
		}
		for path, form := range map[string]url.Values{
			peerURL:                       validPeerForm(),
			peerURL + "/status":           {"status": {"left"}},
			peerURL + "/trainings":        {"training_kind": {"base_course"}, "training_started_on": {"2026-01-01"}},
			peerURL + "/account":          {"user_id": {""}},
			peerURL + "/trainings/remove": {"training": {"1"}},
		} {
			if resp := pb.post(t, path, form, pb.otherCoor); resp.StatusCode != http.StatusNotFound {
				t.Errorf("POST %s by the other organisation: %d, want 404", path, resp.StatusCode)
			}
		}
		for _, tc := range []struct {
			method, path string
			body         any
		}{
			{http.MethodGet, apiURL, nil},
			{http.MethodPut, apiURL, map[string]any{"display_name": "X", "languages": []string{"sv"}, "experience": []string{"hiv"}, "capacity": 1}},
			{http.MethodPost, apiURL + "/status", map[string]any{"status": "left"}},
			{http.MethodGet, apiURL + "/history", nil},
			{http.MethodGet, apiURL + "/trainings", nil},
			{http.MethodPost, apiURL + "/trainings", map[string]any{"kind": "base_course", "started_on": "2026-01-01"}},
			{http.MethodPut, apiURL + "/account", map[string]any{"user_id": nil}},
		} {
			if resp, _ := pb.call(t, pb.otherToken, tc.method, tc.path, tc.body); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s %s with the other organisation's token: %d, want 404", tc.method, tc.path, resp.StatusCode)
			}
		}
		p, err := pb.peers.Peer(ctx, pb.region.ID, pb.org, mine.ID)
		if err != nil || p.Status != tenants.PeerRecruited || p.DisplayName != "Kamrat A" {
			t.Fatalf("the other organisation changed the peer: %+v %v", p, err)
		}

		_, body := pb.page(t, pb.pages, pb.otherCoor)
		if strings.Contains(body, "Kamrat A") || !strings.Contains(body, "Kamrat B") {
			t.Error("the other organisation's list shows the wrong peers")
		}
		_, list := pb.call(t, pb.token, http.MethodGet, pb.api, nil)
		if !strings.Contains(list, "Kamrat A") || strings.Contains(list, "Kamrat B") || strings.Contains(list, "070-123") {
			t.Errorf("API list: %s", list)
		}
		if resp, _ := pb.call(t, pb.token, http.MethodGet, pb.api+"/"+itoa(theirs.ID), nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("organisation B's peer through A's token: %d", resp.StatusCode)
		}
	})
}
