package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// peerStatus moves a peer along the lifecycle with an optional reason; a
// move the lifecycle does not allow is refused on the peer's page.
func (s *server) peerStatus(c *fiber.Ctx) error {
	p, err := s.coordinatorPeer(c)
	if err != nil {
		return err
	}
	f := formFrom(c, statusFields...)
	_, err = s.cfg.Peers.SetStatus(c.UserContext(), currentRegion(c).ID, p.OrganisationID, principal(c).User.ID, p.ID,
		tenants.PeerStatus(f.Value("status")), f.Value("reason"))
	if refused, rerr := s.refuseOnPeerPage(c, p, &f, peerForms{status: &f}, err); refused {
		return rerr
	}
	if err != nil {
		return err
	}
	s.auditPeer(c, "peer.status", p.ID)
	return c.Redirect(peersURL(c)+"/"+itoa(p.ID)+"#status", fiber.StatusSeeOther)
}

// peerAccount links the peer to a peer supporter's account of the
// organisation, or unlinks it (no account chosen).
func (s *server) peerAccount(c *fiber.Ctx) error {
	p, err := s.coordinatorPeer(c)
	if err != nil {
		return err
	}
	f := formFrom(c, "user_id")
	userID, err := formID(f.Value("user_id"), "user_id")
	if err == nil {
		var user *int64
		if userID != 0 {
			user = &userID
		}
		_, err = s.cfg.Peers.SetUser(c.UserContext(), currentRegion(c).ID, p.OrganisationID, p.ID, user)
	}
	if refused, rerr := s.refuseOnPeerPage(c, p, &f, peerForms{account: &f}, err); refused {
		return rerr
	}
	if err != nil {
		return err
	}
	s.auditPeer(c, "peer.account", p.ID)
	return c.Redirect(peersURL(c)+"/"+itoa(p.ID)+"#account", fiber.StatusSeeOther)
}
