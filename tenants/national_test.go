package tenants_test

import (
	"context"
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestNationalPublication: each region's counts are suppressed with its own
// k and carry it; a rate or statistic on a hidden count is hidden; counts
// that describe no participant are not suppressed; a region without an
// approved report has a text instead of figures; there is no total.
func TestNationalPublication(t *testing.T) {
	t.Parallel()
	median, mean := 2.5, 11.0
	small := tenants.ReportFigures{ // k = 3
		Offer:        &tenants.OfferFigures{Total: tenants.OfferFunnel{NewDiagnoses: 10, Informed: 2}},
		Referrals:    tenants.ReferralFigures{Created: 7},
		FirstContact: tenants.FirstContactFigures{Count: 4, MedianWorkingDays: &median, WithinDeadline: 3, DeadlineWorkingDays: 5},
		Peers:        tenants.PeerFigures{Active: 1, BudgetedPositions: 2},
		Outcomes:     tenants.OutcomeFigures{Compared: 0},
	}
	large := tenants.ReportFigures{ // k = 5 (the default)
		Offer:        &tenants.OfferFigures{Total: tenants.OfferFunnel{NewDiagnoses: 4, Informed: 4}},
		Referrals:    tenants.ReferralFigures{Created: 3},
		FirstContact: tenants.FirstContactFigures{Count: 6, WithinDeadline: 6, DeadlineWorkingDays: 10},
		Outcomes:     tenants.OutcomeFigures{Compared: 5, MeanChange: &mean},
	}
	pub := tenants.NationalPublication([]tenants.NationalRegion{
		{Name: "Region A", K: 3, Figures: &small},
		{Name: "Region B", K: 7},
		{Name: "Region C", K: 0, Figures: &large},
	})
	if len(pub.Tables) != 1 {
		t.Fatalf("%d tables, want 1", len(pub.Tables))
	}
	table := pub.Tables[0]
	if table.Total != nil || table.Note == nil || len(table.Rows) != 3 {
		t.Fatalf("table: total %v, note %v, %d rows", table.Total, table.Note, len(table.Rows))
	}
	if pub.K != 5 {
		t.Errorf("publication k %d, want the largest applied, 5", pub.K)
	}
	// cell describes a figure: "<k" when hidden, "-" when absent, the value
	// otherwise (rounded to two decimals), or the text's key.
	cell := func(f tenants.Figure) string {
		switch {
		case f.Hidden:
			if f.Value != 0 {
				t.Errorf("a hidden figure carries the value %v", f.Value)
			}
			return "<" + strconv.Itoa(f.K)
		case f.Kind == tenants.FigureText:
			return f.Text.Key
		case f.Absent:
			return "-"
		}
		return figureText(f)
	}
	want := map[string][]string{
		"Region A": {"10", "<3", "<3", "7", "4", "2.5", "5", "75", "1", "2", "0", "-"},
		"Region B": {"national.no_report", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-"},
		"Region C": {"<5", "<5", "<5", "<5", "6", "-", "10", "100", "0", "0", "5", "11"},
	}
	for _, row := range table.Rows {
		var got []string
		for _, f := range row.Cells {
			got = append(got, cell(f))
		}
		if len(row.Cells) != len(table.Columns) {
			t.Errorf("%s: %d cells for %d columns", row.Label.Literal, len(row.Cells), len(table.Columns))
		}
		if !slices.Equal(got, want[row.Label.Literal]) {
			t.Errorf("%s: %q, want %q", row.Label.Literal, got, want[row.Label.Literal])
		}
	}
}

// figureText writes v with up to two decimals, a percentage as its
// hundredfold.
func figureText(f tenants.Figure) string {
	v := f.Value
	if f.Kind == tenants.FigurePercent {
		v *= 100
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// TestNationalFigures: only regions that share appear, in Swedish
// alphabetical order, each with its approved region report of the quarter
// or none (a draft does not leave its region); the quarters are those with
// an approved report of a sharing region, latest first.
func TestNationalFigures(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		store, regions, units := tenants.NewReportStore(db), tenants.NewTenantStore(db), tenants.NewUnitStore(db)
		q4 := reportQuarter.AddMonths(-3)
		region := func(slug, name string, share bool, newDiagnoses int, approve, draft []tenants.Date) tenants.Tenant {
			t.Helper()
			r, err := regions.Create(ctx, tenants.Tenant{Slug: slug, Name: name, CountyCode: "12"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := regions.UpdateSettings(ctx, r.ID, name, tenants.TenantSettings{NationalSharing: share, SmallCountThreshold: 4}); err != nil {
				t.Fatal(err)
			}
			u, err := units.Create(ctx, r.ID, tenants.Unit{Name: "Infektion", HSAID: "SE2321000016-" + slug, Kind: tenants.UnitInfectionClinic, Active: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range append(slices.Clone(approve), draft...) {
				if err := db.InTenant(ctx, r.ID, func(tx *tenants.Tx) error {
					_, err := tx.NewInsert().Model(&tenants.OfferTally{TenantID: r.ID, UnitID: u.ID, Month: q, NewDiagnoses: &newDiagnoses,
						OfferCounts: tenants.OfferCounts{Met: newDiagnoses, Informed: 2}}).Exec(ctx)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				if _, err := store.Build(ctx, r.ID, q, reportNow, tenants.BuildOnce); err != nil {
					t.Fatal(err)
				}
				if slices.Contains(approve, q) {
					if err := store.Approve(ctx, r.ID, 0, q, reportNow); err != nil {
						t.Fatal(err)
					}
				}
			}
			return r
		}
		// Byte order would put Ä before Å; Swedish puts Å first.
		region("alvdalen", "Region Älvdalen", true, 30, nil, []tenants.Date{reportQuarter})
		region("asele", "Region Åsele", true, 12, []tenants.Date{reportQuarter, q4}, nil)
		region("dalarna", "Region Dalarna", false, 50, []tenants.Date{reportQuarter, q4.AddMonths(-3)}, nil)

		quarters, err := store.NationalQuarters(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(quarters, []tenants.Date{reportQuarter, q4}) {
			t.Errorf("quarters %v, want %v and %v (not the region that does not share)", quarters, reportQuarter, q4)
		}

		lines, err := store.NationalFigures(ctx, reportQuarter)
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) != 2 || lines[0].Name != "Region Åsele" || lines[1].Name != "Region Älvdalen" {
			t.Fatalf("regions %+v, want Åsele then Älvdalen and no Dalarna", lines)
		}
		if f := lines[0].Figures; f == nil || f.Offer == nil || f.Offer.Total.NewDiagnoses != 12 || lines[0].K != 4 {
			t.Errorf("Åsele: k %d, figures %+v; want k 4 and 12 new diagnoses", lines[0].K, f)
		}
		if lines[1].Figures != nil {
			t.Errorf("Älvdalen's draft left the region: %+v", lines[1].Figures)
		}

		earlier, err := store.NationalFigures(ctx, q4.AddMonths(-3))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range earlier {
			if l.Figures != nil {
				t.Errorf("%s has figures for a quarter only a region that does not share approved", l.Name)
			}
		}

		// Turning sharing off takes the region out at once.
		asele, err := regions.BySlug(ctx, "asele")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := regions.UpdateSettings(ctx, asele.ID, asele.Name, tenants.TenantSettings{}); err != nil {
			t.Fatal(err)
		}
		if quarters, err := store.NationalQuarters(ctx); err != nil || len(quarters) != 0 {
			t.Errorf("after Åsele stops sharing: quarters %v, %v; want none", quarters, err)
		}
	})
}

// TestSetNationalViewer grants and revokes the flag; an unknown user is
// ErrNotFound.
func TestSetNationalViewer(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		ids := tenants.NewIdentityStore(db)
		u, err := ids.CreateUser(ctx, tenants.User{Email: "nina@example.se", DisplayName: "Nina"})
		if err != nil {
			t.Fatal(err)
		}
		for _, on := range []bool{true, false} {
			if err := ids.SetNationalViewer(ctx, u.ID, on); err != nil {
				t.Fatal(err)
			}
			got, err := ids.User(ctx, u.ID)
			if err != nil || got.NationalViewer != on {
				t.Errorf("after SetNationalViewer(%v): %+v, %v", on, got, err)
			}
		}
		if err := ids.SetNationalViewer(ctx, u.ID+1000, true); err == nil {
			t.Error("an unknown user became a national viewer")
		}
	})
}
