package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// apiOrganisation is a partner organisation in the JSON API.
type apiOrganisation struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	OrgNumber string `json:"org_number,omitempty"`
	// Kind is patient_organisation, user_organisation, municipality or
	// other.
	Kind         string `json:"kind"`
	ContactName  string `json:"contact_name"`
	ContactEmail string `json:"contact_email"`
	ContactPhone string `json:"contact_phone"`
	// Focus lists target groups: hiv, psychiatry, substance_use, other.
	Focus []string `json:"focus"`
	// UnitIDs are the units the organisation serves.
	UnitIDs []int64 `json:"unit_ids"`
	Active  bool    `json:"active"`
}

// apiOrganisationList is the body of the organisation list.
type apiOrganisationList struct {
	Organisations []apiOrganisation `json:"organisations"`
}

// apiOrganisationInput is an organisation as a client sends it to create
// or replace one.
type apiOrganisationInput struct {
	Name         string   `json:"name"`
	OrgNumber    string   `json:"org_number,omitempty"`
	Kind         string   `json:"kind"`
	ContactName  string   `json:"contact_name,omitempty"`
	ContactEmail string   `json:"contact_email,omitempty"`
	ContactPhone string   `json:"contact_phone,omitempty"`
	Focus        []string `json:"focus,omitempty"`
	UnitIDs      []int64  `json:"unit_ids,omitempty"`
	// Active defaults to true.
	Active *bool `json:"active,omitempty"`
}

func (in apiOrganisationInput) organisation() tenants.Organisation {
	o := tenants.Organisation{
		Name: in.Name, OrgNumber: in.OrgNumber, Kind: in.Kind,
		ContactName: in.ContactName, ContactEmail: in.ContactEmail, ContactPhone: in.ContactPhone,
		Active: in.Active == nil || *in.Active,
	}
	for _, g := range in.Focus {
		o.Focus = append(o.Focus, tenants.TargetGroup(g))
	}
	return o
}

// apiOrganisationOf builds the JSON of an organisation and the units it
// serves.
func (s *server) apiOrganisationOf(c *fiber.Ctx, o tenants.Organisation) (apiOrganisation, error) {
	served, err := s.cfg.Organisations.ServedUnits(c.UserContext(), currentRegion(c).ID, o.ID)
	if err != nil {
		return apiOrganisation{}, err
	}
	out := apiOrganisation{
		ID: o.ID, Name: o.Name, OrgNumber: o.OrgNumber, Kind: o.Kind,
		ContactName: o.ContactName, ContactEmail: o.ContactEmail, ContactPhone: o.ContactPhone,
		Focus: make([]string, 0, len(o.Focus)), UnitIDs: make([]int64, 0, len(served)), Active: o.Active,
	}
	for _, g := range o.Focus {
		out.Focus = append(out.Focus, string(g))
	}
	for _, u := range served {
		out.UnitIDs = append(out.UnitIDs, u.ID)
	}
	return out, nil
}

// apiOrganisationIndex answers GET /api/v1/regions/{region}/organisations.
func (s *server) apiOrganisationIndex(c *fiber.Ctx) error {
	orgs, err := s.cfg.Organisations.Organisations(c.UserContext(), currentRegion(c).ID)
	if err != nil {
		return err
	}
	out := apiOrganisationList{Organisations: make([]apiOrganisation, 0, len(orgs))}
	for _, o := range orgs {
		a, err := s.apiOrganisationOf(c, o)
		if err != nil {
			return err
		}
		out.Organisations = append(out.Organisations, a)
	}
	return c.JSON(out)
}

// apiOrganisationShow answers GET /api/v1/regions/{region}/organisations/{id}.
func (s *server) apiOrganisationShow(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	o, err := s.cfg.Organisations.Organisation(c.UserContext(), currentRegion(c).ID, id)
	if err != nil {
		return err
	}
	a, err := s.apiOrganisationOf(c, o)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

// apiOrganisationCreate answers POST /api/v1/regions/{region}/organisations:
// 201 with the organisation, 422 for bad fields or units not in the region,
// 409 for an organisationsnummer the region already has.
func (s *server) apiOrganisationCreate(c *fiber.Ctx) error {
	var in apiOrganisationInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	o, err := s.saveOrganisation(c.UserContext(), currentRegion(c).ID, in.organisation(), in.UnitIDs)
	if err != nil {
		return err
	}
	s.auditAdmin(c, "organisation.create", "organisation", itoa(o.ID))
	a, err := s.apiOrganisationOf(c, o)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(a)
}

// apiOrganisationUpdate answers PUT /api/v1/regions/{region}/organisations/{id}.
func (s *server) apiOrganisationUpdate(c *fiber.Ctx) error {
	region := currentRegion(c)
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in apiOrganisationInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if _, err := s.cfg.Organisations.Organisation(c.UserContext(), region.ID, id); err != nil {
		return err
	}
	o := in.organisation()
	o.ID = id
	saved, err := s.saveOrganisation(c.UserContext(), region.ID, o, in.UnitIDs)
	if err != nil {
		return err
	}
	s.auditAdmin(c, "organisation.update", "organisation", itoa(id))
	a, err := s.apiOrganisationOf(c, saved)
	if err != nil {
		return err
	}
	return c.JSON(a)
}
