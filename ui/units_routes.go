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
		unitsAPI  = "/api/v1/regions/:region/units"
		orgsAPI   = "/api/v1/regions/:region/organisations"
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

		{method: fiber.MethodGet, path: unitsAPI, access: accessRegion, resource: "unit", action: "read", handler: s.apiUnitIndex,
			doc: &apiDoc{summary: "The region's clinics and units", tag: "units", response: apiUnitList{}}},
		{method: fiber.MethodPost, path: unitsAPI, access: accessRegion, resource: "unit", action: "create", handler: s.apiUnitCreate,
			doc: &apiDoc{summary: "Add a clinic or unit (active unless \"active\": false)", tag: "units", request: apiUnitInput{}, response: apiUnit{}}},
		{method: fiber.MethodPost, path: unitsAPI + "/import", access: accessRegion, resource: "unit", action: "create", handler: s.apiUnitImport,
			doc: &apiDoc{
				summary: "Import units from a CSV file (columns Namn;HSA-id;Typ;Kommun;Aktiv, as an HSA export gives them), " +
					"sent as the multipart field \"file\" or as a text/csv body. All rows are written in one transaction, or none: " +
					"any bad row gives 422 with every problem and its line. With ?dry_run=true nothing is written and every row " +
					"comes back with its problems.",
				tag: "units", fileField: "file", response: apiUnitImportResult{}, status: fiber.StatusOK,
			}},
		{method: fiber.MethodGet, path: unitsAPI + "/:id", access: accessRegion, resource: "unit", action: "read", handler: s.apiUnitShow,
			doc: &apiDoc{summary: "One clinic or unit", tag: "units", response: apiUnit{}}},
		{method: fiber.MethodPut, path: unitsAPI + "/:id", access: accessRegion, resource: "unit", action: "update", handler: s.apiUnitUpdate,
			doc: &apiDoc{summary: "Replace a unit's fields (omitted optional fields are cleared; active defaults to true)", tag: "units", request: apiUnitInput{}, response: apiUnit{}}},
		{method: fiber.MethodPatch, path: unitsAPI + "/:id", access: accessRegion, resource: "unit", action: "update", handler: s.apiUnitPatch,
			doc: &apiDoc{summary: "Change some of a unit's fields; omitted fields keep their values", tag: "units", request: apiUnitPatch{}, response: apiUnit{}}},
		{method: fiber.MethodGet, path: unitsAPI + "/:id/readiness", access: accessRegion, resource: "unit", action: "read", handler: s.apiReadinessShow,
			doc: &apiDoc{summary: "How ready a unit is for peer supporters: budget, staff introduction sessions, management anchoring", tag: "units", response: apiReadiness{}}},
		{method: fiber.MethodPut, path: unitsAPI + "/:id/readiness", access: accessRegion, resource: "unit", action: "update", handler: s.apiReadinessUpdate,
			doc: &apiDoc{summary: "Record the budget and management decisions (a step that is done needs its date, not in the future)", tag: "units", request: apiReadinessInput{}, response: apiReadiness{}}},
		{method: fiber.MethodPost, path: unitsAPI + "/:id/readiness/intro_sessions", access: accessRegion, resource: "unit", action: "update", handler: s.apiIntroSessionCreate,
			doc: &apiDoc{summary: "Record a staff introduction session held at the unit", tag: "units", request: apiIntroSessionInput{}, response: apiIntroSession{}}},
		{method: fiber.MethodDelete, path: unitsAPI + "/:id/readiness/intro_sessions/:session", access: accessRegion, resource: "unit", action: "update", handler: s.apiIntroSessionDelete,
			doc: &apiDoc{summary: "Remove an introduction session recorded by mistake", tag: "units"}},

		{method: fiber.MethodGet, path: orgsAPI, access: accessRegion, resource: "organisation", action: "read", handler: s.apiOrganisationIndex,
			doc: &apiDoc{summary: "The region's partner organisations", tag: "organisations", response: apiOrganisationList{}}},
		{method: fiber.MethodPost, path: orgsAPI, access: accessRegion, resource: "organisation", action: "create", handler: s.apiOrganisationCreate,
			doc: &apiDoc{summary: "Add a partner organisation (active unless \"active\": false)", tag: "organisations", request: apiOrganisationInput{}, response: apiOrganisation{}}},
		{method: fiber.MethodGet, path: orgsAPI + "/:id", access: accessRegion, resource: "organisation", action: "read", handler: s.apiOrganisationShow,
			doc: &apiDoc{summary: "One partner organisation with the units it serves", tag: "organisations", response: apiOrganisation{}}},
		{method: fiber.MethodPut, path: orgsAPI + "/:id", access: accessRegion, resource: "organisation", action: "update", handler: s.apiOrganisationUpdate,
			doc: &apiDoc{summary: "Replace a partner organisation's fields and served units (omitted ones are cleared; active defaults to true)", tag: "organisations", request: apiOrganisationInput{}, response: apiOrganisation{}}},
	}
}
