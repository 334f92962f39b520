package ui

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/policy"
)

// access names how a route is guarded. The router refuses to register a
// route whose access it does not know how to check, or a region route that
// names no resource and action, so no route is left unguarded by accident.
type access string

const (
	// accessPublic routes are open to anyone; a signed-in principal is
	// still recognised (for the header and CSRF binding).
	accessPublic access = "public"
	// accessSignedIn routes need any signed-in user.
	accessSignedIn access = "signed_in"
	// accessRegion routes need a member of the route's region whose role
	// the matrix allows the route's resource and action.
	accessRegion access = "region"
	// accessPlatform routes are for the platform operator.
	accessPlatform access = "platform"
	// accessNational routes are for national viewers (users.national_viewer).
	accessNational access = "national"
)

// route is one row of the route table.
type route struct {
	method   string
	path     string
	access   access
	resource policy.Resource
	action   policy.Action
	handler  fiber.Handler
	// doc describes an /api/v1/ route in the OpenAPI document.
	doc *apiDoc
	// before run after the guard and before the handler (rate limits).
	before []fiber.Handler
	// quiet routes (probes, scrapes) are counted in the metrics but left
	// out of the access log, which they would otherwise drown.
	quiet bool
}

// routes is the whole URL space of the app, with who may call what. The
// regional administration's areas keep their rows in their own files.
func (s *server) routes() []route {
	var all []route
	for _, area := range [][]route{s.coreRoutes(), s.unitRoutes(), s.agreementRoutes(), s.settingsRoutes(), s.peerRoutes(), s.peerWorkRoutes(), s.offerRoutes(), s.referralRoutes(), s.supportRoutes(), s.myMatchRoutes(), s.notificationRoutes(), s.reportRoutes(), s.dashboardRoutes(), s.exportRoutes(), s.nationalRoutes(), s.opsRoutes()} {
		all = append(all, area...)
	}
	return all
}

// coreRoutes: the landing page, probes, sign-in, and the administrator's
// people and access pages.
func (s *server) coreRoutes() []route {
	return []route{
		{method: fiber.MethodGet, path: "/", access: accessPublic, handler: s.homeShow},
		{method: fiber.MethodGet, path: "/tillganglighet", access: accessPublic, handler: s.accessibilityShow},
		{method: fiber.MethodGet, path: "/static/:sum/:name", access: accessPublic, handler: s.assetShow},
		{method: fiber.MethodGet, path: "/healthz", access: accessPublic, handler: s.healthShow, quiet: true},
		{method: fiber.MethodGet, path: "/readyz", access: accessPublic, handler: s.readinessShow, quiet: true},
		// Public for now: the Ingress must not expose /metrics outside the
		// cluster; the deployment issue restricts it there.
		{method: fiber.MethodGet, path: "/metrics", access: accessPublic, handler: s.metricsShow(), quiet: true},

		{method: fiber.MethodGet, path: "/r/:region", access: accessPublic, handler: s.regionShow},
		{method: fiber.MethodGet, path: "/r/:region/login", access: accessPublic, handler: s.loginShow},
		{method: fiber.MethodGet, path: "/r/:region/login/oidc/:provider", access: accessPublic, handler: s.loginStart},
		{method: fiber.MethodGet, path: "/r/:region/login/callback", access: accessPublic, handler: s.loginCallback},
		{method: fiber.MethodPost, path: "/r/:region/login/email", access: accessPublic, handler: s.loginEmailCreate, before: s.signInLimit},
		{method: fiber.MethodGet, path: "/r/:region/login/email/:token", access: accessPublic, handler: s.loginEmailShow},
		{method: fiber.MethodPost, path: "/r/:region/login/email/:token", access: accessPublic, handler: s.loginEmailConsume, before: s.signInLimit},
		{method: fiber.MethodGet, path: "/r/:region/invitations/:token", access: accessPublic, handler: s.invitationShow},
		{method: fiber.MethodPost, path: "/r/:region/invitations/:token", access: accessPublic, handler: s.invitationAccept, before: s.signInLimit},
		{method: fiber.MethodPost, path: "/logout", access: accessSignedIn, handler: s.logoutCreate},
		{method: fiber.MethodPost, path: "/logout/everywhere", access: accessSignedIn, handler: s.logoutEverywhereCreate},

		{method: fiber.MethodGet, path: "/r/:region/start", access: accessRegion, resource: "region", action: "read", handler: s.startShow},
		{method: fiber.MethodGet, path: "/r/:region/admin/audit", access: accessRegion, resource: "audit", action: "read", handler: s.auditIndex},
		{method: fiber.MethodPost, path: "/r/:region/admin/audit/checks", access: accessRegion, resource: "audit_check", action: "create", handler: s.auditCheckCreate},
		{method: fiber.MethodGet, path: "/r/:region/admin/members", access: accessRegion, resource: "member", action: "read", handler: s.membersIndex},
		{method: fiber.MethodPost, path: "/r/:region/admin/members/:id/disable", access: accessRegion, resource: "member", action: "disable", handler: s.memberDisable},
		{method: fiber.MethodPost, path: "/r/:region/admin/members/:id/enable", access: accessRegion, resource: "member", action: "disable", handler: s.memberEnable},
		{method: fiber.MethodGet, path: "/r/:region/admin/invitations", access: accessRegion, resource: "invitation", action: "read", handler: s.invitationsIndex},
		{method: fiber.MethodPost, path: "/r/:region/admin/invitations", access: accessRegion, resource: "invitation", action: "create", handler: s.invitationCreate},
		{method: fiber.MethodPost, path: "/r/:region/admin/invitations/:id/revoke", access: accessRegion, resource: "invitation", action: "revoke", handler: s.invitationRevoke},
		{method: fiber.MethodGet, path: "/r/:region/admin/tokens", access: accessRegion, resource: "api_token", action: "read", handler: s.tokensIndex},
		{method: fiber.MethodPost, path: "/r/:region/admin/tokens", access: accessRegion, resource: "api_token", action: "create", handler: s.tokenCreate},
		{method: fiber.MethodPost, path: "/r/:region/admin/tokens/:id/revoke", access: accessRegion, resource: "api_token", action: "revoke", handler: s.tokenRevoke},
		{method: fiber.MethodGet, path: "/r/:region/admin/providers", access: accessRegion, resource: "provider", action: "read", handler: s.providersIndex},
		{method: fiber.MethodPost, path: "/r/:region/admin/providers", access: accessRegion, resource: "provider", action: "create", handler: s.providerCreate},
		{method: fiber.MethodPost, path: "/r/:region/admin/providers/:id/enable", access: accessRegion, resource: "provider", action: "update", handler: s.providerEnable},
		{method: fiber.MethodPost, path: "/r/:region/admin/providers/:id/disable", access: accessRegion, resource: "provider", action: "update", handler: s.providerDisable},

		{method: fiber.MethodGet, path: "/api/openapi.json", access: accessPublic, handler: s.openAPIShow},
		{method: fiber.MethodGet, path: "/api/v1/regions/:region/me", access: accessRegion, resource: "region", action: "read", handler: s.apiMeShow,
			doc: &apiDoc{summary: "Who the token's user is in the region", tag: "account", response: apiMe{}}},
	}
}

// register adds each route behind the check its access field names.
func (s *server) register(app *fiber.App, routes []route) error {
	for i := range routes {
		r := &routes[i]
		guard, err := s.guard(r)
		if err != nil {
			return fmt.Errorf("route %s %s: %w", r.method, r.path, err)
		}
		if strings.HasPrefix(r.path, "/api/v1/") && r.doc == nil {
			return fmt.Errorf("route %s %s: an API route needs its OpenAPI description (doc)", r.method, r.path)
		}
		handlers := append([]fiber.Handler{s.markRoute(r), guard}, r.before...)
		handlers = append(handlers, r.handler)
		app.Add(r.method, r.path, handlers...)
		if r.method == fiber.MethodGet {
			// HEAD is GET without the body; monitors and link checkers use it.
			app.Add(fiber.MethodHead, r.path, handlers...)
		}
	}
	return nil
}

// markRoute records the matched route, and the region slug where the path
// has one, for the access log, the metrics and the error log.
func (s *server) markRoute(r *route) fiber.Handler {
	hasRegion := strings.Contains(r.path, ":region")
	return func(c *fiber.Ctx) error {
		c.Locals(localRoute, r)
		if hasRegion {
			c.Locals(localTenant, c.Params("region"))
		}
		return c.Next()
	}
}

// localKey types the keys this package stores in fiber's Locals.
type localKey int

const (
	localRequestID localKey = iota
	localRoute
	localTenant
	localRegion
	localPrincipal
	localPrincipalLoaded
)

// matchedRoute returns the route table entry that handled c, or nil when
// no route matched.
func matchedRoute(c *fiber.Ctx) *route {
	r, _ := c.Locals(localRoute).(*route)
	return r
}

// tenantSlug returns the region slug from the route, or "" if none.
func tenantSlug(c *fiber.Ctx) string {
	slug, _ := c.Locals(localTenant).(string)
	return slug
}

// requestID returns the id assignRequestID gave this request.
func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}
