package tenants_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// wantFields fails unless err is a *ValidationError naming exactly the
// field:key pairs given.
func wantFields(t *testing.T, what string, err error, want ...string) {
	t.Helper()
	ve, ok := err.(*tenants.ValidationError)
	if !ok {
		t.Errorf("%s: err = %v, want a validation error %v", what, err, want)
		return
	}
	var got []string
	for _, f := range ve.Fields {
		got = append(got, f.Field+":"+f.Key)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: fields %v, want %v", what, got, want)
	}
}

// TestOfferTally: encounters and weeks add up per unit and month, new
// diagnoses give the systematisation rate, bad input changes nothing and
// another region's unit is not found.
func TestOfferTally(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		a, b := tenanttest.Tenant(t, db), tenanttest.Tenant(t, db)
		unit, err := tenants.NewUnitStore(db).Create(ctx, a.ID, tenants.Unit{Name: "Infektionsmottagningen Malmö", Kind: tenants.UnitInfectionClinic, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		offers := tenants.NewOfferStore(db)
		may := tenants.NewDate(2025, time.May, 14)

		for _, e := range []tenants.Encounter{
			{Informed: true, Offered: true, Response: tenants.OfferAccepted},
			{Informed: true, Offered: true, Response: tenants.OfferDeclined},
			{Informed: true},
			{},
		} {
			if _, err := offers.RecordEncounter(ctx, a.ID, unit.ID, may, e); err != nil {
				t.Fatalf("record %+v: %v", e, err)
			}
		}
		// The week of Monday 28 April has its Thursday on 1 May: May's.
		week := tenants.OfferCounts{Met: 5, Informed: 4, Offered: 3, Accepted: 1, Declined: 1, Undecided: 1}
		if _, err := offers.RecordWeek(ctx, a.ID, unit.ID, tenants.NewDate(2025, time.April, 28), week); err != nil {
			t.Fatal(err)
		}
		got, err := offers.SetNewDiagnoses(ctx, a.ID, unit.ID, may, 12)
		if err != nil {
			t.Fatal(err)
		}
		want := tenants.OfferCounts{Met: 9, Informed: 7, Offered: 5, Accepted: 2, Declined: 2, Undecided: 1}
		if got.OfferCounts != want || got.Month != tenants.NewDate(2025, time.May, 1) || got.NewDiagnoses == nil || *got.NewDiagnoses != 12 {
			t.Fatalf("May's tally %+v, want %+v with 12 new diagnoses", got, want)
		}
		if rate, ok := got.SystematisationRate(); !ok || rate != 7.0/12 {
			t.Errorf("rate %v %v, want 7/12", rate, ok)
		}

		refusals := []struct {
			name string
			call func() error
			want []string
		}{
			{"offered but not informed", func() error {
				_, err := offers.RecordEncounter(ctx, a.ID, unit.ID, may, tenants.Encounter{Offered: true, Response: tenants.OfferAccepted})
				return err
			}, []string{"offered:validation.offer_uninformed"}},
			{"answer without offer, in the future", func() error {
				_, err := offers.RecordEncounter(ctx, a.ID, unit.ID, tenants.DateOf(time.Now().AddDate(0, 0, 2)), tenants.Encounter{Informed: true, Response: tenants.OfferDeclined})
				return err
			}, []string{"response:validation.offer_response_unoffered", "date:validation.not_future"}},
			{"offered without answer", func() error {
				_, err := offers.RecordEncounter(ctx, a.ID, unit.ID, may, tenants.Encounter{Informed: true, Offered: true})
				return err
			}, []string{"response:validation.choice"}},
			{"week not on a Monday", func() error {
				_, err := offers.RecordWeek(ctx, a.ID, unit.ID, tenants.NewDate(2025, time.May, 6), week)
				return err
			}, []string{"week_start:validation.week_start"}},
			{"same week twice", func() error {
				_, err := offers.RecordWeek(ctx, a.ID, unit.ID, tenants.NewDate(2025, time.April, 28), week)
				return err
			}, []string{"week_start:validation.offer_week_recorded"}},
			{"counts that do not nest", func() error {
				_, err := offers.RecordWeek(ctx, a.ID, unit.ID, tenants.NewDate(2025, time.May, 5),
					tenants.OfferCounts{Met: 2, Informed: 3, Offered: 3, Accepted: 1})
				return err
			}, []string{"informed:validation.offer_counts_nest", "offered:validation.offer_counts_responses"}},
			{"negative counts", func() error {
				_, err := offers.RecordWeek(ctx, a.ID, unit.ID, tenants.NewDate(2025, time.May, 5), tenants.OfferCounts{Met: -1})
				return err
			}, []string{"met:validation.range"}},
			{"negative new diagnoses", func() error {
				_, err := offers.SetNewDiagnoses(ctx, a.ID, unit.ID, may, -3)
				return err
			}, []string{"new_diagnoses:validation.range"}},
		}
		for _, r := range refusals {
			wantFields(t, r.name, r.call(), r.want...)
		}
		// Another region's unit does not exist for region b.
		_, err = offers.RecordEncounter(ctx, b.ID, unit.ID, may, tenants.Encounter{})
		wantNotFound(t, "encounter at another region's unit", err)
		_, err = offers.Tallies(ctx, b.ID, unit.ID, may, may)
		wantNotFound(t, "tallies of another region's unit", err)

		list, err := offers.Tallies(ctx, a.ID, unit.ID, tenants.NewDate(2025, time.January, 1), tenants.NewDate(2025, time.December, 31))
		if err != nil || len(list) != 1 || list[0].OfferCounts != want || *list[0].NewDiagnoses != 12 {
			t.Fatalf("tallies after refusals %+v (%v), want May unchanged", list, err)
		}
	})
}
