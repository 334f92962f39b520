package ui

// offerRoutes are the clinics' anonymous offer tally: recording encounters
// and weeks, new diagnoses, and the unit's tallies; pages and JSON API.
func (s *server) offerRoutes() []route {
	return nil
}
