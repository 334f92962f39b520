package ui

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// supervisionListPage lists the organisation's supervision sessions, after
// the compliance section: the active peers whose supervision is overdue
// under the region's interval.
type supervisionListPage struct {
	basePage
	Nav      []workNavLink
	BaseURL  string
	AsOf     string
	Weeks    int
	Overdue  []overdueRow
	Sessions []supervisionRow
}

// supervisionRow is one session of the list.
type supervisionRow struct {
	ID                       int64
	HeldOn, Kind, Supervisor string
	LivedExperience          bool
	Minutes                  int
	Peers                    string
}

func (supervisionListPage) templateName() string { return "supervision_index" }

// supervisionIndex renders compliance and the sessions.
func (s *server) supervisionIndex(c *fiber.Ctx) error {
	orgID, err := coordinatorOrganisation(c)
	if err != nil {
		return err
	}
	region, ctx := currentRegion(c), c.UserContext()
	asOf := todayInSweden()
	overdue, err := s.cfg.Supervision.OverdueSupervision(ctx, region.ID, orgID, asOf)
	if err != nil {
		return err
	}
	sessions, err := s.cfg.Supervision.Sessions(ctx, region.ID, orgID)
	if err != nil {
		return err
	}
	peers, err := s.loadPeerWorkPeers(c, orgID)
	if err != nil {
		return err
	}
	base := s.regionBase(c)
	p := supervisionListPage{
		basePage: base, Nav: s.peerWorkNav(base.Lang, region, "supervision.title"), BaseURL: peerWorkURL(region) + "/supervision",
		AsOf: asOf.String(), Weeks: region.Settings.Effective().SupervisionIntervalWeeks, Overdue: overdueRows(overdue, peerWorkURL(region)+"/peers/"),
	}
	for _, sess := range sessions {
		row := s.supervisionRowOf(base.Lang, sess)
		row.Peers = strings.Join(peers.namesOf(sess.PeerIDs), ", ")
		p.Sessions = append(p.Sessions, row)
	}
	return s.renderPage(c, p)
}

// supervisionRowOf is the session without its attendees, whom the list
// and the session's page show each their own way.
func (s *server) supervisionRowOf(lang string, sess tenants.SupervisionSession) supervisionRow {
	return supervisionRow{
		ID: sess.ID, HeldOn: sess.HeldOn.String(), Kind: s.translator.Translate(lang, "supervision.kind."+string(sess.Kind), nil),
		Supervisor: sess.SupervisorName, LivedExperience: sess.SupervisorLivedExperience, Minutes: sess.DurationMinutes,
	}
}
