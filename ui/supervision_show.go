package ui

import (
	"github.com/gofiber/fiber/v2"
)

// supervisionPage shows one session with its attendees and the button
// that removes a session recorded by mistake.
type supervisionPage struct {
	basePage
	Nav     []workNavLink
	URL     string
	ListURL string
	Session supervisionRow
	Peers   []string
}

func (supervisionPage) templateName() string { return "supervision_show" }

// supervisionShow renders one session of the organisation.
func (s *server) supervisionShow(c *fiber.Ctx) error {
	orgID, id, err := coordinatorPathID(c)
	if err != nil {
		return err
	}
	region := currentRegion(c)
	sess, err := s.cfg.Supervision.Session(c.UserContext(), region.ID, orgID, id)
	if err != nil {
		return err
	}
	peers, err := s.loadPeerWorkPeers(c, orgID)
	if err != nil {
		return err
	}
	base := s.regionBase(c)
	list := peerWorkURL(region) + "/supervision"
	return s.renderPage(c, supervisionPage{
		basePage: base, Nav: s.peerWorkNav(base.Lang, region, "supervision.title"), URL: list + "/" + itoa(id), ListURL: list,
		Session: s.supervisionRowOf(base.Lang, sess), Peers: peers.namesOf(sess.PeerIDs),
	})
}

// supervisionRemove deletes a session recorded by mistake.
func (s *server) supervisionRemove(c *fiber.Ctx) error {
	return s.peerWorkRemove(c, s.cfg.Supervision.Remove, "supervision.remove", "supervision", "/supervision")
}
