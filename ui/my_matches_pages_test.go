package ui

import (
	"context"
	"slices"
	"testing"

	"github.com/kamrat/kamrat/tenants"
)

// myMatchPageExamples are the peer supporter's match pages for the page
// tests.
func myMatchPageExamples(base basePage) map[string]page {
	empty := formSection{basePage: base, Form: form{Values: map[string]string{}}}
	radios := func(name, value, problem string) radioGroup {
		return radioGroup{Name: name, Legend: "Jag har känt mig glad <och> på gott humör", Value: value, Error: problem,
			Options: []option{{Value: "0", Label: "Vid inget tillfälle"}, {Value: "5", Label: "Hela tiden"}}}
	}
	show := myMatchPage{
		basePage: base, ListURL: "/r/skane/my/matches", URL: "/r/skane/my/matches/7",
		Match:   myMatchView{Code: "ABCDEFGH23", Since: "2026-10-01", Language: "svenska", TargetGroup: "Hiv"},
		Contact: &contactView{Alias: "Sara <S>", Method: "Telefon", Details: "070-123 45 67"},
		Meeting: formSection{basePage: base, Form: form{Values: map[string]string{"held_on": "2026-10-05"}}},
		Formats: radioGroup{Name: "format", Legend: "Form", Options: []option{{Value: "in_person", Label: "Träff"}, {Value: "phone", Label: "Telefon"}}},
		Topics: checkGroup{Name: "topics", Legend: "Ämnen", Hint: "Välj", Options: []checkOption{
			{Value: "everyday_life", Label: "Vardagen", Checked: true}, {Value: "stigma", Label: "Stigma och bemötande"}}},
		NotesAllowed:    true,
		Meetings:        []myMeetingRow{{HeldOn: "2026-10-03", Format: "Träff", Duration: "60 min", Topics: "Vardagen, Stigma", Note: "Fika <på> stan"}},
		FollowUpConsent: true,
		FollowUps: []myFollowUpRow{
			{Month: "Baslinje", DueOn: "2026-10-01", Status: "completed", StatusLabel: "Gjord", DoneOn: "2026-10-02",
				Scores: []scoreView{{Instrument: "WHO-5", Value: "40 av 100 (rå 10)", Low: true}, {Instrument: "PozQoL", Value: "3,5 av 5", Domains: []domainView{{Label: "Psykologisk", Score: "3,5"}, {Label: "Social", Score: "4"}}}}},
			{Month: "3 månader", DueOn: "2027-01-01", Status: "due", StatusLabel: "Att göra", DoneOn: "–", Overdue: true},
		},
		Open: &openFollowUp{
			Label: "3 månader, 2027-01-01", URL: "/r/skane/my/matches/7/follow_ups/9",
			Record: formSection{basePage: base, Form: form{Values: map[string]string{"done_on": "2026-12-20", "who5_1": "5"}}}, Decline: empty,
			Instruments: []instrumentFieldset{{Name: "who5", Title: "WHO-5", Preamble: "Under de senaste två veckorna …", Items: []radioGroup{radios("who5_1", "5", ""), radios("who5_2", "", "")}}},
		},
		Record: empty, Decline: empty,
	}
	refused := show
	refused.Contact, refused.NotesAllowed, refused.Open = nil, false, nil
	refused.Meeting = formSection{basePage: base, Form: refusedForm("held_on", "Datum: Datumet får inte ligga i framtiden.")}
	refused.Formats.Error = "Välj ett av alternativen."
	refused.Topics.Error = "Måste fyllas i."
	followUpRefused := show
	followUpRefused.Record = formSection{basePage: base, Form: refusedForm("who5_2", "WHO-5, fråga 2: Välj ett svar mellan 0 och 5.")}
	open := *show.Open
	open.Record = followUpRefused.Record
	open.Instruments = []instrumentFieldset{{Name: "who5", Title: "WHO-5", Preamble: "…", Error: "Besvara alla 5 frågorna.",
		Items: []radioGroup{radios("who5_1", "5", ""), radios("who5_2", "", "Välj ett svar mellan 0 och 5.")}}}
	followUpRefused.Open = &open
	followUpRefused.Decline = formSection{basePage: base, Form: declineSummary(refusedForm("done_on", "Datum: Måste fyllas i."))}
	noConsent := show
	noConsent.FollowUpConsent, noConsent.Open, noConsent.FollowUps, noConsent.Meetings = false, nil, nil, nil
	return map[string]page{
		"my matches": myMatchesPage{basePage: base, Linked: true, Matches: []myMatchRow{
			{URL: "/r/skane/my/matches/7", Code: "ABCDEFGH23", Since: "2026-10-01", Language: "svenska", Meetings: "2", LastMeeting: "2026-10-03", NextFollowUp: "3 månader, 2027-01-01", Overdue: true},
			{URL: "/r/skane/my/matches/8", Code: "KLMNPQRS45", Since: "2026-11-01", Language: "arabiska", Meetings: "0", LastMeeting: "–", NextFollowUp: "–"},
		}},
		"my matches empty":                   myMatchesPage{basePage: base, Linked: true},
		"my matches not linked":              myMatchesPage{basePage: base},
		"my match":                           show,
		"my match meeting refused":           refused,
		"my match follow-up refused":         followUpRefused,
		"my match without follow-up consent": noConsent,
	}
}

// myMatchFixtures adds a match of sb's peer supporter (and its follow-ups)
// to ids, for the route walk.
func myMatchFixtures(t *testing.T, sb *signInBundle, ids map[string]int64) {
	t.Helper()
	peer, err := tenants.NewPeerStore(sb.db, testSealer(t)).PeerByUser(context.Background(), sb.region.ID, sb.users[tenants.RolePeerSupporter].ID)
	if err != nil {
		t.Fatalf("sb's peer supporter has no peer (peerFixtures links one): %v", err)
	}
	m := matchPeer(t, sb, peer, sharingParticipant("070-222 33 44"))
	ids["matches"], ids["follow_ups"] = m.match.ID, m.followUps[0].ID
}

// peerMatchFixture is a running match of a peer.
type peerMatchFixture struct {
	peer      tenants.Peer
	match     tenants.Match
	code      string
	followUps []tenants.FollowUp
}

// sharingParticipant is an HIV participant who shares their alias and
// phone and consents to follow-up.
func sharingParticipant(phone string) tenants.NewParticipant {
	return tenants.NewParticipant{
		TargetGroup: tenants.TargetHIV, Language: "sv",
		Contact: tenants.ParticipantContact{Alias: "Sara", Method: tenants.ContactPhone, Details: phone},
		Consent: tenants.ConsentScopes{ShareContact: true, FollowUp: true, ExpiresOn: todayInSweden().AddMonths(12)},
	}
}

// matchPeer registers n at sb's clinic, refers them to the peer's
// organisation (made to serve the clinic and n's target group), which
// accepts, reaches them and matches them with the peer, made active first
// if need be.
func matchPeer(t *testing.T, sb *signInBundle, peer tenants.Peer, n tenants.NewParticipant) peerMatchFixture {
	t.Helper()
	ctx := context.Background()
	coordinator, staff := sb.users[tenants.RoleOrgCoordinator].ID, sb.users[tenants.RoleClinicStaff].ID
	unitID, orgID := *sb.membership(t, tenants.RoleClinicStaff).UnitID, peer.OrganisationID
	peers := tenants.NewPeerStore(sb.db, testSealer(t))
	for _, to := range []tenants.PeerStatus{tenants.PeerInTraining, tenants.PeerActive} {
		if peer.Status != tenants.PeerActive && peer.Status.CanBecome(to) {
			var err error
			if peer, err = peers.SetStatus(ctx, sb.region.ID, orgID, coordinator, peer.ID, to, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	orgs := tenants.NewOrganisationStore(sb.db)
	o, err := orgs.Organisation(ctx, sb.region.ID, orgID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(o.Focus, n.TargetGroup) {
		o.Focus = append(o.Focus, n.TargetGroup)
	}
	if _, err := orgs.Save(ctx, sb.region.ID, o, []int64{unitID}); err != nil {
		t.Fatal(err)
	}
	refs := tenants.NewReferralStore(sb.db, testSealer(t))
	p, err := refs.RegisterParticipant(ctx, sb.region.ID, unitID, staff, n)
	if err != nil {
		t.Fatal(err)
	}
	r, err := refs.Refer(ctx, sb.region.ID, unitID, staff, p.ID, orgID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := refs.Accept(ctx, sb.region.ID, orgID, coordinator, r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := refs.RecordContactAttempt(ctx, sb.region.ID, orgID, coordinator, r.ID,
		tenants.ContactAttempt{AttemptedOn: todayInSweden(), Method: tenants.ContactPhone, Reached: true}); err != nil {
		t.Fatal(err)
	}
	support := tenants.NewSupportStore(sb.db, testSealer(t))
	m, err := support.Match(ctx, sb.region.ID, orgID, coordinator, r.ID, peer.ID)
	if err != nil {
		t.Fatalf("match: %v", err)
	}
	pm, err := support.PeerMatch(ctx, sb.region.ID, peer.ID, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	return peerMatchFixture{peer: peer, match: m, code: p.Code, followUps: pm.FollowUps}
}
