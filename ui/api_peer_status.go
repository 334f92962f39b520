package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// apiPeerStatus answers POST /api/v1/regions/{region}/peers/{id}/status
// with {"status": "active", "reason": "…"}: a move the lifecycle allows,
// or 422 and nothing changed.
func (s *server) apiPeerStatus(c *fiber.Ctx) error {
	p, err := s.coordinatorPeer(c)
	if err != nil {
		return err
	}
	var in apiPeerStatusInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	moved, err := s.cfg.Peers.SetStatus(c.UserContext(), currentRegion(c).ID, p.OrganisationID, principal(c).User.ID, p.ID,
		tenants.PeerStatus(in.Status), in.Reason)
	if err != nil {
		return err
	}
	s.auditPeer(c, "peer.status", p.ID)
	out, err := s.apiPeerWithCertification(c, moved)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// apiPeerAccount answers PUT /api/v1/regions/{region}/peers/{id}/account.
func (s *server) apiPeerAccount(c *fiber.Ctx) error {
	p, err := s.coordinatorPeer(c)
	if err != nil {
		return err
	}
	var in apiPeerAccountInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	linked, err := s.cfg.Peers.SetUser(c.UserContext(), currentRegion(c).ID, p.OrganisationID, p.ID, in.UserID)
	if err != nil {
		return err
	}
	s.auditPeer(c, "peer.account", p.ID)
	out, err := s.apiPeerWithCertification(c, linked)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// apiPeerHistory answers GET /api/v1/regions/{region}/peers/{id}/history.
func (s *server) apiPeerHistory(c *fiber.Ctx) error {
	orgID, id, err := coordinatorPathID(c)
	if err != nil {
		return err
	}
	events, err := s.cfg.Peers.StatusHistory(c.UserContext(), currentRegion(c).ID, orgID, id)
	if err != nil {
		return err
	}
	out := apiPeerHistory{Events: make([]apiPeerEvent, 0, len(events))}
	for _, e := range events {
		out.Events = append(out.Events, apiPeerEvent{ID: e.ID, UserID: e.UserID, At: e.At, From: string(e.From), To: string(e.To), Reason: e.Reason})
	}
	return c.JSON(out)
}
