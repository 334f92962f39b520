package ui

import (
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// dashboardPage is the region dashboard: the filter form, the export links
// and the suppressed figures with their charts.
type dashboardPage struct {
	basePage
	Form       form
	RegionName string
	From, To   fieldView
	Unit, Org  fieldView
	Group      fieldView
	// Period names the quarters shown.
	Period string
	// Exports are the download links of the figures shown.
	Exports []link
	// Figures is nil when the filter was refused.
	Figures *figureDoc
}

func (dashboardPage) templateName() string { return "dashboard" }

// dashboardQuarterChoices is how many quarters back the period selects go.
const dashboardQuarterChoices = 12

// dashboardFilterOf reads the filter from the query: from, to (first days
// of quarters; by default the last four quarters), unit_id,
// organisation_id and target_group. Values that cannot be read are
// refused at their field, like the store's own refusals.
func dashboardFilterOf(c *fiber.Ctx, now time.Time) (tenants.DashboardFilter, error) {
	f := tenants.DefaultDashboardFilter(now)
	var problems []tenants.FieldError
	date := func(name string, dst *tenants.Date) {
		if raw := c.Query(name); raw != "" {
			d, err := tenants.ParseDate(raw)
			if err != nil {
				problems = append(problems, tenants.FieldError{Field: name, Key: "validation.quarter_start"})
				return
			}
			*dst = d
		}
	}
	id := func(name, key string, dst *int64) {
		if raw := c.Query(name); raw != "" {
			n, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || n < 0 {
				problems = append(problems, tenants.FieldError{Field: name, Key: key})
				return
			}
			*dst = n
		}
	}
	date("from", &f.From)
	date("to", &f.To)
	id("unit_id", "validation.scope_unit", &f.UnitID)
	id("organisation_id", "validation.scope_organisation", &f.OrganisationID)
	f.TargetGroup = tenants.TargetGroup(c.Query("target_group"))
	if len(problems) > 0 {
		return f, &tenants.ValidationError{Fields: problems}
	}
	return f, nil
}

// dashboardOf reads the filter and computes the dashboard's publication.
func (s *server) dashboardOf(c *fiber.Ctx) (tenants.DashboardFilter, tenants.Publication, error) {
	region := currentRegion(c)
	now := time.Now()
	f, err := dashboardFilterOf(c, now)
	if err != nil {
		return f, tenants.Publication{}, err
	}
	d, err := s.cfg.Dashboards.Dashboard(c.UserContext(), region.ID, f, now)
	if err != nil {
		return f, tenants.Publication{}, err
	}
	return f, tenants.DashboardPublication(d, region.Settings.Effective().SmallCountThreshold), nil
}

// dashboardShow renders the dashboard; a refused filter shows the form
// with its problems (400) and no figures.
func (s *server) dashboardShow(c *fiber.Ctx) error {
	region := currentRegion(c)
	p := dashboardPage{basePage: s.regionBase(c), RegionName: region.Name}
	lang := p.Lang
	f, pub, err := s.dashboardOf(c)
	p.Form = form{Values: map[string]string{"from": c.Query("from", f.From.String()), "to": c.Query("to", f.To.String()),
		"unit_id": c.Query("unit_id"), "organisation_id": c.Query("organisation_id"), "target_group": c.Query("target_group")}}
	if err != nil && !s.refuse(&p.Form, lang, err) {
		return err
	}
	if err := s.dashboardChoices(c, &p); err != nil {
		return err
	}
	if p.Form.Invalid() {
		c.Status(fiber.StatusBadRequest)
		return s.renderPage(c, p)
	}
	doc := s.figureDocOf(lang, pub)
	p.Figures = &doc
	p.Period = s.dashboardPeriod(lang, f)
	query := c.Request().URI().QueryArgs().String()
	for _, format := range exportFormatNames {
		u := "/r/" + url.PathEscape(region.Slug) + "/dashboard/export/" + format
		if query != "" {
			u += "?" + query
		}
		p.Exports = append(p.Exports, link{Label: s.translator.Translate(lang, "dashboard.export."+format, nil), URL: u})
	}
	return s.renderPage(c, p)
}

// dashboardPeriod names the quarters: "Kvartal 1 2026 – kvartal 4 2026".
func (s *server) dashboardPeriod(lang string, f tenants.DashboardFilter) string {
	if f.From == f.To {
		return s.quarterLabel(lang, f.From)
	}
	return s.quarterLabel(lang, f.From) + " – " + s.quarterLabel(lang, f.To)
}

// dashboardChoices fills the filter's select lists.
func (s *server) dashboardChoices(c *fiber.Ctx, p *dashboardPage) error {
	lang := p.Lang
	t := func(key string) string { return s.translator.Translate(lang, key, nil) }
	names, err := s.loadScopeNames(c, currentRegion(c).ID)
	if err != nil {
		return err
	}
	current := tenants.DefaultDashboardFilter(time.Now()).To
	var quarters []option
	for i := range dashboardQuarterChoices {
		q := current.AddMonths(-3 * i)
		quarters = append(quarters, option{Value: q.String(), Label: s.quarterLabel(lang, q)})
	}
	all := option{Value: "", Label: t("dashboard.filter.all")}
	unitOptions, orgOptions := append([]option{all}, names.unitOptions...), append([]option{all}, names.orgOptions...)
	groupOptions := []option{all}
	for _, g := range tenants.TargetGroups {
		groupOptions = append(groupOptions, option{Value: string(g), Label: t("target_group." + string(g))})
	}
	p.From = choice("from", t("dashboard.filter.from"), p.Form.Value("from"), p.Form.Error("from"), quarters)
	p.To = choice("to", t("dashboard.filter.to"), p.Form.Value("to"), p.Form.Error("to"), quarters)
	p.Unit = choice("unit_id", t("dashboard.filter.unit"), p.Form.Value("unit_id"), p.Form.Error("unit_id"), unitOptions)
	p.Org = choice("organisation_id", t("dashboard.filter.organisation"), p.Form.Value("organisation_id"), p.Form.Error("organisation_id"), orgOptions)
	p.Group = choice("target_group", t("dashboard.filter.group"), p.Form.Value("target_group"), p.Form.Error("target_group"), groupOptions)
	return nil
}

// dashboardExport sends the figures the page shows for the same query as
// CSV, XLSX or PDF.
func (s *server) dashboardExport(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		region := currentRegion(c)
		f, pub, err := s.dashboardOf(c)
		if err != nil {
			return err
		}
		lang := s.exportLanguage(c)
		title := s.translator.Translate(lang, "dashboard.title", map[string]any{"Region": region.Name})
		return s.sendExport(c, format, figureExport{
			Filename: title + " " + f.From.String() + " " + f.To.String(), Title: title,
			Subtitle: []string{s.dashboardPeriod(lang, f)}, Doc: s.figureDocOf(lang, pub), Lang: lang,
		})
	}
}
