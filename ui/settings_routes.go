package ui

import "github.com/gofiber/fiber/v2"

// settingsRoutes are the region's settings page and its JSON API. Reading
// the settings is part of managing them: only those who may change them
// see the page.
func (s *server) settingsRoutes() []route {
	return []route{
		{method: fiber.MethodGet, path: "/r/:region/admin/settings", access: accessRegion, resource: "region", action: "update", handler: s.settingsShow},
		{method: fiber.MethodPost, path: "/r/:region/admin/settings", access: accessRegion, resource: "region", action: "update", handler: s.settingsUpdate},
		{method: fiber.MethodGet, path: "/api/v1/regions/:region/settings", access: accessRegion, resource: "region", action: "update", handler: s.apiSettingsShow,
			doc: &apiDoc{summary: "The region's settings, with defaults filled in", tag: "settings", response: apiSettings{}}},
		{method: fiber.MethodPut, path: "/api/v1/regions/:region/settings", access: accessRegion, resource: "region", action: "update", handler: s.apiSettingsUpdate,
			doc: &apiDoc{summary: "Change the region's settings (all fields; omitted ones return to their defaults)", tag: "settings", request: apiSettings{}, response: apiSettings{}, status: 200}},
	}
}
