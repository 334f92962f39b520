package ui

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// reportRoutes are the quarterly reports: pages under
// /r/{region}/admin/reports and their JSON API. Reading needs report read
// (regional administrators, coordinators, viewers), and which reports each
// reads is readableReport's to say: viewers approved ones, coordinators
// their organisation's and agreements'. Approving a quarter needs report
// approve (regional administrators).
func (s *server) reportRoutes() []route {
	const (
		pages = "/r/:region/admin/reports"
		api   = "/api/v1/regions/:region/reports"
	)
	return []route{
		{method: fiber.MethodGet, path: pages, access: accessRegion, resource: "report", action: "read", handler: s.reportsIndex},
		{method: fiber.MethodGet, path: pages + "/:id", access: accessRegion, resource: "report", action: "read", handler: s.reportShow},
		{method: fiber.MethodPost, path: pages + "/:id/approve", access: accessRegion, resource: "report", action: "approve", handler: s.reportApprove},

		{method: fiber.MethodGet, path: api, access: accessRegion, resource: "report", action: "read", handler: s.apiReportIndex,
			doc: &apiDoc{summary: "The report quarters the caller may read, latest first, with their reports (without figures), and for all but viewers the builds under way or failed", tag: "reports", response: apiReportQuarterList{}}},
		{method: fiber.MethodGet, path: api + "/:id", access: accessRegion, resource: "report", action: "read", handler: s.apiReportShow,
			doc: &apiDoc{summary: "One report with its figures as the report page shows them: aggregates suppressed with the region's small-count threshold (a count below k is \"<k\" with no value); 404 for a report the caller may not read", tag: "reports", response: apiReport{}}},
		{method: fiber.MethodPost, path: api + "/:id/approve", access: accessRegion, resource: "report", action: "approve", handler: s.apiReportApprove,
			doc: &apiDoc{summary: "Approve the report's whole quarter (every scope) and lock it; 409 when already approved", tag: "reports", response: apiReport{}, status: fiber.StatusOK}},
	}
}

// reportsURL is the reports list of the request's region.
func reportsURL(c *fiber.Ctx) string { return "/r/" + currentRegion(c).Slug + "/admin/reports" }

// quarterLabel names a quarter: "kvartal 1 2026", "Q1 2026".
func (s *server) quarterLabel(lang string, start tenants.Date) string {
	return s.translator.Translate(lang, "reports.quarter", map[string]any{"Year": start.Year(), "Quarter": tenants.QuarterNumber(start)})
}

// reportScopeLabel names what a report covers.
func (s *server) reportScopeLabel(lang string, r tenants.Report) string {
	if r.Scope == tenants.ReportRegion {
		return s.translator.Translate(lang, "reports.scope.region", nil)
	}
	return s.translator.Translate(lang, "reports.scope."+string(r.Scope), map[string]any{"Name": r.ScopeName})
}

// moment writes a time in Swedish time, to the minute.
func moment(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(stockholm).Format("2006-01-02 15:04")
}

// approveReportQuarter approves the quarter of report id, audited.
func (s *server) approveReportQuarter(c *fiber.Ctx, id int64) (tenants.Report, error) {
	region, p := currentRegion(c), principal(c)
	r, err := s.cfg.Reports.Report(c.UserContext(), region.ID, id)
	if err != nil {
		return r, err
	}
	if err := s.cfg.Reports.Approve(c.UserContext(), region.ID, p.User.ID, r.PeriodStart, time.Now()); err != nil {
		return r, err
	}
	s.auditAdmin(c, "report.approve", "report_period", r.PeriodStart.String())
	return s.cfg.Reports.Report(c.UserContext(), region.ID, id)
}
