package tenants_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

func ptr[T any](v T) *T { return &v }

// agreementFixture is a region with two partner organisations and two
// units, another region with one of each, and an administrator.
type agreementFixture struct {
	store              *tenants.AgreementStore
	a, b               tenants.Tenant
	nsph, pgs, foreign tenants.Organisation
	lund, malmo, far   tenants.Unit
	admin              tenants.User
}

func newAgreementFixture(t *testing.T, db *tenants.DB) agreementFixture {
	t.Helper()
	ctx := context.Background()
	f := agreementFixture{store: tenants.NewAgreementStore(db), a: tenanttest.Tenant(t, db), b: tenanttest.Tenant(t, db)}
	orgs, units := tenants.NewOrganisationStore(db), tenants.NewUnitStore(db)
	var err error
	for _, o := range []struct {
		dst      *tenants.Organisation
		tenantID int64
		name     string
	}{{&f.nsph, f.a.ID, "NSPH Skåne"}, {&f.pgs, f.a.ID, "Positiva gruppen Syd"}, {&f.foreign, f.b.ID, "Annan regions förening"}} {
		if *o.dst, err = orgs.Create(ctx, o.tenantID, tenants.Organisation{Name: o.name, Kind: tenants.OrgUser}); err != nil {
			t.Fatal(err)
		}
	}
	f.lund = mustUnit(t, units, f.a.ID, tenants.Unit{Name: "Psykiatri Lund"})
	f.malmo = mustUnit(t, units, f.a.ID, tenants.Unit{Name: "Infektion Malmö"})
	f.far = mustUnit(t, units, f.b.ID, tenants.Unit{Name: "Annan regions enhet"})
	if f.admin, err = tenants.NewIdentityStore(db).CreateUser(ctx, tenants.User{Email: "alva@region.se", DisplayName: "Alva"}); err != nil {
		t.Fatal(err)
	}
	return f
}

// skaneIOP is a complete, valid agreement in the shape of Region Skåne's
// with NSPH.
func (f agreementFixture) skaneIOP() tenants.Agreement {
	return tenants.Agreement{
		Title: "IOP Kamratstöd i psykiatrin", Reference: "RS 2024/123",
		Committee: "Hälso- och sjukvårdsnämnden", Purpose: "Systematiserat kamratstöd.\nFör alla som vill.",
		Goals:    "Fler får kamratstöd.",
		StartsOn: day("2025-01-01"), EndsOn: day("2027-12-31"), NoticeMonths: 6,
		ReportingCadence: tenants.ReportQuarterly,
		TargetGroups:     []tenants.TargetGroup{tenants.TargetPsychiatry},
		Parties:          []int64{f.nsph.ID, f.pgs.ID},
		UnitIDs:          []int64{f.lund.ID, f.malmo.ID},
		Funding: []tenants.AgreementFunding{
			{Year: 2025, AmountSEK: 1_200_000},
			{OrganisationID: ptr(f.nsph.ID), Year: 2025, AmountSEK: 150_000},
			{Year: 2026, AmountSEK: 1_250_000},
			{OrganisationID: ptr(f.pgs.ID), Year: 2026, AmountSEK: 0},
		},
		Commitments: []tenants.Commitment{
			{Indicator: tenants.IndicatorActivePeers, Comparison: tenants.AtLeast, Target: 8},
			{Indicator: tenants.IndicatorSupervisionIntervalDays, Comparison: tenants.AtMost, Target: 31, Description: "Handledning minst en gång i månaden"},
			{Indicator: tenants.IndicatorMedianDaysToFirstContact, Comparison: tenants.AtMost, Target: 5},
		},
		Positions: []tenants.BudgetedPosition{
			{Count: 4, FTEPercent: 50},
			{UnitID: ptr(f.lund.ID), Count: 1, FTEPercent: 100},
		},
	}
}

func agreementCount(t *testing.T, f agreementFixture, tenantID int64) int {
	t.Helper()
	list, err := f.store.Agreements(context.Background(), tenantID)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func historyKinds(t *testing.T, f agreementFixture, id int64) []tenants.AgreementEventKind {
	t.Helper()
	events, err := f.store.History(context.Background(), f.a.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []tenants.AgreementEventKind
	for _, e := range events {
		kinds = append(kinds, e.Kind)
	}
	return kinds
}

// TestAgreementCreateAndRead: a whole agreement is stored and read back
// with every list, its creation is in the history, and another region
// cannot see it — on both databases.
func TestAgreementCreateAndRead(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newAgreementFixture(t, db)
		in := f.skaneIOP()
		in.Parties = append(in.Parties, f.nsph.ID) // duplicates collapse
		in.Status = tenants.AgreementActive        // ignored: agreements start as drafts
		created, err := f.store.Create(ctx, f.a.ID, f.admin.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if created.ID == 0 || created.Status != tenants.AgreementDraft || created.TenantID != f.a.ID {
			t.Fatalf("created %+v", created)
		}

		got, err := f.store.Agreement(ctx, f.a.ID, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := f.skaneIOP()
		if got.Title != want.Title || got.Reference != want.Reference || got.Committee != want.Committee ||
			got.Purpose != want.Purpose || got.Goals != want.Goals || got.StartsOn != want.StartsOn || got.EndsOn != want.EndsOn ||
			got.NoticeMonths != 6 || got.ReportingCadence != tenants.ReportQuarterly || got.Status != tenants.AgreementDraft ||
			!reflect.DeepEqual(got.TargetGroups, want.TargetGroups) {
			t.Fatalf("read back %+v", got)
		}
		if !reflect.DeepEqual(got.Parties, uniqueSorted(f.nsph.ID, f.pgs.ID)) || !reflect.DeepEqual(got.UnitIDs, uniqueSorted(f.lund.ID, f.malmo.ID)) {
			t.Fatalf("parties %v units %v", got.Parties, got.UnitIDs)
		}
		if len(got.Funding) != 4 || got.Funding[0].OrganisationID != nil || got.Funding[0].AmountSEK != 1_200_000 ||
			*got.Funding[1].OrganisationID != f.nsph.ID || got.Funding[3].AmountSEK != 0 || got.TotalFunding() != 2_600_000 {
			t.Fatalf("funding %+v", got.Funding)
		}
		if len(got.Commitments) != 3 || got.Commitments[1].Description != "Handledning minst en gång i månaden" ||
			got.Commitments[2].Indicator != tenants.IndicatorMedianDaysToFirstContact || !got.Commitments[0].Met(8) || got.Commitments[0].Met(7) ||
			!got.Commitments[2].Met(5) || got.Commitments[2].Met(5.5) {
			t.Fatalf("commitments %+v", got.Commitments)
		}
		if len(got.Positions) != 2 || got.Positions[0].UnitID != nil || *got.Positions[1].UnitID != f.lund.ID || got.BudgetedFullTimeEquivalents() != 3 {
			t.Fatalf("positions %+v", got.Positions)
		}

		events, err := f.store.History(ctx, f.a.ID, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 1 || events[0].Kind != tenants.EventCreated || events[0].UserID == nil || *events[0].UserID != f.admin.ID {
			t.Fatalf("history %+v", events)
		}
		if c := changeOf(events[0], "ends_on"); c == nil || c.From != nil || string(c.To) != `"2027-12-31"` {
			t.Fatalf("created event's ends_on: %+v", c)
		}

		// Another region sees nothing of it.
		if _, err := f.store.Agreement(ctx, f.b.ID, created.ID); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("other region reads it: %v", err)
		}
		if _, err := f.store.History(ctx, f.b.ID, created.ID); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("other region reads its history: %v", err)
		}
		if n := agreementCount(t, f, f.b.ID); n != 0 {
			t.Fatalf("other region lists %d agreements", n)
		}
		list, err := f.store.Agreements(ctx, f.a.ID)
		if err != nil || len(list) != 1 || len(list[0].Funding) != 4 || len(list[0].Parties) != 2 {
			t.Fatalf("list %+v (%v)", list, err)
		}
	})
}

func uniqueSorted(ids ...int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// sameInstant compares times read from the two databases, which keep
// microseconds.
func sameInstant(a, b time.Time) bool { return a.Sub(b).Abs() < time.Microsecond }

func changeOf(e tenants.AgreementEvent, field string) *tenants.FieldChange {
	for _, c := range e.Changes {
		if c.Field == field {
			return &c
		}
	}
	return nil
}

// TestAgreementValidation: each kind of bad input is refused with its own
// message and nothing is written — on both databases.
func TestAgreementValidation(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newAgreementFixture(t, db)
		tests := []struct {
			name   string
			change func(a *tenants.Agreement)
			want   []string
		}{
			{"end before start", func(a *tenants.Agreement) { a.EndsOn = day("2024-12-31") },
				// The years of the funding are not checked against a broken term.
				[]string{"ends_on=validation.period"}},
			{"end on the start day", func(a *tenants.Agreement) { a.EndsOn = a.StartsOn }, []string{"ends_on=validation.period"}},
			{"no term", func(a *tenants.Agreement) { a.StartsOn, a.EndsOn = tenants.Date{}, tenants.Date{} },
				[]string{"starts_on=validation.required", "ends_on=validation.required"}},
			{"negative funding", func(a *tenants.Agreement) { a.Funding[1].AmountSEK = -1 }, []string{"funding.1.amount_sek=validation.amount_negative"}},
			{"funding outside the term", func(a *tenants.Agreement) { a.Funding[2].Year = 2028 }, []string{"funding.2.year=validation.year_in_term"}},
			{"funding twice for a party and year", func(a *tenants.Agreement) { a.Funding[2].Year = 2025 }, []string{"funding.2.year=validation.funding_duplicate"}},
			{"funding by a non-party", func(a *tenants.Agreement) {
				a.Parties = []int64{f.nsph.ID}
				a.Funding[3].OrganisationID = ptr(f.pgs.ID)
			},
				[]string{"funding.3.party=validation.funding_party"}},
			{"no parties", func(a *tenants.Agreement) { a.Parties = nil; a.Funding = a.Funding[:1] }, []string{"parties=validation.party_required"}},
			{"party of another region", func(a *tenants.Agreement) { a.Parties = append(a.Parties, f.foreign.ID) }, []string{"parties=validation.scope_organisation"}},
			{"unit of another region", func(a *tenants.Agreement) { a.UnitIDs = append(a.UnitIDs, f.far.ID) }, []string{"units=validation.scope_unit"}},
			{"position at a unit not covered", func(a *tenants.Agreement) { a.UnitIDs = []int64{f.malmo.ID} }, []string{"positions.1.unit=validation.position_unit"}},
			{"bad positions", func(a *tenants.Agreement) { a.Positions[0].Count, a.Positions[0].FTEPercent = 0, 101 },
				[]string{"positions.0.count=validation.range", "positions.0.fte_percent=validation.range"}},
			{"bad commitments", func(a *tenants.Agreement) {
				a.Commitments[0].Indicator = "happiness"
				a.Commitments[1].Comparison = "about"
				a.Commitments[2].Target = 400
				a.Commitments = append(a.Commitments, tenants.Commitment{Indicator: tenants.IndicatorMedianDaysToFirstContact, Comparison: tenants.AtMost, Target: 3})
			}, []string{"commitments.0.indicator=validation.choice", "commitments.1.comparison=validation.choice",
				"commitments.2.target=validation.range", "commitments.3.indicator=validation.commitment_duplicate"}},
			{"missing texts and choices", func(a *tenants.Agreement) {
				a.Title, a.Committee, a.Purpose, a.ReportingCadence, a.NoticeMonths = " ", "", "", "", 25
				a.TargetGroups = []tenants.TargetGroup{"pets"}
			}, []string{"title=validation.required", "committee=validation.required", "purpose=validation.required",
				"notice_months=validation.range", "reporting_cadence=validation.required", "target_groups=validation.choice"}},
		}
		for _, tc := range tests {
			a := f.skaneIOP()
			tc.change(&a)
			_, err := f.store.Create(ctx, f.a.ID, f.admin.ID, a)
			if got := fieldKeys(t, err); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s: problems %q, want %q", tc.name, got, tc.want)
			}
		}
		if n := agreementCount(t, f, f.a.ID); n != 0 {
			t.Fatalf("refused agreements left %d rows", n)
		}

		// The same checks guard Update, which then changes nothing.
		created, err := f.store.Create(ctx, f.a.ID, f.admin.ID, f.skaneIOP())
		if err != nil {
			t.Fatal(err)
		}
		bad := created
		bad.EndsOn, bad.Funding = day("2024-06-30"), append(slices.Clone(created.Funding), tenants.AgreementFunding{Year: 2027, AmountSEK: -5})
		bad.Parties = append(slices.Clone(created.Parties), f.foreign.ID)
		_, err = f.store.Update(ctx, f.a.ID, f.admin.ID, bad)
		wantFieldKeys(t, err, "ends_on=validation.period", "funding.4.amount_sek=validation.amount_negative", "parties=validation.scope_organisation")
		after, err := f.store.Agreement(ctx, f.a.ID, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.EndsOn != created.EndsOn || len(after.Funding) != 4 || len(after.Parties) != 2 || !sameInstant(after.UpdatedAt, created.UpdatedAt) {
			t.Fatalf("a refused update changed the agreement: %+v", after)
		}
		if kinds := historyKinds(t, f, created.ID); !reflect.DeepEqual(kinds, []tenants.AgreementEventKind{tenants.EventCreated}) {
			t.Fatalf("history after a refused update: %v", kinds)
		}
	})
}

// TestAgreementUpdateHistory: an update records exactly the fields that
// changed; an update that changes nothing records nothing.
func TestAgreementUpdateHistory(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newAgreementFixture(t, db)
		created, err := f.store.Create(ctx, f.a.ID, f.admin.ID, f.skaneIOP())
		if err != nil {
			t.Fatal(err)
		}
		same, err := f.store.Update(ctx, f.a.ID, f.admin.ID, created)
		if err != nil {
			t.Fatal(err)
		}
		if !sameInstant(same.UpdatedAt, created.UpdatedAt) {
			t.Fatalf("an update without changes moved updated_at: %v → %v", created.UpdatedAt, same.UpdatedAt)
		}
		if kinds := historyKinds(t, f, created.ID); len(kinds) != 1 {
			t.Fatalf("an update without changes was recorded: %v", kinds)
		}
		// Empty lists given as nil are no change either.
		bare := f.skaneIOP()
		bare.UnitIDs, bare.Positions, bare.Commitments, bare.TargetGroups = nil, nil, nil, nil
		bareCreated, err := f.store.Create(ctx, f.a.ID, f.admin.ID, bare)
		if err != nil {
			t.Fatal(err)
		}
		bare.ID = bareCreated.ID
		if _, err := f.store.Update(ctx, f.a.ID, f.admin.ID, bare); err != nil {
			t.Fatal(err)
		}
		if kinds := historyKinds(t, f, bare.ID); len(kinds) != 1 {
			t.Fatalf("re-saving empty lists was recorded as a change: %v", kinds)
		}

		changed := created
		changed.EndsOn = day("2028-06-30")
		changed.Funding = append(slices.Clone(created.Funding), tenants.AgreementFunding{Year: 2028, AmountSEK: 600_000})
		changed.UnitIDs = []int64{f.lund.ID} // the position at Lund stays valid
		updated, err := f.store.Update(ctx, f.a.ID, 0, changed)
		if err != nil {
			t.Fatal(err)
		}
		if updated.EndsOn != day("2028-06-30") || len(updated.Funding) != 5 || len(updated.UnitIDs) != 1 || updated.Status != tenants.AgreementDraft {
			t.Fatalf("updated %+v", updated)
		}
		events, err := f.store.History(ctx, f.a.ID, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := events[len(events)-1]
		var fields []string
		for _, c := range last.Changes {
			fields = append(fields, c.Field)
		}
		if last.Kind != tenants.EventUpdated || last.UserID != nil || !reflect.DeepEqual(fields, []string{"ends_on", "units", "funding"}) {
			t.Fatalf("update event %+v, fields %v", last, fields)
		}
		if c := changeOf(last, "ends_on"); string(c.From) != `"2027-12-31"` || string(c.To) != `"2028-06-30"` {
			t.Fatalf("ends_on change %s → %s", c.From, c.To)
		}
		var units []int64
		if err := json.Unmarshal(changeOf(last, "units").To, &units); err != nil || !reflect.DeepEqual(units, []int64{f.lund.ID}) {
			t.Fatalf("units change to %s (%v)", changeOf(last, "units").To, err)
		}
		if _, err := f.store.Update(ctx, f.b.ID, f.admin.ID, changed); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("update from another region: err = %v, want ErrNotFound", err)
		}
	})
}

// TestAgreementLifecycle: only draft → active → ending → ended, one step at
// a time; ended agreements cannot change; only drafts can be deleted.
func TestAgreementLifecycle(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newAgreementFixture(t, db)
		a, err := f.store.Create(ctx, f.a.ID, f.admin.ID, f.skaneIOP())
		if err != nil {
			t.Fatal(err)
		}
		refuse := func(to tenants.AgreementStatus) {
			t.Helper()
			_, err := f.store.SetStatus(ctx, f.a.ID, f.admin.ID, a.ID, to)
			wantFieldKeys(t, err, "status=validation.transition")
		}
		refuse(tenants.AgreementEnding)
		refuse(tenants.AgreementEnded)
		refuse(tenants.AgreementDraft)
		refuse("cancelled")
		if _, err := f.store.SetStatus(ctx, f.b.ID, f.admin.ID, a.ID, tenants.AgreementActive); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("status from another region: err = %v, want ErrNotFound", err)
		}

		for _, to := range []tenants.AgreementStatus{tenants.AgreementActive, tenants.AgreementEnding, tenants.AgreementEnded} {
			got, err := f.store.SetStatus(ctx, f.a.ID, f.admin.ID, a.ID, to)
			if err != nil {
				t.Fatalf("→ %s: %v", to, err)
			}
			if got.Status != to || len(got.Funding) != 4 {
				t.Fatalf("→ %s: %+v", to, got)
			}
			if to == tenants.AgreementActive {
				refuse(tenants.AgreementActive)
				refuse(tenants.AgreementDraft)
				refuse(tenants.AgreementEnded)
				wantFieldKeys(t, f.store.DeleteDraft(ctx, f.a.ID, a.ID), "status=validation.delete_draft_only")
			}
		}
		refuse(tenants.AgreementActive)
		events, err := f.store.History(ctx, f.a.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 4 || events[3].Kind != tenants.EventStatusChanged ||
			string(changeOf(events[3], "status").From) != `"ending"` || string(changeOf(events[3], "status").To) != `"ended"` {
			t.Fatalf("history %+v", events)
		}

		// An ended agreement is closed for changes.
		changed := a
		changed.Title = "Ändrad efteråt"
		_, err = f.store.Update(ctx, f.a.ID, f.admin.ID, changed)
		wantFieldKeys(t, err, "status=validation.agreement_ended")
		_, err = f.store.AddDocument(ctx, f.a.ID, f.admin.ID, a.ID, "bilaga.txt", strings.NewReader("Bilaga"))
		wantFieldKeys(t, err, "status=validation.agreement_ended")

		// A draft, with all its lists, documents and history, can be deleted.
		draft, err := f.store.Create(ctx, f.a.ID, f.admin.ID, f.skaneIOP())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.AddDocument(ctx, f.a.ID, f.admin.ID, draft.ID, "utkast.txt", strings.NewReader("Utkast")); err != nil {
			t.Fatal(err)
		}
		if err := f.store.DeleteDraft(ctx, f.b.ID, draft.ID); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("delete from another region: err = %v, want ErrNotFound", err)
		}
		if err := f.store.DeleteDraft(ctx, f.a.ID, draft.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.Agreement(ctx, f.a.ID, draft.ID); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("deleted draft: err = %v, want ErrNotFound", err)
		}
		var left int
		err = db.InTenant(ctx, f.a.ID, func(tx *tenants.Tx) error {
			return tx.NewRaw(`SELECT (SELECT count(*) FROM agreement_funding WHERE agreement_id = ?) +
				(SELECT count(*) FROM agreement_parties WHERE agreement_id = ?) +
				(SELECT count(*) FROM agreement_documents WHERE agreement_id = ?) +
				(SELECT count(*) FROM agreement_events WHERE agreement_id = ?)`, draft.ID, draft.ID, draft.ID, draft.ID).Scan(ctx, &left)
		})
		if err != nil || left != 0 {
			t.Fatalf("deleted draft left %d rows (%v)", left, err)
		}
		if n := agreementCount(t, f, f.a.ID); n != 1 {
			t.Fatalf("%d agreements, want the ended one", n)
		}
	})
}

// TestAgreementHistoryIsAppendOnly: the database refuses to change a
// history entry.
func TestAgreementHistoryIsAppendOnly(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newAgreementFixture(t, db)
		a, err := f.store.Create(ctx, f.a.ID, f.admin.ID, f.skaneIOP())
		if err != nil {
			t.Fatal(err)
		}
		err = db.InTenant(ctx, f.a.ID, func(tx *tenants.Tx) error {
			_, err := tx.NewUpdate().Model((*tenants.AgreementEvent)(nil)).Set("kind = 'updated'").
				Where("tenant_id = ? AND agreement_id = ?", f.a.ID, a.ID).Exec(ctx)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("changing history: err = %v, want the append-only refusal", err)
		}
	})
}

func zipFile(t *testing.T, files ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[i+1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestAgreementDocuments: allowed types are stored with a safe name, their
// hash and content; anything else is refused; another region sees none.
func TestAgreementDocuments(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newAgreementFixture(t, db)
		a, err := f.store.Create(ctx, f.a.ID, f.admin.ID, f.skaneIOP())
		if err != nil {
			t.Fatal(err)
		}
		pdf := []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
		docx := zipFile(t, "[Content_Types].xml", "<Types/>", "word/document.xml", "<w:document/>")
		odt := zipFile(t, "mimetype", tenants.ContentTypeODT, "content.xml", "<office:document-content/>")
		good := []struct {
			name        string
			content     []byte
			wantName    string
			contentType string
		}{
			{"../../etc/Avtal åäö <signerat>.PDF", pdf, "Avtal åäö _signerat_.pdf", tenants.ContentTypePDF},
			{`C:\Users\alva\Bilaga 1 – budget.docx`, docx, "Bilaga 1 _ budget.docx", tenants.ContentTypeDOCX},
			{"protokoll.odt", odt, "protokoll.odt", tenants.ContentTypeODT},
			{".hemlig\x00.txt", []byte("Mötesanteckningar\n"), "hemlig_.txt", tenants.ContentTypeText},
			{"a\u0308ndring.txt", []byte("NFD-namn\n"), "ändring.txt", tenants.ContentTypeText},
		}
		var ids []int64
		for _, g := range good {
			doc, err := f.store.AddDocument(ctx, f.a.ID, f.admin.ID, a.ID, g.name, bytes.NewReader(g.content))
			if err != nil {
				t.Fatalf("%q: %v", g.name, err)
			}
			sum := sha256.Sum256(g.content)
			if doc.FileName != g.wantName || doc.ContentType != g.contentType || doc.SizeBytes != int64(len(g.content)) || doc.SHA256 != hex.EncodeToString(sum[:]) {
				t.Fatalf("%q stored as %q %q %d %s", g.name, doc.FileName, doc.ContentType, doc.SizeBytes, doc.SHA256)
			}
			ids = append(ids, doc.ID)
		}

		bad := []struct {
			name    string
			content []byte
			want    string
		}{
			{"program.exe", []byte("MZ\x90\x00"), "file=validation.file_type"},
			{"avtal", pdf, "file=validation.file_type"},
			{"avtal.html", []byte("<html></html>"), "file=validation.file_type"},
			{"avtal.pdf", []byte("<html><script>alert(1)</script></html>"), "file=validation.file_content"},
			{"avtal.docx", zipFile(t, "payload.bin", "x"), "file=validation.file_content"},
			{"avtal.odt", docx, "file=validation.file_content"},
			{"avtal.txt", pdf, "file=validation.file_content"},
			{"avtal.txt", []byte{0xff, 0xfe, 'a', 0}, "file=validation.file_content"},
			{"tom.txt", nil, "file=validation.file_empty"},
			{"stor.txt", bytes.Repeat([]byte("a"), tenants.MaxDocumentBytes+1), "file=validation.file_too_large"},
		}
		for _, b := range bad {
			_, err := f.store.AddDocument(ctx, f.a.ID, f.admin.ID, a.ID, b.name, bytes.NewReader(b.content))
			if got := fieldKeys(t, err); len(got) != 1 || got[0] != b.want {
				t.Errorf("%q: problems %v, want %s", b.name, got, b.want)
			}
		}
		if _, err := f.store.AddDocument(ctx, f.a.ID, f.admin.ID, a.ID, "kopia.pdf", bytes.NewReader(pdf)); !errors.Is(err, tenants.ErrConflict) {
			t.Fatalf("the same content twice: err = %v, want ErrConflict", err)
		}
		if _, err := f.store.AddDocument(ctx, f.b.ID, f.admin.ID, a.ID, "x.txt", strings.NewReader("x")); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("adding from another region: err = %v, want ErrNotFound", err)
		}

		docs, err := f.store.Documents(ctx, f.a.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) != len(good) || docs[0].Content != nil || docs[0].FileName != good[0].wantName {
			t.Fatalf("listed %d documents, first %+v", len(docs), docs[0])
		}
		doc, err := f.store.Document(ctx, f.a.ID, a.ID, ids[1])
		if err != nil || !bytes.Equal(doc.Content, docx) || *doc.UploadedBy != f.admin.ID {
			t.Fatalf("read back %q (%v)", doc.FileName, err)
		}
		if _, err := f.store.Document(ctx, f.b.ID, a.ID, ids[1]); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("reading from another region: err = %v, want ErrNotFound", err)
		}
		if _, err := f.store.Documents(ctx, f.b.ID, a.ID); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("listing from another region: err = %v, want ErrNotFound", err)
		}
		if err := f.store.RemoveDocument(ctx, f.b.ID, f.admin.ID, a.ID, ids[0]); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("removing from another region: err = %v, want ErrNotFound", err)
		}
		if err := f.store.RemoveDocument(ctx, f.a.ID, f.admin.ID, a.ID, ids[0]); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.Document(ctx, f.a.ID, a.ID, ids[0]); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("removed document: err = %v, want ErrNotFound", err)
		}
		kinds := historyKinds(t, f, a.ID)
		if len(kinds) != 1+len(good)+1 || kinds[1] != tenants.EventDocumentAdded || kinds[len(kinds)-1] != tenants.EventDocumentRemoved {
			t.Fatalf("history %v", kinds)
		}
	})
}
