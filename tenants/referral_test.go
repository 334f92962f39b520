package tenants_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// pathwayFixture is a region with two units and four organisations —
// A and B serve the clinic and work with HIV, Psych serves it but works
// with psychiatry, Far works with HIV but does not serve it — and another
// region.
type pathwayFixture struct {
	db                 *tenants.DB
	refs               *tenants.ReferralStore
	a, b               tenants.Tenant
	clinic, other      tenants.Unit
	orgA, orgB, psych  tenants.Organisation
	far                tenants.Organisation
	nurse, coordinator int64
}

func newPathwayFixture(t *testing.T, db *tenants.DB) pathwayFixture {
	t.Helper()
	ctx := context.Background()
	f := pathwayFixture{db: db, refs: tenants.NewReferralStore(db, testSealer(t)), a: tenanttest.Tenant(t, db), b: tenanttest.Tenant(t, db)}
	units := tenants.NewUnitStore(db)
	var err error
	if f.clinic, err = units.Create(ctx, f.a.ID, tenants.Unit{Name: "Infektionsmottagningen Malmö", Kind: tenants.UnitInfectionClinic, Active: true}); err != nil {
		t.Fatal(err)
	}
	if f.other, err = units.Create(ctx, f.a.ID, tenants.Unit{Name: "Infektionsmottagningen Lund", Kind: tenants.UnitInfectionClinic, Active: true}); err != nil {
		t.Fatal(err)
	}
	orgs := tenants.NewOrganisationStore(db)
	for _, o := range []struct {
		dst   *tenants.Organisation
		name  string
		focus tenants.TargetGroup
		serve []int64
	}{
		{&f.orgA, "Positiva gruppen Syd", tenants.TargetHIV, []int64{f.clinic.ID}},
		{&f.orgB, "Noaks Ark", tenants.TargetHIV, []int64{f.clinic.ID, f.other.ID}},
		{&f.psych, "NSPH Skåne", tenants.TargetPsychiatry, []int64{f.clinic.ID}},
		{&f.far, "Hiv-Sverige", tenants.TargetHIV, []int64{f.other.ID}},
	} {
		if *o.dst, err = orgs.Save(ctx, f.a.ID, tenants.Organisation{Name: o.name, Kind: tenants.OrgPatient, Focus: []tenants.TargetGroup{o.focus}, Active: true}, o.serve); err != nil {
			t.Fatal(err)
		}
	}
	ids := tenants.NewIdentityStore(db)
	for _, u := range []struct {
		dst   *int64
		email string
	}{{&f.nurse, "nurse@skane.se"}, {&f.coordinator, "kim@pgs.se"}} {
		user, err := ids.CreateUser(ctx, tenants.User{Email: u.email, DisplayName: u.email})
		if err != nil {
			t.Fatal(err)
		}
		*u.dst = user.ID
	}
	return f
}

// ahmed is a consenting participant who shares an SMS number.
func ahmed() tenants.NewParticipant {
	return tenants.NewParticipant{
		TargetGroup: tenants.TargetHIV,
		Contact:     tenants.ParticipantContact{Alias: " Ahmed ", Method: tenants.ContactSMS, Details: "070-111 22 33"},
		Language:    "ar",
		Preferences: tenants.MatchPreferences{Gender: tenants.GenderMan, Languages: []string{"sv", "ar"}, Experience: []tenants.ExperienceArea{tenants.ExperienceHIV}},
		Consent:     tenants.ConsentScopes{ShareContact: true, FollowUp: true, ExpiresOn: tenants.Today(time.Now()).AddMonths(12)},
	}
}

func (f pathwayFixture) participant(t *testing.T, n tenants.NewParticipant) tenants.Participant {
	t.Helper()
	p, err := f.refs.RegisterParticipant(context.Background(), f.a.ID, f.clinic.ID, f.nurse, n)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// raw reads one value straight from the database, as the application role.
func (f pathwayFixture) raw(t *testing.T, dst any, query string, args ...any) {
	t.Helper()
	ctx := context.Background()
	if err := f.db.InTenantReadOnly(ctx, f.a.ID, func(tx *tenants.Tx) error {
		return tx.NewRaw(query, args...).Scan(ctx, dst)
	}); err != nil {
		t.Fatal(err)
	}
}

// TestParticipantRegistration: codes are random and distinct, contact data
// is sealed in the database, and refusals name the field and store nothing.
func TestParticipantRegistration(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newPathwayFixture(t, db)
		codeRE := regexp.MustCompile(`^[2-9A-HJKMNP-TV-Z]{10}$`)
		seen := map[string]bool{}
		for range 20 {
			p := f.participant(t, ahmed())
			if !codeRE.MatchString(p.Code) || seen[p.Code] {
				t.Fatalf("code %q: want 10 unambiguous symbols, unique", p.Code)
			}
			seen[p.Code] = true
		}
		p := f.participant(t, ahmed())
		var sealed sql.NullString
		f.raw(t, &sealed, "SELECT contact_enc FROM participants WHERE tenant_id = ? AND id = ?", f.a.ID, p.ID)
		if !sealed.Valid || !strings.HasPrefix(sealed.String, "v1:") || strings.Contains(sealed.String, "111") || strings.Contains(sealed.String, "Ahmed") {
			t.Fatalf("contact_enc %q, want sealed", sealed.String)
		}

		noShare := ahmed()
		noShare.Consent.ShareContact = false
		badContact := ahmed()
		badContact.Contact.Details = "not a number"
		badEverything := tenants.NewParticipant{Language: "xx", Consent: tenants.ConsentScopes{ShareContact: true, ExpiresOn: tenants.Today(time.Now())}}
		for _, c := range []struct {
			name string
			in   tenants.NewParticipant
			want []string
		}{
			{"contact without consent to share it", noShare, []string{"contact:validation.contact_without_consent"}},
			{"bad phone", badContact, []string{"contact_details:validation.phone"}},
			{"everything wrong", badEverything, []string{"target_group:validation.choice", "alias:validation.required", "contact_method:validation.choice",
				"language:validation.peer_language", "consent_expires_on:validation.consent_expiry"}},
		} {
			_, err := f.refs.RegisterParticipant(ctx, f.a.ID, f.clinic.ID, f.nurse, c.in)
			wantFields(t, c.name, err, c.want...)
		}
		_, err := f.refs.RegisterParticipant(ctx, f.b.ID, f.clinic.ID, f.nurse, ahmed())
		wantNotFound(t, "another region's unit", err)
		var n int
		f.raw(t, &n, "SELECT count(*) FROM participants WHERE tenant_id = ?", f.a.ID)
		if n != 21 {
			t.Fatalf("%d participants after refusals, want 21", n)
		}
	})
}

// TestReferralLifecycle: a referral goes from the unit to the organisation's
// inbox and through accept, contact, closure and reopening; the unit sees
// status only; other organisations and regions see nothing.
func TestReferralLifecycle(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newPathwayFixture(t, db)
		p := f.participant(t, ahmed())

		for _, c := range []struct {
			name  string
			orgID int64
			want  string
		}{
			{"organisation not serving the unit", f.far.ID, "organisation_id:validation.organisation_not_serving"},
			{"organisation of another target group", f.psych.ID, "organisation_id:validation.organisation_focus"},
			{"no such organisation", 999999, "organisation_id:validation.scope_organisation"},
		} {
			_, err := f.refs.Refer(ctx, f.a.ID, f.clinic.ID, f.nurse, p.ID, c.orgID)
			wantFields(t, c.name, err, c.want)
		}
		_, err := f.refs.Refer(ctx, f.a.ID, f.other.ID, f.nurse, p.ID, f.orgB.ID)
		wantNotFound(t, "another unit's participant", err)

		cr, err := f.refs.Refer(ctx, f.a.ID, f.clinic.ID, f.nurse, p.ID, f.orgA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cr.Code != p.Code || cr.Status != tenants.ReferralReceived || cr.OrganisationName != "Positiva gruppen Syd" || cr.ReferredOn.IsZero() {
			t.Fatalf("clinic referral %+v", cr)
		}
		_, err = f.refs.Refer(ctx, f.a.ID, f.clinic.ID, f.nurse, p.ID, f.orgB.ID)
		wantFields(t, "second running referral", err, "participant_id:validation.referral_open")

		page, err := f.refs.Inbox(ctx, f.a.ID, f.orgA.ID, 0, 0)
		inbox := page.Referrals
		if err != nil || len(inbox) != 1 || page.Total != 1 || page.Open != 1 || inbox[0].Code != p.Code || inbox[0].Contact != nil || inbox[0].UnitName != f.clinic.Name {
			t.Fatalf("inbox %+v (%v), want the referral without contact data", page, err)
		}
		if list, err := f.refs.Inbox(ctx, f.a.ID, f.orgB.ID, 0, 0); err != nil || len(list.Referrals) != 0 || list.Total != 0 {
			t.Fatalf("organisation B's inbox %+v (%v), want empty", list, err)
		}
		one, err := f.refs.OrganisationReferral(ctx, f.a.ID, f.orgA.ID, cr.ID)
		if err != nil || one.Contact == nil || *one.Contact != (tenants.ParticipantContact{Alias: "Ahmed", Method: tenants.ContactSMS, Details: "070-111 22 33"}) ||
			one.Language != "ar" || !one.ConsentFollowUp {
			t.Fatalf("organisation's referral %+v (%v), want contact data", one, err)
		}
		_, err = f.refs.OrganisationReferral(ctx, f.a.ID, f.orgB.ID, cr.ID)
		wantNotFound(t, "another organisation's referral", err)
		_, err = f.refs.OrganisationReferral(ctx, f.b.ID, f.orgA.ID, cr.ID)
		wantNotFound(t, "the referral from another region", err)
		_, err = f.refs.Accept(ctx, f.a.ID, f.orgB.ID, f.coordinator, cr.ID)
		wantNotFound(t, "accept another organisation's referral", err)

		_, err = f.refs.Close(ctx, f.a.ID, f.orgA.ID, f.coordinator, cr.ID, tenants.ClosureGoalsMet)
		wantFields(t, "close a received referral", err, "status:validation.referral_transition")
		if _, err := f.refs.Accept(ctx, f.a.ID, f.orgA.ID, f.coordinator, cr.ID); err != nil {
			t.Fatal(err)
		}
		today := tenants.Today(time.Now())
		r, err := f.refs.RecordContactAttempt(ctx, f.a.ID, f.orgA.ID, f.coordinator, cr.ID, tenants.ContactAttempt{AttemptedOn: today, Method: tenants.ContactPhone})
		if err != nil || r.Status != tenants.ReferralAccepted || !r.FirstContactOn.IsZero() {
			t.Fatalf("unanswered attempt: %+v (%v)", r, err)
		}
		_, err = f.refs.RecordContactAttempt(ctx, f.a.ID, f.orgA.ID, f.coordinator, cr.ID, tenants.ContactAttempt{AttemptedOn: today.AddDays(-30), Method: "pigeon"})
		wantFields(t, "attempt before the referral by pigeon", err, "attempted_on:validation.before_referral", "method:validation.choice")
		r, err = f.refs.RecordContactAttempt(ctx, f.a.ID, f.orgA.ID, f.coordinator, cr.ID, tenants.ContactAttempt{AttemptedOn: today, Method: tenants.ContactSMS, Reached: true})
		if err != nil || r.Status != tenants.ReferralContacted || r.FirstContactOn != today {
			t.Fatalf("reached: %+v (%v)", r, err)
		}
		if list, err := f.refs.ContactAttempts(ctx, f.a.ID, f.orgA.ID, cr.ID); err != nil || len(list) != 2 {
			t.Fatalf("attempts %+v (%v), want 2", list, err)
		}
		// The page's one read: the referral, its attempts and its history.
		rec, err := f.refs.Record(ctx, f.a.ID, f.orgA.ID, cr.ID)
		if err != nil || rec.ID != cr.ID || len(rec.Attempts) != 2 || len(rec.History) < 3 || rec.History[len(rec.History)-1].To != tenants.ReferralContacted {
			t.Fatalf("record: %+v (%v)", rec, err)
		}
		if _, err := f.refs.Record(ctx, f.a.ID, f.orgB.ID, cr.ID); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("another organisation's record: %v, want ErrNotFound", err)
		}
		if _, err := f.refs.Close(ctx, f.a.ID, f.orgA.ID, f.coordinator, cr.ID, tenants.ClosureConsentWithdrawn); err == nil {
			t.Fatal("closed with the withdrawal's reason by hand")
		}
		if _, err := f.refs.Close(ctx, f.a.ID, f.orgA.ID, f.coordinator, cr.ID, tenants.ClosureMoved); err != nil {
			t.Fatal(err)
		}
		_, err = f.refs.Reopen(ctx, f.a.ID, f.orgA.ID, f.coordinator, cr.ID, " ")
		wantFields(t, "reopen without a note", err, "note:validation.required")
		r, err = f.refs.Reopen(ctx, f.a.ID, f.orgA.ID, f.coordinator, cr.ID, "Flyttade tillbaka")
		if err != nil || r.Status != tenants.ReferralContacted || r.CloseReason != "" {
			t.Fatalf("reopened %+v (%v), want contacted", r, err)
		}
		history, err := f.refs.History(ctx, f.a.ID, f.orgA.ID, cr.ID)
		if err != nil {
			t.Fatal(err)
		}
		var moves []string
		for _, e := range history {
			moves = append(moves, string(e.From)+">"+string(e.To)+":"+e.Reason+e.Note)
		}
		if got := strings.Join(moves, " "); got != ">received: received>accepted: accepted>contacted: contacted>closed:moved closed>contacted:Flyttade tillbaka" {
			t.Fatalf("history %s", got)
		}

		// A decline goes back to the unit with its reason, and nothing else.
		q := f.participant(t, ahmed())
		cq, err := f.refs.Refer(ctx, f.a.ID, f.clinic.ID, f.nurse, q.ID, f.orgB.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.refs.Decline(ctx, f.a.ID, f.orgB.ID, f.coordinator, cq.ID, "busy")
		wantFields(t, "decline without a listed reason", err, "reason:validation.choice")
		if _, err := f.refs.Decline(ctx, f.a.ID, f.orgB.ID, f.coordinator, cq.ID, tenants.DeclineNoCapacity); err != nil {
			t.Fatal(err)
		}
		unitView, err := f.refs.UnitReferrals(ctx, f.a.ID, f.clinic.ID)
		if err != nil || len(unitView) != 2 {
			t.Fatalf("unit's referrals %+v (%v)", unitView, err)
		}
		byID := map[int64]tenants.ClinicReferral{}
		for _, c := range unitView {
			byID[c.ID] = c
		}
		if c := byID[cq.ID]; c.Status != tenants.ReferralDeclined || c.DeclineReason != tenants.DeclineNoCapacity || c.OrganisationName != "Noaks Ark" {
			t.Errorf("declined as the unit sees it: %+v", c)
		}
		if c := byID[cr.ID]; c.Status != tenants.ReferralContacted || c.DeclineReason != "" {
			t.Errorf("contacted as the unit sees it: %+v", c)
		}
		if other, err := f.refs.UnitReferrals(ctx, f.a.ID, f.other.ID); err != nil || len(other) != 0 {
			t.Errorf("the other unit sees %+v (%v), want nothing", other, err)
		}
	})
}

// TestConsentWithdrawal: withdrawing erases the contact data in the
// database at once, closes running referrals for good and is recorded.
func TestConsentWithdrawal(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newPathwayFixture(t, db)
		p := f.participant(t, ahmed())
		cr, err := f.refs.Refer(ctx, f.a.ID, f.clinic.ID, f.nurse, p.ID, f.orgA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.refs.Accept(ctx, f.a.ID, f.orgA.ID, f.coordinator, cr.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.refs.WithdrawConsentAtUnit(ctx, f.a.ID, f.other.ID, f.nurse, p.ID)
		wantNotFound(t, "withdraw at another unit", err)
		_, err = f.refs.WithdrawConsentAtOrganisation(ctx, f.a.ID, f.orgB.ID, f.coordinator, cr.ID)
		wantNotFound(t, "withdraw at another organisation", err)

		w, err := f.refs.WithdrawConsentAtOrganisation(ctx, f.a.ID, f.orgA.ID, f.coordinator, cr.ID)
		if err != nil {
			t.Fatal(err)
		}
		if w.Code != p.Code || w.Side != tenants.SideOrganisation || w.UserID != f.coordinator || len(w.ClosedReferralIDs) != 1 || w.ClosedReferralIDs[0] != cr.ID {
			t.Fatalf("withdrawal %+v", w)
		}
		var sealed sql.NullString
		f.raw(t, &sealed, "SELECT contact_enc FROM participants WHERE tenant_id = ? AND id = ?", f.a.ID, p.ID)
		if sealed.Valid {
			t.Fatalf("contact_enc after withdrawal = %q, want NULL", sealed.String)
		}
		var events int
		f.raw(t, &events, "SELECT count(*) FROM participant_events WHERE tenant_id = ? AND participant_id = ? AND kind = 'consent_withdrawn'", f.a.ID, p.ID)
		if events != 1 {
			t.Fatalf("%d withdrawal events, want 1", events)
		}
		one, err := f.refs.OrganisationReferral(ctx, f.a.ID, f.orgA.ID, cr.ID)
		if err != nil || one.Status != tenants.ReferralClosed || one.CloseReason != tenants.ClosureConsentWithdrawn || one.Contact != nil || one.ConsentActive {
			t.Fatalf("after withdrawal %+v (%v)", one, err)
		}
		_, err = f.refs.Reopen(ctx, f.a.ID, f.orgA.ID, f.coordinator, cr.ID, "Ångrade sig")
		wantFields(t, "reopen after withdrawal", err, "status:validation.reopen_withdrawn")
		_, err = f.refs.Refer(ctx, f.a.ID, f.clinic.ID, f.nurse, p.ID, f.orgB.ID)
		wantFields(t, "refer after withdrawal", err, "participant_id:validation.consent_inactive")
		_, err = f.refs.WithdrawConsentAtUnit(ctx, f.a.ID, f.clinic.ID, f.nurse, p.ID)
		wantFields(t, "withdraw twice", err, "participant_id:validation.consent_withdrawn")

		// The history cannot be rewritten.
		err = db.InTenant(ctx, f.a.ID, func(tx *tenants.Tx) error {
			_, err := tx.NewRaw("UPDATE referral_events SET reason = 'goals_met' WHERE tenant_id = ?", f.a.ID).Exec(ctx)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("editing referral history: err = %v, want refused", err)
		}

		// Without consent to share contact, the organisation never sees any.
		quiet := ahmed()
		quiet.Consent.ShareContact, quiet.Contact = false, tenants.ParticipantContact{}
		q := f.participant(t, quiet)
		cq, err := f.refs.Refer(ctx, f.a.ID, f.clinic.ID, f.nurse, q.ID, f.orgA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := f.refs.OrganisationReferral(ctx, f.a.ID, f.orgA.ID, cq.ID); err != nil || got.Contact != nil {
			t.Fatalf("unshared contact: %+v (%v), want none", got.Contact, err)
		}
	})
}

// TestClinicReferralCarriesNoContact: the unit's view serialises without
// any key that could hold contact data or the organisation's records.
func TestClinicReferralCarriesNoContact(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(tenants.ClinicReferral{ID: 1, Code: "ABCDEFGH23", Status: tenants.ReferralDeclined, OrganisationName: "Noaks Ark", DeclineReason: tenants.DeclineOther})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{"id": true, "code": true, "status": true, "organisation_name": true, "referred_on": true, "status_changed_on": true, "decline_reason": true}
	for k := range m {
		if !allowed[k] {
			t.Errorf("ClinicReferral has key %q", k)
		}
		for _, bad := range []string{"contact", "alias", "phone", "email", "details", "attempt", "note"} {
			if strings.Contains(k, bad) {
				t.Errorf("ClinicReferral key %q looks like %s", k, bad)
			}
		}
	}
}

// TestRegisterAndRefer: the participant and the referral are stored
// together or not at all, and problems with both are reported at once.
func TestRegisterAndRefer(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newPathwayFixture(t, db)
		count := func() (n int) {
			f.raw(t, &n, "SELECT COUNT(*) FROM participants WHERE tenant_id = ?", f.a.ID)
			return n
		}
		bad := ahmed()
		bad.Language = "xx"
		_, _, err := f.refs.RegisterAndRefer(ctx, f.a.ID, f.clinic.ID, f.nurse, bad, f.far.ID)
		wantField(t, "bad language", err, "language", "validation.peer_language")
		wantField(t, "organisation not serving the unit", err, "organisation_id", "validation.organisation_not_serving")
		_, _, err = f.refs.RegisterAndRefer(ctx, f.a.ID, f.clinic.ID, f.nurse, ahmed(), f.psych.ID)
		wantField(t, "organisation of another target group", err, "organisation_id", "validation.organisation_focus")
		if n := count(); n != 0 {
			t.Fatalf("refusals stored %d participants", n)
		}
		p, ref, err := f.refs.RegisterAndRefer(ctx, f.a.ID, f.clinic.ID, f.nurse, ahmed(), f.orgA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ref.Code != p.Code || ref.Status != tenants.ReferralReceived || ref.OrganisationName != f.orgA.Name || count() != 1 {
			t.Errorf("stored %+v / %+v, want one participant referred to A", p, ref)
		}
		inbox, err := f.refs.Inbox(ctx, f.a.ID, f.orgA.ID, 0, 0)
		if err != nil || len(inbox.Referrals) != 1 || inbox.Referrals[0].Code != p.Code {
			t.Errorf("A's inbox = %+v, %v", inbox, err)
		}
	})
}
