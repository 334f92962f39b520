package ui

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/suppress"
)

// apiReport is a report in API answers: its figures as the report page
// shows them, suppressed with the region's threshold (reportDoc).
type apiReport struct {
	ID          int64  `json:"id"`
	PeriodStart string `json:"period_start"` // the quarter's first day
	PeriodEnd   string `json:"period_end"`   // its last day
	Quarter     string `json:"quarter"`      // e.g. 2026-Q1
	// Scope is region, organisation or agreement; ScopeID is 0 for the
	// region; ScopeName the organisation's or agreement's name when built.
	Scope      string     `json:"scope"`
	ScopeID    int64      `json:"scope_id"`
	ScopeName  string     `json:"scope_name"`
	State      string     `json:"state"` // draft or approved
	BuiltAt    time.Time  `json:"built_at"`
	ApprovedAt *time.Time `json:"approved_at,omitempty"`
	Figures    apiFigures `json:"figures"`
}

// apiReportOf writes a report for the API, in the language the request
// asks for (Accept-Language; the region's default otherwise).
func (s *server) apiReportOf(c *fiber.Ctx, r tenants.Report) apiReport {
	region := currentRegion(c)
	lang := s.languageOr(c, region.Settings.Effective().DefaultLanguage)
	k := suppress.Threshold(region.Settings.Effective().SmallCountThreshold)
	return apiReport{
		ID: r.ID, PeriodStart: r.PeriodStart.String(), PeriodEnd: tenants.QuarterEnd(r.PeriodStart).String(), Quarter: quarterCode(r.PeriodStart),
		Scope: string(r.Scope), ScopeID: r.ScopeID, ScopeName: r.ScopeName, State: string(r.State),
		BuiltAt: r.BuiltAt.UTC(), ApprovedAt: utcPtr(r.ApprovedAt), Figures: apiFiguresOf(lang, k, s.reportDoc(lang, region, r)),
	}
}

func quarterCode(d tenants.Date) string {
	return fmt.Sprintf("%d-Q%d", d.Year(), tenants.QuarterNumber(d))
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// apiReportQuarterList answers GET /api/v1/regions/{region}/reports.
type apiReportQuarterList struct {
	Quarters []apiReportQuarter `json:"quarters"`
	// Builds are the latest build per quarter that has not completed:
	// waiting, running, retrying after a failure, or given up.
	Builds []apiReportBuild `json:"builds"`
}

type apiReportQuarter struct {
	PeriodStart string             `json:"period_start"`
	Quarter     string             `json:"quarter"`
	State       string             `json:"state"`
	BuiltAt     time.Time          `json:"built_at"`
	ApprovedAt  *time.Time         `json:"approved_at,omitempty"`
	Reports     []apiReportSummary `json:"reports"`
}

type apiReportSummary struct {
	ID        int64  `json:"id"`
	Scope     string `json:"scope"`
	ScopeID   int64  `json:"scope_id"`
	ScopeName string `json:"scope_name"`
}

type apiReportBuild struct {
	PeriodStart string `json:"period_start"`
	Quarter     string `json:"quarter"`
	// State is the job's: available, scheduled, running, retryable
	// (failed, to be tried again), discarded or cancelled (given up).
	State       string `json:"state"`
	Attempt     int    `json:"attempt"`
	MaxAttempts int    `json:"max_attempts"`
	// LastError is the latest failure's technical message, for the
	// regional administrators who act on it.
	LastError string `json:"last_error,omitempty"`
}

// apiReportIndex answers GET /api/v1/regions/{region}/reports with the
// quarters and reports the caller may read (readableQuarters).
func (s *server) apiReportIndex(c *fiber.Ctx) error {
	region := currentRegion(c)
	quarters, builds, err := s.readableQuarters(c)
	if err != nil {
		return err
	}
	technical := s.cfg.Policy.Authorizer.Allowed(principal(c).Role, region.Slug, "report", "approve")
	out := apiReportQuarterList{Quarters: []apiReportQuarter{}, Builds: []apiReportBuild{}}
	for _, q := range quarters {
		row := apiReportQuarter{PeriodStart: q.PeriodStart.String(), Quarter: quarterCode(q.PeriodStart), State: string(tenants.ReportDraft),
			BuiltAt: q.BuiltAt.UTC(), ApprovedAt: utcPtr(q.ApprovedAt), Reports: []apiReportSummary{}}
		if q.Approved() {
			row.State = string(tenants.ReportApproved)
		}
		for _, r := range q.Reports {
			row.Reports = append(row.Reports, apiReportSummary{ID: r.ID, Scope: string(r.Scope), ScopeID: r.ScopeID, ScopeName: r.ScopeName})
		}
		out.Quarters = append(out.Quarters, row)
	}
	for _, b := range builds {
		build := apiReportBuild{PeriodStart: b.PeriodStart.String(), Quarter: quarterCode(b.PeriodStart),
			State: b.State, Attempt: b.Attempt, MaxAttempts: b.MaxAttempts}
		if technical {
			build.LastError = b.LastError
		}
		out.Builds = append(out.Builds, build)
	}
	return c.JSON(out)
}

// apiReportShow answers GET /api/v1/regions/{region}/reports/{id}.
func (s *server) apiReportShow(c *fiber.Ctx) error {
	r, err := s.readableReport(c)
	if err != nil {
		return err
	}
	return c.JSON(s.apiReportOf(c, r))
}

// apiReportApprove answers POST /api/v1/regions/{region}/reports/{id}/approve:
// the report's whole quarter is approved and locked; the answer is the
// report as approved.
func (s *server) apiReportApprove(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	r, err := s.approveReportQuarter(c, id)
	if err != nil {
		return err
	}
	return c.JSON(s.apiReportOf(c, r))
}
