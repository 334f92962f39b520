package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// reportsPage lists the region's report quarters, newest first, and the
// builds under way or failed.
type reportsPage struct {
	basePage
	RegionName string
	Quarters   []reportQuarterRow
	Builds     []reportBuildRow
}

func (reportsPage) templateName() string { return "reports_index" }

type reportQuarterRow struct {
	Label, State, StateLabel string
	BuiltAt, ApprovedAt      string
	Reports                  []link
}

// reportBuildRow is a quarter's latest build job that has not completed.
type reportBuildRow struct {
	Label, StateLabel string
	Failed            bool
	Attempt, Max      int
	Error             string
}

// reportsIndex lists the quarters with the reports the caller may read
// (reportReader) and their state.
func (s *server) reportsIndex(c *fiber.Ctx) error {
	region := currentRegion(c)
	p := reportsPage{basePage: s.regionBase(c), RegionName: region.Name}
	var err error
	if p.Quarters, p.Builds, err = s.reportQuarterRows(c, p.Lang); err != nil {
		return err
	}
	return s.renderPage(c, p)
}

func (s *server) reportQuarterRows(c *fiber.Ctx, lang string) ([]reportQuarterRow, []reportBuildRow, error) {
	region := currentRegion(c)
	quarters, builds, err := s.readableQuarters(c)
	if err != nil {
		return nil, nil, err
	}
	base := reportsURL(c)
	// The technical error of a failed build is for those who act on it
	// (the administrators who approve reports); readers see the state.
	technical := s.cfg.Policy.Authorizer.Allowed(principal(c).Role, region.Slug, "report", "approve")
	var rows []reportQuarterRow
	for _, q := range quarters {
		row := reportQuarterRow{Label: s.quarterLabel(lang, q.PeriodStart), State: string(tenants.ReportDraft), BuiltAt: moment(q.BuiltAt), ApprovedAt: moment(q.ApprovedAt)}
		if q.Approved() {
			row.State = string(tenants.ReportApproved)
		}
		row.StateLabel = s.translator.Translate(lang, "reports.state."+row.State, nil)
		for _, r := range q.Reports {
			row.Reports = append(row.Reports, link{Label: s.reportScopeLabel(lang, r), URL: base + "/" + itoa(r.ID)})
		}
		rows = append(rows, row)
	}
	var buildRows []reportBuildRow
	for _, b := range builds {
		state := "building"
		switch {
		case b.Failed():
			state = "failed"
		case b.LastError != "":
			state = "retrying"
		}
		row := reportBuildRow{
			Label: s.quarterLabel(lang, b.PeriodStart), StateLabel: s.translator.Translate(lang, "reports.build."+state, nil),
			Failed: b.Failed(), Attempt: b.Attempt, Max: b.MaxAttempts,
		}
		if technical {
			row.Error = b.LastError
		}
		buildRows = append(buildRows, row)
	}
	return rows, buildRows, nil
}

// readableQuarters returns the quarters with reports the caller may read,
// each with only those reports, latest first, and the latest build of each
// quarter that is under way or failed — for those who see builds at all
// (not viewers, who see published reports only).
func (s *server) readableQuarters(c *fiber.Ctx) ([]tenants.ReportQuarter, []tenants.ReportBuild, error) {
	region := currentRegion(c)
	rr, err := s.reportReaderOf(c)
	if err != nil {
		return nil, nil, err
	}
	quarters, err := s.cfg.Reports.Quarters(c.UserContext(), region.ID)
	if err != nil {
		return nil, nil, err
	}
	var out []tenants.ReportQuarter
	for _, q := range quarters {
		if q.BuiltAt == nil {
			continue // a build that failed before storing anything
		}
		if q.Reports = rr.readable(q.Reports); len(q.Reports) > 0 {
			out = append(out, q)
		}
	}
	if !rr.seesBuilds() {
		return out, nil, nil
	}
	all, err := s.cfg.Reports.ReportBuilds(c.UserContext(), region.ID)
	if err != nil {
		return nil, nil, err
	}
	var builds []tenants.ReportBuild
	seen := map[tenants.Date]bool{}
	for _, b := range all { // latest first
		if seen[b.PeriodStart] {
			continue
		}
		seen[b.PeriodStart] = true
		if b.Pending() || b.Failed() {
			builds = append(builds, b)
		}
	}
	return out, builds, nil
}
