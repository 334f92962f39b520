package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// seedDashboard gives sb's region a quarter of work: a large clinic's
// offers in the current quarter, and two referrals from it (a small count).
func seedDashboard(t *testing.T, sb *signInBundle) (unit tenants.Unit) {
	t.Helper()
	ctx := context.Background()
	units, err := tenants.NewUnitStore(sb.db).Units(ctx, sb.region.ID)
	if err != nil || len(units) == 0 {
		t.Fatalf("units: %v", err)
	}
	unit = units[0]
	offers := tenants.NewOfferStore(sb.db)
	monday := tenants.Today(time.Now())
	for monday.Time().Weekday() != time.Monday {
		monday = monday.AddDays(-1)
	}
	// Two weeks of 900 informed: 1 800 in the funnel.
	for _, week := range []tenants.Date{monday, monday.AddDays(-7)} {
		if _, err := offers.RecordWeek(ctx, sb.region.ID, unit.ID, week, tenants.OfferCounts{Met: 950, Informed: 900, Offered: 800, Accepted: 500, Declined: 200, Undecided: 100}); err != nil {
			t.Fatal(err)
		}
		if _, err := offers.SetNewDiagnoses(ctx, sb.region.ID, unit.ID, week, 1000); err != nil {
			t.Fatal(err)
		}
	}
	org, err := tenants.NewOrganisationStore(sb.db).Save(ctx, sb.region.ID, tenants.Organisation{Name: "Hivföreningen", Kind: tenants.OrgPatient,
		Focus: []tenants.TargetGroup{tenants.TargetHIV}, Active: true}, []int64{unit.ID})
	if err != nil {
		t.Fatal(err)
	}
	refs := tenants.NewReferralStore(sb.db, testSealer(t))
	for range 2 {
		if _, _, err := refs.RegisterAndRefer(ctx, sb.region.ID, unit.ID, sb.users[tenants.RoleClinicStaff].ID, tenants.NewParticipant{
			TargetGroup: tenants.TargetHIV, Language: "sv",
			Consent: tenants.ConsentScopes{FollowUp: true, ExpiresOn: tenants.Today(time.Now()).AddMonths(12)},
		}, org.ID); err != nil {
			t.Fatal(err)
		}
	}
	return unit
}

// TestDashboardPage: the administrator and the viewer see the dashboard with
// its charts and tables, the two referrals withheld as "<5" and never as 2,
// the large clinic's rate shown; the API carries the same figures; the CSV,
// XLSX and PDF downloads carry exactly the page's figures; roles without
// dashboard read get 403; a bad filter is refused at its field and shows no
// figures.
func TestDashboardPage(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		callers := callersFor(t, sb)
		seedDashboard(t, sb)
		page := "/r/" + sb.region.Slug + "/dashboard"

		for _, c := range callers {
			status, body := sb.getAs(t, c, page)
			switch c.role {
			case tenants.RoleRegionAdmin, tenants.RoleViewer:
				if status != http.StatusOK {
					t.Fatalf("%s: %d", c.role, status)
				}
				contains(t, string(c.role)+" dashboard", body, "Nyckeltal för "+sb.region.Name, `<svg`, `role="img"`,
					"Systematiseringsgrad per mottagning", "&lt;5 betyder", `data-figures="funnel"`)
				funnel := figureTableHTML(t, body, "funnel")
				contains(t, "funnel", funnel, "1\u202f800", `<td data-hidden="true">&lt;5</td>`)
				if strings.Contains(funnel, "<td>2</td>") {
					t.Errorf("the funnel shows the two referrals:\n%s", funnel)
				}
			default:
				if status != http.StatusForbidden {
					t.Errorf("%s: %d, want 403", c.role, status)
				}
			}
		}

		viewer := reportCaller(t, callers, tenants.RoleViewer)
		status, body := sb.reportAPI(t, viewer, http.MethodGet, "/api/v1/regions/"+sb.region.Slug+"/dashboard")
		if status != http.StatusOK {
			t.Fatalf("API: %d %s", status, body)
		}
		var api apiDashboard
		if err := json.Unmarshal([]byte(body), &api); err != nil {
			t.Fatal(err)
		}
		var referred *apiFigureCell
		for _, tb := range api.Figures.Tables {
			for _, r := range tb.Rows {
				if tb.ID == tenants.DashboardTableFunnel && r.Label == "Remitterade" {
					referred = &r.Cells[0]
				}
			}
		}
		if referred == nil || !referred.Hidden || referred.Value != nil || referred.Text != "<5" || api.Figures.K != 5 {
			t.Errorf("API referred = %+v (k %d), want withheld without a value", referred, api.Figures.K)
		}

		admin := reportCaller(t, callers, tenants.RoleRegionAdmin)
		resp, raw := sb.exportGet(t, admin, page, langSwedish)
		if resp.StatusCode != http.StatusOK {
			t.Fatal(resp.StatusCode)
		}
		legend, grids := pageFigures(t, string(raw))
		title := pageTitle(string(raw))
		links := pageExportLinks(string(raw))
		if len(grids) != 7 || len(links) != 3 {
			t.Fatalf("%d figure tables, links %q", len(grids), links)
		}
		for _, link := range links {
			format := link[strings.LastIndex(link, "/")+1:]
			resp, file := sb.exportGet(t, admin, link, langSwedish)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d %s", link, resp.StatusCode, file)
			}
			if problems := exportProblems(t, format, file, langSwedish, title, legend, grids); len(problems) > 0 {
				t.Errorf("the dashboard's %s differs from the page:\n%s", format, strings.Join(problems, "\n"))
			}
		}

		// Bad filters: refused at the field, nothing shown.
		for query, want := range map[string]string{
			"?from=2020-01-01&to=2026-10-01":       "Välj högst 12 kvartal.",
			"?from=inte-ett-datum":                 "Måste vara första dagen i ett kvartal",
			"?unit_id=999999":                      "Välj en mottagning eller enhet i regionen.",
			"?target_group=katter":                 `aria-invalid="true"`,
			"?from=2026-04-01&to=2026-01-01":       "Slutdatumet får inte vara före startdatumet.",
			"?organisation_id=-3":                  "organisation_id-error",
			"?from=2026-02-01&to=2026-04-01&x=<b>": "Måste vara första dagen i ett kvartal",
		} {
			status, body := sb.getAs(t, admin, page+query)
			if status != http.StatusBadRequest {
				t.Errorf("%s: %d, want 400", query, status)
			}
			contains(t, "refused "+query, body, want)
			if strings.Contains(body, "data-figures") {
				t.Errorf("%s: figures shown with a refused filter", query)
			}
		}
		status, body = sb.reportAPI(t, viewer, http.MethodGet, "/api/v1/regions/"+sb.region.Slug+"/dashboard?from=2026-02-01")
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, `"from"`) {
			t.Errorf("API with a bad filter: %d %s", status, body)
		}
		if status, _ := sb.getAs(t, admin, page+"/export/docx"); status != http.StatusNotFound {
			t.Errorf("unknown export format: %d, want 404", status)
		}
	})
}
