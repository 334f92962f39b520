package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// apiUnit is a unit in the JSON API.
type apiUnit struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	HSAID        string `json:"hsa_id,omitempty"`
	Kind         string `json:"kind"`
	Municipality string `json:"municipality"`
	Active       bool   `json:"active"`
	// Ready: budget decided, at least one staff introduction session,
	// management anchoring done (details under …/readiness).
	Ready bool `json:"ready"`
}

func apiUnitOf(u tenants.Unit, r tenants.Readiness) apiUnit {
	return apiUnit{
		ID: u.ID, Name: u.Name, HSAID: u.HSAID, Kind: string(u.Kind), Municipality: u.Municipality, Active: u.Active, Ready: r.Ready(),
	}
}

// apiUnitList is the body of the unit list.
type apiUnitList struct {
	Units []apiUnit `json:"units"`
}

// apiUnitIndex answers GET /api/v1/regions/{region}/units.
func (s *server) apiUnitIndex(c *fiber.Ctx) error {
	region := currentRegion(c)
	units, err := s.cfg.Units.Units(c.UserContext(), region.ID)
	if err != nil {
		return err
	}
	readiness, err := s.cfg.Units.ReadinessByUnit(c.UserContext(), region.ID)
	if err != nil {
		return err
	}
	out := make([]apiUnit, 0, len(units))
	for _, u := range units {
		out = append(out, apiUnitOf(u, readiness[u.ID]))
	}
	return c.JSON(apiUnitList{Units: out})
}
