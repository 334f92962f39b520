package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// supportBundle is a referral bundle with peers in the coordinator's
// organisation and a referral of an Arabic-speaking participant living
// with HIV who wishes for a man, accepted by the organisation.
type supportBundle struct {
	*referralBundle
	support           *tenants.SupportStore
	code              string
	referral          int64
	refPath, apiPath  string
	yusuf, maria, pia tenants.Peer
	paused, otherPeer tenants.Peer
	peerToken         string
}

func setupSupport(t *testing.T, db *tenants.DB) *supportBundle {
	t.Helper()
	ctx := context.Background()
	rb := setupReferrals(t, db)
	b := &supportBundle{referralBundle: rb, support: tenants.NewSupportStore(rb.db, testSealer(t))}
	coordinator := rb.users[tenants.RoleOrgCoordinator].ID
	peer := func(org int64, name string, langs []string, g tenants.Gender, capacity int) tenants.Peer {
		p, err := rb.peers.Create(ctx, rb.region.ID, org, coordinator, tenants.Peer{
			DisplayName: name, Languages: langs, Experience: []tenants.ExperienceArea{tenants.ExperienceHIV}, Gender: g,
			AgeBand: tenants.Age30to44, Capacity: capacity, Status: tenants.PeerActive,
		})
		if err != nil {
			t.Fatalf("peer %s: %v", name, err)
		}
		return p
	}
	// Yusuf fits in everything; Maria speaks no Arabic; Pia would fit but
	// has room for no one; the paused peer is not offered at all.
	b.yusuf = peer(rb.org, "Yusuf", []string{"sv", "ar"}, tenants.GenderMan, 2)
	b.maria = peer(rb.org, "Maria", []string{"sv"}, tenants.GenderWoman, 3)
	b.pia = peer(rb.org, "Pia", []string{"sv", "ar"}, tenants.GenderMan, 0)
	b.paused = peer(rb.org, "Pausad", []string{"sv", "ar"}, tenants.GenderMan, 3)
	if _, err := rb.peers.SetStatus(ctx, rb.region.ID, rb.org, coordinator, b.paused.ID, tenants.PeerPaused, ""); err != nil {
		t.Fatal(err)
	}
	b.otherPeer = peer(rb.otherOrg, "Bengt", []string{"sv", "ar"}, tenants.GenderMan, 3)

	staff := rb.users[tenants.RoleClinicStaff].ID
	_, ref, err := rb.cfgReferrals(t).RegisterAndRefer(ctx, rb.region.ID, rb.unit, staff, tenants.NewParticipant{
		TargetGroup: tenants.TargetHIV, Language: "ar",
		Preferences: tenants.MatchPreferences{Gender: tenants.GenderMan},
		Contact:     tenants.ParticipantContact{Alias: testAlias, Method: tenants.ContactPhone, Details: testPhone},
		Consent:     tenants.ConsentScopes{ShareContact: true, FollowUp: true, ExpiresOn: todayInSweden().AddMonths(12)},
	}, rb.org)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rb.cfgReferrals(t).Accept(ctx, rb.region.ID, rb.org, coordinator, ref.ID); err != nil {
		t.Fatal(err)
	}
	b.code, b.referral = ref.Code, ref.ID
	b.refPath, b.apiPath = rb.orgPages+"/"+itoa(ref.ID), rb.orgAPI+"/"+itoa(ref.ID)
	if _, b.peerToken, err = rb.policy.Tokens.Create(ctx, rb.region.ID, rb.users[tenants.RolePeerSupporter].ID, "x", nil); err != nil {
		t.Fatal(err)
	}
	return b
}

// reach records that the coordinator reached the participant.
func (b *supportBundle) reach(t *testing.T) {
	t.Helper()
	if _, err := b.cfgReferrals(t).RecordContactAttempt(context.Background(), b.region.ID, b.org, b.users[tenants.RoleOrgCoordinator].ID, b.referral,
		tenants.ContactAttempt{AttemptedOn: todayInSweden(), Method: tenants.ContactSMS, Reached: true}); err != nil {
		t.Fatal(err)
	}
}

func (b *supportBundle) record(t *testing.T) tenants.ReferralRecord {
	t.Helper()
	rec, err := b.cfgReferrals(t).Record(context.Background(), b.region.ID, b.org, b.referral)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// choose posts the matching section's button for peer.
func (b *supportBundle) choose(t *testing.T, peer int64) (int, string) {
	t.Helper()
	resp := b.post(t, b.refPath+"/match", url.Values{"peer_id": {itoa(peer)}}, b.coordinator)
	return resp.StatusCode, readAll(t, resp)
}

// fitsSchema checks a GET answer of path (an OpenAPI path) against the
// served document's schema for it.
func (b *supportBundle) fitsSchema(t *testing.T, path, body string) {
	t.Helper()
	_, doc := b.do(t, httptest.NewRequest(http.MethodGet, "/api/openapi.json", nil))
	spec, err := openapi3.NewLoader().LoadFromData([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	op := spec.Paths.Find(path).GetOperation(http.MethodGet)
	media := op.Responses.Status(http.StatusOK).Value.Content.Get("application/json")
	var data any
	if err := json.Unmarshal([]byte(body), &data); err != nil {
		t.Fatal(err)
	}
	if err := media.Schema.Value.VisitJSON(data); err != nil {
		t.Errorf("GET %s does not fit its schema: %v\n%s", path, err, body)
	}
}

// TestMatchingOnTheReferralPage: once the participant is reached, the
// coordinator sees the ranked peers with what fits and what does not;
// picking one makes the referral matched, shows the support and logs the
// match; the clinic then sees "Matchad" and nothing of the peer.
func TestMatchingOnTheReferralPage(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		b := setupSupport(t, db)
		if _, body := b.page(t, b.refPath, b.coordinator); strings.Contains(body, `id="matching"`) {
			t.Fatal("an accepted referral not yet contacted shows the matching section")
		}
		b.reach(t)
		status, body := b.page(t, b.refPath, b.coordinator)
		if status != http.StatusOK || !strings.Contains(body, `id="matching"`) {
			t.Fatalf("referral page %d without matching:\n%s", status, body)
		}
		// Yusuf fits; Maria has room but no Arabic; Pia is full; the
		// paused peer and the other organisation's are not offered.
		y, m, p := strings.Index(body, `data-peer="`+itoa(b.yusuf.ID)+`"`), strings.Index(body, `data-peer="`+itoa(b.maria.ID)+`"`),
			strings.Index(body, `data-peer="`+itoa(b.pia.ID)+`"`)
		if y < 0 || m < y || p < m {
			t.Errorf("ranking on the page: Yusuf %d, Maria %d, Pia %d; want them in that order", y, m, p)
		}
		for _, absent := range []string{"Pausad", "Bengt"} {
			if strings.Contains(body, absent) {
				t.Errorf("the page offers %s", absent)
			}
		}
		for _, want := range []string{"Talar deltagarens språk (arabiska)", "Talar inte deltagarens språk (arabiska)", "Inte det kön deltagaren önskar", "0 av 0", "(fullt)"} {
			if !strings.Contains(body, want) {
				t.Errorf("the matching section lacks %q", want)
			}
		}

		for _, tc := range []struct {
			name string
			peer string
			want string
		}{
			{"full peer", itoa(b.pia.ID), "Kamratstödjaren har inte plats för fler (kapacitet 0)."},
			{"other organisation's peer", itoa(b.otherPeer.ID), "Välj kamratstödjare i den egna organisationen."},
			{"paused peer", itoa(b.paused.ID), "Kamratstödjaren är inte aktiv och kan inte matchas."},
			{"no peer", "", "Kamratstödjare: Måste fyllas i."},
			{"not a number", "Yusuf", "Kamratstödjare:"},
		} {
			resp := b.post(t, b.refPath+"/match", url.Values{"peer_id": {tc.peer}}, b.coordinator)
			body := readAll(t, resp)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) || !strings.Contains(body, `id="matching"`) {
				t.Errorf("%s: %d, want 422 with %q in the matching section\n%s", tc.name, resp.StatusCode, tc.want, body)
			}
		}
		if rec := b.record(t); rec.Status != tenants.ReferralContacted || len(rec.Support.Matches) != 0 {
			t.Fatalf("after refusals: %s with %d matches", rec.Status, len(rec.Support.Matches))
		}
		if got := b.audited(t, "match.create"); len(got) != 0 {
			t.Fatalf("refusals logged a match: %+v", got)
		}

		status, body = b.choose(t, b.yusuf.ID)
		if status != http.StatusSeeOther {
			t.Fatalf("choose Yusuf: %d\n%s", status, body)
		}
		rec := b.record(t)
		if cur, ok := rec.Support.Current(); rec.Status != tenants.ReferralMatched || !ok || cur.PeerID != b.yusuf.ID {
			t.Fatalf("after the match: %s, current %+v %v", rec.Status, cur, ok)
		}
		if got := b.audited(t, "match.create"); len(got) != 1 || got[0].Subject != "participant "+b.code || got[0].ObjectID != itoa(b.referral) {
			t.Errorf("match audit: %+v", got)
		}
		_, body = b.page(t, b.refPath, b.coordinator)
		for _, want := range []string{
			`data-status="matched">Matchad`, `id="support"`, "Nuvarande kamratstödjare: Yusuf, sedan " + todayInSweden().String(),
			`data-peer="` + itoa(b.yusuf.ID) + `" data-current="true"`, "Baslinje", "3 månader", "6 månader", "Planerad",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("matched page lacks %q", want)
			}
		}
		if strings.Contains(body, `name="peer_id" value="`+itoa(b.yusuf.ID)+`"`) {
			t.Error("the current peer has a button")
		}
		status, body = b.choose(t, b.yusuf.ID)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Deltagaren har redan den här kamratstödjaren.") {
			t.Errorf("choosing the current peer again: %d", status)
		}

		clinicPage := readAll(t, b.send(t, http.MethodGet, b.clinicPages+"/referrals", b.clinic))
		_, clinicJSON := b.call(t, b.clinicToken, http.MethodGet, b.clinicAPI+"/referrals", nil)
		if !strings.Contains(clinicPage, `data-status="matched">Matchad`) || !strings.Contains(clinicJSON, `"status":"matched"`) {
			t.Errorf("the clinic does not see matched:\n%s\n%s", clinicPage, clinicJSON)
		}
		for _, secret := range []string{"Yusuf", "peer_id", "peer_name", "Nuvarande kamratstödjare", testPhone} {
			if strings.Contains(clinicPage, secret) || strings.Contains(clinicJSON, secret) {
				t.Errorf("the clinic sees %q", secret)
			}
		}
		if _, inbox := b.page(t, b.orgPages, b.coordinator); !strings.Contains(inbox, `data-status="matched">Matchad`) {
			t.Error("the inbox does not show matched")
		}

		// Another organisation's coordinator finds nothing to match.
		resp := b.post(t, b.refPath+"/match", url.Values{"peer_id": {itoa(b.maria.ID)}}, b.otherCoor)
		if resp.Body.Close(); resp.StatusCode != http.StatusNotFound {
			t.Errorf("other coordinator's match: %d, want 404", resp.StatusCode)
		}
		// Closing ends the support; the page keeps it as an earlier match.
		if resp := b.post(t, b.refPath+"/close", url.Values{"reason": {"goals_met"}}, b.coordinator); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("close a matched referral: %d\n%s", resp.StatusCode, readAll(t, resp))
		}
		_, body = b.page(t, b.refPath, b.coordinator)
		if !strings.Contains(body, "Ingen kamratstödjare ger stöd just nu.") || !strings.Contains(body, "Remissen avslutades") || strings.Contains(body, `id="matching"`) {
			t.Errorf("closed referral's support:\n%s", body)
		}
		status, body = b.choose(t, b.maria.ID)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Remissen kan inte ändras så.") {
			t.Errorf("match a closed referral: %d\n%s", status, body)
		}
	})
}

// TestMatchingAPI: suggestions, the match and the support in the JSON
// API, in their documented shapes; refusals answer 422 with the field and
// change nothing; callers who are not the organisation's coordinator get
// 409, 403 or 404.
func TestMatchingAPI(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		b := setupSupport(t, db)
		ctx := context.Background()
		resp, body := b.call(t, b.token, http.MethodPost, b.apiPath+"/match", apiMatchInput{PeerID: b.yusuf.ID})
		if e := errorJSON(t, body); resp.StatusCode != http.StatusUnprocessableEntity || len(e.Fields) != 1 || e.Fields[0].Field != "status" {
			t.Errorf("match before contact: %d %+v", resp.StatusCode, e)
		}
		b.reach(t)

		resp, body = b.call(t, b.token, http.MethodGet, b.apiPath+"/suggestions", nil)
		var list apiSuggestionList
		if err := json.Unmarshal([]byte(body), &list); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("suggestions %d: %v\n%s", resp.StatusCode, err, body)
		}
		b.fitsSchema(t, "/api/v1/regions/{region}/org/referrals/{id}/suggestions", body)
		if len(list.Suggestions) != 3 || list.Suggestions[0].PeerID != b.yusuf.ID || list.Suggestions[1].PeerID != b.maria.ID || list.Suggestions[2].PeerID != b.pia.ID {
			t.Fatalf("suggestions: %+v", list.Suggestions)
		}
		if y := list.Suggestions[0]; y.DisplayName != "Yusuf" || y.FreeCapacity != 2 || y.Capacity != 2 || y.Full || y.Current ||
			len(y.Misses) != 0 || !slices.Contains(y.Fits, "language") || !slices.Contains(y.Fits, "gender") {
			t.Errorf("Yusuf's suggestion: %+v", y)
		}
		if p := list.Suggestions[2]; !p.Full || !slices.Contains(p.Misses, "capacity") {
			t.Errorf("Pia's suggestion: %+v", p)
		}
		if got := b.audited(t, "match.suggestions"); len(got) != 1 || got[0].Subject != "participant "+b.code {
			t.Errorf("suggestions audit: %+v", got)
		}

		for _, tc := range []struct {
			name string
			in   any
			key  string
		}{
			{"full peer", apiMatchInput{PeerID: b.pia.ID}, "kapacitet 0"},
			{"other organisation's peer", apiMatchInput{PeerID: b.otherPeer.ID}, "egna organisationen"},
			{"no peer", apiMatchInput{}, "Måste fyllas i."},
		} {
			resp, body := b.call(t, b.token, http.MethodPost, b.apiPath+"/match", tc.in)
			e := errorJSON(t, body)
			if resp.StatusCode != http.StatusUnprocessableEntity || len(e.Fields) != 1 || e.Fields[0].Field != "peer_id" || !strings.Contains(e.Fields[0].Message, tc.key) {
				t.Errorf("%s: %d %+v", tc.name, resp.StatusCode, e)
			}
		}
		if resp, _ := b.call(t, b.token, http.MethodPost, b.apiPath+"/match", map[string]any{"peer": b.yusuf.ID}); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("misspelt field: %d, want 400", resp.StatusCode)
		}
		if rec := b.record(t); rec.Status != tenants.ReferralContacted || len(rec.Support.Matches) != 0 {
			t.Fatalf("after refusals: %s with %d matches", rec.Status, len(rec.Support.Matches))
		}

		resp, body = b.call(t, b.token, http.MethodPost, b.apiPath+"/match", apiMatchInput{PeerID: b.maria.ID})
		var first apiSupportMatch
		if err := json.Unmarshal([]byte(body), &first); err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("match %d: %v\n%s", resp.StatusCode, err, body)
		}
		if first.PeerID != b.maria.ID || first.PeerName != "Maria" || first.ReferralID != b.referral || first.StartedOn != todayInSweden().String() || first.EndedAt != nil {
			t.Errorf("match: %+v", first)
		}
		resp, body = b.call(t, b.token, http.MethodPost, b.apiPath+"/match", apiMatchInput{PeerID: b.yusuf.ID})
		var second apiSupportMatch
		if err := json.Unmarshal([]byte(body), &second); err != nil || resp.StatusCode != http.StatusCreated || second.PeerID != b.yusuf.ID {
			t.Fatalf("rematch %d: %v\n%s", resp.StatusCode, err, body)
		}
		if got := b.audited(t, "match.create"); len(got) != 2 || got[0].Subject != "participant "+b.code {
			t.Errorf("match audit: %+v", got)
		}

		// A meeting with a note (the region allows notes) and a completed
		// baseline follow-up, as Yusuf records them.
		settings := b.region.Settings
		settings.MeetingNotes = true
		if _, err := b.tenants.UpdateSettings(ctx, b.region.ID, b.region.Name, settings); err != nil {
			t.Fatal(err)
		}
		const note = "Hemlig anteckning om mående"
		if _, err := b.support.LogMeeting(ctx, b.region.ID, b.yusuf.ID, 0, second.ID, tenants.Meeting{
			HeldOn: todayInSweden(), Format: tenants.MeetingPhone, DurationMinutes: 45,
			Topics: []tenants.MeetingTopic{tenants.TopicEverydayLife, tenants.TopicStigma}, Note: note,
		}); err != nil {
			t.Fatal(err)
		}
		rec := b.record(t)
		if len(rec.Support.FollowUps) == 0 || rec.Support.FollowUps[0].Month != 0 {
			t.Fatalf("follow-ups: %+v", rec.Support.FollowUps)
		}
		pozqol := []int{4, 2, 2, 2, 4, 2, 2, 4, 2, 2, 2, 2, 4} // every coded item 4
		if _, err := b.support.RecordFollowUp(ctx, b.region.ID, b.yusuf.ID, 0, second.ID, rec.Support.FollowUps[0].ID, todayInSweden(),
			tenants.FollowUpAnswers{tenants.InstrumentWHO5: {2, 2, 2, 3, 3}, tenants.InstrumentPozQoL: pozqol}); err != nil {
			t.Fatal(err)
		}

		resp, body = b.call(t, b.token, http.MethodGet, b.apiPath, nil)
		var got apiReferralRecord
		if err := json.Unmarshal([]byte(body), &got); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("referral %d: %v\n%s", resp.StatusCode, err, body)
		}
		b.fitsSchema(t, "/api/v1/regions/{region}/org/referrals/{id}", body)
		sup := got.Support
		if got.Status != "matched" || len(sup.Matches) != 2 || sup.Matches[0].PeerName != "Yusuf" || sup.Matches[0].EndedAt != nil ||
			sup.Matches[1].PeerName != "Maria" || sup.Matches[1].EndReason != "rematched" || sup.Matches[1].EndedAt == nil {
			t.Errorf("support matches: %s %+v", got.Status, sup.Matches)
		}
		if len(sup.Meetings) != 1 || sup.Meetings[0].Format != "phone" || sup.Meetings[0].DurationMinutes != 45 || len(sup.Meetings[0].Topics) != 2 {
			t.Errorf("support meetings: %+v", sup.Meetings)
		}
		if len(sup.FollowUps) != 3 || sup.FollowUps[0].Status != "completed" || sup.FollowUps[0].DoneOn != todayInSweden().String() || len(sup.FollowUps[0].Scores) != 2 {
			t.Fatalf("support follow-ups: %+v", sup.FollowUps)
		}
		if w := sup.FollowUps[0].Scores[0]; w.Instrument != "who5" || w.Raw != 12 || w.Total != 48 || !w.Low || len(w.Domains) != 0 {
			t.Errorf("WHO-5 score: %+v", w)
		}
		if pz := sup.FollowUps[0].Scores[1]; pz.Instrument != "pozqol" || pz.Total != 4 || pz.Low || len(pz.Domains) != 4 || pz.Domains[0].Domain != "psychological" {
			t.Errorf("PozQoL score: %+v", pz)
		}
		if strings.Contains(body, note) || strings.Contains(body, `"note`) {
			t.Errorf("the coordinator's JSON carries the meeting note: %s", body)
		}
		_, page := b.page(t, b.refPath, b.coordinator)
		for _, want := range []string{"48 av 100 (rå 12)", "(låg)", "4 av 5 i medelvärde", "Psykologisk: 4", "Telefon", "Vardagen, Stigma och bemötande", "sammanlagt 45 minuter", "Ny kamratstödjare"} {
			if !strings.Contains(page, want) {
				t.Errorf("support section lacks %q", want)
			}
		}
		if strings.Contains(page, note) {
			t.Error("the coordinator's page shows the meeting note")
		}
		_, clinicJSON := b.call(t, b.clinicToken, http.MethodGet, b.clinicAPI+"/referrals", nil)
		for _, secret := range []string{"Yusuf", "Maria", "who5", "meeting"} {
			if strings.Contains(clinicJSON, secret) {
				t.Errorf("the clinic's JSON has %q: %s", secret, clinicJSON)
			}
		}

		// Other callers: another organisation's coordinator finds nothing;
		// a peer supporter is not the coordinator; clinic staff hold no
		// match rights.
		for _, tc := range []struct {
			name, token, method, path string
			want                      int
		}{
			{"other coordinator's suggestions", b.otherToken, http.MethodGet, b.apiPath + "/suggestions", http.StatusNotFound},
			{"other coordinator's match", b.otherToken, http.MethodPost, b.apiPath + "/match", http.StatusNotFound},
			{"peer supporter's suggestions", b.peerToken, http.MethodGet, b.apiPath + "/suggestions", http.StatusConflict},
			{"clinic's suggestions", b.clinicToken, http.MethodGet, b.apiPath + "/suggestions", http.StatusForbidden},
		} {
			var in any
			if tc.method == http.MethodPost {
				in = apiMatchInput{PeerID: b.maria.ID}
			}
			if resp, body := b.call(t, tc.token, tc.method, tc.path, in); resp.StatusCode != tc.want {
				t.Errorf("%s: %d, want %d\n%s", tc.name, resp.StatusCode, tc.want, body)
			}
		}
		if cur, _ := b.record(t).Support.Current(); cur.PeerID != b.yusuf.ID {
			t.Errorf("after other callers the current peer is %d", cur.PeerID)
		}
	})
}
