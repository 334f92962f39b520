package ui

import "github.com/gofiber/fiber/v2"

// accessibilityPage is the accessibility statement
// (tillgänglighetsredogörelse) that the Swedish act on accessibility of
// digital public services (2018:1937) asks every public body's service to
// publish, following DIGG's model: how accessible the service is, what is
// known not to be, how it was checked, and where to turn.
type accessibilityPage struct {
	basePage
}

func (accessibilityPage) templateName() string { return "accessibility" }

// accessibilityShow renders the statement.
func (s *server) accessibilityShow(c *fiber.Ctx) error {
	return s.renderPage(c, accessibilityPage{basePage: s.newBasePage(c, s.language(c))})
}
