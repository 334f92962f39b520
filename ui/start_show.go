package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// startPage is a member's start page in a region: what their role does
// there, with links to the pages it may open.
type startPage struct {
	basePage
	RegionName string
	RoleKey    string // catalogue key of the role's name
	Role       string
	Links      []link
}

// startShow renders the signed-in member's start page.
func (s *server) startShow(c *fiber.Ctx) error {
	region, p := currentRegion(c), principal(c)
	page := startPage{
		basePage:   s.newBasePage(c, s.languageOr(c, region.Settings.Effective().DefaultLanguage)),
		RegionName: region.Name, RoleKey: "role." + string(p.Role), Role: string(p.Role),
	}
	base := "/r/" + region.Slug
	if s.cfg.Policy.Authorizer.Allowed(p.Role, region.Slug, "audit", "read") {
		page.Links = append(page.Links, link{Label: s.translator.Translate(page.Lang, "start.link.audit", nil), URL: base + "/admin/audit"})
	}
	if p.Role == tenants.RoleRegionAdmin {
		page.Links = append(page.Links, link{Label: s.translator.Translate(page.Lang, "start.link.api_me", nil), URL: "/api/v1/regions/" + region.Slug + "/me"})
	}
	return s.renderPage(c, page)
}
