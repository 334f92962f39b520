package tenants_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

func TestNormalizeOrganisationNumber(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"232100-0016":   "232100-0016", // Region Stockholm
		"2321000016":    "232100-0016",
		" 802400-1235":  "802400-1235",
		"232100-0017":   "", // Luhn
		"231100-0016":   "", // third digit below 2 (Luhn holds)
		"232100-001":    "",
		"23210000166":   "",
		"23210-00016":   "",
		"16232100-0016": "", // 12-digit form is not accepted
		"２３２１００-００１６":   "",
	} {
		got, ok := tenants.NormalizeOrganisationNumber(in)
		if ok != (want != "") || (ok && got != want) {
			t.Errorf("NormalizeOrganisationNumber(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestOrganisationValidate(t *testing.T) {
	t.Parallel()
	o := tenants.Organisation{
		Name: " NSPH Skåne ", OrgNumber: "8024114566", Kind: tenants.OrgUser,
		ContactName: " Sara Ek ", ContactEmail: " Sara.Ek@NSPH.se ", ContactPhone: "040-12 34 56",
		Focus: []tenants.TargetGroup{tenants.TargetPsychiatry, tenants.TargetHIV, tenants.TargetPsychiatry},
	}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if o.Name != "NSPH Skåne" || o.OrgNumber != "802411-4566" || o.ContactName != "Sara Ek" || o.ContactEmail != "sara.ek@nsph.se" ||
		!reflect.DeepEqual(o.Focus, []tenants.TargetGroup{tenants.TargetHIV, tenants.TargetPsychiatry}) {
		t.Fatalf("normalised to %+v", o)
	}
	bad := tenants.Organisation{Name: "", OrgNumber: "802411-4567", Kind: "club", ContactEmail: "nej", ContactPhone: "123", Focus: []tenants.TargetGroup{"cats"}}
	wantFieldKeys(t, bad.Validate(), "name=validation.required", "org_number=validation.org_number", "kind=validation.choice",
		"contact_email=validation.email", "contact_phone=validation.phone", "focus=validation.choice")
	for phone, ok := range map[string]bool{"+46 40 33 10 00": true, "08-123 456 78": true, "(040) 33 10 00": true, "070 123": false, "ring mig": false, "+46 40 33 10 00 00 00 00 00": false} {
		o := tenants.Organisation{Name: "X", Kind: tenants.OrgOther, ContactPhone: phone}
		if err := o.Validate(); (err == nil) != ok {
			t.Errorf("phone %q: err = %v, want ok %v", phone, err, ok)
		}
	}
}

// TestOrganisationStore: create, read, update and served units, with
// refusals that change nothing and regions that cannot see each other —
// on both databases.
func TestOrganisationStore(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		a, b := tenanttest.Tenant(t, db), tenanttest.Tenant(t, db)
		orgs, units := tenants.NewOrganisationStore(db), tenants.NewUnitStore(db)
		u1 := mustUnit(t, units, a.ID, tenants.Unit{Name: "Psykiatri Lund"})
		u2 := mustUnit(t, units, a.ID, tenants.Unit{Name: "Infektion Malmö"})
		foreign := mustUnit(t, units, b.ID, tenants.Unit{Name: "Annan regions enhet"})

		o, err := orgs.Create(ctx, a.ID, tenants.Organisation{
			Name: "Positiva gruppen Syd", OrgNumber: "802400-1235", Kind: tenants.OrgPatient, Active: true,
			ContactName: "Kim", ContactEmail: "kim@pgs.se", ContactPhone: "040-611 00 00",
			Focus: []tenants.TargetGroup{tenants.TargetHIV},
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := orgs.Organisation(ctx, a.ID, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ContactEmail != "kim@pgs.se" || !reflect.DeepEqual(got.Focus, []tenants.TargetGroup{tenants.TargetHIV}) || got.OrgNumber != "802400-1235" {
			t.Fatalf("read back %+v", got)
		}
		if _, err := orgs.Organisation(ctx, b.ID, o.ID); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("other region's organisation: err = %v, want ErrNotFound", err)
		}
		noFocus, err := orgs.Create(ctx, a.ID, tenants.Organisation{Name: "Utan fokus", Kind: tenants.OrgOther})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := orgs.Organisation(ctx, a.ID, noFocus.ID); got.Focus == nil || len(got.Focus) != 0 {
			t.Fatalf("no focus reads back as %#v, want an empty list", got.Focus)
		}

		// Update, and refusals that change nothing.
		o.Name, o.Focus, o.ContactPhone, o.Active = "Positiva gruppen Syd ideell förening", []tenants.TargetGroup{tenants.TargetPsychiatry, tenants.TargetHIV}, "", false
		updated, err := orgs.Update(ctx, a.ID, o)
		if err != nil {
			t.Fatal(err)
		}
		if updated.Name != o.Name || updated.ContactPhone != "" || updated.Active || len(updated.Focus) != 2 || updated.Focus[0] != tenants.TargetHIV {
			t.Fatalf("updated %+v", updated)
		}
		bad := updated
		bad.OrgNumber, bad.ContactEmail = "802400-1234", "kim@"
		wantFieldKeys(t, func() error { _, err := orgs.Update(ctx, a.ID, bad); return err }(),
			"org_number=validation.org_number", "contact_email=validation.email")
		dup := noFocus
		dup.OrgNumber = "802400-1235"
		if _, err := orgs.Update(ctx, a.ID, dup); !errors.Is(err, tenants.ErrConflict) {
			t.Fatalf("taking another organisation's number: err = %v, want ErrConflict", err)
		}
		if _, err := orgs.Update(ctx, b.ID, updated); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("update from another region: err = %v, want ErrNotFound", err)
		}
		if after, _ := orgs.Organisation(ctx, a.ID, o.ID); !reflect.DeepEqual(after, updated) {
			t.Fatalf("refused updates changed the organisation:\n%+v\nwant\n%+v", after, updated)
		}

		// Served units.
		if err := orgs.SetServedUnits(ctx, a.ID, o.ID, []int64{u2.ID, u1.ID, u2.ID}); err != nil {
			t.Fatal(err)
		}
		served, err := orgs.ServedUnits(ctx, a.ID, o.ID)
		if err != nil || len(served) != 2 || served[0].ID != u2.ID || served[1].ID != u1.ID {
			t.Fatalf("served units %+v (%v), want Infektion Malmö and Psykiatri Lund", served, err)
		}
		wantFieldKeys(t, orgs.SetServedUnits(ctx, a.ID, o.ID, []int64{u1.ID, foreign.ID}), "units=validation.scope_unit")
		if err := orgs.SetServedUnits(ctx, b.ID, o.ID, []int64{foreign.ID}); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("setting units from another region: err = %v, want ErrNotFound", err)
		}
		if _, err := orgs.ServedUnits(ctx, b.ID, o.ID); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("reading units from another region: err = %v, want ErrNotFound", err)
		}
		if served, _ := orgs.ServedUnits(ctx, a.ID, o.ID); len(served) != 2 {
			t.Fatalf("a refused change left %d served units, want 2", len(served))
		}
		if err := orgs.SetServedUnits(ctx, a.ID, o.ID, nil); err != nil {
			t.Fatal(err)
		}
		if served, _ := orgs.ServedUnits(ctx, a.ID, o.ID); len(served) != 0 {
			t.Fatalf("cleared, still serves %+v", served)
		}
	})
}

// TestOrganisationSaveIsOneTransaction: an organisation saved with a unit
// of another region is refused as a whole: no organisation is created, and
// an existing one keeps its fields and its units.
func TestOrganisationSaveIsOneTransaction(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		a, b := tenanttest.Tenant(t, db), tenanttest.Tenant(t, db)
		orgs, units := tenants.NewOrganisationStore(db), tenants.NewUnitStore(db)
		own, err := units.Create(ctx, a.ID, tenants.Unit{Name: "Egen", Kind: tenants.UnitOther, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		foreign, err := units.Create(ctx, b.ID, tenants.Unit{Name: "Annan", Kind: tenants.UnitOther, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		org := tenants.Organisation{Name: "Förening", Kind: tenants.OrgPatient, Active: true}
		if _, err := orgs.Save(ctx, a.ID, org, []int64{own.ID, foreign.ID}); !isValidation(err) {
			t.Fatalf("a unit of another region: %v, want a validation error", err)
		}
		if list, err := orgs.Organisations(ctx, a.ID); err != nil || len(list) != 0 {
			t.Fatalf("a refused save left %d organisations (%v)", len(list), err)
		}
		saved, err := orgs.Save(ctx, a.ID, org, []int64{own.ID})
		if err != nil {
			t.Fatal(err)
		}
		saved.Name = "Nytt namn"
		if _, err := orgs.Save(ctx, a.ID, saved, []int64{foreign.ID}); !isValidation(err) {
			t.Fatalf("update with a unit of another region: %v", err)
		}
		got, err := orgs.Organisation(ctx, a.ID, saved.ID)
		if err != nil || got.Name != "Förening" {
			t.Errorf("a refused update changed the name: %q (%v)", got.Name, err)
		}
		if served, err := orgs.ServedUnits(ctx, a.ID, saved.ID); err != nil || len(served) != 1 || served[0].ID != own.ID {
			t.Errorf("a refused update changed the units: %+v (%v)", served, err)
		}
	})
}

func isValidation(err error) bool {
	var v *tenants.ValidationError
	return errors.As(err, &v)
}
