package ui

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// loginPage offers a region's ways to sign in.
type loginPage struct {
	basePage
	RegionName string
	Providers  []link
	DemoUsers  []link
	// EmailAction is where the e-mail sign-in form posts.
	EmailAction string
	Form        form
}

// link is one way to sign in: a provider, or a demo user.
type link struct {
	Label string
	URL   string
}

// loginShow lists the region's sign-in providers, the form that e-mails a
// sign-in link, and, in demo mode, the region's demo users.
func (s *server) loginShow(c *fiber.Ctx) error {
	region, err := s.cfg.Tenants.BySlug(c.UserContext(), c.Params("region"))
	if err != nil {
		return err
	}
	q := url.Values{}
	if next := localPath(c.Query("next")); next != "/" {
		q.Set("next", next)
	}
	p, err := s.newLoginPage(c, region, q)
	if err != nil {
		return err
	}
	return s.renderPage(c, p)
}

// newLoginPage builds the sign-in page; query (next) rides along on the
// provider links.
func (s *server) newLoginPage(c *fiber.Ctx, region tenants.Tenant, query url.Values) (loginPage, error) {
	providers, err := s.providerLinks(c, region, query)
	if err != nil {
		return loginPage{}, err
	}
	p := loginPage{
		basePage:   s.newBasePage(c, s.languageOr(c, region.Settings.Effective().DefaultLanguage)),
		RegionName: region.Name, Providers: providers,
		EmailAction: "/r/" + url.PathEscape(region.Slug) + "/login/email",
	}
	base := "/r/" + url.PathEscape(region.Slug) + "/login/oidc/"
	for _, d := range s.cfg.DemoUsers {
		if d.Region == region.Slug {
			p.DemoUsers = append(p.DemoUsers, link{
				Label: d.Label,
				URL:   base + url.PathEscape(d.Provider) + "?" + url.Values{"hint": {d.Subject}}.Encode(),
			})
		}
	}
	return p, nil
}

// providerLinks links to a sign-in with each of the region's providers,
// carrying query (next, invitation) along.
func (s *server) providerLinks(c *fiber.Ctx, region tenants.Tenant, query url.Values) ([]link, error) {
	providers, err := s.cfg.Policy.SignIns.Providers(c.UserContext(), region.ID)
	if err != nil {
		return nil, err
	}
	links := make([]link, 0, len(providers))
	for _, pr := range providers {
		u := "/r/" + url.PathEscape(region.Slug) + "/login/oidc/" + url.PathEscape(pr.Slug)
		if len(query) > 0 {
			u += "?" + query.Encode()
		}
		links = append(links, link{Label: pr.DisplayName, URL: u})
	}
	return links, nil
}
