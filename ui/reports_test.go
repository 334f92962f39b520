package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/jobs"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// reportAPI sends an API request as c and returns the status and body.
func (sb *signInBundle) reportAPI(t *testing.T, c caller, method, path string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, body := sb.do(t, req)
	return resp.StatusCode, body
}

// reportCaller is the caller with the role.
func reportCaller(t *testing.T, callers []caller, role tenants.Role) caller {
	t.Helper()
	for _, c := range callers {
		if c.role == role {
			return c
		}
	}
	t.Fatalf("no caller with role %s", role)
	return caller{}
}

// postAs submits an empty form as the caller's browser session.
func (sb *signInBundle) postAs(t *testing.T, c caller, path string) *http.Response {
	t.Helper()
	form := url.Values{"_csrf": {sb.policy.CSRF.Token(c.binding)}}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(c.cookie)
	resp, err := sb.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// seedSmallOffer records, in the first month of quarter at sb's first
// unit, 12 newly diagnosed, 14 met, 9 informed and 8 offered, of whom 6
// accepted and 2 declined. The 2 is a small count: with k = 5 it is
// published "<5", and so are the 6 accepted (or 8 − 6 would give the 2
// back); the rate 9 ÷ 12 rests on visible counts. It returns the unit's
// name and the offer row the page must show for it.
func seedSmallOffer(t *testing.T, sb *signInBundle, quarter tenants.Date) (unit, row string) {
	t.Helper()
	ctx := context.Background()
	units, err := tenants.NewUnitStore(sb.db).Units(ctx, sb.region.ID)
	if err != nil || len(units) == 0 {
		t.Fatalf("units: %v", err)
	}
	nd := 12
	if err := sb.db.InTenant(ctx, sb.region.ID, func(tx *tenants.Tx) error {
		_, err := tx.NewInsert().Model(&tenants.OfferTally{TenantID: sb.region.ID, UnitID: units[0].ID, Month: quarter, NewDiagnoses: &nd,
			OfferCounts: tenants.OfferCounts{Met: 14, Informed: 9, Offered: 8, Accepted: 6, Declined: 2}}).Exec(ctx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	hidden := `<td data-hidden="true">&lt;5</td>`
	return units[0].Name, `<tr><th scope="row">` + units[0].Name + `</th><td>12</td><td>14</td><td>9</td><td>8</td>` +
		hidden + hidden + `<td>0</td><td>0</td><td>75,0` + "\u00a0" + `%</td><td>0</td></tr>`
}

// figureTableHTML is the HTML table of figure table id on a page.
func figureTableHTML(t *testing.T, body, id string) string {
	t.Helper()
	start := strings.Index(body, `data-figures="`+id+`"`)
	if start < 0 {
		t.Fatalf("the page has no figure table %s", id)
	}
	end := strings.Index(body[start:], "</table>")
	return body[start : start+end]
}

// TestReportPages: the list shows each built quarter with its reports and
// state and a build still waiting; a report shows its figures suppressed,
// "<5" for a small count and never the count; a viewer sees neither the
// draft nor the builds, reads the report once approved, but the approve
// button is not theirs and the matrix refuses their post; the
// administrator approves the whole quarter (audited), after which it is
// locked (409). A failed build's technical error is for the
// administrator, not for the coordinator who sees the failure.
func TestReportPages(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		ctx := context.Background()
		callers := callersFor(t, sb)
		admin, viewer := reportCaller(t, callers, tenants.RoleRegionAdmin), reportCaller(t, callers, tenants.RoleViewer)
		coordinator := reportCaller(t, callers, tenants.RoleOrgCoordinator)

		quarter := tenants.LastEndedQuarter(time.Now())
		_, offerRow := seedSmallOffer(t, sb, quarter)
		regionReport := buildReports(t, sb, quarter)
		// A build of an earlier quarter waits for a worker.
		waiting := quarter.AddMonths(-3)
		if err := db.InTenant(ctx, sb.region.ID, func(tx *tenants.Tx) error {
			_, err := testMail(t, db).InsertTx(ctx, tx, jobs.ReportBuildArgs{TenantID: sb.region.ID, PeriodStart: waiting.String()}, nil)
			return err
		}); err != nil {
			t.Fatal(err)
		}

		// A build of a quarter before that failed and was given up, with
		// its technical error: for the administrators only.
		const buildError = "test: the build failed on purpose"
		failed := quarter.AddMonths(-6)
		var failedJob int64
		if err := db.InTenant(ctx, sb.region.ID, func(tx *tenants.Tx) error {
			res, err := testMail(t, db).InsertTx(ctx, tx, jobs.ReportBuildArgs{TenantID: sb.region.ID, PeriodStart: failed.String()}, nil)
			if err == nil {
				failedJob = res.Job.ID
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		attemptError := `{"at":"2026-01-01T00:00:00Z","attempt":1,"error":"` + buildError + `","trace":""}`
		discard := "UPDATE river_job SET state = 'discarded', attempt = 1, finalized_at = CURRENT_TIMESTAMP, errors = ? WHERE id = ?"
		args := []any{"[" + attemptError + "]", failedJob}
		if db.Dialect() == tenants.Postgres {
			discard = "UPDATE river_job SET state = 'discarded', attempt = 1, finalized_at = now(), errors = ARRAY[?::jsonb] WHERE id = ?"
			args[0] = attemptError
		}
		if _, err := db.Bun().NewRaw(discard, args...).Exec(ctx); err != nil {
			t.Fatal(err)
		}

		list := "/r/" + sb.region.Slug + "/admin/reports"
		show := list + "/" + itoa(regionReport)
		label := sb.translatorQuarter(quarter)
		status, body := sb.getAs(t, admin, list)
		if status != http.StatusOK {
			t.Fatalf("list as administrator: %d", status)
		}
		contains(t, "reports list", body, label, `data-state="draft"`, `href="`+show+`"`, "Hela regionen", "Organisation: Org",
			sb.translatorQuarter(waiting), `data-build="pending"`, "Sammanställs", buildError, `data-build="failed"`)
		if _, body := sb.getAs(t, coordinator, list); strings.Contains(body, buildError) || !strings.Contains(body, `data-build="failed"`) {
			t.Errorf("the coordinator's list shows the failed build's technical error, or not the failure")
		}
		// A draft is not published: the viewer's list has neither it nor
		// the builds, and the report is not found.
		_, body = sb.getAs(t, viewer, list)
		for _, unwanted := range []string{label, `href="` + show + `"`, "data-build", buildError} {
			if strings.Contains(body, unwanted) {
				t.Errorf("the viewer's list of drafts shows %q", unwanted)
			}
		}
		if status, _ := sb.getAs(t, viewer, show); status != http.StatusNotFound {
			t.Fatalf("a draft as viewer: %d, want 404", status)
		}

		status, body = sb.getAs(t, admin, show)
		if status != http.StatusOK {
			t.Fatalf("report as administrator: %d", status)
		}
		contains(t, "region report", body, "Hela regionen", label, "Information och erbjudande per mottagning",
			"&lt;5 betyder att uppgiften inte visas", "Remisser under kvartalet", "Handledning", `scope="row"`,
			"Antal kamratstödjare och tjänster döljs inte", `action="`+show+`/approve"`, "Godkänn kvartalet")
		offer := figureTableHTML(t, body, "offer")
		contains(t, "offer table", offer, offerRow)
		if strings.Contains(offer, "<td>2</td>") || strings.Contains(offer, "<td>6</td>") {
			t.Errorf("the offer table shows the 2 declined, or the 6 that gives it back:\n%s", offer)
		}

		if resp := sb.postAs(t, viewer, show+"/approve"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("viewer approves: %d, want 403", resp.StatusCode)
		}
		if r, _ := tenants.NewReportStore(db).Report(ctx, sb.region.ID, regionReport); r.State != tenants.ReportDraft {
			t.Fatalf("after the viewer's refused approval: %s", r.State)
		}

		resp := sb.postAs(t, admin, show+"/approve")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != show {
			t.Fatalf("administrator approves: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if !audited(t, sb, "report.approve", quarter.String()) {
			t.Error("the approval is not in the audit log")
		}
		reports, _ := tenants.NewReportStore(db).PeriodReports(ctx, sb.region.ID, quarter)
		for _, r := range reports {
			if r.State != tenants.ReportApproved {
				t.Errorf("report %d (%s) after approving the quarter: %s", r.ID, r.Scope, r.State)
			}
		}
		_, body = sb.getAs(t, admin, show)
		contains(t, "approved report", body, `data-state="approved"`, "Godkänd och låst")
		if strings.Contains(body, `/approve"`) {
			t.Error("an approved quarter still offers approval")
		}

		// Approved, the quarter is the viewer's to read: the same figures,
		// and still no builds and no approval.
		_, body = sb.getAs(t, viewer, list)
		contains(t, "the viewer's list", body, label, `data-state="approved"`, `href="`+show+`"`)
		if strings.Contains(body, "data-build") {
			t.Error("the viewer's list shows the builds")
		}
		status, body = sb.getAs(t, viewer, show)
		if status != http.StatusOK {
			t.Fatalf("approved report as viewer: %d", status)
		}
		contains(t, "approved report as viewer", figureTableHTML(t, body, "offer"), offerRow)
		if strings.Contains(body, "/approve") {
			t.Error("the viewer is offered the approve button")
		}

		if resp := sb.postAs(t, admin, show+"/approve"); resp.StatusCode != http.StatusConflict {
			t.Errorf("approving again: %d, want 409", resp.StatusCode)
		}
		if status, _ := sb.getAs(t, admin, list+"/999999"); status != http.StatusNotFound {
			t.Errorf("unknown report: %d", status)
		}
	})
}

// sb.translatorQuarter is the Swedish quarter label the pages show.
func (sb *signInBundle) translatorQuarter(d tenants.Date) string {
	return "Kvartal " + itoa(int64(tenants.QuarterNumber(d))) + " " + itoa(int64(d.Year()))
}

// offerCells returns the cells of the API answer's offer table's first
// clinic.
func offerCells(t *testing.T, r apiReport) []apiFigureCell {
	t.Helper()
	for _, tb := range r.Figures.Tables {
		if tb.ID == "offer" {
			if len(tb.Rows) != 1 || len(tb.Rows[0].Cells) != len(tb.Columns) {
				t.Fatalf("offer table: %+v", tb)
			}
			return tb.Rows[0].Cells
		}
	}
	t.Fatalf("no offer table in %+v", r.Figures)
	return nil
}

// TestReportAPI: the list, a report with its figures suppressed as the
// page shows them ("<5" with no value for a small count, in the language
// asked for), approval through the API (refused for a viewer by the
// matrix, 409 the second time); a viewer lists and reads only approved
// reports.
func TestReportAPI(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		callers := callersFor(t, sb)
		admin, viewer := reportCaller(t, callers, tenants.RoleRegionAdmin), reportCaller(t, callers, tenants.RoleViewer)
		quarter := tenants.LastEndedQuarter(time.Now())
		seedSmallOffer(t, sb, quarter)
		id := buildReports(t, sb, quarter)
		api := "/api/v1/regions/" + sb.region.Slug + "/reports"

		listAs := func(c caller) apiReportQuarterList {
			t.Helper()
			status, body := sb.reportAPI(t, c, http.MethodGet, api)
			var list apiReportQuarterList
			if status != http.StatusOK || json.Unmarshal([]byte(body), &list) != nil {
				t.Fatalf("list as %s: %d %s", c.role, status, body)
			}
			return list
		}
		list := listAs(admin)
		if len(list.Quarters) != 1 || list.Quarters[0].PeriodStart != quarter.String() || list.Quarters[0].State != "draft" ||
			len(list.Quarters[0].Reports) != 2 || list.Quarters[0].Reports[0].Scope != "region" {
			t.Fatalf("list: %+v", list)
		}
		if list := listAs(viewer); len(list.Quarters) != 0 || len(list.Builds) != 0 {
			t.Errorf("the viewer lists drafts: %+v", list)
		}
		if status, _ := sb.reportAPI(t, viewer, http.MethodGet, api+"/"+itoa(id)); status != http.StatusNotFound {
			t.Errorf("a draft as viewer: %d, want 404", status)
		}

		status, body := sb.reportAPI(t, admin, http.MethodGet, api+"/"+itoa(id))
		var r apiReport
		if status != http.StatusOK || json.Unmarshal([]byte(body), &r) != nil {
			t.Fatalf("show: %d %s", status, body)
		}
		if r.ID != id || r.Scope != "region" || r.State != "draft" || r.PeriodEnd != tenants.QuarterEnd(quarter).String() ||
			r.Figures.K != 5 || r.Figures.Language != "sv" || !strings.HasPrefix(r.Figures.Legend, "<5 betyder") {
			t.Fatalf("report: %+v", r)
		}
		checkOffer := func(r apiReport) {
			t.Helper()
			cells := offerCells(t, r)
			want := []string{"12", "14", "9", "8", "<5", "<5", "0", "0", "75,0\u00a0%", "0"}
			for i, c := range cells {
				if c.Text != want[i] {
					t.Errorf("offer cell %d: %q, want %q", i, c.Text, want[i])
				}
				if c.Hidden != (want[i] == "<5") || (c.Hidden && c.Value != nil) {
					t.Errorf("offer cell %d: hidden %v with value %v", i, c.Hidden, c.Value)
				}
				if c.Value != nil && (*c.Value == 2 || *c.Value == 6) {
					t.Errorf("offer cell %d carries %v, the small count or its complement", i, *c.Value)
				}
			}
			if v := cells[0].Value; v == nil || *v != 12 || cells[0].Kind != "count" {
				t.Errorf("new diagnoses: %+v", cells[0])
			}
			if v := cells[8].Value; v == nil || *v != 75 || cells[8].Kind != "percent" {
				t.Errorf("rate: %+v", cells[8])
			}
		}
		checkOffer(r)
		if strings.Contains(body, `"value":2,`) || strings.Contains(body, `"value":2}`) {
			// No figure of this quarter is 2 apart from the declined.
			t.Errorf("the answer carries a 2:\n%s", body)
		}

		// English when asked for.
		req := httptest.NewRequest(http.MethodGet, api+"/"+itoa(id), nil)
		req.Header.Set("Authorization", "Bearer "+admin.token)
		req.Header.Set("Accept-Language", "en")
		if _, body := sb.do(t, req); !strings.Contains(body, `"legend":"\u003c5 means`) && !strings.Contains(body, `"legend":"<5 means`) {
			t.Errorf("English answer: %s", body)
		}

		if status, _ := sb.reportAPI(t, viewer, http.MethodPost, api+"/"+itoa(id)+"/approve"); status != http.StatusForbidden {
			t.Fatalf("viewer approves: %d, want 403", status)
		}
		status, body = sb.reportAPI(t, admin, http.MethodPost, api+"/"+itoa(id)+"/approve")
		if status != http.StatusOK || json.Unmarshal([]byte(body), &r) != nil || r.State != "approved" || r.ApprovedAt == nil {
			t.Fatalf("administrator approves: %d %s", status, body)
		}
		checkOffer(r)
		if status, _ := sb.reportAPI(t, admin, http.MethodPost, api+"/"+itoa(id)+"/approve"); status != http.StatusConflict {
			t.Errorf("approving again: %d, want 409", status)
		}
		if !audited(t, sb, "report.approve", quarter.String()) {
			t.Error("the approval is not in the audit log")
		}

		// Approved, the viewer lists and reads it, suppressed alike.
		if list := listAs(viewer); len(list.Quarters) != 1 || len(list.Quarters[0].Reports) != 2 {
			t.Errorf("the viewer's list of the approved quarter: %+v", list)
		}
		status, body = sb.reportAPI(t, viewer, http.MethodGet, api+"/"+itoa(id))
		if status != http.StatusOK || json.Unmarshal([]byte(body), &r) != nil {
			t.Fatalf("approved report as viewer: %d %s", status, body)
		}
		checkOffer(r)
	})
}
