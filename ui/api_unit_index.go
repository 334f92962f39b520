package ui

import "github.com/gofiber/fiber/v2"

// apiUnit is a unit in the JSON API.
type apiUnit struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	HSAID  string `json:"hsa_id,omitempty"`
	Kind   string `json:"kind"`
	Active bool   `json:"active"`
}

// apiUnitList is the body of the unit list.
type apiUnitList struct {
	Units []apiUnit `json:"units"`
}

// apiUnitIndex answers GET /api/v1/regions/{region}/units.
func (s *server) apiUnitIndex(c *fiber.Ctx) error {
	units, err := s.cfg.Units.Units(c.UserContext(), currentRegion(c).ID)
	if err != nil {
		return err
	}
	out := make([]apiUnit, 0, len(units))
	for _, u := range units {
		out = append(out, apiUnit{ID: u.ID, Name: u.Name, HSAID: u.HSAID, Kind: string(u.Kind), Active: u.Active})
	}
	return c.JSON(apiUnitList{Units: out})
}
