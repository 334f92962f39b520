package ui

// settingsRoutes are the region's settings page and its JSON API.
func (s *server) settingsRoutes() []route {
	return nil
}
