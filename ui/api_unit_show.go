package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// apiUnitInput is a unit as a client sends it to create or replace one.
type apiUnitInput struct {
	Name         string `json:"name"`
	HSAID        string `json:"hsa_id,omitempty"`
	Kind         string `json:"kind"`
	Municipality string `json:"municipality,omitempty"`
	// Active defaults to true.
	Active *bool `json:"active,omitempty"`
}

func (in apiUnitInput) unit() tenants.Unit {
	return tenants.Unit{
		Name: in.Name, HSAID: in.HSAID, Kind: tenants.UnitKind(in.Kind), Municipality: in.Municipality,
		Active: in.Active == nil || *in.Active,
	}
}

// apiUnitPatch changes the fields it names and leaves the others.
type apiUnitPatch struct {
	Name         *string `json:"name,omitempty"`
	HSAID        *string `json:"hsa_id,omitempty"`
	Kind         *string `json:"kind,omitempty"`
	Municipality *string `json:"municipality,omitempty"`
	Active       *bool   `json:"active,omitempty"`
}

// apiUnitShow answers GET /api/v1/regions/{region}/units/{id}.
func (s *server) apiUnitShow(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	u, err := s.cfg.Units.Unit(c.UserContext(), currentRegion(c).ID, id)
	if err != nil {
		return err
	}
	return s.apiUnitReply(c, u)
}

// apiUnitReply answers with the unit and whether it is ready.
func (s *server) apiUnitReply(c *fiber.Ctx, u tenants.Unit) error {
	r, err := s.cfg.Units.Readiness(c.UserContext(), currentRegion(c).ID, u.ID)
	if err != nil {
		return err
	}
	return c.JSON(apiUnitOf(u, r))
}

// apiUnitCreate answers POST /api/v1/regions/{region}/units: 201 with the
// unit, 422 for bad fields, 409 for an HSA-id the region already has.
func (s *server) apiUnitCreate(c *fiber.Ctx) error {
	var in apiUnitInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.cfg.Units.Create(c.UserContext(), currentRegion(c).ID, in.unit())
	if err != nil {
		return err
	}
	s.auditAdmin(c, "unit.create", "unit", itoa(u.ID))
	c.Status(fiber.StatusCreated)
	return s.apiUnitReply(c, u)
}

// apiUnitUpdate answers PUT /api/v1/regions/{region}/units/{id}.
func (s *server) apiUnitUpdate(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in apiUnitInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u := in.unit()
	u.ID = id
	return s.apiUnitSave(c, u)
}

// apiUnitPatch answers PATCH /api/v1/regions/{region}/units/{id}.
func (s *server) apiUnitPatch(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in apiUnitPatch
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	u, err := s.cfg.Units.Unit(c.UserContext(), currentRegion(c).ID, id)
	if err != nil {
		return err
	}
	if in.Name != nil {
		u.Name = *in.Name
	}
	if in.HSAID != nil {
		u.HSAID = *in.HSAID
	}
	if in.Kind != nil {
		u.Kind = tenants.UnitKind(*in.Kind)
	}
	if in.Municipality != nil {
		u.Municipality = *in.Municipality
	}
	if in.Active != nil {
		u.Active = *in.Active
	}
	return s.apiUnitSave(c, u)
}

func (s *server) apiUnitSave(c *fiber.Ctx, u tenants.Unit) error {
	saved, err := s.cfg.Units.Update(c.UserContext(), currentRegion(c).ID, u)
	if err != nil {
		return err
	}
	s.auditAdmin(c, "unit.update", "unit", itoa(saved.ID))
	return s.apiUnitReply(c, saved)
}
