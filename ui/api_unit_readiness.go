package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// apiReadiness is how ready a unit is for peer supporters.
type apiReadiness struct {
	UnitID int64 `json:"unit_id"`
	Ready  bool  `json:"ready"`
	// Missing names the steps not yet done: budget, intro_sessions,
	// management_anchoring.
	Missing              []string          `json:"missing"`
	BudgetDecided        bool              `json:"budget_decided"`
	BudgetDecidedOn      string            `json:"budget_decided_on,omitempty"`
	ManagementAnchored   bool              `json:"management_anchored"`
	ManagementAnchoredOn string            `json:"management_anchored_on,omitempty"`
	IntroSessions        []apiIntroSession `json:"intro_sessions"`
	// RecommendedIntroSessions is how many sessions a unit is advised to
	// hold; one is enough to count as ready.
	RecommendedIntroSessions int `json:"recommended_intro_sessions"`
}

// apiIntroSession is a staff introduction session held at a unit.
type apiIntroSession struct {
	ID     int64  `json:"id"`
	HeldOn string `json:"held_on"`
	Note   string `json:"note,omitempty"`
}

// apiReadinessInput records the two decisions; a step that is done needs
// its date (YYYY-MM-DD), and a step that is not drops it.
type apiReadinessInput struct {
	BudgetDecided        bool   `json:"budget_decided"`
	BudgetDecidedOn      string `json:"budget_decided_on,omitempty"`
	ManagementAnchored   bool   `json:"management_anchored"`
	ManagementAnchoredOn string `json:"management_anchored_on,omitempty"`
}

// apiIntroSessionInput is a session to record.
type apiIntroSessionInput struct {
	HeldOn string `json:"held_on"`
	Note   string `json:"note,omitempty"`
}

func apiReadinessOf(r tenants.Readiness) apiReadiness {
	out := apiReadiness{
		UnitID: r.UnitID, Ready: r.Ready(), Missing: append([]string{}, r.Missing()...),
		BudgetDecided: r.BudgetDecided, BudgetDecidedOn: r.BudgetDecidedOn.String(),
		ManagementAnchored: r.ManagementAnchored, ManagementAnchoredOn: r.ManagementAnchoredOn.String(),
		IntroSessions: make([]apiIntroSession, 0, len(r.IntroSessions)), RecommendedIntroSessions: tenants.RecommendedIntroSessions,
	}
	for _, sess := range r.IntroSessions {
		out.IntroSessions = append(out.IntroSessions, apiIntroSessionOf(sess))
	}
	return out
}

func apiIntroSessionOf(sess tenants.IntroSession) apiIntroSession {
	return apiIntroSession{ID: sess.ID, HeldOn: sess.HeldOn.String(), Note: sess.Note}
}

// apiReadinessShow answers GET /api/v1/regions/{region}/units/{id}/readiness.
func (s *server) apiReadinessShow(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	r, err := s.cfg.Units.Readiness(c.UserContext(), currentRegion(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(apiReadinessOf(r))
}

// apiReadinessUpdate answers PUT /api/v1/regions/{region}/units/{id}/readiness.
func (s *server) apiReadinessUpdate(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in apiReadinessInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	d, err := readinessDecisions(map[string]string{
		"budget_decided_on": in.BudgetDecidedOn, "management_anchored_on": in.ManagementAnchoredOn,
	}, in.BudgetDecided, in.ManagementAnchored)
	if err != nil {
		return err
	}
	r, err := s.cfg.Units.SetReadiness(c.UserContext(), currentRegion(c).ID, id, d)
	if err != nil {
		return err
	}
	s.auditAdmin(c, "unit.readiness", "unit", itoa(id))
	return c.JSON(apiReadinessOf(r))
}

// apiIntroSessionCreate answers POST
// /api/v1/regions/{region}/units/{id}/readiness/intro_sessions.
func (s *server) apiIntroSessionCreate(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in apiIntroSessionInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	sess := tenants.IntroSession{Note: in.Note}
	var v tenants.ValidationError
	parseDates(&v, map[string]string{"held_on": in.HeldOn}, dateField{"held_on", &sess.HeldOn})
	if len(v.Fields) > 0 {
		return &v
	}
	sess, err = s.cfg.Units.AddIntroSession(c.UserContext(), currentRegion(c).ID, id, sess)
	if err != nil {
		return err
	}
	s.auditAdmin(c, "unit.intro_session.add", "unit", itoa(id)+"/"+itoa(sess.ID))
	return c.Status(fiber.StatusCreated).JSON(apiIntroSessionOf(sess))
}

// apiIntroSessionDelete answers DELETE
// /api/v1/regions/{region}/units/{id}/readiness/intro_sessions/{session}.
func (s *server) apiIntroSessionDelete(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	sessionID, err := pathParamID(c, "session")
	if err != nil {
		return err
	}
	if err := s.cfg.Units.RemoveIntroSession(c.UserContext(), currentRegion(c).ID, id, sessionID); err != nil {
		return err
	}
	s.auditAdmin(c, "unit.intro_session.remove", "unit", itoa(id)+"/"+itoa(sessionID))
	return c.SendStatus(fiber.StatusNoContent)
}
