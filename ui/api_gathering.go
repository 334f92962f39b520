package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// apiGathering is a continuing-education day or reunion of the caller's
// organisation, with who attended.
type apiGathering struct {
	ID int64 `json:"id"`
	// Kind is continuing_education or reunion.
	Kind    string  `json:"kind"`
	Title   string  `json:"title"`
	HeldOn  string  `json:"held_on"`
	PeerIDs []int64 `json:"peer_ids"`
}

// apiGatheringInput is a gathering to record. It may lie ahead; then it
// has no attendance yet.
type apiGatheringInput struct {
	Kind    string  `json:"kind"`
	Title   string  `json:"title"`
	HeldOn  string  `json:"held_on"`
	PeerIDs []int64 `json:"peer_ids,omitempty"`
}

// apiAttendanceInput is everyone who attended; an empty list clears it.
type apiAttendanceInput struct {
	PeerIDs []int64 `json:"peer_ids"`
}

type apiGatheringList struct {
	Gatherings []apiGathering `json:"gatherings"`
}

func apiGatheringOf(g tenants.Gathering) apiGathering {
	ids := g.PeerIDs
	if ids == nil {
		ids = []int64{}
	}
	return apiGathering{ID: g.ID, Kind: string(g.Kind), Title: g.Title, HeldOn: g.HeldOn.String(), PeerIDs: ids}
}

// apiGatheringIndex answers GET /api/v1/regions/{region}/gatherings.
func (s *server) apiGatheringIndex(c *fiber.Ctx) error {
	orgID, err := coordinatorOrganisation(c)
	if err != nil {
		return err
	}
	list, err := s.cfg.Gatherings.Gatherings(c.UserContext(), currentRegion(c).ID, orgID)
	if err != nil {
		return err
	}
	out := apiGatheringList{Gatherings: make([]apiGathering, 0, len(list))}
	for _, g := range list {
		out.Gatherings = append(out.Gatherings, apiGatheringOf(g))
	}
	return c.JSON(out)
}

// apiGatheringShow answers GET /api/v1/regions/{region}/gatherings/{id}.
func (s *server) apiGatheringShow(c *fiber.Ctx) error {
	orgID, id, err := coordinatorPathID(c)
	if err != nil {
		return err
	}
	g, err := s.cfg.Gatherings.Gathering(c.UserContext(), currentRegion(c).ID, orgID, id)
	if err != nil {
		return err
	}
	return c.JSON(apiGatheringOf(g))
}

// apiGatheringCreate answers POST /api/v1/regions/{region}/gatherings.
func (s *server) apiGatheringCreate(c *fiber.Ctx) error {
	orgID, err := coordinatorOrganisation(c)
	if err != nil {
		return err
	}
	var in apiGatheringInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	g := tenants.Gathering{Kind: tenants.GatheringKind(in.Kind), Title: in.Title, PeerIDs: in.PeerIDs}
	var v tenants.ValidationError
	parseDates(&v, map[string]string{"held_on": in.HeldOn}, dateField{"held_on", &g.HeldOn})
	if len(v.Fields) > 0 {
		return &v
	}
	region := currentRegion(c)
	g, err = s.cfg.Gatherings.Create(c.UserContext(), region.ID, orgID, g)
	if err != nil {
		return err
	}
	s.auditAdmin(c, "gathering.create", "gathering", itoa(g.ID))
	c.Location("/api/v1/regions/" + region.Slug + "/gatherings/" + itoa(g.ID))
	return c.Status(fiber.StatusCreated).JSON(apiGatheringOf(g))
}

// apiGatheringAttendance answers PUT
// /api/v1/regions/{region}/gatherings/{id}/attendance.
func (s *server) apiGatheringAttendance(c *fiber.Ctx) error {
	orgID, id, err := coordinatorPathID(c)
	if err != nil {
		return err
	}
	var in apiAttendanceInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	g, err := s.cfg.Gatherings.SetAttendance(c.UserContext(), currentRegion(c).ID, orgID, id, in.PeerIDs)
	if err != nil {
		return err
	}
	s.auditAdmin(c, "gathering.attendance", "gathering", itoa(id))
	return c.JSON(apiGatheringOf(g))
}
