package ui

import (
	"errors"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/policy"
	"github.com/kamrat/kamrat/tenants"
)

// invitationAccept takes up an invitation without an identity provider:
// the invitation link reached the invitee's mailbox, which proves the
// address as an e-mailed sign-in link would. Roles that must sign in with
// the region's provider (clinic staff) cannot accept this way.
func (s *server) invitationAccept(c *fiber.Ctx) error {
	ctx := c.UserContext()
	region, err := s.cfg.Tenants.BySlug(ctx, c.Params("region"))
	if err != nil {
		return err
	}
	noStore(c)
	token := c.Params("token")
	inv, err := s.cfg.Policy.Identities.Invitation(ctx, region.ID, token)
	if err != nil {
		return s.refuseInvitation(c, region, err)
	}
	if !policy.EmailSignInAllowed(inv.Role) {
		s.audit(c, region.ID, tenants.AuditEntry{Action: "invitation.accept", Outcome: tenants.OutcomeFailed, UserLabel: inv.Email, Reason: "role must sign in with the region's provider"})
		return s.renderSignInRefused(c, region, "provider_required")
	}
	user, m, err := s.cfg.Policy.Identities.AcceptInvitation(ctx, region.ID, token, nil)
	if err != nil {
		return s.refuseInvitation(c, region, err)
	}
	if user.Disabled() {
		s.audit(c, region.ID, tenants.AuditEntry{Action: "invitation.accept", Outcome: tenants.OutcomeFailed, UserID: &user.ID, UserLabel: user.Email, Reason: "user disabled"})
		return s.renderSignInRefused(c, region, "disabled")
	}
	return s.signedIn(c, region, user, m, "invitation",
		tenants.AuditEntry{Action: "invitation.accept", ObjectType: "invitation", ObjectID: itoa(inv.ID)},
		"/r/"+url.PathEscape(region.Slug)+"/start")
}

// refuseInvitation explains an invitation that cannot be used.
func (s *server) refuseInvitation(c *fiber.Ctx, region tenants.Tenant, err error) error {
	if errors.Is(err, tenants.ErrNotFound) || errors.Is(err, tenants.ErrExpired) {
		s.audit(c, region.ID, tenants.AuditEntry{Action: "invitation.accept", Outcome: tenants.OutcomeFailed, Reason: "invitation unknown, used, revoked or expired"})
		return s.renderSignInRefused(c, region, "invitation")
	}
	return err
}
