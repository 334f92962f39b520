package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// peerEdit shows the form for changing a peer of the coordinator's
// organisation, contact data included: a read of personal data.
func (s *server) peerEdit(c *fiber.Ctx) error {
	p, err := s.coordinatorPeer(c)
	if err != nil {
		return err
	}
	s.auditPeer(c, "peer.read", p.ID)
	return s.renderPeerEdit(c, p, peerFormOf(p), false)
}

// peerUpdate saves a changed peer, or shows the form again with its
// problems and nothing saved.
func (s *server) peerUpdate(c *fiber.Ctx) error {
	stored, err := s.coordinatorPeer(c)
	if err != nil {
		return err
	}
	pf := readPeerForm(c)
	p, err := pf.peer()
	if err == nil {
		p.ID = stored.ID
		_, err = s.cfg.Peers.Update(c.UserContext(), currentRegion(c).ID, stored.OrganisationID, p)
	}
	if s.refuse(&pf.form, s.regionBase(c).Lang, inOrder(err, peerFieldOrder)) {
		return s.renderPeerEdit(c, stored, pf, true)
	}
	if err != nil {
		return err
	}
	s.auditPeer(c, "peer.update", stored.ID)
	return c.Redirect(peersURL(c)+"/"+itoa(stored.ID), fiber.StatusSeeOther)
}

func (s *server) renderPeerEdit(c *fiber.Ctx, stored tenants.Peer, pf peerForm, refused bool) error {
	url := peersURL(c) + "/" + itoa(stored.ID)
	heading := s.translator.Translate(s.regionBase(c).Lang, "peers.edit", map[string]any{"Name": stored.DisplayName})
	p := s.newPeerFormPage(c, pf, heading, url, url, false)
	if refused {
		return s.renderRefused(c, p)
	}
	return s.renderPage(c, p)
}

// coordinatorPeer loads the :id peer of the caller's organisation, with
// contact data; a peer of any other organisation is not found.
func (s *server) coordinatorPeer(c *fiber.Ctx) (tenants.Peer, error) {
	orgID, id, err := coordinatorPathID(c)
	if err != nil {
		return tenants.Peer{}, err
	}
	return s.cfg.Peers.Peer(c.UserContext(), currentRegion(c).ID, orgID, id)
}
