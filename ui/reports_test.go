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

// TestReportPages: the list shows each built quarter with its reports and
// state and a build still waiting; a report shows its figures as tables;
// a viewer reads but the approve button is not theirs and the matrix
// refuses their post; the administrator approves the whole quarter
// (audited), after which it is locked (409).
func TestReportPages(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		ctx := context.Background()
		callers := callersFor(t, sb)
		admin, viewer := reportCaller(t, callers, tenants.RoleRegionAdmin), reportCaller(t, callers, tenants.RoleViewer)

		quarter := tenants.LastEndedQuarter(time.Now())
		units, err := tenants.NewUnitStore(db).Units(ctx, sb.region.ID)
		if err != nil || len(units) == 0 {
			t.Fatalf("units: %v", err)
		}
		nd := 7
		if err := db.InTenant(ctx, sb.region.ID, func(tx *tenants.Tx) error {
			_, err := tx.NewInsert().Model(&tenants.OfferTally{TenantID: sb.region.ID, UnitID: units[0].ID, Month: quarter, NewDiagnoses: &nd,
				OfferCounts: tenants.OfferCounts{Met: 9, Informed: 7, Offered: 5, Accepted: 2, Declined: 2, Undecided: 1}}).Exec(ctx)
			return err
		}); err != nil {
			t.Fatal(err)
		}
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
		if _, body := sb.getAs(t, admin, list); !strings.Contains(body, buildError) || !strings.Contains(body, `data-build="failed"`) {
			t.Errorf("the administrator's list lacks the failed build's error:\n%s", body)
		}
		status, body := sb.getAs(t, viewer, list)
		if strings.Contains(body, buildError) || !strings.Contains(body, `data-build="failed"`) {
			t.Errorf("the viewer's list shows the failed build's technical error, or not the failure")
		}
		if status != http.StatusOK {
			t.Fatalf("list as viewer: %d", status)
		}
		label := sb.translatorQuarter(quarter)
		contains(t, "reports list", body, label, `data-state="draft"`, `href="`+show+`"`, "Hela regionen", "Organisation: Org",
			sb.translatorQuarter(waiting), `data-build="pending"`, "Sammanställs")

		status, body = sb.getAs(t, viewer, show)
		if status != http.StatusOK {
			t.Fatalf("report as viewer: %d", status)
		}
		contains(t, "region report", body, "Hela regionen", label, "Information och erbjudande per mottagning", "Infektion",
			"<td>7</td><td>9</td><td>7</td><td>5</td>", "100\u00a0%", "Remisser under kvartalet", "Handledning", `scope="row"`)
		if strings.Contains(body, "/approve") {
			t.Error("the viewer is offered the approve button")
		}
		_, body = sb.getAs(t, admin, show)
		contains(t, "region report as administrator", body, `action="`+show+`/approve"`, "Godkänn kvartalet")

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

// TestReportAPI: the list, a report with its figures, approval through
// the API (refused for a viewer by the matrix, 409 the second time).
func TestReportAPI(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		callers := callersFor(t, sb)
		admin, viewer := reportCaller(t, callers, tenants.RoleRegionAdmin), reportCaller(t, callers, tenants.RoleViewer)
		quarter := tenants.LastEndedQuarter(time.Now())
		id := buildReports(t, sb, quarter)
		api := "/api/v1/regions/" + sb.region.Slug + "/reports"

		status, body := sb.reportAPI(t, viewer, http.MethodGet, api)
		var list apiReportQuarterList
		if status != http.StatusOK || json.Unmarshal([]byte(body), &list) != nil {
			t.Fatalf("list: %d %s", status, body)
		}
		if len(list.Quarters) != 1 || list.Quarters[0].PeriodStart != quarter.String() || list.Quarters[0].State != "draft" ||
			len(list.Quarters[0].Reports) != 2 || list.Quarters[0].Reports[0].Scope != "region" {
			t.Fatalf("list: %+v", list)
		}

		status, body = sb.reportAPI(t, viewer, http.MethodGet, api+"/"+itoa(id))
		var r apiReport
		if status != http.StatusOK || json.Unmarshal([]byte(body), &r) != nil {
			t.Fatalf("show: %d %s", status, body)
		}
		if r.ID != id || r.Scope != "region" || r.State != "draft" || r.Figures.Offer == nil || r.PeriodEnd != tenants.QuarterEnd(quarter).String() {
			t.Fatalf("report: %+v", r)
		}

		if status, _ := sb.reportAPI(t, viewer, http.MethodPost, api+"/"+itoa(id)+"/approve"); status != http.StatusForbidden {
			t.Fatalf("viewer approves: %d, want 403", status)
		}
		status, body = sb.reportAPI(t, admin, http.MethodPost, api+"/"+itoa(id)+"/approve")
		if status != http.StatusOK || json.Unmarshal([]byte(body), &r) != nil || r.State != "approved" || r.ApprovedAt == nil {
			t.Fatalf("administrator approves: %d %s", status, body)
		}
		if status, _ := sb.reportAPI(t, admin, http.MethodPost, api+"/"+itoa(id)+"/approve"); status != http.StatusConflict {
			t.Errorf("approving again: %d, want 409", status)
		}
		if !audited(t, sb, "report.approve", quarter.String()) {
			t.Error("the approval is not in the audit log")
		}
	})
}
