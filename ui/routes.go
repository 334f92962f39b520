package ui

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// access names who may call a route. The router refuses to register a
// route whose access it does not know how to check, so a route can never be
// left unguarded by accident.
type access string

// accessPublic routes are open to anyone, signed in or not.
const accessPublic access = "public"

// route is one row of the route table.
type route struct {
	method  string
	path    string
	access  access
	handler fiber.Handler
	// quiet routes (probes, scrapes) are counted in the metrics but left
	// out of the access log, which they would otherwise drown.
	quiet bool
}

// routes is the whole URL space of the app, with who may call what.
func (s *server) routes() []route {
	return []route{
		{method: fiber.MethodGet, path: "/", access: accessPublic, handler: s.homeShow},
		{method: fiber.MethodGet, path: "/r/:region", access: accessPublic, handler: s.regionShow},
		{method: fiber.MethodGet, path: "/static/:sum/:name", access: accessPublic, handler: s.assetShow},
		{method: fiber.MethodGet, path: "/healthz", access: accessPublic, handler: s.healthShow, quiet: true},
		{method: fiber.MethodGet, path: "/readyz", access: accessPublic, handler: s.readinessShow, quiet: true},
		// Public for now: the Ingress must not expose /metrics outside the
		// cluster until the policy issue adds an access level for it.
		{method: fiber.MethodGet, path: "/metrics", access: accessPublic, handler: s.metricsShow(), quiet: true},
	}
}

// register adds each route behind the check its access field names.
func (s *server) register(app *fiber.App, routes []route) error {
	for i := range routes {
		r := &routes[i]
		guard, err := s.guard(r.access)
		if err != nil {
			return fmt.Errorf("route %s %s: %w", r.method, r.path, err)
		}
		handlers := []fiber.Handler{s.markRoute(r), guard, r.handler}
		app.Add(r.method, r.path, handlers...)
		if r.method == fiber.MethodGet {
			// HEAD is GET without the body; monitors and link checkers use it.
			app.Add(fiber.MethodHead, r.path, handlers...)
		}
	}
	return nil
}

// guard returns the middleware that enforces a route's access.
func (s *server) guard(a access) (fiber.Handler, error) {
	switch a {
	case accessPublic:
		return func(c *fiber.Ctx) error { return c.Next() }, nil
	default:
		return nil, fmt.Errorf("unknown access %q", a)
	}
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
