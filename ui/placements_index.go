package ui

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// placementsPage lists where the organisation's peers are placed.
type placementsPage struct {
	basePage
	Nav        []workNavLink
	BaseURL    string
	Placements []placementRow
}

// placementRow is one placement as lists and its page show it.
type placementRow struct {
	ID               int64
	Peer, Unit       string
	Employer         string
	Percent          int
	StartsOn, EndsOn string
	Current          bool
}

func (placementsPage) templateName() string { return "placements_index" }

// placementsIndex renders the list, latest start first.
func (s *server) placementsIndex(c *fiber.Ctx) error {
	orgID, err := coordinatorOrganisation(c)
	if err != nil {
		return err
	}
	region := currentRegion(c)
	list, err := s.cfg.Placements.Placements(c.UserContext(), region.ID, orgID)
	if err != nil {
		return err
	}
	peers, err := s.loadPeerWorkPeers(c, orgID)
	if err != nil {
		return err
	}
	base := s.regionBase(c)
	units, err := s.loadPlacementUnits(c.UserContext(), region.ID, base.Lang, 0)
	if err != nil {
		return err
	}
	p := placementsPage{basePage: base, Nav: s.peerWorkNav(base.Lang, region, "placements.title"), BaseURL: peerWorkURL(region) + "/placements"}
	today := todayInSweden()
	for _, pl := range list {
		p.Placements = append(p.Placements, s.placementRowOf(base.Lang, pl, peers.names[pl.PeerID], units.names[pl.UnitID], today))
	}
	return s.renderPage(c, p)
}

func (s *server) placementRowOf(lang string, pl tenants.Placement, peer, unit string, today tenants.Date) placementRow {
	return placementRow{
		ID: pl.ID, Peer: peer, Unit: unit, Employer: s.translator.Translate(lang, "placements.employer."+string(pl.Employer), nil),
		Percent: pl.FTEPercent, StartsOn: pl.StartsOn.String(), EndsOn: pl.EndsOn.String(), Current: pl.ActiveOn(today),
	}
}

// placementUnits are the region's units by id, and as the choices of
// the placement form: the active ones, and keep, the unit a placement
// already has, even if it has closed since.
type placementUnits struct {
	names   map[int64]string
	options []option
}

func (s *server) loadPlacementUnits(ctx context.Context, tenantID int64, lang string, keep int64) (placementUnits, error) {
	units, err := s.cfg.Units.Units(ctx, tenantID)
	if err != nil {
		return placementUnits{}, err
	}
	pu := placementUnits{names: make(map[int64]string, len(units))}
	pu.options = append(pu.options, option{Value: "", Label: s.translator.Translate(lang, "peerwork.choose", nil)})
	for _, u := range units {
		pu.names[u.ID] = u.Name
		if u.Active || u.ID == keep {
			pu.options = append(pu.options, option{Value: itoa(u.ID), Label: u.Name})
		}
	}
	return pu, nil
}
