package ui

import "github.com/gofiber/fiber/v2"

// logoutCreate ends this browser's session.
func (s *server) logoutCreate(c *fiber.Ctx) error {
	if err := s.cfg.Policy.Sessions.Revoke(c.UserContext(), c.Cookies(s.cfg.Policy.SessionCookie())); err != nil {
		return err
	}
	s.clearSessionCookie(c)
	return c.Redirect("/", fiber.StatusSeeOther)
}

// logoutEverywhereCreate ends every session of the signed-in user, on
// every device.
func (s *server) logoutEverywhereCreate(c *fiber.Ctx) error {
	if err := s.cfg.Policy.Sessions.RevokeAll(c.UserContext(), principal(c).User.ID); err != nil {
		return err
	}
	s.clearSessionCookie(c)
	return c.Redirect("/", fiber.StatusSeeOther)
}
