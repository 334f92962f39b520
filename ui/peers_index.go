package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// peersPage lists the coordinator's organisation's peers, without contact
// data.
type peersPage struct {
	basePage
	NewURL string
	Peers  []peerRow
}

func (peersPage) templateName() string { return "peers_index" }

type peerRow struct {
	URL, Name, Status, StatusLabel, Languages, Capacity string
	// CertifiedUntil is the certification's last valid day; empty when
	// the peer has none.
	CertifiedUntil string
	Expired        bool
}

// peersIndex lists the organisation's peers by name.
func (s *server) peersIndex(c *fiber.Ctx) error {
	orgID, err := coordinatorOrganisation(c)
	if err != nil {
		return err
	}
	ctx, region := c.UserContext(), currentRegion(c)
	peers, err := s.cfg.Peers.Peers(ctx, region.ID, orgID)
	if err != nil {
		return err
	}
	// Every certification there is expires before a day far enough ahead,
	// so one query gives them all (peers who left are not listed there,
	// and their certification no longer matters).
	today := todayInSweden()
	certified, err := s.cfg.Peers.CertificationsExpiring(ctx, region.ID, orgID, today.AddMonths(12*100))
	if err != nil {
		return err
	}
	expires := make(map[int64]tenants.Date, len(certified))
	for _, e := range certified {
		expires[e.PeerID] = e.ExpiresOn
	}
	base := s.regionBase(c)
	l := s.peerLabels(base.Lang)
	list := peersURL(c)
	p := peersPage{basePage: base, NewURL: list + "/new"}
	for _, peer := range peers {
		row := peerRow{
			URL: list + "/" + itoa(peer.ID), Name: peer.DisplayName, Status: string(peer.Status), StatusLabel: l.status(peer.Status),
			Languages: l.languages(peer.Languages), Capacity: strconv.Itoa(peer.Capacity),
		}
		if d, ok := expires[peer.ID]; ok {
			row.CertifiedUntil, row.Expired = d.String(), d.Before(today)
		}
		p.Peers = append(p.Peers, row)
	}
	return s.renderPage(c, p)
}
