package ui

import "github.com/gofiber/fiber/v2"

// apiAgreementCreate answers POST /api/v1/regions/{region}/agreements: the
// agreement is stored as a draft, or refused (422) with every problem and
// nothing stored.
func (s *server) apiAgreementCreate(c *fiber.Ctx) error {
	var in apiAgreementInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, problems := in.agreement()
	if err := agreementProblems(a, problems); err != nil {
		return err
	}
	created, err := s.cfg.Agreements.Create(c.UserContext(), currentRegion(c).ID, principal(c).User.ID, a)
	if err != nil {
		return inFormOrder(err)
	}
	s.auditAdmin(c, "agreement.create", "agreement", itoa(created.ID))
	c.Location("/api/v1/regions/" + currentRegion(c).Slug + "/agreements/" + itoa(created.ID))
	return c.Status(fiber.StatusCreated).JSON(apiAgreementOf(created))
}
