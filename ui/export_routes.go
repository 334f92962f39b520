package ui

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// exportRoutes are the CSV, XLSX and PDF exports of reports (the
// dashboard's are in its own routes). A report's export is
// /r/{region}/admin/reports/{id}/export/{csv|xlsx|pdf}: one route per
// format, so an unknown format is not found and the route walk checks
// each one.
func (s *server) exportRoutes() []route {
	var routes []route
	for _, format := range exportFormatNames {
		routes = append(routes, route{
			method: fiber.MethodGet, path: "/r/:region/admin/reports/:id/export/" + format,
			access: accessRegion, resource: "report", action: "read", handler: s.reportExport(format),
		})
	}
	return routes
}

// ExportLinks are the downloads of the report a reportPage shows, for its
// template. The report's address is its approve form's without "/approve"
// (the page carries no other); none without it.
func (p reportPage) ExportLinks() []link {
	report, ok := strings.CutSuffix(p.ApproveURL, "/approve")
	if !ok {
		return nil
	}
	var links []link
	for _, format := range exportFormatNames {
		links = append(links, link{Label: p.translator.Translate(p.Lang, "exports."+format, nil), URL: report + "/export/" + format})
	}
	return links
}

// reportExport sends a report's figures in format: the figureDoc its page
// renders (reportDoc), so the file carries exactly the page's figures.
// Who may read which report is decided by readableReport, as for the page:
// a report the caller may not read is not found.
func (s *server) reportExport(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := s.readableReport(c)
		if err != nil {
			return err
		}
		region, now := currentRegion(c), time.Now()
		lang := s.exportLanguage(c)
		t := func(key string, args map[string]any) string { return s.translator.Translate(lang, key, args) }
		title := s.reportScopeLabel(lang, r) + " — " + s.quarterLabel(lang, r.PeriodStart)
		state := t("reports.col.state", nil) + ": " + t("reports.state."+string(r.State), nil)
		if r.ApprovedAt != nil {
			state += " (" + moment(r.ApprovedAt) + ")"
		}
		e := figureExport{
			Filename: t("exports.filename.report", nil) + "-" + region.Slug + "-" + r.PeriodStart.String() + "-" + reportFileScope(r),
			Title:    title,
			Subtitle: []string{
				t("exports.region", map[string]any{"Name": region.Name}),
				t("reports.period", nil) + ": " + r.PeriodStart.String() + " – " + tenants.QuarterEnd(r.PeriodStart).String(),
				state,
				t("reports.col.built", nil) + ": " + moment(&r.BuiltAt),
				t("exports.created", map[string]any{"At": moment(&now)}),
			},
			Doc:  s.reportDoc(lang, region, r),
			Lang: lang,
		}
		return s.sendExport(c, format, e)
	}
}

// reportFileScope names what a report covers in its file name: "region",
// or the organisation's or agreement's name.
func reportFileScope(r tenants.Report) string {
	if r.Scope == tenants.ReportRegion || r.ScopeName == "" {
		return string(r.Scope)
	}
	return r.ScopeName
}
