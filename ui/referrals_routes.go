package ui

// referralRoutes are participants, consent and referrals: the clinic's side
// (register, refer, follow the status, withdraw consent) and the
// organisation's inbox (accept, decline, contact attempts, closure);
// pages and JSON API.
func (s *server) referralRoutes() []route {
	return nil
}
