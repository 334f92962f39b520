package ui

// myMatchRoutes are the peer supporter's own matches: the participant as
// the peer may see them, meetings and follow-ups; pages and JSON API.
func (s *server) myMatchRoutes() []route {
	return nil
}
