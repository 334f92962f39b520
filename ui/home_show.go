package ui

import (
	"net/url"

	"github.com/gofiber/fiber/v2"
)

// homeShow renders the landing page: what Kamrat is and every region.
func (s *server) homeShow(c *fiber.Ctx) error {
	regions, err := s.cfg.Tenants.List(c.UserContext())
	if err != nil {
		return err
	}
	p := homePage{basePage: s.newBasePage(c, s.language(c))}
	for _, r := range regions {
		p.Regions = append(p.Regions, regionLink{
			Name:       r.Name,
			CountyCode: r.CountyCode,
			URL:        "/r/" + url.PathEscape(r.Slug),
		})
	}
	return s.renderPage(c, p)
}
