package ui

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/policy"
	"github.com/kamrat/kamrat/tenants"
)

// signInFailedPage explains a refused sign-in without internals.
type signInFailedPage struct {
	basePage
	RegionName string
	Reason     string // catalogue key
	LoginURL   string
}

// loginCallback finishes an OIDC sign-in: every check passes and a new
// session starts, or the refusal is audited and explained.
func (s *server) loginCallback(c *fiber.Ctx) error {
	ctx := c.UserContext()
	region, err := s.cfg.Tenants.BySlug(ctx, c.Params("region"))
	if err != nil {
		return err
	}
	signedIn, err := s.cfg.Policy.OIDC.Complete(ctx, region.ID, s.callbackURL(c, region.Slug), policy.Callback{
		State: c.Query("state"), Code: c.Query("code"), Issuer: c.Query("iss"),
		Error: c.Query("error"), ErrorDescription: c.Query("error_description"),
	})
	var refused *policy.SignInError
	if errors.As(err, &refused) {
		s.audit(c, region.ID, tenants.AuditEntry{Action: "signin.oidc", Outcome: tenants.OutcomeFailed, Reason: refused.Error()})
		return s.renderSignInRefused(c, region, refused.Reason)
	}
	if err != nil {
		return err
	}
	return s.signedIn(c, region, signedIn.User, signedIn.Membership, "oidc:"+signedIn.Provider.Slug,
		tenants.AuditEntry{Action: "signin.oidc", ObjectType: "provider", ObjectID: signedIn.Provider.Slug}, localPath(signedIn.ReturnTo))
}

// audit appends an entry for the region; a failure to audit is logged
// loudly but does not change the answer already decided.
func (s *server) audit(c *fiber.Ctx, tenantID int64, e tenants.AuditEntry) {
	e.TenantID, e.RequestID = tenantID, requestID(c)
	if err := s.cfg.Policy.Audit.Record(c.UserContext(), e); err != nil {
		s.log.Error("audit", "error", err, "action", e.Action, "request_id", requestID(c))
	}
}
