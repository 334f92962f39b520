package ui

// unitRoutes are the clinics, units and partner organisations: pages under
// /r/{region}/admin/units and /admin/organisations, and their JSON API.
func (s *server) unitRoutes() []route {
	return nil
}
