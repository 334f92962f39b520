package ui

import (
	"context"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
)

// reportPageExamples are the report pages for the page test.
func reportPageExamples(base basePage) map[string]page {
	return map[string]page{
		"reports": reportsPage{basePage: base, RegionName: "Region Skåne",
			Quarters: []reportQuarterRow{
				{Label: "Kvartal 2 2026", State: "draft", StateLabel: "Utkast", BuiltAt: "2026-07-01 01:00", Reports: []link{{Label: "Hela regionen", URL: "/r/skane/admin/reports/4"}}},
				{Label: "Kvartal 1 2026", State: "approved", StateLabel: "Godkänd", BuiltAt: "2026-04-01 01:00", ApprovedAt: "2026-04-10 09:00",
					Reports: []link{{Label: "Hela regionen", URL: "/r/skane/admin/reports/1"}, {Label: "Organisation: NSPH", URL: "/r/skane/admin/reports/2"}}},
			},
			Builds: []reportBuildRow{{Label: "Kvartal 3 2026", StateLabel: "Misslyckades", Failed: true, Attempt: 10, Max: 10, Error: "build failed"}, {Label: "Kvartal 4 2026", StateLabel: "Sammanställs", Attempt: 0, Max: 10}}},
		"reports empty": reportsPage{basePage: base, RegionName: "Region Skåne"},
		"report": reportPage{basePage: base, RegionName: "Region Skåne", ListURL: "/r/skane/admin/reports", ApproveURL: "/r/skane/admin/reports/3/approve",
			Title: "IOP-överenskommelse: Hivstöd", Quarter: "Kvartal 1 2026", Period: "2026-01-01 – 2026-03-31", State: "draft", StateLabel: "Utkast",
			BuiltAt: "2026-04-01 01:00", CanApprove: true, Siblings: []link{{Label: "Hela regionen", URL: "/r/skane/admin/reports/1"}},
			Figures: figureDoc{Legend: "<5 betyder att uppgiften inte visas.", Tables: []figureTableView{{
				ID: "offer", Caption: "Information och erbjudande per mottagning", LabelHeading: "Mottagning",
				Columns: []string{"Nydiagnostiserade", "Avböjda", "Systematiseringsgrad"},
				Rows: []figureRowView{{Label: "Infektion Lund", Cells: []figureCellView{
					{Text: "18", Number: floatPtr(18), Kind: tenants.FigureCount}, {Text: "<5", Hidden: true, Kind: tenants.FigureCount},
					{Text: "116,7 %", Number: floatPtr(116.7), Kind: tenants.FigurePercent}}}},
				Total: &figureRowView{Label: "Totalt", Cells: []figureCellView{
					{Text: "18", Number: floatPtr(18), Kind: tenants.FigureCount}, {Text: "<5", Hidden: true, Kind: tenants.FigureCount},
					{Text: "–", Kind: tenants.FigurePercent}}},
				Note: "Systematiseringsgrad = informerade ÷ nydiagnostiserade.",
			}}}},
		"report approved, no offer": reportPage{basePage: base, RegionName: "Region Skåne", ListURL: "/r/skane/admin/reports",
			Title: "Organisation: NSPH", Quarter: "Kvartal 1 2026", State: "approved", StateLabel: "Godkänd", BuiltAt: "2026-04-01 01:00", ApprovedAt: "2026-04-10 09:00"},
	}
}

// reportFixtures builds and approves the region's reports of the last
// ended quarter, for the route walks: ids["reports"] is the coordinator's
// organisation's report, which every role that reads reports may read
// (readableReport).
func reportFixtures(t *testing.T, sb *signInBundle, ids map[string]int64) {
	t.Helper()
	ctx := context.Background()
	quarter := tenants.LastEndedQuarter(time.Now())
	buildReports(t, sb, quarter)
	store := tenants.NewReportStore(sb.db)
	if err := store.Approve(ctx, sb.region.ID, sb.users[tenants.RoleRegionAdmin].ID, quarter, time.Now()); err != nil {
		t.Fatal(err)
	}
	org := *sb.membership(t, tenants.RoleOrgCoordinator).OrganisationID
	reports, err := store.PeriodReports(ctx, sb.region.ID, quarter)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		if r.Scope == tenants.ReportOrganisation && r.ScopeID == org {
			ids["reports"] = r.ID
			return
		}
	}
	t.Fatalf("no report of the coordinator's organisation among %+v", reports)
}

func floatPtr(v float64) *float64 { return &v }

// buildReports builds sb's region's reports of a quarter and returns the
// region report's id.
func buildReports(t *testing.T, sb *signInBundle, quarter tenants.Date) int64 {
	t.Helper()
	ctx := context.Background()
	store := tenants.NewReportStore(sb.db)
	if _, err := store.Build(ctx, sb.region.ID, quarter, time.Now(), tenants.BuildOnce); err != nil {
		t.Fatal(err)
	}
	reports, err := store.PeriodReports(ctx, sb.region.ID, quarter)
	if err != nil || len(reports) == 0 || reports[0].Scope != tenants.ReportRegion {
		t.Fatalf("reports of %s: %+v, %v", quarter, reports, err)
	}
	return reports[0].ID
}
