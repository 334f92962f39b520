package ui

// supportRoutes are the coordinator's side of what follows a referral:
// ranked suggestions of peers, the match, and the support's meetings and
// follow-ups; pages and JSON API.
func (s *server) supportRoutes() []route {
	return nil
}
