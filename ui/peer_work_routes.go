package ui

// peerWorkRoutes are supervision, gatherings (continuing education and
// reunions), placements and the coordinator's overview: pages and JSON API.
func (s *server) peerWorkRoutes() []route {
	return nil
}
