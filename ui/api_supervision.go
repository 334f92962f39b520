package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// apiSupervisionSession is a supervision session of the caller's
// organisation.
type apiSupervisionSession struct {
	ID int64 `json:"id"`
	// Kind is individual or group.
	Kind           string `json:"kind"`
	SupervisorName string `json:"supervisor_name"`
	// SupervisorLivedExperience: the supervisor has lived experience too
	// (experience-based supervision).
	SupervisorLivedExperience bool    `json:"supervisor_lived_experience"`
	HeldOn                    string  `json:"held_on"`
	DurationMinutes           int     `json:"duration_minutes"`
	PeerIDs                   []int64 `json:"peer_ids"`
}

// apiSupervisionInput is a session to record: held_on as YYYY-MM-DD, not
// in the future; duration 15–480 minutes; peer_ids of the organisation,
// exactly one for an individual session.
type apiSupervisionInput struct {
	Kind                      string  `json:"kind"`
	SupervisorName            string  `json:"supervisor_name"`
	SupervisorLivedExperience bool    `json:"supervisor_lived_experience"`
	HeldOn                    string  `json:"held_on"`
	DurationMinutes           int     `json:"duration_minutes"`
	PeerIDs                   []int64 `json:"peer_ids"`
}

type apiSupervisionList struct {
	Sessions []apiSupervisionSession `json:"sessions"`
}

// apiOverduePeer is an active peer whose supervision is overdue.
type apiOverduePeer struct {
	PeerID      int64  `json:"peer_id"`
	DisplayName string `json:"display_name"`
	// LastSession is absent for a peer never supervised.
	LastSession string `json:"last_session,omitempty"`
	ActiveSince string `json:"active_since"`
	// DueOn is the last day the next session was due.
	DueOn       string `json:"due_on"`
	DaysOverdue int    `json:"days_overdue"`
}

// apiOverdueList is compliance on one day under the region's interval.
type apiOverdueList struct {
	AsOf          string           `json:"as_of"`
	IntervalWeeks int              `json:"interval_weeks"`
	Peers         []apiOverduePeer `json:"peers"`
}

func apiSupervisionOf(sess tenants.SupervisionSession) apiSupervisionSession {
	ids := sess.PeerIDs
	if ids == nil {
		ids = []int64{}
	}
	return apiSupervisionSession{
		ID: sess.ID, Kind: string(sess.Kind), SupervisorName: sess.SupervisorName, SupervisorLivedExperience: sess.SupervisorLivedExperience,
		HeldOn: sess.HeldOn.String(), DurationMinutes: sess.DurationMinutes, PeerIDs: ids,
	}
}

func apiOverdueOf(list []tenants.OverduePeer) []apiOverduePeer {
	out := make([]apiOverduePeer, 0, len(list))
	for _, o := range list {
		out = append(out, apiOverduePeer{
			PeerID: o.PeerID, DisplayName: o.DisplayName, LastSession: o.LastSession.String(), ActiveSince: o.ActiveSince.String(),
			DueOn: o.DueOn.String(), DaysOverdue: o.DaysOverdue,
		})
	}
	return out
}

// apiSupervisionIndex answers GET /api/v1/regions/{region}/supervision_sessions.
func (s *server) apiSupervisionIndex(c *fiber.Ctx) error {
	orgID, err := coordinatorOrganisation(c)
	if err != nil {
		return err
	}
	list, err := s.cfg.Supervision.Sessions(c.UserContext(), currentRegion(c).ID, orgID)
	if err != nil {
		return err
	}
	out := apiSupervisionList{Sessions: make([]apiSupervisionSession, 0, len(list))}
	for _, sess := range list {
		out.Sessions = append(out.Sessions, apiSupervisionOf(sess))
	}
	return c.JSON(out)
}

// apiSupervisionShow answers GET /api/v1/regions/{region}/supervision_sessions/{id}.
func (s *server) apiSupervisionShow(c *fiber.Ctx) error {
	orgID, id, err := coordinatorPathID(c)
	if err != nil {
		return err
	}
	sess, err := s.cfg.Supervision.Session(c.UserContext(), currentRegion(c).ID, orgID, id)
	if err != nil {
		return err
	}
	return c.JSON(apiSupervisionOf(sess))
}

// apiSupervisionCreate answers POST /api/v1/regions/{region}/supervision_sessions.
func (s *server) apiSupervisionCreate(c *fiber.Ctx) error {
	orgID, err := coordinatorOrganisation(c)
	if err != nil {
		return err
	}
	var in apiSupervisionInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	sess := tenants.SupervisionSession{
		Kind: tenants.SupervisionKind(in.Kind), SupervisorName: in.SupervisorName, SupervisorLivedExperience: in.SupervisorLivedExperience,
		DurationMinutes: in.DurationMinutes, PeerIDs: in.PeerIDs,
	}
	var v tenants.ValidationError
	parseDates(&v, map[string]string{"held_on": in.HeldOn}, dateField{"held_on", &sess.HeldOn})
	if len(v.Fields) > 0 {
		return &v
	}
	region := currentRegion(c)
	sess, err = s.cfg.Supervision.Create(c.UserContext(), region.ID, orgID, sess)
	if err != nil {
		return err
	}
	s.auditAdmin(c, "supervision.create", "supervision", itoa(sess.ID))
	c.Location("/api/v1/regions/" + region.Slug + "/supervision_sessions/" + itoa(sess.ID))
	return c.Status(fiber.StatusCreated).JSON(apiSupervisionOf(sess))
}

// apiSupervisionDelete answers DELETE /api/v1/regions/{region}/supervision_sessions/{id}.
func (s *server) apiSupervisionDelete(c *fiber.Ctx) error {
	orgID, id, err := coordinatorPathID(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Supervision.Remove(c.UserContext(), currentRegion(c).ID, orgID, id); err != nil {
		return err
	}
	s.auditAdmin(c, "supervision.remove", "supervision", itoa(id))
	return c.SendStatus(fiber.StatusNoContent)
}

// apiSupervisionOverdue answers GET /api/v1/regions/{region}/supervision/overdue.
func (s *server) apiSupervisionOverdue(c *fiber.Ctx) error {
	orgID, err := coordinatorOrganisation(c)
	if err != nil {
		return err
	}
	region, asOf := currentRegion(c), todayInSweden()
	list, err := s.cfg.Supervision.OverdueSupervision(c.UserContext(), region.ID, orgID, asOf)
	if err != nil {
		return err
	}
	return c.JSON(apiOverdueList{AsOf: asOf.String(), IntervalWeeks: region.Settings.Effective().SupervisionIntervalWeeks, Peers: apiOverdueOf(list)})
}
