package ui

// agreementRoutes are the IOP agreements: pages under
// /r/{region}/admin/agreements and their JSON API.
func (s *server) agreementRoutes() []route {
	return nil
}
