package ui

// dashboardRoutes are the region's dashboard: pages under
// /r/{region}/dashboard and their JSON API.
func (s *server) dashboardRoutes() []route { return nil }
