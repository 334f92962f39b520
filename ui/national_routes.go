package ui

// nationalRoutes are the national view: approved, suppressed region
// figures side by side, for national viewers.
func (s *server) nationalRoutes() []route { return nil }
