package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// myMatchBundle is a region whose peer supporter is linked to an active
// peer (room for four participants), signed in and holding an API token;
// a second peer supporter of the organisation with a peer of their own
// and no matches; and a third peer supporter linked to no peer.
type myMatchBundle struct {
	*peerBundle
	peer                      tenants.Peer
	mine, otherPeer, unlinked *http.Cookie
	mineToken, otherPeerToken string
	unlinkedToken             string
	pages, api                string
	support                   *tenants.SupportStore
	translator                *Translator
}

func setupMyMatches(t *testing.T, db *tenants.DB) *myMatchBundle {
	t.Helper()
	ctx := context.Background()
	pb := setupPeers(t, db)
	b := &myMatchBundle{
		peerBundle: pb, support: tenants.NewSupportStore(pb.db, testSealer(t)),
		pages: "/r/" + pb.region.Slug + "/my/matches", api: "/api/v1/regions/" + pb.region.Slug + "/my/matches",
	}
	var err error
	if b.translator, err = NewTranslator(); err != nil {
		t.Fatal(err)
	}
	coordinator := pb.users[tenants.RoleOrgCoordinator].ID
	link := func(name string, userID int64) tenants.Peer {
		p := fixturePeer(name)
		p.Capacity, p.Status = 4, tenants.PeerActive
		peer, err := pb.peers.Create(ctx, pb.region.ID, pb.org, coordinator, p)
		if err != nil {
			t.Fatal(err)
		}
		if peer, err = pb.peers.SetUser(ctx, pb.region.ID, pb.org, peer.ID, &userID); err != nil {
			t.Fatal(err)
		}
		return peer
	}
	b.peer = link("Yusuf", pb.users[tenants.RolePeerSupporter].ID)
	b.mine = sessionCookie(pb.signIn(t, "sub-peer_supporter"))
	if _, b.mineToken, err = pb.policy.Tokens.Create(ctx, pb.region.ID, pb.users[tenants.RolePeerSupporter].ID, "x", nil); err != nil {
		t.Fatal(err)
	}
	supporter := func(email string) (int64, *http.Cookie, string) {
		u, err := pb.policy.Identities.CreateUser(ctx, tenants.User{Email: email, DisplayName: email})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pb.policy.Identities.SetMembership(ctx, pb.region.ID, tenants.Membership{UserID: u.ID, Role: tenants.RolePeerSupporter, OrganisationID: &pb.org}); err != nil {
			t.Fatal(err)
		}
		secret, _, err := pb.policy.Sessions.Create(ctx, u.ID, &pb.region.ID, "test", pb.policy.Session.Absolute)
		if err != nil {
			t.Fatal(err)
		}
		_, tok, err := pb.policy.Tokens.Create(ctx, pb.region.ID, u.ID, "x", nil)
		if err != nil {
			t.Fatal(err)
		}
		return u.ID, &http.Cookie{Name: "kamrat_session", Value: secret}, tok
	}
	var otherID int64
	otherID, b.otherPeer, b.otherPeerToken = supporter("kamrat-b@example.se")
	link("Leila", otherID)
	_, b.unlinked, b.unlinkedToken = supporter("kamrat-c@example.se")
	return b
}

// match refers a participant who shares phone and consents to follow-up,
// and matches them with the bundle's peer.
func (b *myMatchBundle) match(t *testing.T, phone string) peerMatchFixture {
	t.Helper()
	return matchPeer(t, b.signInBundle, b.peer, sharingParticipant(phone))
}

func (b *myMatchBundle) peerMatch(t *testing.T, id int64) tenants.PeerMatch {
	t.Helper()
	m, err := b.support.PeerMatch(context.Background(), b.region.ID, b.peer.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (b *myMatchBundle) tr(t *testing.T, key string, args map[string]any) string {
	t.Helper()
	return b.translator.Translate(langSwedish, key, args)
}

// setNotes turns the region's meeting notes on or off.
func (b *myMatchBundle) setNotes(t *testing.T, on bool) {
	t.Helper()
	ts := tenants.NewTenantStore(b.db)
	r, err := ts.ByID(context.Background(), b.region.ID)
	if err != nil {
		t.Fatal(err)
	}
	r.Settings.MeetingNotes = on
	if _, err := ts.UpdateSettings(context.Background(), b.region.ID, r.Name, r.Settings); err != nil {
		t.Fatal(err)
	}
}

// TestMyMatchesSeenByTheirPeerOnly: the peer lists the match without
// contact data, opens it with the consented alias and phone (the read is
// logged); another peer supporter finds nothing and changes nothing; a
// peer supporter without a peer profile is told to ask the coordinator.
func TestMyMatchesSeenByTheirPeerOnly(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		b := setupMyMatches(t, db)
		m := b.match(t, testPhone)
		path := b.pages + "/" + itoa(m.match.ID)

		status, list := b.page(t, b.pages, b.mine)
		if status != http.StatusOK || !strings.Contains(list, m.code) || strings.Contains(list, testPhone) || strings.Contains(list, "Sara") {
			t.Fatalf("list %d: code shown %v, contact shown %v\n%s", status, strings.Contains(list, m.code), strings.Contains(list, testPhone), list)
		}
		if !strings.Contains(list, b.tr(t, "support.month.baseline", nil)+", "+m.followUps[0].DueOn.String()) {
			t.Errorf("list lacks the baseline as the next follow-up:\n%s", list)
		}
		status, show := b.page(t, path, b.mine)
		if status != http.StatusOK || !strings.Contains(show, "Sara") || !strings.Contains(show, testPhone) {
			t.Fatalf("match page %d without the consented contact data:\n%s", status, show)
		}
		checkWellFormed(t, show)
		reads, err := b.policy.Audit.Search(context.Background(), b.region.ID, tenants.AuditFilter{Action: "participant.read"})
		if err != nil || len(reads) != 1 || reads[0].Subject != "participant "+m.code || reads[0].ObjectType != "match" || reads[0].ObjectID != itoa(m.match.ID) {
			t.Fatalf("reads logged (%v): %+v", err, reads)
		}

		if lists, err := b.policy.Audit.Search(context.Background(), b.region.ID, tenants.AuditFilter{Action: "participant.list"}); err != nil ||
			len(lists) != 1 || lists[0].Subject != "participants "+m.code || lists[0].ObjectType != "peer_matches" {
			t.Fatalf("lists logged (%v): %+v", err, lists)
		}

		// Another peer supporter: an empty list, and the match is not found.
		if _, other := b.page(t, b.pages, b.otherPeer); strings.Contains(other, m.code) || !strings.Contains(other, b.tr(t, "mymatches.empty", nil)) {
			t.Errorf("the other peer's list shows the match or no empty state:\n%s", other)
		}
		if status, _ := b.page(t, path, b.otherPeer); status != http.StatusNotFound {
			t.Errorf("other peer's page: %d, want 404", status)
		}
		if resp, _ := b.call(t, b.otherPeerToken, http.MethodGet, b.api+"/"+itoa(m.match.ID), nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("other peer's API: %d, want 404", resp.StatusCode)
		}
		meeting := url.Values{"held_on": {todayInSweden().String()}, "format": {"phone"}, "duration_minutes": {"30"}, "topics": {"everyday_life"}}
		if resp := b.post(t, path+"/meetings", meeting, b.otherPeer); resp.StatusCode != http.StatusNotFound {
			t.Errorf("other peer's meeting: %d, want 404", resp.StatusCode)
		}
		decline := url.Values{"done_on": {todayInSweden().String()}}
		if resp := b.post(t, path+"/follow_ups/"+itoa(m.followUps[0].ID)+"/decline", decline, b.otherPeer); resp.StatusCode != http.StatusNotFound {
			t.Errorf("other peer's decline: %d, want 404", resp.StatusCode)
		}
		if got := b.peerMatch(t, m.match.ID); len(got.Meetings) != 0 || got.FollowUps[0].Status != tenants.FollowUpDue {
			t.Errorf("the other peer changed the match: %d meetings, baseline %s", len(got.Meetings), got.FollowUps[0].Status)
		}

		// No peer profile: the pages say so, the API tells it in the detail.
		notLinked := b.tr(t, "mymatches.not_linked", nil)
		if status, body := b.page(t, b.pages, b.unlinked); status != http.StatusOK || !strings.Contains(body, notLinked) {
			t.Errorf("unlinked list %d without the explanation:\n%s", status, body)
		}
		if status, body := b.page(t, path, b.unlinked); status != http.StatusNotFound || !strings.Contains(body, notLinked) || strings.Contains(body, m.code) {
			t.Errorf("unlinked match page %d:\n%s", status, body)
		}
		resp, body := b.call(t, b.unlinkedToken, http.MethodGet, b.api, nil)
		if e := errorJSON(t, body); resp.StatusCode != http.StatusNotFound || !strings.Contains(e.Detail, "not linked") {
			t.Errorf("unlinked API %d: %s", resp.StatusCode, body)
		}

		// The coordinator follows the support elsewhere.
		if status, _ := b.page(t, b.pages, b.coordinator); status != http.StatusForbidden {
			t.Errorf("coordinator's list: %d, want 403", status)
		}
	})
}

// TestMyMatchMeetings: a meeting logged on the page and one through the
// API both show; a refused one (future date, no topics) answers 422 with
// the problems and what was typed, and stores nothing; the note field
// shows, and a note is kept, only where the region allows notes.
func TestMyMatchMeetings(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		b := setupMyMatches(t, db)
		m := b.match(t, testPhone)
		path := b.pages + "/" + itoa(m.match.ID)
		today := todayInSweden().String()

		refused := url.Values{"held_on": {todayInSweden().AddDays(2).String()}, "format": {"video"}, "duration_minutes": {"45"}}
		resp := b.post(t, path+"/meetings", refused, b.mine)
		body := readAll(t, resp)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("refused meeting: %d, want 422\n%s", resp.StatusCode, body)
		}
		for _, want := range []string{
			b.tr(t, "validation.not_future", nil), b.tr(t, "field.topics", nil) + ": " + b.tr(t, "validation.required", nil),
			`id="held_on" name="held_on" type="date" value="` + refused.Get("held_on") + `" aria-invalid="true"`,
			`value="45"`, `name="format" value="video" checked="checked"`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("refused meeting page lacks %q", want)
			}
		}
		checkWellFormed(t, body)
		if got := b.peerMatch(t, m.match.ID); len(got.Meetings) != 0 {
			t.Fatalf("a refused meeting was stored: %+v", got.Meetings)
		}

		// Notes are off: no field, and a note sent anyway is refused.
		if _, show := b.page(t, path, b.mine); strings.Contains(show, `name="note"`) {
			t.Error("the note field shows while the region does not allow notes")
		}
		withNote := url.Values{"held_on": {today}, "format": {"in_person"}, "duration_minutes": {"60"}, "topics": {"everyday_life", "stigma"}, "note": {"Fika"}}
		if resp := b.post(t, path+"/meetings", withNote, b.mine); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a note while notes are off: %d, want 422", resp.StatusCode)
		}
		withNote.Del("note")
		if resp := b.post(t, path+"/meetings", withNote, b.mine); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("meeting: %d\n%s", resp.StatusCode, readAll(t, resp))
		}

		b.setNotes(t, true)
		_, show := b.page(t, path, b.mine)
		if !strings.Contains(show, `name="note"`) || !strings.Contains(show, b.tr(t, "mymatches.note_hint", nil)) {
			t.Errorf("the note field or its hint is missing while notes are allowed:\n%s", show)
		}
		in := apiMyMeetingInput{HeldOn: today, Format: "phone", DurationMinutes: 20, Topics: []string{"work_studies"}, Note: "Pratade om <jobbet>"}
		resp, created := b.call(t, b.mineToken, http.MethodPost, b.api+"/"+itoa(m.match.ID)+"/meetings", in)
		var got apiMyMeeting
		if err := json.Unmarshal([]byte(created), &got); err != nil || resp.StatusCode != http.StatusCreated ||
			got.Format != "phone" || got.Note != in.Note || len(got.Topics) != 1 || got.HeldOn != today {
			t.Fatalf("API meeting %d: %v\n%s", resp.StatusCode, err, created)
		}
		resp, bad := b.call(t, b.mineToken, http.MethodPost, b.api+"/"+itoa(m.match.ID)+"/meetings", apiMyMeetingInput{HeldOn: today, Format: "fax", DurationMinutes: 2})
		if e := errorJSON(t, bad); resp.StatusCode != http.StatusUnprocessableEntity || len(e.Fields) != 3 || e.Fields[0].Field != "format" {
			t.Errorf("refused API meeting %d: %s", resp.StatusCode, bad)
		}

		_, show = b.page(t, path, b.mine)
		show = show[strings.Index(show, `id="meetings"`):]
		for _, want := range []string{"Telefon", "Träff", "Vardagen, Stigma och bemötande", "Arbete och studier", "Pratade om &lt;jobbet&gt;", "60 min"} {
			if !strings.Contains(show, want) {
				t.Errorf("meetings table lacks %q", want)
			}
		}
		if strings.Index(show, "Arbete och studier") > strings.Index(show, "Vardagen, Stigma och bemötande") {
			t.Error("meetings are not newest first")
		}
		if entries, err := b.policy.Audit.Search(context.Background(), b.region.ID, tenants.AuditFilter{Action: "meeting.create"}); err != nil || len(entries) != 2 {
			t.Errorf("meeting.create logged %d times (%v), want 2", len(entries), err)
		}
		_, list := b.page(t, b.pages, b.mine)
		if !strings.Contains(list, `<td class="number">2</td><td>`+today+`</td>`) {
			t.Errorf("the list does not count 2 meetings, latest today:\n%s", list)
		}
	})
}

// TestMyMatchFollowUps: the baseline follow-up asks WHO-5 and PozQoL
// (HIV); a missing answer is refused on its item; recorded answers are
// scored and shown (WHO-5 3,3,2,4,3 is 60); a low WHO-5 is explained; a
// declined follow-up shows as declined; a follow-up cannot be recorded
// twice; without consent to follow-up there is no form.
func TestMyMatchFollowUps(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		b := setupMyMatches(t, db)
		today := todayInSweden().String()
		pozqol := func(v string) url.Values {
			f := url.Values{}
			for n := 1; n <= 13; n++ {
				f.Set(itemField(tenants.InstrumentPozQoL, n), v)
			}
			return f
		}

		m := b.match(t, "070-111 22 01")
		path := b.pages + "/" + itoa(m.match.ID)
		baseline := path + "/follow_ups/" + itoa(m.followUps[0].ID)
		_, show := b.page(t, path, b.mine)
		for _, want := range []string{
			`action="` + baseline + `"`, `action="` + baseline + `/decline"`,
			`<fieldset id="who5_3"`, `<legend>` + b.tr(t, "instrument.who5.item.3", nil) + `</legend>`,
			`name="who5_3" value="5"`, b.tr(t, "instrument.who5.answer.5", nil), `name="pozqol_13" value="1"`,
			b.tr(t, "instrument.pozqol.name", nil), `id="done_on" name="done_on" type="date" value="` + today + `"`,
		} {
			if !strings.Contains(show, want) {
				t.Errorf("follow-up form lacks %q", want)
			}
		}

		answers := pozqol("3")
		answers.Set("done_on", today)
		for n, v := range []string{"3", "3", "", "4", "3"} {
			if v != "" {
				answers.Set(itemField(tenants.InstrumentWHO5, n+1), v)
			}
		}
		resp := b.post(t, baseline, answers, b.mine)
		body := readAll(t, resp)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, b.tr(t, "field.who5_3", nil)+": ") ||
			!strings.Contains(body, `<fieldset id="who5_3" class="field field-invalid" aria-describedby="who5_3-error">`) ||
			!strings.Contains(body, `name="who5_4" value="4" checked="checked"`) {
			t.Fatalf("a missing answer: %d, want 422 on who5_3 with the answers kept\n%s", resp.StatusCode, body)
		}
		checkWellFormed(t, body)
		answers.Set("who5_3", "2")
		if resp := b.post(t, baseline, answers, b.mine); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("record: %d\n%s", resp.StatusCode, readAll(t, resp))
		}
		_, show = b.page(t, path, b.mine)
		if !strings.Contains(show, "60 av 100 (rå 15)") || !strings.Contains(show, "3 av 5 i medelvärde") || strings.Contains(show, `data-low="true"`) {
			t.Errorf("scores after recording:\n%s", show)
		}
		if strings.Contains(show, `action="`+baseline+`"`) {
			t.Error("the recorded follow-up still has a form")
		}
		if resp := b.post(t, baseline, answers, b.mine); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("recording twice: %d, want 422", resp.StatusCode)
		}

		// A low WHO-5 through the API, explained on the page.
		low := b.match(t, "070-111 22 02")
		in := apiMyFollowUpInput{DoneOn: today, Answers: apiMyAnswers{WHO5: []int{1, 1, 1, 1, 1}, PozQoL: []int{3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}}}
		resp, recorded := b.call(t, b.mineToken, http.MethodPost, b.api+"/"+itoa(low.match.ID)+"/follow_ups/"+itoa(low.followUps[0].ID), in)
		var fu apiMyFollowUp
		if err := json.Unmarshal([]byte(recorded), &fu); err != nil || resp.StatusCode != http.StatusOK || fu.Status != "completed" ||
			len(fu.Scores) != 2 || fu.Scores[0].Total != 20 || !fu.Scores[0].Low || fu.Scores[1].Instrument != "pozqol" || len(fu.Scores[1].Domains) != 4 {
			t.Fatalf("API record %d: %v\n%s", resp.StatusCode, err, recorded)
		}
		if _, show := b.page(t, b.pages+"/"+itoa(low.match.ID), b.mine); !strings.Contains(show, b.tr(t, "mymatches.who5_low", nil)) {
			t.Errorf("a low WHO-5 is not explained:\n%s", show)
		}

		// Declining, on the page and through the API.
		declined := b.match(t, "070-111 22 03")
		declinePath := b.pages + "/" + itoa(declined.match.ID) + "/follow_ups/" + itoa(declined.followUps[0].ID) + "/decline"
		resp = b.post(t, declinePath, nil, b.mine)
		if body := readAll(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#decline_done_on"`) {
			t.Errorf("decline without a date: %d, want 422 pointing at its date\n%s", resp.StatusCode, body)
		}
		if resp := b.post(t, declinePath, url.Values{"done_on": {today}}, b.mine); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("decline: %d\n%s", resp.StatusCode, readAll(t, resp))
		}
		if _, show := b.page(t, b.pages+"/"+itoa(declined.match.ID), b.mine); !strings.Contains(show, `data-status="declined">Avböjd`) {
			t.Errorf("the declined follow-up does not show as declined:\n%s", show)
		}
		apiDeclined := b.match(t, "070-111 22 04")
		resp, body = b.call(t, b.mineToken, http.MethodPost, b.api+"/"+itoa(apiDeclined.match.ID)+"/follow_ups/"+itoa(apiDeclined.followUps[0].ID)+"/decline", apiMyDoneInput{DoneOn: today})
		if err := json.Unmarshal([]byte(body), &fu); err != nil || resp.StatusCode != http.StatusOK || fu.Status != "declined" || fu.DoneOn != today || len(fu.Scores) != 0 {
			t.Errorf("API decline %d: %v\n%s", resp.StatusCode, err, body)
		}
		for action, want := range map[string]int{"followup.record": 2, "followup.decline": 2} {
			if entries, err := b.policy.Audit.Search(context.Background(), b.region.ID, tenants.AuditFilter{Action: action}); err != nil || len(entries) != want {
				t.Errorf("%s logged %d times (%v), want %d", action, len(entries), err, want)
			}
		}
	})
}

// TestMyMatchWithoutConsents: a participant who shares no contact data and
// did not consent to follow-up: the page says both, and offers no
// follow-up form; the API has no contact and no open follow-up.
func TestMyMatchWithoutConsents(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		b := setupMyMatches(t, db)
		n := sharingParticipant("")
		n.Contact, n.Consent.ShareContact, n.Consent.FollowUp = tenants.ParticipantContact{}, false, false
		m := matchPeer(t, b.signInBundle, b.peer, n)
		status, show := b.page(t, b.pages+"/"+itoa(m.match.ID), b.mine)
		if status != http.StatusOK || !strings.Contains(show, b.tr(t, "mymatches.no_contact", nil)) ||
			!strings.Contains(show, b.tr(t, "mymatches.no_follow_up_consent", nil)) || strings.Contains(show, "/follow_ups/") {
			t.Errorf("page without consents %d:\n%s", status, show)
		}
		_, body := b.call(t, b.mineToken, http.MethodGet, b.api+"/"+itoa(m.match.ID), nil)
		if strings.Contains(body, `"contact"`) || strings.Contains(body, `"open":true`) || !strings.Contains(body, `"follow_up_consent":false`) {
			t.Errorf("API without consents: %s", body)
		}
	})
}

// TestMyMatchAPIShapes: the API's answers fit the schemas the OpenAPI
// document gives them (closed objects, required fields): the list, one
// match with contact, meetings with notes and scored follow-ups.
func TestMyMatchAPIShapes(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		b := setupMyMatches(t, db)
		b.setNotes(t, true)
		m := b.match(t, testPhone)
		id := itoa(m.match.ID)
		today := todayInSweden().String()
		_, docBody := b.testBundle.get(t, "/api/openapi.json")
		doc, err := openapi3.NewLoader().LoadFromData([]byte(docBody))
		if err != nil {
			t.Fatal(err)
		}
		calls := []struct {
			method, path, route string
			body                any
			status              int
		}{
			{http.MethodPost, b.api + "/" + id + "/meetings", "/{id}/meetings",
				apiMyMeetingInput{HeldOn: today, Format: "video", DurationMinutes: 50, Topics: []string{"recovery", "community"}, Note: "Bra samtal"}, http.StatusCreated},
			{http.MethodPost, b.api + "/" + id + "/follow_ups/" + itoa(m.followUps[0].ID), "/{id}/follow_ups/{fid}",
				apiMyFollowUpInput{DoneOn: today, Answers: apiMyAnswers{WHO5: []int{3, 3, 2, 4, 3}, PozQoL: []int{5, 1, 1, 1, 5, 1, 1, 5, 1, 1, 1, 1, 5}}}, http.StatusOK},
			{http.MethodGet, b.api, "", nil, http.StatusOK},
			{http.MethodGet, b.api + "/" + id, "/{id}", nil, http.StatusOK},
		}
		var show apiMyMatch
		for _, c := range calls {
			resp, body := b.call(t, b.mineToken, c.method, c.path, c.body)
			if resp.StatusCode != c.status {
				t.Fatalf("%s %s: %d, want %d\n%s", c.method, c.path, resp.StatusCode, c.status, body)
			}
			op := doc.Paths.Find("/api/v1/regions/{region}/my/matches" + c.route).GetOperation(c.method)
			var data any
			if err := json.Unmarshal([]byte(body), &data); err != nil {
				t.Fatal(err)
			}
			if err := op.Responses.Status(c.status).Value.Content.Get("application/json").Schema.Value.VisitJSON(data); err != nil {
				t.Errorf("%s %s does not fit its schema: %v\n%s", c.method, c.path, err, body)
			}
			if c.route == "/{id}" {
				if err := json.Unmarshal([]byte(body), &show); err != nil {
					t.Fatal(err)
				}
			}
		}
		if show.Contact == nil || show.Contact.Details != testPhone || show.Contact.Alias != "Sara" || !show.NotesAllowed ||
			len(show.Meetings) != 1 || show.Meetings[0].Note != "Bra samtal" || len(show.Instruments) != 2 || show.Instruments[1].Items != 13 ||
			len(show.FollowUps) != 3 || show.FollowUps[0].Scores[0].Total != 60 || show.FollowUps[0].Scores[1].Total != 5 || show.FollowUps[1].Open {
			t.Errorf("API match: %+v", show)
		}
		resp, body := b.call(t, b.mineToken, http.MethodPost, b.api+"/"+id+"/follow_ups/"+itoa(m.followUps[1].ID), apiMyFollowUpInput{DoneOn: today, Answers: apiMyAnswers{WHO5: []int{9}}})
		if e := errorJSON(t, body); resp.StatusCode != http.StatusUnprocessableEntity || len(e.Fields) == 0 {
			t.Errorf("early follow-up with a short answer list: %d %s", resp.StatusCode, body)
		}
	})
}
