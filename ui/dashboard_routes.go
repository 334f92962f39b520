package ui

import (
	"github.com/gofiber/fiber/v2"
)

// dashboardRoutes are the region's dashboard: the page under
// /r/{region}/dashboard, its exports and its JSON API. Reading needs
// dashboard read (regional administrators and viewers); every figure in
// them is an aggregate that has passed small-count suppression.
func (s *server) dashboardRoutes() []route {
	const page = "/r/:region/dashboard"
	routes := []route{
		{method: fiber.MethodGet, path: page, access: accessRegion, resource: "dashboard", action: "read", handler: s.dashboardShow},
	}
	// One route per download format, like the reports' (an unknown format
	// is no route: 404).
	for _, format := range exportFormatNames {
		routes = append(routes, route{method: fiber.MethodGet, path: page + "/export/" + format, access: accessRegion,
			resource: "dashboard", action: "read", handler: s.dashboardExport(format)})
	}
	return append(routes,
		route{method: fiber.MethodGet, path: "/api/v1/regions/:region/dashboard", access: accessRegion, resource: "dashboard", action: "read", handler: s.apiDashboardShow,
			doc: &apiDoc{summary: "The region dashboard for a period (?from=, ?to= first days of quarters; optional ?unit_id=, ?organisation_id=, ?target_group=): suppressed aggregates only",
				tag: "dashboard", response: apiDashboard{}}})
}
