package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// apiPlacement is a peer of the caller's organisation placed at a unit.
type apiPlacement struct {
	ID     int64 `json:"id"`
	PeerID int64 `json:"peer_id"`
	UnitID int64 `json:"unit_id"`
	// Employer is region, municipality or organisation.
	Employer   string `json:"employer"`
	FTEPercent int    `json:"fte_percent"`
	StartsOn   string `json:"starts_on"`
	// EndsOn is the last day; absent while the placement runs until
	// further notice.
	EndsOn string `json:"ends_on,omitempty"`
}

// apiPlacementInput is a placement to make or the new state of one (the
// peer of an existing placement does not change: peer_id is ignored on
// PUT). fte_percent is 1–100; ends_on, if given, is not before starts_on.
type apiPlacementInput struct {
	PeerID     int64  `json:"peer_id,omitempty"`
	UnitID     int64  `json:"unit_id"`
	Employer   string `json:"employer"`
	FTEPercent int    `json:"fte_percent"`
	StartsOn   string `json:"starts_on"`
	EndsOn     string `json:"ends_on,omitempty"`
}

// apiWarning is something to follow up about a placement that was made
// all the same.
type apiWarning struct {
	// Key is warning.unit_not_ready, warning.no_budgeted_position or
	// warning.over_full_time.
	Key     string `json:"key"`
	Message string `json:"message"`
}

// apiPlacementResult is a placement with its warnings.
type apiPlacementResult struct {
	Placement apiPlacement `json:"placement"`
	Warnings  []apiWarning `json:"warnings"`
}

type apiPlacementList struct {
	Placements []apiPlacement `json:"placements"`
}

func apiPlacementOf(p tenants.Placement) apiPlacement {
	return apiPlacement{
		ID: p.ID, PeerID: p.PeerID, UnitID: p.UnitID, Employer: string(p.Employer), FTEPercent: p.FTEPercent,
		StartsOn: p.StartsOn.String(), EndsOn: p.EndsOn.String(),
	}
}

func (s *server) apiPlacementResultOf(c *fiber.Ctx, p tenants.Placement, warnings []tenants.Warning) apiPlacementResult {
	lang := s.language(c)
	out := apiPlacementResult{Placement: apiPlacementOf(p), Warnings: make([]apiWarning, 0, len(warnings))}
	for _, w := range warnings {
		out.Warnings = append(out.Warnings, apiWarning{Key: w.Key, Message: s.translator.Translate(lang, w.Key, w.Args)})
	}
	return out
}

// placement reads the input as placementFrom reads the form.
func (in apiPlacementInput) placement() (tenants.Placement, error) {
	values := map[string]string{
		"unit_id": itoa(in.UnitID), "employer": in.Employer, "fte_percent": itoa(int64(in.FTEPercent)),
		"starts_on": in.StartsOn, "ends_on": in.EndsOn, "peer_id": itoa(in.PeerID),
	}
	if in.UnitID == 0 {
		values["unit_id"] = ""
	}
	if in.PeerID == 0 {
		values["peer_id"] = ""
	}
	return placementFrom(values)
}

// apiPlacementIndex answers GET /api/v1/regions/{region}/placements.
func (s *server) apiPlacementIndex(c *fiber.Ctx) error {
	orgID, err := coordinatorOrganisation(c)
	if err != nil {
		return err
	}
	list, err := s.cfg.Placements.Placements(c.UserContext(), currentRegion(c).ID, orgID)
	if err != nil {
		return err
	}
	out := apiPlacementList{Placements: make([]apiPlacement, 0, len(list))}
	for _, p := range list {
		out.Placements = append(out.Placements, apiPlacementOf(p))
	}
	return c.JSON(out)
}

// apiPlacementShow answers GET /api/v1/regions/{region}/placements/{id}.
func (s *server) apiPlacementShow(c *fiber.Ctx) error {
	orgID, id, err := coordinatorPathID(c)
	if err != nil {
		return err
	}
	region, ctx := currentRegion(c), c.UserContext()
	p, warnings, err := s.cfg.Placements.PlacementWithWarnings(ctx, region.ID, orgID, id)
	if err != nil {
		return err
	}
	return c.JSON(s.apiPlacementResultOf(c, p, warnings))
}

// apiPlacementCreate answers POST /api/v1/regions/{region}/placements:
// 201 with the placement and its warnings, or 422 and nothing saved.
func (s *server) apiPlacementCreate(c *fiber.Ctx) error {
	orgID, err := coordinatorOrganisation(c)
	if err != nil {
		return err
	}
	var in apiPlacementInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := in.placement()
	if err != nil {
		return err
	}
	region := currentRegion(c)
	p, warnings, err := s.cfg.Placements.Create(c.UserContext(), region.ID, orgID, p)
	if err != nil {
		return placementPeerRefused(err)
	}
	s.auditAdmin(c, "placement.create", "placement", itoa(p.ID))
	c.Location("/api/v1/regions/" + region.Slug + "/placements/" + itoa(p.ID))
	return c.Status(fiber.StatusCreated).JSON(s.apiPlacementResultOf(c, p, warnings))
}

// apiPlacementUpdate answers PUT /api/v1/regions/{region}/placements/{id}.
func (s *server) apiPlacementUpdate(c *fiber.Ctx) error {
	orgID, id, err := coordinatorPathID(c)
	if err != nil {
		return err
	}
	var in apiPlacementInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	region, ctx := currentRegion(c), c.UserContext()
	current, err := s.cfg.Placements.Placement(ctx, region.ID, orgID, id)
	if err != nil {
		return err
	}
	in.PeerID = current.PeerID
	p, err := in.placement()
	if err != nil {
		return err
	}
	p.ID = id
	p, warnings, err := s.cfg.Placements.Update(ctx, region.ID, orgID, p)
	if err != nil {
		return err
	}
	s.auditAdmin(c, "placement.update", "placement", itoa(id))
	return c.JSON(s.apiPlacementResultOf(c, p, warnings))
}
