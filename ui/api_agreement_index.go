package ui

import "github.com/gofiber/fiber/v2"

// apiAgreementIndex answers GET /api/v1/regions/{region}/agreements.
func (s *server) apiAgreementIndex(c *fiber.Ctx) error {
	list, err := s.cfg.Agreements.Agreements(c.UserContext(), currentRegion(c).ID)
	if err != nil {
		return err
	}
	out := apiAgreementList{Agreements: make([]apiAgreement, 0, len(list))}
	for _, a := range list {
		out.Agreements = append(out.Agreements, apiAgreementOf(a))
	}
	return c.JSON(out)
}
