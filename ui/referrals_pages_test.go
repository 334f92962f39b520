package ui

import (
	"context"
	"testing"

	"github.com/kamrat/kamrat/tenants"
)

// referralPageExamples are the participant and referral pages for
// TestEveryPageRendersInEveryLanguage.
func referralPageExamples(base basePage) map[string]page {
	checks := func(name string) checkGroup {
		return checkGroup{Name: name, Legend: "Språk", Hint: "Hint", Options: []checkOption{{Value: "sv", Label: "svenska", Checked: true}, {Value: "ar", Label: "arabiska"}}}
	}
	empty := formSection{basePage: base, Form: form{Values: map[string]string{}}}
	clinic := clinicReferralsPage{
		basePage: base, Action: "/r/skane/clinic/referrals", Form: form{Values: map[string]string{"consent_share_contact": "1", "language": "sv"}},
		TargetGroups: []option{{Value: "hiv", Label: "Hiv"}}, Methods: []option{{Value: "phone", Label: "Telefon"}},
		Languages: []option{{Value: "sv", Label: "svenska"}}, Genders: []option{{Value: "", Label: "Inget önskemål"}}, AgeBands: []option{{Value: "", Label: "Inget önskemål"}},
		PrefLangs: checks("pref_languages"), PrefAreas: checks("pref_experience"), Orgs: []option{{Value: "3", Label: "Noaks Ark (Hiv)"}},
		Referrals: []clinicReferralRow{
			{Code: "ABCDEFGH23", Organisation: "Noaks <Ark>", Status: "declined", StatusLabel: "Avböjd: Ingen plats just nu", ReferredOn: "2026-10-01", ChangedOn: "2026-10-02", WithdrawURL: "/r/skane/clinic/participants/4/withdrawal"},
		},
		Withdrawal: empty, Registered: "ABCDEFGH23",
	}
	refused := clinic
	refused.Form = refusedForm("contact", "Kontaktuppgifter sparas bara när personen samtycker.")
	refused.Withdrawal = formSection{basePage: base, Form: refusedForm("participant_id", "Deltagare: Samtycket är redan återkallat.")}
	refused.Referrals, refused.Registered = nil, ""
	show := referralPage{
		basePage: base, ListURL: "/r/skane/org/referrals", URL: "/r/skane/org/referrals/5",
		Referral: referralView{Code: "ABCDEFGH23", Unit: "Infektion", TargetGroup: "Hiv", Language: "svenska", Preferences: "Kvinna; 30–44 år",
			Status: "received", StatusLabel: "Mottagen", ReceivedOn: "2026-10-01", FirstContact: "–", ConsentActive: true, FollowUp: true},
		Contact:   &contactView{Alias: "Sara <S>", Method: "Telefon", Details: "070-123 45 67"},
		CanAccept: true, CanWithdraw: true, Decline: empty, Attempt: empty, Close: empty, Reopen: empty, Withdraw: empty,
		DeclineReasons: []option{{Value: "no_capacity", Label: "Ingen plats"}}, ClosureReasons: []option{{Value: "goals_met", Label: "Målen nådda"}},
		Methods: []option{{Value: "phone", Label: "Telefon"}},
		History: []referralEventRow{{At: "2026-10-01 10:00", By: "Kim", Change: "Remitterad som Mottagen"}},
	}
	working := show
	working.Contact, working.CanAccept, working.CanAttempt, working.CanClose = nil, false, true, true
	working.Attempt = formSection{basePage: base, Form: refusedForm("attempted_on", "Datum: Datumet kan inte vara före remissen.")}
	working.Attempts = []attemptRow{{On: "2026-10-03", Method: "Telefon"}, {On: "2026-10-04", Method: "Sms", Reached: true}}
	closed := show
	closed.CanAccept, closed.CanReopen, closed.CanWithdraw, closed.Contact = false, true, false, nil
	closed.Reopen = formSection{basePage: base, Form: refusedForm("note", "Kommentar: Måste fyllas i.")}
	return map[string]page{
		"clinic referrals":         clinic,
		"clinic referrals refused": refused,
		"referral inbox": referralInboxPage{basePage: base, Referrals: []inboxRow{
			{URL: "/r/skane/org/referrals/5", Code: "ABCDEFGH23", Unit: "Infektion", TargetGroup: "Hiv", Language: "svenska", Preferences: "Inga önskemål", Status: "received", StatusLabel: "Mottagen", ReceivedOn: "2026-10-01", Open: true},
		}},
		"referral inbox empty":    referralInboxPage{basePage: base},
		"referral received":       show,
		"referral being worked":   working,
		"referral closed refused": closed,
	}
}

// referralFixtures adds a participant and a referral (from sb's clinic to
// sb's coordinator's organisation) to ids, for the route walk.
func referralFixtures(t *testing.T, sb *signInBundle, ids map[string]int64) {
	t.Helper()
	p, r := referFixture(t, sb, "070-111 22 33")
	ids["participants"], ids["referrals"] = p.ID, r.ID
}

// referFixture makes sb's coordinator's organisation serve sb's clinic
// unit and HIV, and refers a participant of the unit who shares phone with
// the organisation.
func referFixture(t *testing.T, sb *signInBundle, phone string) (tenants.Participant, tenants.ClinicReferral) {
	t.Helper()
	ctx := context.Background()
	unitID := *sb.membership(t, tenants.RoleClinicStaff).UnitID
	orgID := *sb.membership(t, tenants.RoleOrgCoordinator).OrganisationID
	orgs := tenants.NewOrganisationStore(sb.db)
	o, err := orgs.Organisation(ctx, sb.region.ID, orgID)
	if err != nil {
		t.Fatal(err)
	}
	o.Focus = []tenants.TargetGroup{tenants.TargetHIV}
	if _, err := orgs.Save(ctx, sb.region.ID, o, []int64{unitID}); err != nil {
		t.Fatal(err)
	}
	refs := tenants.NewReferralStore(sb.db, testSealer(t))
	staff := sb.users[tenants.RoleClinicStaff].ID
	p, err := refs.RegisterParticipant(ctx, sb.region.ID, unitID, staff, tenants.NewParticipant{
		TargetGroup: tenants.TargetHIV, Language: "sv",
		Contact: tenants.ParticipantContact{Alias: "Sara", Method: tenants.ContactPhone, Details: phone},
		Consent: tenants.ConsentScopes{ShareContact: true, FollowUp: true, ExpiresOn: todayInSweden().AddMonths(12)},
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := refs.Refer(ctx, sb.region.ID, unitID, staff, p.ID, orgID)
	if err != nil {
		t.Fatal(err)
	}
	return p, r
}
