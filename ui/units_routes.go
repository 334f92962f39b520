package ui

import "github.com/gofiber/fiber/v2"

// unitRoutes are the clinics, units and partner organisations: pages under
// /r/{region}/admin/units and /admin/organisations, and their JSON API.
// (The unit list of the API, GET /api/v1/regions/{region}/units, predates
// this file and is in coreRoutes.)
//
// The matrix knows unit and organisation read, create and update: the
// readiness steps and the introduction sessions change the unit, so they
// need update; an import creates units.
func (s *server) unitRoutes() []route {
	const (
		unitPages = "/r/:region/admin/units"
		orgPages  = "/r/:region/admin/organisations"
	)
	return []route{
		{method: fiber.MethodGet, path: unitPages, access: accessRegion, resource: "unit", action: "read", handler: s.unitsIndex},
		{method: fiber.MethodGet, path: unitPages + "/new", access: accessRegion, resource: "unit", action: "create", handler: s.unitNew},
		{method: fiber.MethodPost, path: unitPages, access: accessRegion, resource: "unit", action: "create", handler: s.unitCreate},
		{method: fiber.MethodGet, path: unitPages + "/import", access: accessRegion, resource: "unit", action: "create", handler: s.unitImportShow},
		{method: fiber.MethodPost, path: unitPages + "/import", access: accessRegion, resource: "unit", action: "create", handler: s.unitImportPreview},
		{method: fiber.MethodPost, path: unitPages + "/import/confirm", access: accessRegion, resource: "unit", action: "create", handler: s.unitImportCreate},
		{method: fiber.MethodGet, path: unitPages + "/:id", access: accessRegion, resource: "unit", action: "read", handler: s.unitShow},
		{method: fiber.MethodGet, path: unitPages + "/:id/edit", access: accessRegion, resource: "unit", action: "update", handler: s.unitEdit},
		{method: fiber.MethodPost, path: unitPages + "/:id", access: accessRegion, resource: "unit", action: "update", handler: s.unitUpdate},
		{method: fiber.MethodPost, path: unitPages + "/:id/readiness", access: accessRegion, resource: "unit", action: "update", handler: s.unitReadinessUpdate},
		{method: fiber.MethodPost, path: unitPages + "/:id/sessions", access: accessRegion, resource: "unit", action: "update", handler: s.introSessionCreate},
		{method: fiber.MethodPost, path: unitPages + "/:id/sessions/:session/remove", access: accessRegion, resource: "unit", action: "update", handler: s.introSessionRemove},

		{method: fiber.MethodGet, path: orgPages, access: accessRegion, resource: "organisation", action: "read", handler: s.organisationsIndex},
		{method: fiber.MethodGet, path: orgPages + "/new", access: accessRegion, resource: "organisation", action: "create", handler: s.organisationNew},
		{method: fiber.MethodPost, path: orgPages, access: accessRegion, resource: "organisation", action: "create", handler: s.organisationCreate},
		{method: fiber.MethodGet, path: orgPages + "/:id/edit", access: accessRegion, resource: "organisation", action: "update", handler: s.organisationEdit},
		{method: fiber.MethodPost, path: orgPages + "/:id", access: accessRegion, resource: "organisation", action: "update", handler: s.organisationUpdate},
	}
}
