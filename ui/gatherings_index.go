package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// gatheringsPage lists the organisation's continuing education and
// reunions, planned and held.
type gatheringsPage struct {
	basePage
	Nav        []workNavLink
	BaseURL    string
	Gatherings []gatheringRow
}

type gatheringRow struct {
	ID                  int64
	HeldOn, Kind, Title string
	Attended            int
	Planned             bool // the day has not come yet
}

func (gatheringsPage) templateName() string { return "gatherings_index" }

// gatheringsIndex renders the list, latest first.
func (s *server) gatheringsIndex(c *fiber.Ctx) error {
	orgID, err := coordinatorOrganisation(c)
	if err != nil {
		return err
	}
	region := currentRegion(c)
	list, err := s.cfg.Gatherings.Gatherings(c.UserContext(), region.ID, orgID)
	if err != nil {
		return err
	}
	base := s.regionBase(c)
	today := todayInSweden()
	p := gatheringsPage{basePage: base, Nav: s.peerWorkNav(base.Lang, region, "gatherings.title"), BaseURL: peerWorkURL(region) + "/gatherings"}
	for _, g := range list {
		p.Gatherings = append(p.Gatherings, s.gatheringRowOf(base.Lang, g, today))
	}
	return s.renderPage(c, p)
}

func (s *server) gatheringRowOf(lang string, g tenants.Gathering, today tenants.Date) gatheringRow {
	return gatheringRow{
		ID: g.ID, HeldOn: g.HeldOn.String(), Kind: s.translator.Translate(lang, "gatherings.kind."+string(g.Kind), nil),
		Title: g.Title, Attended: len(g.PeerIDs), Planned: g.HeldOn.After(today),
	}
}
