package ui

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// nationalPage compares the regions that share their figures, one quarter
// at a time.
type nationalPage struct {
	basePage
	// Quarter is the select of quarters with an approved shared report,
	// with the problem of a bad ?quarter= in its Error.
	Quarter fieldView
	// QuarterLabel names the quarter shown; empty when none is.
	QuarterLabel string
	// NoReports: no sharing region has an approved report for the quarter
	// asked for (or, without one asked for, for any quarter).
	NoReports bool
	Figures   *figureDoc
}

func (nationalPage) templateName() string { return "national" }

// nationalShow renders the national view of ?quarter= (the first day of a
// quarter), by default the latest quarter with an approved shared report.
// A value that is not a quarter's first day is refused with 400 and the
// page says why.
func (s *server) nationalShow(c *fiber.Ctx) error {
	ctx, lang := c.UserContext(), s.language(c)
	quarters, err := s.cfg.Reports.NationalQuarters(ctx)
	if err != nil {
		return err
	}
	p := nationalPage{basePage: s.newBasePage(c, lang), Quarter: fieldView{Name: "quarter", Label: s.translator.Translate(lang, "national.quarter", nil)}}
	for _, q := range quarters {
		p.Quarter.Options = append(p.Quarter.Options, option{Value: q.String(), Label: s.quarterLabel(lang, q)})
	}

	var quarter tenants.Date
	if raw, asked := c.Queries()["quarter"]; asked {
		q, err := tenants.ParseDate(raw)
		shown := raw // echoed in the message, within reason
		if r := []rune(raw); len(r) > 40 {
			shown = string(r[:40]) + "…"
		}
		switch {
		case err != nil || q.IsZero():
			p.Quarter.Error = s.translator.Translate(lang, "national.quarter.invalid", map[string]any{"Value": shown})
		case !tenants.IsQuarterStart(q):
			p.Quarter.Error = s.translator.Translate(lang, "national.quarter.not_start", map[string]any{"Value": shown})
		default:
			quarter = q
		}
		if p.Quarter.Error != "" {
			c.Status(fiber.StatusBadRequest)
			return s.renderPage(c, p)
		}
	} else if len(quarters) > 0 {
		quarter = quarters[0]
	}
	p.Quarter.Value = quarter.String()
	if quarter.IsZero() || !slices.Contains(quarters, quarter) {
		p.NoReports = true
		if !quarter.IsZero() {
			p.QuarterLabel = s.quarterLabel(lang, quarter)
		}
		return s.renderPage(c, p)
	}

	regions, err := s.cfg.Reports.NationalFigures(ctx, quarter)
	if err != nil {
		return err
	}
	doc := s.figureDocOf(lang, tenants.NationalPublication(regions))
	// Each region hides its small counts with its own k, so the legend
	// cannot name one k for the whole table.
	doc.Legend = s.translator.Translate(lang, "national.legend", nil)
	p.QuarterLabel, p.Figures = s.quarterLabel(lang, quarter), &doc
	return s.renderPage(c, p)
}
