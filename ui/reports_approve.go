package ui

import "github.com/gofiber/fiber/v2"

// reportApprove approves the whole quarter of a report — every scope — and
// locks it; an approved quarter answers 409.
func (s *server) reportApprove(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.approveReportQuarter(c, id); err != nil {
		return err
	}
	return c.Redirect(reportsURL(c)+"/"+itoa(id), fiber.StatusSeeOther)
}
