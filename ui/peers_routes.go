package ui

// peerRoutes are an organisation coordinator's peers (records, status,
// trainings) and a peer supporter's own profile: pages and JSON API.
func (s *server) peerRoutes() []route {
	return nil
}
