package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// apiAgreementStatus answers POST
// /api/v1/regions/{region}/agreements/{id}/status with {"status": "active"}:
// one step along draft → active → ending → ended, or 422.
func (s *server) apiAgreementStatus(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in apiAgreementStatusInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, err := s.cfg.Agreements.SetStatus(c.UserContext(), currentRegion(c).ID, principal(c).User.ID, id, tenants.AgreementStatus(in.Status))
	if err != nil {
		return err
	}
	s.auditAdmin(c, "agreement.status", "agreement", itoa(id))
	return c.JSON(apiAgreementOf(a))
}
