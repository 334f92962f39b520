package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// unitFormPage adds a unit or changes one.
type unitFormPage struct {
	basePage
	RegionName string
	// Heading is translated: "Ny enhet" or the unit's name.
	Heading   string
	Action    string
	CancelURL string
	Form      form
	Kinds     []option
}

func (unitFormPage) templateName() string { return "units_form" }

var unitFields = []string{"name", "hsa_id", "kind", "municipality", "active"}

// unitNew shows an empty form; a new unit is active.
func (s *server) unitNew(c *fiber.Ctx) error {
	return s.renderPage(c, s.newUnitFormPage(c, 0, "", form{Values: map[string]string{"active": "1"}}))
}

func (s *server) newUnitFormPage(c *fiber.Ctx, id int64, name string, f form) unitFormPage {
	region := currentRegion(c)
	base := s.regionBase(c)
	p := unitFormPage{
		basePage: base, RegionName: region.Name, Form: f, Kinds: s.unitKindOptions(base.Lang),
		Heading: s.translator.Translate(base.Lang, "units.new", nil), Action: unitsURL(region), CancelURL: unitsURL(region),
	}
	if id != 0 {
		p.Heading = s.translator.Translate(base.Lang, "units.edit", map[string]any{"Name": name})
		p.Action = unitsURL(region) + "/" + itoa(id)
		p.CancelURL = p.Action
	}
	return p
}

// unitFromForm reads the unit's descriptive fields; the store validates them.
func unitFromForm(f form) tenants.Unit {
	return tenants.Unit{
		Name: f.Value("name"), HSAID: f.Value("hsa_id"), Kind: tenants.UnitKind(f.Value("kind")),
		Municipality: f.Value("municipality"), Active: f.Value("active") != "",
	}
}

// hsaTaken turns the store's conflict on a unit into the field problem a
// person can act on.
func hsaTaken(err error) error {
	if isConflict(err) {
		return &tenants.ValidationError{Fields: []tenants.FieldError{{Field: "hsa_id", Key: "validation.hsa_id_taken"}}}
	}
	return err
}

// unitCreate adds a unit; nothing is saved when any field is wrong.
func (s *server) unitCreate(c *fiber.Ctx) error {
	region := currentRegion(c)
	f := formFrom(c, unitFields...)
	created, err := s.cfg.Units.Create(c.UserContext(), region.ID, unitFromForm(f))
	err = hsaTaken(err)
	if s.refuse(&f, s.regionBase(c).Lang, err) {
		return s.renderRefused(c, s.newUnitFormPage(c, 0, "", f))
	}
	if err != nil {
		return err
	}
	s.auditAdmin(c, "unit.create", "unit", itoa(created.ID))
	return c.Redirect(unitsURL(region)+"/"+itoa(created.ID), fiber.StatusSeeOther)
}

// unitEdit shows the form filled with the unit's fields.
func (s *server) unitEdit(c *fiber.Ctx) error {
	region := currentRegion(c)
	id, err := pathID(c)
	if err != nil {
		return err
	}
	u, err := s.cfg.Units.Unit(c.UserContext(), region.ID, id)
	if err != nil {
		return err
	}
	f := form{Values: map[string]string{
		"name": u.Name, "hsa_id": u.HSAID, "kind": string(u.Kind), "municipality": u.Municipality, "active": checked(u.Active),
	}}
	return s.renderPage(c, s.newUnitFormPage(c, id, u.Name, f))
}

// unitUpdate saves the form; nothing changes when any field is wrong.
func (s *server) unitUpdate(c *fiber.Ctx) error {
	region := currentRegion(c)
	id, err := pathID(c)
	if err != nil {
		return err
	}
	current, err := s.cfg.Units.Unit(c.UserContext(), region.ID, id)
	if err != nil {
		return err
	}
	f := formFrom(c, unitFields...)
	u := unitFromForm(f)
	u.ID = id
	_, err = s.cfg.Units.Update(c.UserContext(), region.ID, u)
	err = hsaTaken(err)
	if s.refuse(&f, s.regionBase(c).Lang, err) {
		return s.renderRefused(c, s.newUnitFormPage(c, id, current.Name, f))
	}
	if err != nil {
		return err
	}
	s.auditAdmin(c, "unit.update", "unit", itoa(id))
	return c.Redirect(unitsURL(region)+"/"+itoa(id), fiber.StatusSeeOther)
}

// checked is a checkbox's form value: "1" when ticked, "" when not.
func checked(b bool) string {
	if b {
		return "1"
	}
	return ""
}
