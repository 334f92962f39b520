package ui

import "github.com/gofiber/fiber/v2"

// apiMe is who the API caller is in the region.
type apiMe struct {
	UserID         int64  `json:"user_id"`
	Name           string `json:"name"`
	Email          string `json:"email"`
	Region         string `json:"region"`
	Role           string `json:"role"`
	UnitID         *int64 `json:"unit_id,omitempty"`
	OrganisationID *int64 `json:"organisation_id,omitempty"`
}

// apiMeShow answers GET /api/v1/regions/{region}/me.
func (s *server) apiMeShow(c *fiber.Ctx) error {
	p, region := principal(c), currentRegion(c)
	return c.JSON(apiMe{
		UserID: p.User.ID, Name: p.User.DisplayName, Email: p.User.Email, Region: region.Slug, Role: string(p.Role),
		UnitID: p.Membership.UnitID, OrganisationID: p.Membership.OrganisationID,
	})
}
