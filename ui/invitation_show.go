package ui

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/policy"
)

// invitationPage shows an open invitation and how to accept it: by signing
// in with one of the region's providers, which links that account to the
// invited user.
type invitationPage struct {
	basePage
	RegionName string
	Name       string
	RoleKey    string
	Providers  []link
	// AcceptAction, when set, is where the invitee may accept without an
	// identity provider (roles allowed to sign in by e-mail).
	AcceptAction string
}

// invitationShow renders the invitation behind a link; an unknown, used,
// revoked or expired one is a 404.
func (s *server) invitationShow(c *fiber.Ctx) error {
	region, err := s.cfg.Tenants.BySlug(c.UserContext(), c.Params("region"))
	if err != nil {
		return err
	}
	inv, err := s.cfg.Policy.Identities.Invitation(c.UserContext(), region.ID, c.Params("token"))
	if err != nil {
		return fiber.ErrNotFound
	}
	providers, err := s.providerLinks(c, region, url.Values{"invitation": {c.Params("token")}})
	if err != nil {
		return err
	}
	p := invitationPage{
		basePage:   s.newBasePage(c, s.languageOr(c, region.Settings.Effective().DefaultLanguage)),
		RegionName: region.Name, Name: inv.DisplayName, RoleKey: "role." + string(inv.Role), Providers: providers,
	}
	if policy.EmailSignInAllowed(inv.Role) {
		p.AcceptAction = c.OriginalURL()
	}
	noStore(c)
	return s.renderPage(c, p)
}
