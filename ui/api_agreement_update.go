package ui

import "github.com/gofiber/fiber/v2"

// apiAgreementUpdate answers PUT /api/v1/regions/{region}/agreements/{id}:
// the body replaces the agreement's fields and lists; its status changes
// only through /status.
func (s *server) apiAgreementUpdate(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in apiAgreementInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, problems := in.agreement()
	a.ID = id
	if err := agreementProblems(a, problems); err != nil {
		return err
	}
	updated, err := s.cfg.Agreements.Update(c.UserContext(), currentRegion(c).ID, principal(c).User.ID, a)
	if err != nil {
		return inFormOrder(err)
	}
	s.auditAdmin(c, "agreement.update", "agreement", itoa(id))
	return c.JSON(apiAgreementOf(updated))
}
