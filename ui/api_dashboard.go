package ui

import (
	"github.com/gofiber/fiber/v2"
)

// apiDashboard answers GET /api/v1/regions/{region}/dashboard: the period
// and filter the figures cover, and the suppressed figure tables.
type apiDashboard struct {
	From           string     `json:"from"` // first day of the first quarter
	To             string     `json:"to"`   // first day of the last quarter
	UnitID         int64      `json:"unit_id,omitempty"`
	OrganisationID int64      `json:"organisation_id,omitempty"`
	TargetGroup    string     `json:"target_group,omitempty"`
	Figures        apiFigures `json:"figures"`
}

func (s *server) apiDashboardShow(c *fiber.Ctx) error {
	f, pub, err := s.dashboardOf(c)
	if err != nil {
		return err
	}
	lang := s.language(c)
	return c.JSON(apiDashboard{From: f.From.String(), To: f.To.String(), UnitID: f.UnitID, OrganisationID: f.OrganisationID,
		TargetGroup: string(f.TargetGroup), Figures: apiFiguresOf(lang, pub.K, s.figureDocOf(lang, pub))})
}
