package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// placementPage shows a placement with its warnings as they stand today:
// right after saving they are the ones the save gave, and later they show
// whether the unit has become ready or a position been budgeted since.
type placementPage struct {
	basePage
	Nav       []workNavLink
	URL       string
	ListURL   string
	Placement placementRow
	Warnings  []string
	Saved     bool
}

func (placementPage) templateName() string { return "placements_show" }

// placementShow renders one placement of the organisation's peers.
func (s *server) placementShow(c *fiber.Ctx) error {
	orgID, id, err := coordinatorPathID(c)
	if err != nil {
		return err
	}
	region, ctx := currentRegion(c), c.UserContext()
	pl, warnings, err := s.cfg.Placements.PlacementWithWarnings(ctx, region.ID, orgID, id)
	if err != nil {
		return err
	}
	peers, err := s.loadPeerWorkPeers(c, orgID)
	if err != nil {
		return err
	}
	base := s.regionBase(c)
	units, err := s.loadPlacementUnits(ctx, region.ID, base.Lang, 0)
	if err != nil {
		return err
	}
	list := peerWorkURL(region) + "/placements"
	return s.renderPage(c, placementPage{
		basePage: base, Nav: s.peerWorkNav(base.Lang, region, "placements.title"), URL: list + "/" + itoa(id), ListURL: list,
		Placement: s.placementRowOf(base.Lang, pl, peers.names[pl.PeerID], units.names[pl.UnitID], todayInSweden()),
		Warnings:  s.warningTexts(base.Lang, warnings), Saved: c.Query("saved") != "",
	})
}

// warningTexts translates the store's warnings.
func (s *server) warningTexts(lang string, warnings []tenants.Warning) []string {
	out := make([]string, 0, len(warnings))
	for _, w := range warnings {
		out = append(out, s.translator.Translate(lang, w.Key, w.Args))
	}
	return out
}

// placementRemove deletes a placement recorded by mistake.
func (s *server) placementRemove(c *fiber.Ctx) error {
	return s.peerWorkRemove(c, s.cfg.Placements.Remove, "placement.remove", "placement", "/placements")
}
