package ui

// exportRoutes are the CSV, XLSX and PDF exports of reports and the
// dashboard.
func (s *server) exportRoutes() []route { return nil }
