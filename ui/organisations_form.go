package ui

import (
	"context"
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// organisationFormPage adds a partner organisation or changes one.
type organisationFormPage struct {
	basePage
	RegionName string
	Heading    string // translated
	Action     string
	CancelURL  string
	Form       form
	Kinds      []option
	Focus      []option
	Units      []option
	// Checked are the ticked checkboxes: focus and units, by value.
	Checked map[string]map[string]bool
}

func (organisationFormPage) templateName() string { return "organisations_form" }

var organisationFields = []string{"name", "org_number", "kind", "contact_name", "contact_email", "contact_phone", "active"}

// organisationNew shows an empty form; a new organisation is active.
func (s *server) organisationNew(c *fiber.Ctx) error {
	p, err := s.newOrganisationFormPage(c, 0, "", form{Values: map[string]string{"active": "1"}}, nil, nil)
	if err != nil {
		return err
	}
	return s.renderPage(c, p)
}

func (s *server) newOrganisationFormPage(c *fiber.Ctx, id int64, name string, f form, focus []string, unitIDs []string) (organisationFormPage, error) {
	region := currentRegion(c)
	base := s.regionBase(c)
	p := organisationFormPage{
		basePage: base, RegionName: region.Name, Form: f,
		Heading: s.translator.Translate(base.Lang, "organisations.new", nil), Action: organisationsURL(region), CancelURL: organisationsURL(region),
		Kinds:   []option{{Value: "", Label: s.translator.Translate(base.Lang, "units.choose", nil)}},
		Checked: map[string]map[string]bool{"focus": {}, "units": {}},
	}
	if id != 0 {
		p.Heading = s.translator.Translate(base.Lang, "organisations.edit", map[string]any{"Name": name})
		p.Action = organisationsURL(region) + "/" + itoa(id)
	}
	for _, k := range tenants.OrganisationKinds {
		p.Kinds = append(p.Kinds, option{Value: k, Label: s.orgKindLabel(base.Lang, k)})
	}
	for _, g := range tenants.TargetGroups {
		p.Focus = append(p.Focus, option{Value: string(g), Label: s.translator.Translate(base.Lang, "target_group."+string(g), nil)})
	}
	units, err := s.cfg.Units.Units(c.UserContext(), region.ID)
	if err != nil {
		return p, err
	}
	for _, u := range units {
		p.Units = append(p.Units, option{Value: itoa(u.ID), Label: u.Name})
	}
	for _, v := range focus {
		p.Checked["focus"][v] = true
	}
	for _, v := range unitIDs {
		p.Checked["units"][v] = true
	}
	return p, nil
}

// organisationFromForm reads the organisation's fields; the store
// validates them.
func organisationFromForm(f form, focus []string) tenants.Organisation {
	o := tenants.Organisation{
		Name: f.Value("name"), OrgNumber: f.Value("org_number"), Kind: f.Value("kind"),
		ContactName: f.Value("contact_name"), ContactEmail: f.Value("contact_email"), ContactPhone: f.Value("contact_phone"),
		Active: f.Value("active") != "",
	}
	for _, g := range focus {
		o.Focus = append(o.Focus, tenants.TargetGroup(g))
	}
	return o
}

// unitIDsFromForm reads the ticked units; anything but an id becomes 0,
// which saveOrganisation reports as a unit not in the region.
func unitIDsFromForm(values []string) []int64 {
	ids := make([]int64, len(values))
	for i, v := range values {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			ids[i] = id
		}
	}
	return ids
}

// orgNumberTaken turns the store's conflict into the field problem a person
// can act on.
func orgNumberTaken(err error) error {
	if isConflict(err) {
		return &tenants.ValidationError{Fields: []tenants.FieldError{{Field: "org_number", Key: "organisations.org_number_taken"}}}
	}
	return err
}

// saveOrganisation creates (o.ID == 0) or updates an organisation and sets
// the units it serves. Every problem, with the organisation's fields or a
// unit not in the region, is reported at once before anything is written.
// The store writes the organisation and its units in two transactions;
// because units are never deleted, the check before them leaves only a
// database failure between the two to separate them.
func (s *server) saveOrganisation(ctx context.Context, regionID int64, o tenants.Organisation, unitIDs []int64) (tenants.Organisation, error) {
	var problems tenants.ValidationError
	check := o
	if err := check.Validate(); err != nil {
		var ve *tenants.ValidationError
		if !errors.As(err, &ve) {
			return tenants.Organisation{}, err
		}
		problems.Fields = append(problems.Fields, ve.Fields...)
	}
	units, err := s.cfg.Units.Units(ctx, regionID)
	if err != nil {
		return tenants.Organisation{}, err
	}
	inRegion := make(map[int64]bool, len(units))
	for _, u := range units {
		inRegion[u.ID] = true
	}
	for _, id := range unitIDs {
		if !inRegion[id] {
			problems.Fields = append(problems.Fields, tenants.FieldError{Field: "units", Key: "validation.scope_unit"})
			break
		}
	}
	if len(problems.Fields) > 0 {
		return tenants.Organisation{}, &problems
	}
	if unitIDs == nil {
		unitIDs = []int64{} // none ticked: the organisation serves no unit
	}
	return s.cfg.Organisations.Save(ctx, regionID, o, unitIDs)
}

// organisationCreate adds an organisation; nothing is saved when any field
// is wrong.
func (s *server) organisationCreate(c *fiber.Ctx) error {
	return s.organisationSave(c, 0, "")
}

// organisationEdit shows the form filled with the organisation's fields.
func (s *server) organisationEdit(c *fiber.Ctx) error {
	region := currentRegion(c)
	id, err := pathID(c)
	if err != nil {
		return err
	}
	o, err := s.cfg.Organisations.Organisation(c.UserContext(), region.ID, id)
	if err != nil {
		return err
	}
	served, err := s.cfg.Organisations.ServedUnits(c.UserContext(), region.ID, id)
	if err != nil {
		return err
	}
	f := form{Values: map[string]string{
		"name": o.Name, "org_number": o.OrgNumber, "kind": o.Kind, "contact_name": o.ContactName,
		"contact_email": o.ContactEmail, "contact_phone": o.ContactPhone, "active": checked(o.Active),
	}}
	focus := make([]string, len(o.Focus))
	for i, g := range o.Focus {
		focus[i] = string(g)
	}
	unitIDs := make([]string, len(served))
	for i, u := range served {
		unitIDs[i] = itoa(u.ID)
	}
	p, err := s.newOrganisationFormPage(c, id, o.Name, f, focus, unitIDs)
	if err != nil {
		return err
	}
	return s.renderPage(c, p)
}

// organisationUpdate saves the form; nothing changes when any field is
// wrong.
func (s *server) organisationUpdate(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	current, err := s.cfg.Organisations.Organisation(c.UserContext(), currentRegion(c).ID, id)
	if err != nil {
		return err
	}
	return s.organisationSave(c, id, current.Name)
}

func (s *server) organisationSave(c *fiber.Ctx, id int64, name string) error {
	region := currentRegion(c)
	f := formFrom(c, organisationFields...)
	focus, unitValues := formValues(c, "focus"), formValues(c, "units")
	o := organisationFromForm(f, focus)
	o.ID = id
	saved, err := s.saveOrganisation(c.UserContext(), region.ID, o, unitIDsFromForm(unitValues))
	err = orgNumberTaken(err)
	if s.refuse(&f, s.regionBase(c).Lang, err) {
		p, perr := s.newOrganisationFormPage(c, id, name, f, focus, unitValues)
		if perr != nil {
			return perr
		}
		return s.renderRefused(c, p)
	}
	if err != nil {
		return err
	}
	action := "organisation.update"
	if id == 0 {
		action = "organisation.create"
	}
	s.auditAdmin(c, action, "organisation", itoa(saved.ID))
	return c.Redirect(organisationsURL(region), fiber.StatusSeeOther)
}
