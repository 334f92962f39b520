package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// overviewPage is the coordinator's landing page for their organisation:
// who they have, whether there is room for new participants, and what
// needs doing soon.
type overviewPage struct {
	basePage
	Nav          []workNavLink
	AsOf         string
	Statuses     []overviewStatus
	Capacity     int
	Matches      int
	Free         int
	Weeks        int
	Overdue      []overdueRow
	Certificates []certificateRow
	Ending       []endingRow
	// Links to the lists behind each section.
	SupervisionURL, PlacementsURL    string
	CertificationDays, PlacementDays int
}

type overviewStatus struct {
	Label string
	Count int
}

// overdueRow is an active peer whose supervision is overdue.
type overdueRow struct {
	Name, URL   string // URL is the peer's page
	LastSession string // "" when never supervised
	DueOn       string
	DaysOverdue int
}

type certificateRow struct {
	Name, URL string
	ExpiresOn string
	Expired   bool
}

type endingRow struct {
	ID         int64
	Peer, Unit string
	EndsOn     string
}

func (overviewPage) templateName() string { return "overview_show" }

// overviewShow renders the overview on today's date.
func (s *server) overviewShow(c *fiber.Ctx) error {
	orgID, err := coordinatorOrganisation(c)
	if err != nil {
		return err
	}
	region := currentRegion(c)
	o, err := s.cfg.Peers.Overview(c.UserContext(), region.ID, orgID, todayInSweden())
	if err != nil {
		return err
	}
	base := s.regionBase(c)
	p := overviewPage{
		basePage: base, Nav: s.peerWorkNav(base.Lang, region, "overview.title"), AsOf: o.AsOf.String(),
		Capacity: o.ActiveCapacity, Matches: o.CurrentMatches, Free: o.FreeCapacity, Weeks: o.SupervisionIntervalWeeks,
		Overdue:        overdueRows(o.SupervisionOverdue, peerWorkURL(region)+"/peers/"),
		SupervisionURL: peerWorkURL(region) + "/supervision", PlacementsURL: peerWorkURL(region) + "/placements",
		CertificationDays: tenants.OverviewCertificationDays, PlacementDays: tenants.OverviewPlacementDays,
	}
	for _, sc := range o.PeersByStatus {
		p.Statuses = append(p.Statuses, overviewStatus{Label: s.translator.Translate(base.Lang, "peers.status."+string(sc.Status), nil), Count: sc.Count})
	}
	for _, ce := range o.CertificationsExpiring {
		p.Certificates = append(p.Certificates, certificateRow{Name: ce.DisplayName, URL: peerWorkURL(region) + "/peers/" + itoa(ce.PeerID), ExpiresOn: ce.ExpiresOn.String(), Expired: ce.ExpiresOn.Before(o.AsOf)})
	}
	for _, e := range o.PlacementsEnding {
		p.Ending = append(p.Ending, endingRow{ID: e.ID, Peer: e.PeerName, Unit: e.UnitName, EndsOn: e.EndsOn.String()})
	}
	return s.renderPage(c, p)
}

// overdueRows lists the overdue peers, each linked to peerURL and their id.
func overdueRows(list []tenants.OverduePeer, peerURL string) []overdueRow {
	out := make([]overdueRow, 0, len(list))
	for _, o := range list {
		out = append(out, overdueRow{Name: o.DisplayName, URL: peerURL + itoa(o.PeerID), LastSession: o.LastSession.String(), DueOn: o.DueOn.String(), DaysOverdue: o.DaysOverdue})
	}
	return out
}
