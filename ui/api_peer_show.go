package ui

import "github.com/gofiber/fiber/v2"

// apiPeerShow answers GET /api/v1/regions/{region}/peers/{id}: a peer of
// the token user's organisation with contact data, a read of personal
// data that is logged.
func (s *server) apiPeerShow(c *fiber.Ctx) error {
	p, err := s.coordinatorPeer(c)
	if err != nil {
		return err
	}
	out, err := s.apiPeerWithCertification(c, p)
	if err != nil {
		return err
	}
	s.auditPeer(c, "peer.read", p.ID)
	return c.JSON(out)
}

// apiPeerUpdate answers PUT /api/v1/regions/{region}/peers/{id}: the body
// replaces the peer's fields; the status changes only through /status.
func (s *server) apiPeerUpdate(c *fiber.Ctx) error {
	stored, err := s.coordinatorPeer(c)
	if err != nil {
		return err
	}
	var in apiPeerInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p := in.peer()
	p.ID = stored.ID
	updated, err := s.cfg.Peers.Update(c.UserContext(), currentRegion(c).ID, stored.OrganisationID, p)
	if err != nil {
		return inOrder(err, peerFieldOrder)
	}
	s.auditPeer(c, "peer.update", stored.ID)
	out, err := s.apiPeerWithCertification(c, updated)
	if err != nil {
		return err
	}
	return c.JSON(out)
}
