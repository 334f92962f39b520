package ui

import "github.com/gofiber/fiber/v2"

// nationalRoutes are the national view: approved, suppressed region
// figures side by side, for national viewers. It belongs to no region: the
// guard lets only a signed-in user marked national_viewer through (anyone
// else signed in gets 404; a visitor not signed in gets 401). There is no
// JSON API for it: API tokens belong to a member of one region, and a
// national viewer need be a member of none.
func (s *server) nationalRoutes() []route {
	return []route{
		{method: fiber.MethodGet, path: "/national", access: accessNational, handler: s.nationalShow},
	}
}
