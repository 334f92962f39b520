package ui

import "github.com/gofiber/fiber/v2"

// peerNew shows the form for registering a peer.
func (s *server) peerNew(c *fiber.Ctx) error {
	pf := peerForm{form: form{Values: map[string]string{"status": "recruited", "gender": "unspecified"}}, languages: []string{"sv"}}
	return s.renderPeerNew(c, pf, false)
}

// peerCreate registers a peer with the coordinator's organisation and
// shows their page; a refused form comes back with its problems and
// nothing stored.
func (s *server) peerCreate(c *fiber.Ctx) error {
	orgID, err := coordinatorOrganisation(c)
	if err != nil {
		return err
	}
	pf := readPeerForm(c)
	p, err := pf.peer()
	if err == nil {
		p, err = s.cfg.Peers.Create(c.UserContext(), currentRegion(c).ID, orgID, principal(c).User.ID, p)
	}
	if s.refuse(&pf.form, s.regionBase(c).Lang, inOrder(err, peerFieldOrder)) {
		return s.renderPeerNew(c, pf, true)
	}
	if err != nil {
		return err
	}
	s.auditPeer(c, "peer.create", p.ID)
	return c.Redirect(peersURL(c)+"/"+itoa(p.ID), fiber.StatusSeeOther)
}

func (s *server) renderPeerNew(c *fiber.Ctx, pf peerForm, refused bool) error {
	list := peersURL(c)
	p := s.newPeerFormPage(c, pf, s.translator.Translate(s.regionBase(c).Lang, "peers.new", nil), list, list, true)
	if refused {
		return s.renderRefused(c, p)
	}
	return s.renderPage(c, p)
}
