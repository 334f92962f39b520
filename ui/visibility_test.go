package ui

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// pathwaySecrets are the distinctive values of a participant who went the
// whole way — referred, reached, matched, met with a note, followed up —
// and of another participant of the same organisation that the peer does
// not support.
type pathwaySecrets struct {
	code, alias, phone       string
	peerName, note           string
	otherCode, otherAlias    string
	otherPhone, meetingTopic string
	referralID, matchID      int64
}

// walkPathway takes a participant of sb's clinic through the pathway with
// sb's coordinator and peer supporter, notes turned on. It needs the
// organisation to serve the clinic (referralFixtures, through
// accessFixtures, does that).
func walkPathway(t *testing.T, sb *signInBundle) pathwaySecrets {
	t.Helper()
	ctx := context.Background()
	sealer := testSealer(t)
	refs, support, peers := tenants.NewReferralStore(sb.db, sealer), tenants.NewSupportStore(sb.db, sealer), tenants.NewPeerStore(sb.db, sealer)
	orgID := *sb.membership(t, tenants.RoleOrgCoordinator).OrganisationID
	coordinator, peerUser := sb.users[tenants.RoleOrgCoordinator].ID, sb.users[tenants.RolePeerSupporter].ID
	peer, err := peers.PeerByUser(ctx, sb.region.ID, peerUser)
	if errors.Is(err, tenants.ErrNotFound) {
		if peer, err = peers.Create(ctx, sb.region.ID, orgID, coordinator, tenants.Peer{DisplayName: "Vera Visibility", Languages: []string{"sv"},
			Experience: []tenants.ExperienceArea{tenants.ExperienceHIV}, Capacity: 5, Status: tenants.PeerActive}); err == nil {
			peer, err = peers.SetUser(ctx, sb.region.ID, orgID, peer.ID, &peerUser)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	if peer.Capacity < 5 {
		peer.Capacity = 5
		if peer, err = peers.Update(ctx, sb.region.ID, orgID, peer); err != nil {
			t.Fatal(err)
		}
	}
	settings := sb.region.Settings
	settings.MeetingNotes = true
	if _, err := sb.tenants.UpdateSettings(ctx, sb.region.ID, sb.region.Name, settings); err != nil {
		t.Fatal(err)
	}
	out := pathwaySecrets{alias: "Ebbe", phone: "070-987 65 43", peerName: peer.DisplayName,
		note: "Anteckning som bara stödjaren ser", otherAlias: "Ottilia", otherPhone: "070-555 44 33",
		meetingTopic: "work_studies"}
	unitID, staff := *sb.membership(t, tenants.RoleClinicStaff).UnitID, sb.users[tenants.RoleClinicStaff].ID
	refer := func(alias, phone string) (tenants.Participant, tenants.ClinicReferral) {
		p, ref, err := refs.RegisterAndRefer(ctx, sb.region.ID, unitID, staff, tenants.NewParticipant{
			TargetGroup: tenants.TargetHIV, Language: "sv",
			Contact: tenants.ParticipantContact{Alias: alias, Method: tenants.ContactPhone, Details: phone},
			Consent: tenants.ConsentScopes{ShareContact: true, FollowUp: true, ExpiresOn: todayInSweden().AddMonths(12)},
		}, orgID)
		if err != nil {
			t.Fatal(err)
		}
		return p, ref
	}
	p, ref := refer(out.alias, out.phone)
	out.code = p.Code
	other, _ := refer(out.otherAlias, out.otherPhone)
	out.otherCode = other.Code
	if _, err := refs.Accept(ctx, sb.region.ID, orgID, coordinator, ref.ID); err != nil {
		t.Fatal(err)
	}
	today := todayInSweden()
	if _, err := refs.RecordContactAttempt(ctx, sb.region.ID, orgID, coordinator, ref.ID,
		tenants.ContactAttempt{AttemptedOn: today, Method: tenants.ContactPhone, Reached: true}); err != nil {
		t.Fatal(err)
	}
	m, err := support.Match(ctx, sb.region.ID, orgID, coordinator, ref.ID, peer.ID)
	if err != nil {
		t.Fatal(err)
	}
	out.referralID, out.matchID = ref.ID, m.ID
	if _, err := support.LogMeeting(ctx, sb.region.ID, peer.ID, peerUser, m.ID, tenants.Meeting{HeldOn: today, Format: tenants.MeetingVideo,
		DurationMinutes: 45, Topics: []tenants.MeetingTopic{tenants.MeetingTopic(out.meetingTopic)}, Note: out.note}); err != nil {
		t.Fatal(err)
	}
	pm, err := support.PeerMatch(ctx, sb.region.ID, peer.ID, m.ID)
	if err != nil || len(pm.FollowUps) == 0 {
		t.Fatalf("follow-ups of the match: %+v, %v", pm.FollowUps, err)
	}
	answers := tenants.FollowUpAnswers{tenants.InstrumentWHO5: {3, 3, 2, 4, 3}}
	if len(pm.Instruments) > 1 {
		second := pm.Instruments[1]
		answers[second] = make([]int, second.Items())
		lo, _ := second.Scale()
		for i := range answers[second] {
			answers[second][i] = lo
		}
	}
	if _, err := support.RecordFollowUp(ctx, sb.region.ID, peer.ID, peerUser, m.ID, pm.FollowUps[0].ID, today, answers); err != nil {
		t.Fatal(err)
	}
	return out
}

// getAs answers a GET as the caller, with the body.
func (sb *signInBundle) getAs(t *testing.T, c caller, path string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+c.token)
	} else {
		req.AddCookie(c.cookie)
	}
	resp, err := sb.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// TestWhatEachRoleSees: with a participant taken through the whole
// pathway, every role opens every page and API answer it may (GET, in its
// region), and nothing it must not see is in any of them — in HTML or
// JSON. What it must see is checked too, so that the walk cannot pass by
// seeing nothing.
//
//   - clinic staff: their referrals' status, never contact data, the peer,
//     meetings, topics, notes or scores;
//   - coordinators: their organisation's referrals with consented contact
//     data, meetings and scores, never the peer's notes;
//   - peer supporters: their own match with the note, never another
//     participant of the organisation;
//   - administrators and viewers: no participant data (the administrator's
//     audit log names participants by code only, as access logging needs).
func TestWhatEachRoleSees(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		ids := accessFixtures(t, sb)
		secret := walkPathway(t, sb)
		callers := callersFor(t, sb)
		s := &server{log: slog.New(slog.DiscardHandler), cfg: Config{Metrics: prometheus.NewRegistry()}}

		scoreWords := []string{"WHO-5", "who5", "PozQoL", "pozqol"}
		mustNot := map[tenants.Role][]string{
			tenants.RoleClinicStaff: append([]string{secret.alias, secret.phone, secret.peerName, secret.note, secret.meetingTopic,
				"held_on", "duration_minutes"}, scoreWords...),
			tenants.RoleOrgCoordinator: {secret.note},
			tenants.RolePeerSupporter:  {secret.otherCode, secret.otherPhone},
			tenants.RoleRegionAdmin:    {secret.alias, secret.phone, secret.otherPhone, secret.note, secret.peerName},
			tenants.RoleViewer:         {secret.code, secret.otherCode, secret.alias, secret.phone, secret.otherPhone, secret.note, secret.peerName},
		}
		must := map[tenants.Role][]string{
			tenants.RoleClinicStaff:    {secret.code, "Matchad"},
			tenants.RoleOrgCoordinator: {secret.code, secret.phone, secret.peerName, secret.otherCode},
			tenants.RolePeerSupporter:  {secret.code, secret.phone, secret.note},
		}
		// The walk opens every GET route with the fixtures' ids, and again
		// with this participant's referral and match.
		mine := maps.Clone(ids)
		mine["referrals"], mine["matches"] = secret.referralID, secret.matchID
		for _, c := range callers {
			seen := 0
			var all strings.Builder
			for _, r := range s.routes() {
				if r.access != accessRegion || r.method != http.MethodGet || !sb.policy.Authorizer.Allowed(c.role, sb.region.Slug, r.resource, r.action) {
					continue
				}
				for _, path := range []string{regionPath(t, r, sb.region.Slug, ids), regionPath(t, r, sb.region.Slug, mine)} {
					status, body := sb.getAs(t, c, path)
					if status != http.StatusOK {
						continue // another side's page sends the caller to their own
					}
					seen++
					all.WriteString(body)
					for _, secretValue := range mustNot[c.role] {
						if strings.Contains(body, secretValue) {
							t.Errorf("%s sees %q at %s", c.role, secretValue, path)
						}
					}
				}
			}
			if seen == 0 {
				t.Errorf("%s opened no page at all", c.role)
			}
			for _, want := range must[c.role] {
				if !strings.Contains(all.String(), want) {
					t.Errorf("%s never sees %q: the walk misses their pages", c.role, want)
				}
			}
		}

		// Every time a role was shown the participant — in a list or on
		// their own page — the audit log says who, as what, and whom.
		rows, err := sb.policy.Audit.Search(context.Background(), sb.region.ID, tenants.AuditFilter{Action: "participant.", Limit: 10000})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []struct {
			role   tenants.Role
			action string
		}{
			{tenants.RoleClinicStaff, "participant.list"},
			{tenants.RoleOrgCoordinator, "participant.list"},
			{tenants.RoleOrgCoordinator, "participant.read"},
			{tenants.RolePeerSupporter, "participant.list"},
			{tenants.RolePeerSupporter, "participant.read"},
		} {
			if !slices.ContainsFunc(rows, func(e tenants.AuditEntry) bool {
				return e.Role == string(want.role) && e.Action == want.action && strings.Contains(e.Subject, secret.code)
			}) {
				t.Errorf("no %s audit entry of %s naming %s", want.action, want.role, secret.code)
			}
		}

		// A log extract for the participant finds their own entries and the
		// lists they were shown in, and no other participant's entries.
		extract, err := sb.policy.Audit.Search(context.Background(), sb.region.ID, tenants.AuditFilter{Subject: "participant " + secret.code, Limit: 10000})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]bool{}
		for _, e := range extract {
			actions[e.Action] = true
			if !strings.Contains(e.Subject, secret.code) {
				t.Errorf("the extract for %s holds %+v", secret.code, e)
			}
		}
		for _, want := range []string{"participant.read", "participant.list"} {
			if !actions[want] {
				t.Errorf("the extract for %s lacks %s entries (has %v)", secret.code, want, actions)
			}
		}
	})
}
