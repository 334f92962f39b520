package tenants_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// fieldKeys returns "field=key" for every problem in a *ValidationError,
// and fails the test when err is not one.
func fieldKeys(t *testing.T, err error) []string {
	t.Helper()
	var v *tenants.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("err = %v, want a *ValidationError", err)
	}
	out := make([]string, len(v.Fields))
	for i, f := range v.Fields {
		out[i] = f.Field + "=" + f.Key
	}
	return out
}

func wantFieldKeys(t *testing.T, err error, want ...string) {
	t.Helper()
	if got := fieldKeys(t, err); !reflect.DeepEqual(got, want) {
		t.Fatalf("validation problems %q, want %q", got, want)
	}
}

func day(s string) tenants.Date {
	d, err := tenants.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func mustUnit(t *testing.T, store *tenants.UnitStore, tenantID int64, u tenants.Unit) tenants.Unit {
	t.Helper()
	if u.Kind == "" {
		u.Kind = tenants.UnitOther
	}
	got, err := store.Create(context.Background(), tenantID, u)
	if err != nil {
		t.Fatalf("create unit %q: %v", u.Name, err)
	}
	return got
}

func TestUnitValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		unit tenants.Unit
		want []string
	}{
		{"valid", tenants.Unit{Name: " Infektion Lund ", HSAID: "SE2321000255-INF1", Kind: tenants.UnitInfectionClinic, Municipality: "Lund"}, nil},
		{"no name, bad kind", tenants.Unit{Name: "  ", Kind: "clinic"}, []string{"name=validation.required", "kind=validation.choice"}},
		{"HSA-id with a bad organisation number", tenants.Unit{Name: "A", HSAID: "SE2321000017-INF1", Kind: tenants.UnitOther}, []string{"hsa_id=validation.hsa_id"}},
		{"HSA-id too long", tenants.Unit{Name: "A", HSAID: "SE2321000016-1234567890123456789", Kind: tenants.UnitOther}, []string{"hsa_id=validation.hsa_id"}},
		{"HSA-id without a dash", tenants.Unit{Name: "A", HSAID: "SE23210000161234", Kind: tenants.UnitOther}, []string{"hsa_id=validation.hsa_id"}},
		{"municipality too long", tenants.Unit{Name: "A", Kind: tenants.UnitOther, Municipality: strings.Repeat("Ö", 101)}, []string{"municipality=validation.too_long"}},
		{"municipality on two lines", tenants.Unit{Name: "A", Kind: tenants.UnitOther, Municipality: "Lund\nMalmö"}, []string{"municipality=validation.single_line"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.unit.Validate()
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			wantFieldKeys(t, err, tc.want...)
		})
	}
}

func TestValidHSAID(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"SE2321000016-1234":                true,
		"SE2321000016-abcXYZ09":            true,
		"SE2321000016-123456789012345678":  true,  // 31 characters
		"SE2321000016-1234567890123456789": false, // 32
		"se2321000016-1234":                false,
		"SE2321000016-":                    false,
		"SE2321000016-12_4":                false,
		"SE2321000016-12 4":                false,
		"SE232100001-1234":                 false,
		"SE2311000016-1234":                false, // third digit below 2
		"SE2321000016-åäö":                 false,
		"SE2321000016-1234\n":              false,
		"SE１２３４５６７８９０-1234":                false, // full-width digits are not digits here
		" SE2321000016-1234":               false,
		"SE2321000016-1234SE2321000016-1":  false,
	} {
		if got := tenants.ValidHSAID(s); got != want {
			t.Errorf("ValidHSAID(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestUnitUpdate: an update changes the descriptive fields only, refusals
// change nothing, and another region's id is not found — on both databases.
func TestUnitUpdate(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		a, b := tenanttest.Tenant(t, db), tenanttest.Tenant(t, db)
		store := tenants.NewUnitStore(db)
		u := mustUnit(t, store, a.ID, tenants.Unit{Name: "Psykiatri Lund", HSAID: "SE2321000255-PSY1", Kind: tenants.UnitPsychiatricOutpatient, Active: true})
		other := mustUnit(t, store, a.ID, tenants.Unit{Name: "Infektion Malmö", HSAID: "SE2321000255-INF1", Kind: tenants.UnitInfectionClinic, Active: true})
		if u.Municipality != "" {
			t.Fatalf("new unit has municipality %q", u.Municipality)
		}
		if _, err := store.SetReadiness(ctx, a.ID, u.ID, tenants.ReadinessDecisions{BudgetDecided: true, BudgetDecidedOn: day("2024-01-15")}); err != nil {
			t.Fatal(err)
		}

		changed := u
		changed.Name, changed.HSAID, changed.Kind, changed.Municipality, changed.Active =
			" Psykiatrisk öppenvård Lund ", "", tenants.UnitPsychiatricInpatient, "Lund", false
		got, err := store.Update(ctx, a.ID, changed)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Psykiatrisk öppenvård Lund" || got.HSAID != "" || got.Kind != tenants.UnitPsychiatricInpatient ||
			got.Municipality != "Lund" || got.Active || got.CreatedAt.Sub(u.CreatedAt).Abs() > time.Millisecond {
			t.Fatalf("updated unit %+v", got)
		}
		if !got.BudgetDecided || got.BudgetDecidedOn != day("2024-01-15") {
			t.Fatalf("update lost the readiness: %+v", got)
		}
		reread, err := store.Unit(ctx, a.ID, u.ID)
		if err != nil || !reflect.DeepEqual(reread, got) {
			t.Fatalf("read back %+v (%v), want %+v", reread, err, got)
		}

		// Refusals leave the unit as it was.
		bad := got
		bad.Name, bad.HSAID = "", "SE123"
		wantFieldKeys(t, func() error { _, err := store.Update(ctx, a.ID, bad); return err }(),
			"name=validation.required", "hsa_id=validation.hsa_id")
		dup := got
		dup.HSAID = other.HSAID
		if _, err := store.Update(ctx, a.ID, dup); !errors.Is(err, tenants.ErrConflict) {
			t.Fatalf("taking another unit's HSA-id: err = %v, want ErrConflict", err)
		}
		if _, err := store.Update(ctx, b.ID, got); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("update from another region: err = %v, want ErrNotFound", err)
		}
		if after, _ := store.Unit(ctx, a.ID, u.ID); !reflect.DeepEqual(after, got) {
			t.Fatalf("refused updates changed the unit: %+v, want %+v", after, got)
		}
	})
}

// TestUnitReadiness: the three steps, their dates, introduction sessions,
// and that another region can neither read nor change them.
func TestUnitReadiness(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		a, b := tenanttest.Tenant(t, db), tenanttest.Tenant(t, db)
		store := tenants.NewUnitStore(db)
		u := mustUnit(t, store, a.ID, tenants.Unit{Name: "ACT-teamet Umeå", Kind: tenants.UnitMunicipalSocialPsych})
		u2 := mustUnit(t, store, a.ID, tenants.Unit{Name: "Habilitering", Kind: tenants.UnitHabilitation})

		r, err := store.Readiness(ctx, a.ID, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Ready() || !reflect.DeepEqual(r.Missing(), []string{tenants.StepBudget, tenants.StepIntroSessions, tenants.StepManagement}) {
			t.Fatalf("new unit readiness %+v, missing %v", r, r.Missing())
		}

		tomorrow := tenants.DateOf(time.Now().Add(48 * time.Hour))
		wantFieldKeys(t, func() error {
			_, err := store.SetReadiness(ctx, a.ID, u.ID, tenants.ReadinessDecisions{
				BudgetDecided: true, ManagementAnchored: true, ManagementAnchoredOn: tomorrow})
			return err
		}(), "budget_decided_on=validation.required", "management_anchored_on=validation.not_future")

		r, err = store.SetReadiness(ctx, a.ID, u.ID, tenants.ReadinessDecisions{
			BudgetDecided: true, BudgetDecidedOn: day("2024-02-01"),
			// A date without the step done is dropped.
			ManagementAnchoredOn: day("2024-03-01"),
		})
		if err != nil {
			t.Fatal(err)
		}
		if !r.BudgetDecided || r.BudgetDecidedOn != day("2024-02-01") || r.ManagementAnchored || !r.ManagementAnchoredOn.IsZero() {
			t.Fatalf("readiness %+v", r)
		}

		wantFieldKeys(t, func() error {
			_, err := store.AddIntroSession(ctx, a.ID, u.ID, tenants.IntroSession{HeldOn: tomorrow, Note: "rad 1\nrad 2"})
			return err
		}(), "held_on=validation.not_future", "note=validation.single_line")
		s1, err := store.AddIntroSession(ctx, a.ID, u.ID, tenants.IntroSession{HeldOn: day("2024-03-10"), Note: " Dagpersonal "})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.AddIntroSession(ctx, a.ID, u.ID, tenants.IntroSession{HeldOn: day("2024-03-05")}); err != nil {
			t.Fatal(err)
		}
		if _, err := store.AddIntroSession(ctx, b.ID, u.ID, tenants.IntroSession{HeldOn: day("2024-03-05")}); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("session at another region's unit: err = %v, want ErrNotFound", err)
		}
		if _, err := store.SetReadiness(ctx, b.ID, u.ID, tenants.ReadinessDecisions{}); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("readiness of another region's unit: err = %v, want ErrNotFound", err)
		}
		if _, err := store.Readiness(ctx, b.ID, u.ID); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("reading another region's readiness: err = %v, want ErrNotFound", err)
		}
		if err := store.RemoveIntroSession(ctx, b.ID, u.ID, s1.ID); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("removing from another region: err = %v, want ErrNotFound", err)
		}
		if err := store.RemoveIntroSession(ctx, a.ID, u2.ID, s1.ID); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("removing through another unit: err = %v, want ErrNotFound", err)
		}

		r, err = store.SetReadiness(ctx, a.ID, u.ID, tenants.ReadinessDecisions{
			BudgetDecided: true, BudgetDecidedOn: day("2024-02-01"),
			ManagementAnchored: true, ManagementAnchoredOn: tenants.Today(time.Now()),
		})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Ready() || len(r.IntroSessions) != 2 || r.IntroSessions[0].HeldOn != day("2024-03-05") ||
			r.IntroSessions[1].Note != "Dagpersonal" || r.IntroSessions[1].UnitID != u.ID {
			t.Fatalf("readiness %+v, want ready with two sessions by date", r)
		}

		all, err := store.ReadinessByUnit(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 || !all[u.ID].Ready() || all[u2.ID].Ready() || len(all[u.ID].IntroSessions) != 2 {
			t.Fatalf("readiness by unit %+v", all)
		}
		if other, err := store.ReadinessByUnit(ctx, b.ID); err != nil || len(other) != 0 {
			t.Fatalf("region b sees readiness %+v (%v)", other, err)
		}

		if err := store.RemoveIntroSession(ctx, a.ID, u.ID, s1.ID); err != nil {
			t.Fatal(err)
		}
		if r, _ := store.Readiness(ctx, a.ID, u.ID); len(r.IntroSessions) != 1 || !r.Ready() {
			t.Fatalf("after removing one session: %+v", r)
		}
	})
}
