package ui

import (
	"net/url"

	"github.com/gofiber/fiber/v2"
)

// loginPage offers a region's ways to sign in.
type loginPage struct {
	basePage
	RegionName string
	Providers  []loginOption
	DemoUsers  []loginOption
}

// loginOption is one way to sign in: a provider, or a demo user.
type loginOption struct {
	Label string
	URL   string
}

// loginShow lists the region's sign-in providers (and, in demo mode, its
// demo users).
func (s *server) loginShow(c *fiber.Ctx) error {
	region, err := s.cfg.Tenants.BySlug(c.UserContext(), c.Params("region"))
	if err != nil {
		return err
	}
	providers, err := s.cfg.Policy.SignIns.Providers(c.UserContext(), region.ID)
	if err != nil {
		return err
	}
	base := "/r/" + url.PathEscape(region.Slug) + "/login/oidc/"
	next := localPath(c.Query("next"))
	p := loginPage{basePage: s.newBasePage(c, s.languageOr(c, region.Settings.Effective().DefaultLanguage)), RegionName: region.Name}
	for _, pr := range providers {
		q := url.Values{}
		if next != "/" {
			q.Set("next", next)
		}
		u := base + url.PathEscape(pr.Slug)
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		p.Providers = append(p.Providers, loginOption{Label: pr.DisplayName, URL: u})
	}
	for _, d := range s.cfg.DemoUsers {
		if d.Region == region.Slug {
			p.DemoUsers = append(p.DemoUsers, loginOption{
				Label: d.Label,
				URL:   base + url.PathEscape(d.Provider) + "?" + url.Values{"hint": {d.Subject}}.Encode(),
			})
		}
	}
	return s.renderPage(c, p)
}
