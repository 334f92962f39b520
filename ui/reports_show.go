package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// reportPage shows one report's figures, suppressed as they are published
// (reportDoc), with its quarter's state and, for those who may, the button
// that approves the quarter.
type reportPage struct {
	basePage
	RegionName, ListURL, ApproveURL string
	Title, Quarter, Period          string
	State, StateLabel               string
	BuiltAt, ApprovedAt             string
	// CanApprove: a draft, and the reader may approve.
	CanApprove bool
	// Siblings are the quarter's other reports the reader may read.
	Siblings []link
	Figures  figureDoc
}

func (reportPage) templateName() string { return "reports_show" }

// reportShow renders a report the caller may read (readableReport).
func (s *server) reportShow(c *fiber.Ctx) error {
	region := currentRegion(c)
	r, rr, err := s.readableReportOf(c)
	if err != nil {
		return err
	}
	siblings, err := s.cfg.Reports.PeriodReports(c.UserContext(), region.ID, r.PeriodStart)
	if err != nil {
		return err
	}
	p := reportPage{basePage: s.regionBase(c), RegionName: region.Name, ListURL: reportsURL(c)}
	lang := p.Lang
	p.ApproveURL = p.ListURL + "/" + itoa(r.ID) + "/approve"
	p.Title, p.Quarter = s.reportScopeLabel(lang, r), s.quarterLabel(lang, r.PeriodStart)
	p.Period = r.PeriodStart.String() + " – " + tenants.QuarterEnd(r.PeriodStart).String()
	p.State, p.StateLabel = string(r.State), s.translator.Translate(lang, "reports.state."+string(r.State), nil)
	p.BuiltAt, p.ApprovedAt = moment(&r.BuiltAt), moment(r.ApprovedAt)
	p.CanApprove = r.State == tenants.ReportDraft && s.cfg.Policy.Authorizer.Allowed(principal(c).Role, region.Slug, "report", "approve")
	for _, o := range rr.readable(siblings) {
		if o.ID != r.ID {
			p.Siblings = append(p.Siblings, link{Label: s.reportScopeLabel(lang, o), URL: p.ListURL + "/" + itoa(o.ID)})
		}
	}
	p.Figures = s.reportDoc(lang, region, r)
	return s.renderPage(c, p)
}

// percentSign follows the number: " %" in Swedish, "%" in English.
func percentSign(lang string) string {
	if lang == langEnglish {
		return "%"
	}
	return noBreakSpace + "%"
}
