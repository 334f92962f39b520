package ui

import (
	"crypto/rand"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/policy"
	"github.com/kamrat/kamrat/tenants"
)

// preSessionCookie binds CSRF tokens of forms shown before sign-in.
const preSessionCookie = "kamrat_pre"

// errUnauthenticated asks for sign-in: a redirect for pages, 401 for the API.
var errUnauthenticated = fiber.NewError(fiber.StatusUnauthorized, "sign-in required")

// guard returns the middleware that enforces a route's access.
func (s *server) guard(r *route) (fiber.Handler, error) {
	switch r.access {
	case accessPublic:
		// Nothing to check; who is signed in is looked up only if a page
		// shows it (see pageUser), so assets and probes cost no query.
		return func(c *fiber.Ctx) error { return c.Next() }, nil
	case accessSignedIn:
		return func(c *fiber.Ctx) error {
			if err := s.loadPrincipal(c, nil); err != nil {
				return err
			}
			if principal(c) == nil {
				return errUnauthenticated
			}
			return c.Next()
		}, nil
	case accessPlatform:
		return s.guardUserFlag(func(u tenants.User) bool { return u.PlatformOperator }), nil
	case accessNational:
		return s.guardUserFlag(func(u tenants.User) bool { return u.NationalViewer }), nil
	case accessRegion:
		if r.resource == "" || r.action == "" {
			return nil, errors.New("a region route must name its resource and action")
		}
		return func(c *fiber.Ctx) error { return s.guardRegion(c, r) }, nil
	}
	return nil, errors.New("unknown access " + string(r.access))
}

// guardUserFlag lets through a signed-in user whom has (a platform-wide
// flag such as operator or national viewer) says may; anyone else signed in
// gets 404, as if the page did not exist, and a visitor 401.
func (s *server) guardUserFlag(has func(tenants.User) bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := s.loadPrincipal(c, nil); err != nil {
			return err
		}
		p := principal(c)
		if p == nil {
			return errUnauthenticated
		}
		if !has(p.User) {
			return fiber.ErrNotFound
		}
		return c.Next()
	}
}

// guardRegion: the region from the path must exist, the caller must be a
// member (anyone else gets 404, as if the region's objects did not exist),
// and the matrix must allow the member's role the route's action.
func (s *server) guardRegion(c *fiber.Ctx, r *route) error {
	region, err := s.cfg.Tenants.BySlug(c.UserContext(), c.Params("region"))
	if err != nil {
		return err
	}
	c.Locals(localRegion, &region)
	if err := s.loadPrincipal(c, &region); err != nil {
		return err
	}
	p := principal(c)
	if p == nil {
		if !isAPI(c) && c.Method() == fiber.MethodGet {
			return c.Redirect("/r/"+url.PathEscape(region.Slug)+"/login?"+url.Values{"next": {c.OriginalURL()}}.Encode(), fiber.StatusSeeOther)
		}
		return errUnauthenticated
	}
	if p.Role == "" || p.Role == tenants.RolePlatformOperator {
		s.auditDenied(c, region, p, string(r.resource)+"."+string(r.action), "not a member")
		return fiber.ErrNotFound
	}
	if !s.cfg.Policy.Authorizer.Allowed(p.Role, region.Slug, r.resource, r.action) {
		s.auditDenied(c, region, p, string(r.resource)+"."+string(r.action), "role not allowed")
		return fiber.ErrForbidden
	}
	return c.Next()
}

// loadPrincipal recognises the caller: an API token on /api/, a session
// cookie elsewhere. region, when known, decides the caller's role.
func (s *server) loadPrincipal(c *fiber.Ctx, region *tenants.Tenant) error {
	c.Locals(localPrincipalLoaded, true)
	ctx := c.UserContext()
	pol := s.cfg.Policy
	var p *policy.Principal
	if isAPI(c) {
		secret, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
		if !ok || region == nil {
			return nil
		}
		tok, user, err := pol.Tokens.Authenticate(ctx, region.ID, strings.TrimSpace(secret))
		if errors.Is(err, tenants.ErrOtherTenant) {
			s.auditDenied(c, *region, nil, "api.token", "token of another region")
			return fiber.ErrNotFound
		}
		if errors.Is(err, tenants.ErrNotFound) {
			s.auditDenied(c, *region, nil, "api.token", "unknown or revoked token")
			return fiber.NewError(fiber.StatusUnauthorized, "invalid token")
		}
		if err != nil {
			return err
		}
		p = &policy.Principal{User: user, TokenID: tok.ID}
	} else {
		cookie := c.Cookies(pol.SessionCookie())
		if cookie == "" {
			return nil
		}
		sess, user, err := pol.Sessions.Lookup(ctx, cookie, pol.Session.Idle)
		if errors.Is(err, tenants.ErrNotFound) {
			s.clearSessionCookie(c)
			return nil
		}
		if err != nil {
			return err
		}
		p = &policy.Principal{User: user, SessionID: sess.ID}
	}
	if region != nil {
		m, err := pol.Identities.Membership(ctx, region.ID, p.User.ID)
		switch {
		case err == nil:
			p.Membership, p.Role = &m, m.Role
		case !errors.Is(err, tenants.ErrNotFound):
			return err
		}
	}
	if p.Role == "" && p.User.PlatformOperator {
		p.Role = tenants.RolePlatformOperator
	}
	c.Locals(localPrincipal, p)
	return nil
}

// pageUser returns the signed-in person's name for the page header, looking
// the session up on first use when the route's guard did not.
func (s *server) pageUser(c *fiber.Ctx) string {
	if c.Locals(localPrincipalLoaded) == nil && !isAPI(c) {
		if err := s.loadPrincipal(c, currentRegion(c)); err != nil {
			s.log.Error("look up session for page header", "error", err, "request_id", requestID(c))
		}
	}
	if p := principal(c); p != nil {
		return p.User.DisplayName
	}
	return ""
}

// principal returns who is calling, or nil when nobody is signed in.
func principal(c *fiber.Ctx) *policy.Principal {
	p, _ := c.Locals(localPrincipal).(*policy.Principal)
	return p
}

// currentRegion returns the region a region route resolved.
func currentRegion(c *fiber.Ctx) *tenants.Tenant {
	r, _ := c.Locals(localRegion).(*tenants.Tenant)
	return r
}

func isAPI(c *fiber.Ctx) bool { return strings.HasPrefix(c.Path(), "/api/") }

// auditDenied records a refused request in the region's audit log.
func (s *server) auditDenied(c *fiber.Ctx, region tenants.Tenant, p *policy.Principal, action, reason string) {
	e := tenants.AuditEntry{
		Action: action, ObjectType: "route", ObjectID: c.Method() + " " + c.Route().Path,
		Outcome: tenants.OutcomeDenied, Reason: reason,
	}
	if p != nil {
		e.UserID, e.UserLabel, e.Role = &p.User.ID, p.User.Email, string(p.Role)
	}
	s.audit(c, region.ID, e)
}

// csrfBinding is what this browser's CSRF tokens are bound to: its session
// cookie, or before sign-in a random per-browser cookie (set on demand).
func (s *server) csrfBinding(c *fiber.Ctx, create bool) string {
	if v := c.Cookies(s.cfg.Policy.SessionCookie()); v != "" {
		return tenants.HashToken(v)
	}
	if v := c.Cookies(preSessionCookie); v != "" {
		return v
	}
	if !create {
		return ""
	}
	v := newRandomID()
	c.Cookie(&fiber.Cookie{Name: preSessionCookie, Value: v, Path: "/", HTTPOnly: true, Secure: s.cfg.TLS, SameSite: fiber.CookieSameSiteLaxMode})
	return v
}

// checkCSRF refuses a state-changing request without this browser's token.
// The JSON API authenticates with bearer tokens, which a browser never
// sends by itself, so it needs no CSRF token.
func (s *server) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if isAPI(c) {
		return c.Next()
	}
	token := c.FormValue("_csrf")
	if token == "" {
		token = c.Get("X-CSRF-Token")
	}
	if !s.cfg.Policy.CSRF.Valid(s.csrfBinding(c, false), token) {
		return fiber.NewError(fiber.StatusForbidden, "csrf")
	}
	return c.Next()
}

// startSession signs the browser in: a new session id (any old session of
// this browser is ended, so a fixed id cannot be planted), cookie set.
func (s *server) startSession(c *fiber.Ctx, user tenants.User, tenantID int64, method string) error {
	pol := s.cfg.Policy
	if old := c.Cookies(pol.SessionCookie()); old != "" {
		if err := pol.Sessions.Revoke(c.UserContext(), old); err != nil {
			return err
		}
	}
	token, _, err := pol.Sessions.Create(c.UserContext(), user.ID, &tenantID, method, pol.Session.Absolute)
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: pol.SessionCookie(), Value: token, Path: "/", HTTPOnly: true, Secure: s.cfg.TLS,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Now().Add(pol.Session.Absolute),
	})
	c.ClearCookie(preSessionCookie)
	return nil
}

func (s *server) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name: s.cfg.Policy.SessionCookie(), Value: "", Path: "/", HTTPOnly: true, Secure: s.cfg.TLS,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Unix(1, 0), MaxAge: -1,
	})
}

// newRandomID returns 128 random bits as text.
func newRandomID() string { return rand.Text() }
