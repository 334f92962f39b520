package ui

import (
	"github.com/gofiber/fiber/v2"
)

// apiOverview is the coordinator's overview of their organisation on a
// day.
type apiOverview struct {
	OrganisationID int64  `json:"organisation_id"`
	AsOf           string `json:"as_of"`
	// PeersByStatus has every status in lifecycle order, zeros included.
	PeersByStatus []apiStatusCount `json:"peers_by_status"`
	// ActiveCapacity is the active peers' capacity, CurrentMatches the
	// participants they support now, FreeCapacity the room left.
	ActiveCapacity           int                  `json:"active_capacity"`
	CurrentMatches           int                  `json:"current_matches"`
	FreeCapacity             int                  `json:"free_capacity"`
	SupervisionIntervalWeeks int                  `json:"supervision_interval_weeks"`
	SupervisionOverdue       []apiOverduePeer     `json:"supervision_overdue"`
	CertificationsExpiring   []apiExpiringCert    `json:"certifications_expiring"`
	PlacementsEnding         []apiEndingPlacement `json:"placements_ending"`
}

type apiStatusCount struct {
	Status string `json:"status"`
	Count  int    `json:"count"`
}

// apiExpiringCert is a certification that expires within 60 days or has
// expired.
type apiExpiringCert struct {
	PeerID      int64  `json:"peer_id"`
	DisplayName string `json:"display_name"`
	ExpiresOn   string `json:"expires_on"`
}

// apiEndingPlacement is a placement whose last day is within 30 days.
type apiEndingPlacement struct {
	ID       int64  `json:"id"`
	PeerID   int64  `json:"peer_id"`
	PeerName string `json:"peer_name"`
	UnitID   int64  `json:"unit_id"`
	UnitName string `json:"unit_name"`
	EndsOn   string `json:"ends_on"`
}

// apiOverviewShow answers GET /api/v1/regions/{region}/overview.
func (s *server) apiOverviewShow(c *fiber.Ctx) error {
	orgID, err := coordinatorOrganisation(c)
	if err != nil {
		return err
	}
	o, err := s.cfg.Peers.Overview(c.UserContext(), currentRegion(c).ID, orgID, todayInSweden())
	if err != nil {
		return err
	}
	out := apiOverview{
		OrganisationID: o.OrganisationID, AsOf: o.AsOf.String(), ActiveCapacity: o.ActiveCapacity, CurrentMatches: o.CurrentMatches,
		FreeCapacity: o.FreeCapacity, SupervisionIntervalWeeks: o.SupervisionIntervalWeeks, SupervisionOverdue: apiOverdueOf(o.SupervisionOverdue),
		PeersByStatus:          make([]apiStatusCount, 0, len(o.PeersByStatus)),
		CertificationsExpiring: make([]apiExpiringCert, 0, len(o.CertificationsExpiring)),
		PlacementsEnding:       make([]apiEndingPlacement, 0, len(o.PlacementsEnding)),
	}
	for _, sc := range o.PeersByStatus {
		out.PeersByStatus = append(out.PeersByStatus, apiStatusCount{Status: string(sc.Status), Count: sc.Count})
	}
	for _, ce := range o.CertificationsExpiring {
		out.CertificationsExpiring = append(out.CertificationsExpiring, apiExpiringCert{PeerID: ce.PeerID, DisplayName: ce.DisplayName, ExpiresOn: ce.ExpiresOn.String()})
	}
	for _, e := range o.PlacementsEnding {
		out.PlacementsEnding = append(out.PlacementsEnding, apiEndingPlacement{
			ID: e.ID, PeerID: e.PeerID, PeerName: e.PeerName, UnitID: e.UnitID, UnitName: e.UnitName, EndsOn: e.EndsOn.String(),
		})
	}
	return c.JSON(out)
}
