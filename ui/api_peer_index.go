package ui

import "github.com/gofiber/fiber/v2"

// apiPeerIndex answers GET /api/v1/regions/{region}/peers: the peers of
// the token user's organisation, without contact data.
func (s *server) apiPeerIndex(c *fiber.Ctx) error {
	orgID, err := coordinatorOrganisation(c)
	if err != nil {
		return err
	}
	peers, err := s.cfg.Peers.Peers(c.UserContext(), currentRegion(c).ID, orgID)
	if err != nil {
		return err
	}
	out := apiPeerList{Peers: make([]apiPeer, 0, len(peers))}
	for _, p := range peers {
		out.Peers = append(out.Peers, apiPeerOf(p))
	}
	return c.JSON(out)
}

// apiPeerCreate answers POST /api/v1/regions/{region}/peers: the peer is
// registered with the token user's organisation, or refused (422) with
// every problem and nothing stored.
func (s *server) apiPeerCreate(c *fiber.Ctx) error {
	orgID, err := coordinatorOrganisation(c)
	if err != nil {
		return err
	}
	var in apiPeerInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := s.cfg.Peers.Create(c.UserContext(), currentRegion(c).ID, orgID, principal(c).User.ID, in.peer())
	if err != nil {
		return inOrder(err, peerFieldOrder)
	}
	s.auditPeer(c, "peer.create", p.ID)
	out, err := s.apiPeerWithCertification(c, p)
	if err != nil {
		return err
	}
	c.Location("/api/v1/regions/" + currentRegion(c).Slug + "/peers/" + itoa(p.ID))
	return c.Status(fiber.StatusCreated).JSON(out)
}
