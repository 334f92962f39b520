package ui

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/policy"
)

// loginStart sends the browser to the chosen provider with a fresh state,
// nonce and PKCE challenge.
func (s *server) loginStart(c *fiber.Ctx) error {
	region, err := s.cfg.Tenants.BySlug(c.UserContext(), c.Params("region"))
	if err != nil {
		return err
	}
	returnTo := localPath(c.Query("next"))
	if returnTo == "/" {
		returnTo = "/r/" + url.PathEscape(region.Slug) + "/start"
	}
	var invitationID *int64
	if token := c.Query("invitation"); token != "" {
		inv, err := s.cfg.Policy.Identities.Invitation(c.UserContext(), region.ID, token)
		if err != nil {
			return fiber.ErrNotFound
		}
		invitationID = &inv.ID
	}
	target, err := s.cfg.Policy.OIDC.Begin(c.UserContext(), region.ID, c.Params("provider"), s.callbackURL(c, region.Slug),
		policy.BeginOptions{ReturnTo: returnTo, InvitationID: invitationID, LoginHint: c.Query("hint")})
	if err != nil {
		return err
	}
	return c.Redirect(target, fiber.StatusSeeOther)
}

// callbackURL is where a region's providers send the browser back.
func (s *server) callbackURL(c *fiber.Ctx, regionSlug string) string {
	base := s.cfg.PublicURL
	if base == "" {
		base = c.BaseURL()
	}
	return base + "/r/" + url.PathEscape(regionSlug) + "/login/callback"
}
