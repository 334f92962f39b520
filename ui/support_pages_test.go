package ui

import "testing"

// supportPageExamples are the referral page's matching and support
// sections, for the page tests: a contacted referral with ranked peers
// and a refused choice, and a matched one with meetings, follow-ups and
// an earlier match.
func supportPageExamples(base basePage) map[string]page {
	empty := formSection{basePage: base, Form: form{Values: map[string]string{}}}
	show := referralPage{
		basePage: base, ListURL: "/r/skane/org/referrals", URL: "/r/skane/org/referrals/5",
		Referral: referralView{Code: "ABCDEFGH23", Unit: "Infektion", TargetGroup: "Hiv", Language: "arabiska", Preferences: "Man",
			Status: "contacted", StatusLabel: "Kontakt tagen", ReceivedOn: "2026-10-01", FirstContact: "2026-10-02", ConsentActive: true, FollowUp: true},
		CanAttempt: true, CanClose: true, CanWithdraw: true,
		Decline: empty, Attempt: empty, Close: empty, Reopen: empty, Withdraw: empty,
		Match: formSection{basePage: base, Form: refusedForm("peer_id", "Kamratstödjare: Kamratstödjaren har inte plats för fler (kapacitet 0).")},
		Matching: &matchingSection{Action: "/r/skane/org/referrals/5/match", Rows: []suggestionRow{
			{PeerID: 1, Name: "Yusuf <Y>", Languages: "svenska, arabiska", Free: 2, Capacity: 2,
				Fits: []string{"Talar deltagarens språk (arabiska)", "Har plats för fler"}},
			{PeerID: 2, Name: "Maria", Languages: "svenska", Free: 3, Capacity: 3,
				Fits: []string{"Har plats för fler"}, Misses: []string{"Talar inte deltagarens språk (arabiska)"}},
			{PeerID: 3, Name: "Pia", Languages: "svenska, arabiska", Capacity: 0, Full: true, Misses: []string{"Har inte plats för fler"}},
		}},
		ClosureReasons: []option{{Value: "goals_met", Label: "Målen nådda"}}, Methods: []option{{Value: "phone", Label: "Telefon"}},
	}
	matched := show
	matched.Referral.Status, matched.Referral.StatusLabel = "matched", "Matchad"
	matched.CanAttempt, matched.Match = false, empty
	matched.Matching = &matchingSection{Action: show.Matching.Action, Rows: []suggestionRow{
		{PeerID: 1, Name: "Yusuf", Languages: "svenska, arabiska", Free: 1, Capacity: 2, Current: true, Fits: []string{"Har plats för fler"}},
		{PeerID: 2, Name: "Maria", Languages: "svenska", Free: 3, Capacity: 3},
	}}
	matched.Support = &supportSection{
		Current:  &supportMatchRow{Peer: "Yusuf", From: "2026-10-05"},
		Earlier:  []supportMatchRow{{Peer: "Leila", From: "2026-10-03", To: "2026-10-05", EndReason: "Ny kamratstödjare"}},
		Meetings: []supportMeetingRow{{On: "2026-10-10", Format: "Telefon", Topics: "Vardagen, Stigma", Minutes: 45}},
		Minutes:  45,
		FollowUps: []supportFollowUpRow{
			{Month: "Baslinje", DueOn: "2026-10-05", Status: "completed", StatusLabel: "Gjord", DoneOn: "2026-10-06", Scores: []scoreView{
				{Instrument: "WHO-5", Value: "48 av 100 (rå 12)", Low: true},
				{Instrument: "PozQoL", Value: "3,25 av 5 i medelvärde", Domains: []domainView{{Label: "Psykologisk", Score: "3,5"}, {Label: "Social", Score: "3"}}},
			}},
			{Month: "3 månader", DueOn: "2027-01-05", Status: "due", StatusLabel: "Planerad"},
		},
	}
	closed := matched
	closed.Referral.Status, closed.Referral.StatusLabel = "closed", "Avslutad: Målen nådda"
	closed.CanClose, closed.CanReopen, closed.Matching = false, true, nil
	closed.Match = formSection{basePage: base, Form: refusedForm("status", "Status: Remissen kan inte ändras så.")}
	closed.Support = &supportSection{
		Earlier: []supportMatchRow{{Peer: "Yusuf", From: "2026-10-05", To: "2026-12-01", EndReason: "Remissen avslutades"}},
	}
	return map[string]page{
		"referral matching refused": show,
		"referral matched":          matched,
		"referral support ended":    closed,
	}
}

// supportFixtures adds what the coordinator's support routes need to ids:
// nothing, since they act on the referral of referralFixtures
// (ids["referrals"]), whose page and suggestions answer in any status.
// The referral is left as it is for the peer's side (myMatchFixtures).
func supportFixtures(t *testing.T, sb *signInBundle, ids map[string]int64) {
	t.Helper()
	if _, ok := ids["referrals"]; !ok {
		t.Fatal("supportFixtures needs referralFixtures' referral")
	}
}
