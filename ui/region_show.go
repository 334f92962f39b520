package ui

import (
	"github.com/gofiber/fiber/v2"
)

// regionShow renders a region's start page. The region comes from the path;
// an unknown slug is tenants.ErrNotFound, which the error handler turns
// into a 404.
func (s *server) regionShow(c *fiber.Ctx) error {
	region, err := s.cfg.Tenants.BySlug(c.UserContext(), c.Params("region"))
	if err != nil {
		return err
	}
	lang := s.languageOr(c, region.Settings.Effective().DefaultLanguage)
	return s.renderPage(c, regionPage{basePage: s.newBasePage(c, lang), Region: region})
}
