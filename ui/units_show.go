package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// unitPage shows a unit and how ready it is for peer supporters, with the
// forms that record the readiness steps.
type unitPage struct {
	basePage
	RegionName  string
	URL         string // the unit's page; its forms post below it
	ListURL     string
	Unit        unitRow
	Ready       bool
	Missing     string
	Sessions    []introSessionRow
	Recommended int
	// The two forms, each with its own problems after a refusal.
	Readiness formSection
	Session   formSection
}

// formSection is one of several forms on a page, shaped like a page for
// the "form_errors" template.
type formSection struct {
	basePage
	Form form
}

type introSessionRow struct {
	ID     int64
	HeldOn string
	Note   string
}

func (unitPage) templateName() string { return "units_show" }

var (
	readinessFields = []string{"budget_decided", "budget_decided_on", "management_anchored", "management_anchored_on"}
	sessionFields   = []string{"held_on", "note"}
)

// unitShow renders the unit page.
func (s *server) unitShow(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := s.newUnitPage(c, id, nil, form{})
	if err != nil {
		return err
	}
	return s.renderPage(c, p)
}

// newUnitPage builds the unit page. readiness is the refused readiness
// form, or nil for the stored decisions; session is the session form.
func (s *server) newUnitPage(c *fiber.Ctx, id int64, readiness *form, session form) (unitPage, error) {
	region := currentRegion(c)
	ctx := c.UserContext()
	u, err := s.cfg.Units.Unit(ctx, region.ID, id)
	if err != nil {
		return unitPage{}, err
	}
	r, err := s.cfg.Units.Readiness(ctx, region.ID, id)
	if err != nil {
		return unitPage{}, err
	}
	base := s.regionBase(c)
	p := unitPage{
		basePage: base, RegionName: region.Name, URL: unitsURL(region) + "/" + itoa(id), ListURL: unitsURL(region),
		Unit: unitRow{
			ID: u.ID, Name: u.Name, HSAID: u.HSAID, Kind: s.unitKindLabel(base.Lang, u.Kind), Municipality: u.Municipality, Active: u.Active,
		},
		Ready: r.Ready(), Missing: s.missingSteps(base.Lang, r), Recommended: tenants.RecommendedIntroSessions,
		Session: formSection{basePage: base, Form: session},
	}
	if readiness == nil {
		readiness = &form{Values: map[string]string{
			"budget_decided": checked(r.BudgetDecided), "budget_decided_on": r.BudgetDecidedOn.String(),
			"management_anchored": checked(r.ManagementAnchored), "management_anchored_on": r.ManagementAnchoredOn.String(),
		}}
	}
	p.Readiness = formSection{basePage: base, Form: *readiness}
	if p.Session.Form.Values == nil {
		p.Session.Form.Values = map[string]string{}
	}
	for _, sess := range r.IntroSessions {
		p.Sessions = append(p.Sessions, introSessionRow{ID: sess.ID, HeldOn: sess.HeldOn.String(), Note: sess.Note})
	}
	return p, nil
}

// dateField is a form field that holds a date.
type dateField struct {
	name string
	into *tenants.Date
}

// parseDates reads date fields as YYYY-MM-DD; an empty field is no date.
// Each field that is not a date is a problem in v.
func parseDates(v *tenants.ValidationError, values map[string]string, fields ...dateField) {
	for _, f := range fields {
		d, err := tenants.ParseDate(values[f.name])
		if err != nil {
			v.Fields = append(v.Fields, tenants.FieldError{Field: f.name, Key: "validation.date"})
			continue
		}
		*f.into = d
	}
}

// readinessDecisions reads the decisions from form-like values: a ticked
// step and its date.
func readinessDecisions(values map[string]string, budgetDone, managementDone bool) (tenants.ReadinessDecisions, error) {
	d := tenants.ReadinessDecisions{BudgetDecided: budgetDone, ManagementAnchored: managementDone}
	var v tenants.ValidationError
	parseDates(&v, values, dateField{"budget_decided_on", &d.BudgetDecidedOn}, dateField{"management_anchored_on", &d.ManagementAnchoredOn})
	if len(v.Fields) > 0 {
		return d, &v
	}
	return d, nil
}

// unitReadinessUpdate records the budget and management decisions.
func (s *server) unitReadinessUpdate(c *fiber.Ctx) error {
	region := currentRegion(c)
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f := formFrom(c, readinessFields...)
	d, err := readinessDecisions(f.Values, f.Value("budget_decided") != "", f.Value("management_anchored") != "")
	if err == nil {
		_, err = s.cfg.Units.SetReadiness(c.UserContext(), region.ID, id, d)
	}
	if s.refuse(&f, s.regionBase(c).Lang, err) {
		p, perr := s.newUnitPage(c, id, &f, form{})
		if perr != nil {
			return perr
		}
		return s.renderRefused(c, p)
	}
	if err != nil {
		return err
	}
	s.auditAdmin(c, "unit.readiness", "unit", itoa(id))
	return c.Redirect(unitsURL(region)+"/"+itoa(id)+"#readiness", fiber.StatusSeeOther)
}

// introSessionCreate records a staff introduction session.
func (s *server) introSessionCreate(c *fiber.Ctx) error {
	region := currentRegion(c)
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f := formFrom(c, sessionFields...)
	sess := tenants.IntroSession{Note: f.Value("note")}
	var v tenants.ValidationError
	parseDates(&v, f.Values, dateField{"held_on", &sess.HeldOn})
	if len(v.Fields) > 0 {
		err = &v
	} else {
		sess, err = s.cfg.Units.AddIntroSession(c.UserContext(), region.ID, id, sess)
	}
	if s.refuse(&f, s.regionBase(c).Lang, err) {
		p, perr := s.newUnitPage(c, id, nil, f)
		if perr != nil {
			return perr
		}
		return s.renderRefused(c, p)
	}
	if err != nil {
		return err
	}
	s.auditAdmin(c, "unit.intro_session.add", "unit", itoa(id)+"/"+itoa(sess.ID))
	return c.Redirect(unitsURL(region)+"/"+itoa(id)+"#sessions", fiber.StatusSeeOther)
}

// introSessionRemove deletes a session recorded by mistake.
func (s *server) introSessionRemove(c *fiber.Ctx) error {
	region := currentRegion(c)
	id, err := pathID(c)
	if err != nil {
		return err
	}
	sessionID, err := pathParamID(c, "session")
	if err != nil {
		return err
	}
	if err := s.cfg.Units.RemoveIntroSession(c.UserContext(), region.ID, id, sessionID); err != nil {
		return err
	}
	s.auditAdmin(c, "unit.intro_session.remove", "unit", itoa(id)+"/"+itoa(sessionID))
	return c.Redirect(unitsURL(region)+"/"+itoa(id)+"#sessions", fiber.StatusSeeOther)
}
