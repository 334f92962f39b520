package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// referralBundle is a region whose coordinator's organisation serves the
// clinic unit, with the clinic staff and the coordinator signed in and
// holding API tokens, and a coordinator of another organisation.
type referralBundle struct {
	*peerBundle
	clinic                 *http.Cookie
	clinicToken            string
	clinicPages, clinicAPI string
	orgPages, orgAPI       string
	unit                   int64
}

func setupReferrals(t *testing.T, db *tenants.DB) *referralBundle {
	t.Helper()
	pb := setupPeers(t, db)
	slug := pb.region.Slug
	rb := &referralBundle{
		peerBundle: pb, unit: *pb.membership(t, tenants.RoleClinicStaff).UnitID,
		clinicPages: "/r/" + slug + "/clinic", clinicAPI: "/api/v1/regions/" + slug + "/clinic",
		orgPages: "/r/" + slug + "/org/referrals", orgAPI: "/api/v1/regions/" + slug + "/org/referrals",
	}
	rb.clinic = sessionCookie(pb.signIn(t, "sub-clinic_staff"))
	_, tok, err := pb.policy.Tokens.Create(context.Background(), pb.region.ID, pb.users[tenants.RoleClinicStaff].ID, "x", nil)
	if err != nil {
		t.Fatal(err)
	}
	rb.clinicToken = tok
	orgs := tenants.NewOrganisationStore(pb.db)
	o, err := orgs.Organisation(context.Background(), pb.region.ID, pb.org)
	if err != nil {
		t.Fatal(err)
	}
	o.Focus = []tenants.TargetGroup{tenants.TargetHIV}
	if _, err := orgs.Save(context.Background(), pb.region.ID, o, []int64{rb.unit}); err != nil {
		t.Fatal(err)
	}
	return rb
}

const (
	testPhone = "070-765 43 21"
	testAlias = "Zlatana"
)

// referralForm is the clinic's form filled in for a consenting person who
// shares a phone number.
func (rb *referralBundle) referralForm(org int64) url.Values {
	return url.Values{
		"target_group": {"hiv"}, "consent_share_contact": {"1"}, "alias": {testAlias}, "contact_method": {"phone"},
		"contact_details": {testPhone}, "language": {"sv"}, "pref_gender": {"woman"}, "pref_languages": {"sv", "ar"},
		"consent_follow_up": {"1"}, "consent_expires_on": {todayInSweden().AddMonths(6).String()}, "organisation_id": {itoa(org)},
	}
}

func (rb *referralBundle) unitReferrals(t *testing.T) []tenants.ClinicReferral {
	t.Helper()
	list, err := rb.cfgReferrals(t).UnitReferrals(context.Background(), rb.region.ID, rb.unit)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func (rb *referralBundle) cfgReferrals(t *testing.T) *tenants.ReferralStore {
	return tenants.NewReferralStore(rb.db, testSealer(t))
}

func (rb *referralBundle) audited(t *testing.T, action string) []tenants.AuditEntry {
	t.Helper()
	entries, err := rb.policy.Audit.Search(context.Background(), rb.region.ID, tenants.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// TestReferralPathway: the clinic registers and refers a consenting person
// on its page; the coordinator finds the referral in the inbox without
// contact data, opens it (contact shown, read logged), accepts and records
// contact; the clinic's page and JSON then show "contacted" and no contact
// data; the other organisation's coordinator finds nothing.
func TestReferralPathway(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		rb := setupReferrals(t, db)
		resp := rb.post(t, rb.clinicPages+"/referrals", rb.referralForm(rb.org), rb.clinic)
		if body := readAll(t, resp); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("refer: %d\n%s", resp.StatusCode, body)
		}
		list := rb.unitReferrals(t)
		if len(list) != 1 || list[0].Status != tenants.ReferralReceived {
			t.Fatalf("unit referrals: %+v", list)
		}
		code, id := list[0].Code, list[0].ID
		refPath := rb.orgPages + "/" + itoa(id)

		status, inbox := rb.page(t, rb.orgPages, rb.coordinator)
		if status != http.StatusOK || !strings.Contains(inbox, code) || strings.Contains(inbox, testPhone) || strings.Contains(inbox, testAlias) {
			t.Fatalf("inbox %d: code shown %v, contact shown %v", status, strings.Contains(inbox, code), strings.Contains(inbox, testPhone))
		}
		_, apiInbox := rb.call(t, rb.token, http.MethodGet, rb.orgAPI, nil)
		if strings.Contains(apiInbox, testPhone) || strings.Contains(apiInbox, testAlias) || !strings.Contains(apiInbox, code) {
			t.Fatalf("API inbox carries contact data or lacks the code: %s", apiInbox)
		}
		status, show := rb.page(t, refPath, rb.coordinator)
		if status != http.StatusOK || !strings.Contains(show, testPhone) || !strings.Contains(show, testAlias) {
			t.Fatalf("referral page %d without the consented contact data:\n%s", status, show)
		}
		if reads := rb.audited(t, "participant.read"); len(reads) != 1 || reads[0].Subject != "participant "+code || reads[0].ObjectID != itoa(id) {
			t.Fatalf("reads logged: %+v", reads)
		}

		for _, step := range []struct {
			path string
			form url.Values
		}{
			{"/accept", nil},
			{"/contact_attempts", url.Values{"attempted_on": {todayInSweden().String()}, "method": {"phone"}}},
			{"/contact_attempts", url.Values{"attempted_on": {todayInSweden().String()}, "method": {"sms"}, "reached": {"1"}}},
		} {
			if resp := rb.post(t, refPath+step.path, step.form, rb.coordinator); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: %d\n%s", step.path, resp.StatusCode, readAll(t, resp))
			}
		}
		resp, body := rb.call(t, rb.token, http.MethodGet, rb.orgAPI+"/"+itoa(id), nil)
		var got apiOrgReferral
		if err := json.Unmarshal([]byte(body), &got); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("API referral %d: %v\n%s", resp.StatusCode, err, body)
		}
		if got.Status != "contacted" || got.FirstContactOn != todayInSweden().String() || len(got.ContactAttempts) != 2 ||
			got.Contact == nil || got.Contact.Details != testPhone || len(got.History) != 3 {
			t.Fatalf("API referral: %+v", got)
		}

		status, clinicPage := rb.page(t, rb.clinicPages+"/referrals", rb.clinic)
		_, clinicJSON := rb.call(t, rb.clinicToken, http.MethodGet, rb.clinicAPI+"/referrals", nil)
		if status != http.StatusOK || !strings.Contains(clinicPage, `data-status="contacted"`) || !strings.Contains(clinicJSON, `"status":"contacted"`) {
			t.Fatalf("clinic does not see contacted: %d\n%s\n%s", status, clinicPage, clinicJSON)
		}
		for _, secret := range []string{testPhone, "0707654321", testAlias} {
			if strings.Contains(clinicPage, secret) || strings.Contains(clinicJSON, secret) {
				t.Errorf("the clinic sees %q", secret)
			}
		}

		// Another organisation's coordinator finds nothing, and changes nothing.
		if status, _ := rb.page(t, refPath, rb.otherCoor); status != http.StatusNotFound {
			t.Errorf("other coordinator's page: %d, want 404", status)
		}
		if resp, _ := rb.call(t, rb.otherToken, http.MethodGet, rb.orgAPI+"/"+itoa(id), nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("other coordinator's API: %d, want 404", resp.StatusCode)
		}
		if resp := rb.post(t, refPath+"/close", url.Values{"reason": {"goals_met"}}, rb.otherCoor); resp.StatusCode != http.StatusNotFound {
			t.Errorf("other coordinator's close: %d, want 404", resp.StatusCode)
		}
		if _, other := rb.page(t, rb.orgPages, rb.otherCoor); strings.Contains(other, code) {
			t.Error("the other organisation's inbox lists the referral")
		}
		if l := rb.unitReferrals(t); l[0].Status != tenants.ReferralContacted {
			t.Errorf("status after the other coordinator: %s", l[0].Status)
		}
	})
}

// TestReferralContactOnlyWithConsent: a person who does not share contact
// data is referred through the API; the coordinator sees no contact data
// on the page or in the JSON.
func TestReferralContactOnlyWithConsent(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		rb := setupReferrals(t, db)
		in := apiReferralInput{
			TargetGroup: "hiv", Language: "sv", OrganisationID: rb.org,
			Consent: apiConsent{FollowUp: true, ExpiresOn: todayInSweden().AddMonths(6).String()},
		}
		resp, body := rb.call(t, rb.clinicToken, http.MethodPost, rb.clinicAPI+"/referrals", in)
		var ref apiClinicReferral
		if err := json.Unmarshal([]byte(body), &ref); err != nil || resp.StatusCode != http.StatusCreated || ref.Status != "received" {
			t.Fatalf("API refer %d: %v\n%s", resp.StatusCode, err, body)
		}
		for _, k := range []string{"contact", "alias", "details", "phone", "email"} {
			if strings.Contains(body, `"`+k) {
				t.Errorf("the clinic's JSON has %q: %s", k, body)
			}
		}
		_, show := rb.page(t, rb.orgPages+"/"+itoa(ref.ID), rb.coordinator)
		if !strings.Contains(show, rb.translator(t).Translate("sv", "referrals.no_contact", nil)) {
			t.Errorf("page without consent does not say so:\n%s", show)
		}
		_, js := rb.call(t, rb.token, http.MethodGet, rb.orgAPI+"/"+itoa(ref.ID), nil)
		if strings.Contains(js, `"contact"`) {
			t.Errorf("API shows contact without consent: %s", js)
		}
	})
}

func (rb *referralBundle) translator(t *testing.T) *Translator {
	t.Helper()
	tr, err := NewTranslator()
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestConsentWithdrawal: the clinic withdraws consent on the person's
// request; the contact data is gone from the database, the referral is
// closed, an audit row is written; a second withdrawal is refused; the
// organisation side withdraws through the API the same way.
func TestConsentWithdrawal(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		rb := setupReferrals(t, db)
		ctx := context.Background()
		p, ref := referFixture(t, rb.signInBundle, "070-222 33 44")
		path := rb.clinicPages + "/participants/" + itoa(p.ID) + "/withdrawal"

		// Coordinators have consent update too, but not at a unit.
		if resp := rb.post(t, path, nil, rb.coordinator); resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "/org/referrals") {
			t.Fatalf("coordinator at the unit's withdrawal: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp := rb.post(t, path, nil, rb.clinic); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdraw: %d\n%s", resp.StatusCode, readAll(t, resp))
		}
		var enc *string
		if err := db.InTenant(ctx, rb.region.ID, func(tx *tenants.Tx) error {
			return tx.NewSelect().Table("participants").Column("contact_enc").Where("tenant_id = ? AND id = ?", rb.region.ID, p.ID).Scan(ctx, &enc)
		}); err != nil {
			t.Fatal(err)
		}
		if enc != nil {
			t.Errorf("contact_enc after withdrawal: %q", *enc)
		}
		if l := rb.unitReferrals(t); l[0].Status != tenants.ReferralClosed {
			t.Errorf("referral after withdrawal: %s", l[0].Status)
		}
		if rows := rb.audited(t, "consent.withdraw"); len(rows) != 1 || rows[0].Subject != "participant "+p.Code {
			t.Errorf("withdrawal audit: %+v", rows)
		}
		_, show := rb.page(t, rb.orgPages+"/"+itoa(ref.ID), rb.coordinator)
		if strings.Contains(show, "070-222 33 44") {
			t.Error("the coordinator still sees the contact data")
		}
		resp := rb.post(t, path, nil, rb.clinic)
		if body := readAll(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Samtycket är redan återkallat.") {
			t.Errorf("second withdrawal: %d\n%s", resp.StatusCode, body)
		}

		p2, ref2 := referFixture(t, rb.signInBundle, "070-555 66 77")
		resp, body := rb.call(t, rb.token, http.MethodPost, rb.orgAPI+"/"+itoa(ref2.ID)+"/withdrawal", nil)
		var w apiWithdrawal
		if err := json.Unmarshal([]byte(body), &w); err != nil || resp.StatusCode != http.StatusOK || w.Code != p2.Code ||
			w.Side != "organisation" || len(w.ClosedReferralIDs) != 1 || w.ClosedReferralIDs[0] != ref2.ID {
			t.Fatalf("API withdrawal %d: %v %+v", resp.StatusCode, err, w)
		}
		if rows := rb.audited(t, "consent.withdraw"); len(rows) != 2 {
			t.Errorf("withdrawal audit rows: %d, want 2", len(rows))
		}
	})
}

// TestReferralRefusals: bad input is refused with specific messages and
// changes nothing.
func TestReferralRefusals(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		rb := setupReferrals(t, db)
		for _, tc := range []struct {
			name string
			edit func(url.Values)
			want string
		}{
			{"contact without consent", func(v url.Values) { v.Del("consent_share_contact") }, "Kontaktuppgifter sparas bara när personen samtycker"},
			{"bad phone", func(v url.Values) { v.Set("contact_details", "ring mig") }, "Telefonnummer, e-postadress eller postadress:"},
			{"expiry in the past", func(v url.Values) { v.Set("consent_expires_on", "2020-01-01") }, "Samtycket ska gälla till ett datum efter i dag"},
			{"organisation not serving", func(v url.Values) { v.Set("organisation_id", itoa(rb.otherOrg)) }, "Organisationen tar inte emot remisser från den här enheten"},
			{"organisation's focus", func(v url.Values) { v.Set("target_group", "psychiatry") }, "Organisationen arbetar inte med personens målgrupp"},
			{"no organisation", func(v url.Values) { v.Del("organisation_id") }, "Organisation"},
		} {
			form := rb.referralForm(rb.org)
			tc.edit(form)
			resp := rb.post(t, rb.clinicPages+"/referrals", form, rb.clinic)
			body := readAll(t, resp)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
				t.Errorf("%s: %d, want 422 with %q\n%s", tc.name, resp.StatusCode, tc.want, body)
			}
		}
		if l := rb.unitReferrals(t); len(l) != 0 {
			t.Fatalf("refused forms stored referrals: %+v", l)
		}
		var n int64
		if err := db.InTenant(context.Background(), rb.region.ID, func(tx *tenants.Tx) error {
			var err error
			n, err = tx.NewSelect().Table("participants").Where("tenant_id = ?", rb.region.ID).Count(context.Background())
			return err
		}); err != nil || n != 0 {
			t.Fatalf("refused forms stored %d participants (%v)", n, err)
		}

		_, ref := referFixture(t, rb.signInBundle, "070-999 88 77")
		refPath := rb.orgPages + "/" + itoa(ref.ID)
		for _, tc := range []struct {
			name, path string
			form       url.Values
			want       string
		}{
			{"decline without reason", "/decline", url.Values{"reason": {""}}, "Skäl"},
			{"close a received referral", "/close", url.Values{"reason": {"goals_met"}}, "Remissen kan inte ändras så."},
			{"attempt before accepting", "/contact_attempts", url.Values{"attempted_on": {todayInSweden().String()}, "method": {"phone"}}, "Remissen kan inte ändras så."},
			{"reopen without a note", "/reopen", url.Values{"note": {" "}}, "Måste fyllas i."},
		} {
			resp := rb.post(t, refPath+tc.path, tc.form, rb.coordinator)
			body := readAll(t, resp)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
				t.Errorf("%s: %d, want 422 with %q\n%s", tc.name, resp.StatusCode, tc.want, body)
			}
		}
		rb.post(t, refPath+"/accept", nil, rb.coordinator).Body.Close()
		resp, body := rb.call(t, rb.token, http.MethodPost, rb.orgAPI+"/"+itoa(ref.ID)+"/contact_attempts",
			apiAttemptInput{AttemptedOn: todayInSweden().AddDays(3).String(), Method: "pigeon"})
		if e := errorJSON(t, body); resp.StatusCode != http.StatusUnprocessableEntity || len(e.Fields) != 2 || e.Fields[0].Field != "attempted_on" || e.Fields[1].Field != "method" {
			t.Errorf("bad attempt: %d %+v", resp.StatusCode, e)
		}
		got, err := rb.cfgReferrals(t).ContactAttempts(context.Background(), rb.region.ID, rb.org, ref.ID)
		if err != nil || len(got) != 0 {
			t.Errorf("refused attempts stored: %v %v", got, err)
		}
		if l := rb.unitReferrals(t); l[0].Status != tenants.ReferralAccepted {
			t.Errorf("status after refusals: %s", l[0].Status)
		}
	})
}
