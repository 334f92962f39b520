package ui

import "github.com/gofiber/fiber/v2"

// apiAgreementShow answers GET /api/v1/regions/{region}/agreements/{id}.
func (s *server) apiAgreementShow(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a, err := s.cfg.Agreements.Agreement(c.UserContext(), currentRegion(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(apiAgreementOf(a))
}
