package ui

import (
	"errors"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// emailSentPage answers every request for a sign-in link alike, whether or
// not the address belongs to anyone.
type emailSentPage struct {
	basePage
	RegionName string
	Email      string
	LoginURL   string
}

// emailLinkPage asks the person who opened a sign-in link to confirm, so
// that a mail scanner following the link does not use it up.
type emailLinkPage struct {
	basePage
	RegionName string
	Action     string
}

func (emailSentPage) templateName() string { return "login_email_sent" }
func (emailLinkPage) templateName() string { return "login_email_link" }

// loginEmailCreate sends a sign-in link to a member's address.
func (s *server) loginEmailCreate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	region, err := s.cfg.Tenants.BySlug(ctx, c.Params("region"))
	if err != nil {
		return err
	}
	lang := s.languageOr(c, region.Settings.Effective().DefaultLanguage)
	f := formFrom(c, "email")
	sent, err := s.cfg.Policy.EmailSignIn.Request(ctx, region.ID, f.Value("email"), s.cfg.Mail, func(u tenants.User, token string) tenants.EmailMessage {
		return s.signInLinkMail(c, region, lang, u, token)
	})
	if s.refuse(&f, lang, err) {
		p, err := s.newLoginPage(c, region, url.Values{})
		if err != nil {
			return err
		}
		p.Form = f
		return s.renderRefused(c, p)
	}
	if err != nil {
		return err
	}
	address, _ := tenants.NormalizeEmail(f.Value("email"))
	reason := "not sent: unknown address, no e-mail sign-in for the role, or rate limited"
	if sent {
		reason = "sent"
	}
	s.audit(c, region.ID, tenants.AuditEntry{Action: "signin.email_link.request", Outcome: tenants.OutcomeOK, UserLabel: address, Reason: reason})
	return s.renderPage(c, emailSentPage{
		basePage: s.newBasePage(c, lang), RegionName: region.Name, Email: address,
		LoginURL: "/r/" + url.PathEscape(region.Slug) + "/login",
	})
}

// signInLinkMail writes the e-mail with a sign-in link, in the region's
// language. It names no participant and nothing but the link.
func (s *server) signInLinkMail(c *fiber.Ctx, region tenants.Tenant, lang string, u tenants.User, token string) tenants.EmailMessage {
	link := s.publicBase(c) + "/r/" + url.PathEscape(region.Slug) + "/login/email/" + url.PathEscape(token)
	args := map[string]any{"Name": u.DisplayName, "Region": region.Name, "Link": link, "Minutes": int(tenants.LoginLinkTTL.Minutes())}
	return tenants.EmailMessage{
		ToAddress: u.Email,
		Subject:   s.translator.Translate(lang, "mail.signin_link.subject", args),
		BodyText:  s.translator.Translate(lang, "mail.signin_link.text", args),
		Language:  lang,
	}
}

// publicBase is the site's external base URL.
func (s *server) publicBase(c *fiber.Ctx) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	return c.BaseURL()
}

// loginEmailShow shows the button that uses a sign-in link.
func (s *server) loginEmailShow(c *fiber.Ctx) error {
	ctx := c.UserContext()
	region, err := s.cfg.Tenants.BySlug(ctx, c.Params("region"))
	if err != nil {
		return err
	}
	noStore(c)
	if _, err := s.cfg.Policy.SignIns.LoginLink(ctx, region.ID, c.Params("token")); err != nil {
		if errors.Is(err, tenants.ErrNotFound) || errors.Is(err, tenants.ErrExpired) {
			return s.renderSignInRefused(c, region, "link_expired")
		}
		return err
	}
	return s.renderPage(c, emailLinkPage{
		basePage:   s.newBasePage(c, s.languageOr(c, region.Settings.Effective().DefaultLanguage)),
		RegionName: region.Name, Action: c.OriginalURL(),
	})
}

// loginEmailConsume uses a sign-in link and signs the browser in.
func (s *server) loginEmailConsume(c *fiber.Ctx) error {
	ctx := c.UserContext()
	region, err := s.cfg.Tenants.BySlug(ctx, c.Params("region"))
	if err != nil {
		return err
	}
	noStore(c)
	user, m, err := s.cfg.Policy.EmailSignIn.Redeem(ctx, region.ID, c.Params("token"))
	if errors.Is(err, tenants.ErrNotFound) || errors.Is(err, tenants.ErrExpired) {
		s.audit(c, region.ID, tenants.AuditEntry{Action: "signin.email_link", Outcome: tenants.OutcomeFailed, Reason: "link unknown, used, expired, or member no longer allowed"})
		return s.renderSignInRefused(c, region, "link_expired")
	}
	if err != nil {
		return err
	}
	return s.signedIn(c, region, user, m, "email", tenants.AuditEntry{Action: "signin.email_link"}, "/r/"+url.PathEscape(region.Slug)+"/start")
}

// signedIn starts the session of a member who has just proved who they
// are, audits it (e names the action and object) and sends the browser on.
func (s *server) signedIn(c *fiber.Ctx, region tenants.Tenant, user tenants.User, m tenants.Membership, method string, e tenants.AuditEntry, next string) error {
	if err := s.startSession(c, user, region.ID, method); err != nil {
		return err
	}
	e.Outcome, e.UserID, e.UserLabel = tenants.OutcomeOK, &user.ID, user.Email
	e.Role, e.UnitID, e.OrganisationID = string(m.Role), m.UnitID, m.OrganisationID
	s.audit(c, region.ID, e)
	return c.Redirect(next, fiber.StatusSeeOther)
}

// renderSignInRefused explains a refused sign-in with the reason's text.
func (s *server) renderSignInRefused(c *fiber.Ctx, region tenants.Tenant, reason string) error {
	c.Status(fiber.StatusForbidden)
	return s.renderPage(c, signInFailedPage{
		basePage:   s.newBasePage(c, s.languageOr(c, region.Settings.Effective().DefaultLanguage)),
		RegionName: region.Name, Reason: "signin.refused." + reason,
		LoginURL: "/r/" + url.PathEscape(region.Slug) + "/login",
	})
}

// noStore keeps a page whose URL carries a secret out of caches and
// referrers.
func noStore(c *fiber.Ctx) {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("Referrer-Policy", "no-referrer")
}
