package ui

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// peerWorkRoutes are supervision, gatherings (continuing education and
// reunions), placements and the coordinator's overview: pages under
// /r/{region}/org and their JSON API.
//
// Every route acts on the organisation of the caller's membership, never
// on one named in the URL or a form: another organisation's session or
// placement is not found. The matrix knows supervision and placement read
// and create; recording attendance, correcting a placement and removing
// something recorded by mistake are part of keeping the record, so they
// need create. Gatherings are the peers' continuing support alongside
// supervision and share its permissions; the overview needs peer read.
//
// Removals come last, each after every other route that uses the same id:
// the route walk (access_test.go) calls the routes in this order on one
// fixture of each kind.
func (s *server) peerWorkRoutes() []route {
	const (
		pages = "/r/:region/org"
		api   = "/api/v1/regions/:region"
	)
	return []route{
		{method: fiber.MethodGet, path: pages + "/overview", access: accessRegion, resource: "peer", action: "read", handler: s.overviewShow},

		{method: fiber.MethodGet, path: pages + "/supervision", access: accessRegion, resource: "supervision", action: "read", handler: s.supervisionIndex},
		{method: fiber.MethodGet, path: pages + "/supervision/new", access: accessRegion, resource: "supervision", action: "create", handler: s.supervisionNew},
		{method: fiber.MethodPost, path: pages + "/supervision", access: accessRegion, resource: "supervision", action: "create", handler: s.supervisionCreate},
		{method: fiber.MethodGet, path: pages + "/supervision/:id", access: accessRegion, resource: "supervision", action: "read", handler: s.supervisionShow},

		{method: fiber.MethodGet, path: pages + "/gatherings", access: accessRegion, resource: "supervision", action: "read", handler: s.gatheringsIndex},
		{method: fiber.MethodGet, path: pages + "/gatherings/new", access: accessRegion, resource: "supervision", action: "create", handler: s.gatheringNew},
		{method: fiber.MethodPost, path: pages + "/gatherings", access: accessRegion, resource: "supervision", action: "create", handler: s.gatheringCreate},
		{method: fiber.MethodGet, path: pages + "/gatherings/:id", access: accessRegion, resource: "supervision", action: "read", handler: s.gatheringShow},
		{method: fiber.MethodPost, path: pages + "/gatherings/:id/attendance", access: accessRegion, resource: "supervision", action: "create", handler: s.gatheringAttendance},

		{method: fiber.MethodGet, path: pages + "/placements", access: accessRegion, resource: "placement", action: "read", handler: s.placementsIndex},
		{method: fiber.MethodGet, path: pages + "/placements/new", access: accessRegion, resource: "placement", action: "create", handler: s.placementNew},
		{method: fiber.MethodPost, path: pages + "/placements", access: accessRegion, resource: "placement", action: "create", handler: s.placementCreate},
		{method: fiber.MethodGet, path: pages + "/placements/:id", access: accessRegion, resource: "placement", action: "read", handler: s.placementShow},
		{method: fiber.MethodGet, path: pages + "/placements/:id/edit", access: accessRegion, resource: "placement", action: "create", handler: s.placementEdit},
		{method: fiber.MethodPost, path: pages + "/placements/:id", access: accessRegion, resource: "placement", action: "create", handler: s.placementUpdate},

		{method: fiber.MethodGet, path: api + "/overview", access: accessRegion, resource: "peer", action: "read", handler: s.apiOverviewShow,
			doc: &apiDoc{summary: "The coordinator's overview of their organisation: peers by status, free capacity, overdue supervision, certifications expiring within 60 days, placements ending within 30 days", tag: "peer work", response: apiOverview{}}},
		{method: fiber.MethodGet, path: api + "/supervision/overdue", access: accessRegion, resource: "supervision", action: "read", handler: s.apiSupervisionOverdue,
			doc: &apiDoc{summary: "The organisation's active peers whose supervision is overdue today under the region's interval, most overdue first", tag: "peer work", response: apiOverdueList{}}},
		{method: fiber.MethodGet, path: api + "/supervision_sessions", access: accessRegion, resource: "supervision", action: "read", handler: s.apiSupervisionIndex,
			doc: &apiDoc{summary: "The organisation's supervision sessions with their attendees, latest first", tag: "peer work", response: apiSupervisionList{}}},
		{method: fiber.MethodPost, path: api + "/supervision_sessions", access: accessRegion, resource: "supervision", action: "create", handler: s.apiSupervisionCreate,
			doc: &apiDoc{summary: "Record a supervision session held for peers of the organisation (individual: exactly one peer)", tag: "peer work", request: apiSupervisionInput{}, response: apiSupervisionSession{}}},
		{method: fiber.MethodGet, path: api + "/supervision_sessions/:id", access: accessRegion, resource: "supervision", action: "read", handler: s.apiSupervisionShow,
			doc: &apiDoc{summary: "One supervision session of the organisation", tag: "peer work", response: apiSupervisionSession{}}},
		{method: fiber.MethodGet, path: api + "/gatherings", access: accessRegion, resource: "supervision", action: "read", handler: s.apiGatheringIndex,
			doc: &apiDoc{summary: "The organisation's continuing education and reunions with attendance, latest first", tag: "peer work", response: apiGatheringList{}}},
		{method: fiber.MethodPost, path: api + "/gatherings", access: accessRegion, resource: "supervision", action: "create", handler: s.apiGatheringCreate,
			doc: &apiDoc{summary: "Record a continuing-education day or reunion, planned or held (attendance only once it has been held)", tag: "peer work", request: apiGatheringInput{}, response: apiGathering{}}},
		{method: fiber.MethodGet, path: api + "/gatherings/:id", access: accessRegion, resource: "supervision", action: "read", handler: s.apiGatheringShow,
			doc: &apiDoc{summary: "One gathering of the organisation with its attendance", tag: "peer work", response: apiGathering{}}},
		{method: fiber.MethodPut, path: api + "/gatherings/:id/attendance", access: accessRegion, resource: "supervision", action: "create", handler: s.apiGatheringAttendance,
			doc: &apiDoc{summary: "Replace who attended a gathering that has taken place", tag: "peer work", request: apiAttendanceInput{}, response: apiGathering{}}},
		{method: fiber.MethodGet, path: api + "/placements", access: accessRegion, resource: "placement", action: "read", handler: s.apiPlacementIndex,
			doc: &apiDoc{summary: "Where the organisation's peers are placed, latest start first", tag: "peer work", response: apiPlacementList{}}},
		{method: fiber.MethodPost, path: api + "/placements", access: accessRegion, resource: "placement", action: "create", handler: s.apiPlacementCreate,
			doc: &apiDoc{summary: "Place a peer at a unit of the region; the placement is saved even when it comes back with warnings (unit not ready, no budgeted position, over full time)", tag: "peer work", request: apiPlacementInput{}, response: apiPlacementResult{}}},
		{method: fiber.MethodGet, path: api + "/placements/:id", access: accessRegion, resource: "placement", action: "read", handler: s.apiPlacementShow,
			doc: &apiDoc{summary: "One placement with its warnings as they stand today", tag: "peer work", response: apiPlacementResult{}}},
		{method: fiber.MethodPut, path: api + "/placements/:id", access: accessRegion, resource: "placement", action: "create", handler: s.apiPlacementUpdate,
			doc: &apiDoc{summary: "Replace a placement's unit, employer, share and period (the peer stays); set ends_on to end it. Comes back with its warnings", tag: "peer work", request: apiPlacementInput{}, response: apiPlacementResult{}}},

		{method: fiber.MethodPost, path: pages + "/supervision/:id/remove", access: accessRegion, resource: "supervision", action: "create", handler: s.supervisionRemove},
		{method: fiber.MethodPost, path: pages + "/gatherings/:id/remove", access: accessRegion, resource: "supervision", action: "create", handler: s.gatheringRemove},
		{method: fiber.MethodPost, path: pages + "/placements/:id/remove", access: accessRegion, resource: "placement", action: "create", handler: s.placementRemove},
		{method: fiber.MethodDelete, path: api + "/supervision_sessions/:id", access: accessRegion, resource: "supervision", action: "create", handler: s.apiSupervisionDelete,
			doc: &apiDoc{summary: "Remove a supervision session recorded by mistake, with its attendance", tag: "peer work"}},
	}
}

// peerWorkURL is where a region's organisation pages live.
func peerWorkURL(region *tenants.Tenant) string { return "/r/" + region.Slug + "/org" }

// workNavLink is one entry of the organisation pages' navigation.
type workNavLink struct {
	Label, URL string
	Current    bool
}

// peerWorkNav links the coordinator's pages to each other; current is the
// catalogue key of the page being shown.
func (s *server) peerWorkNav(lang string, region *tenants.Tenant, current string) []workNavLink {
	base := peerWorkURL(region)
	var out []workNavLink
	for _, l := range []struct{ key, path string }{
		{"overview.title", "/overview"}, {"peers.title", "/peers"}, {"supervision.title", "/supervision"},
		{"gatherings.title", "/gatherings"}, {"placements.title", "/placements"},
	} {
		out = append(out, workNavLink{Label: s.translator.Translate(lang, l.key, nil), URL: base + l.path, Current: l.key == current})
	}
	return out
}

// peerWorkPeers is the organisation's peers by id, for names in lists
// and the checkboxes and choices of forms.
type peerWorkPeers struct {
	names map[int64]string
	all   []tenants.Peer
}

// loadPeerWorkPeers reads the organisation's peers.
func (s *server) loadPeerWorkPeers(c *fiber.Ctx, orgID int64) (peerWorkPeers, error) {
	list, err := s.cfg.Peers.Peers(c.UserContext(), currentRegion(c).ID, orgID)
	if err != nil {
		return peerWorkPeers{}, err
	}
	ps := peerWorkPeers{names: make(map[int64]string, len(list)), all: list}
	for _, p := range list {
		ps.names[p.ID] = p.DisplayName
	}
	return ps, nil
}

// namesOf lists the peers' names in the order of ids.
func (ps peerWorkPeers) namesOf(ids []int64) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		out = append(out, ps.names[id])
	}
	return out
}

// attendeeBox is one peer of a list of checkboxes.
type attendeeBox struct {
	ID      int64
	Name    string
	Checked bool
}

// checkboxes lists the active peers, and any other peer already ticked
// (someone who attended and has since paused), with the ticked ones
// checked.
func (ps peerWorkPeers) checkboxes(ticked []string) []attendeeBox {
	on := make(map[string]bool, len(ticked))
	for _, v := range ticked {
		on[v] = true
	}
	var out []attendeeBox
	for _, p := range ps.all {
		if p.Status == tenants.PeerActive || on[itoa(p.ID)] {
			out = append(out, attendeeBox{ID: p.ID, Name: p.DisplayName, Checked: on[itoa(p.ID)]})
		}
	}
	return out
}

// peerIDsFrom reads ticked peer checkboxes; a value that is no id is a
// problem on field "peers".
func peerIDsFrom(values []string) ([]int64, error) {
	ids := make([]int64, 0, len(values))
	for _, v := range values {
		id, err := formID(v, "peers")
		if err != nil {
			return nil, err
		}
		if id != 0 {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// peerWorkRemove deletes the :id record of the caller's organisation with
// remove (a store's Remove), logs action on it and goes back to the list
// at listPath under peerWorkURL.
func (s *server) peerWorkRemove(c *fiber.Ctx, remove func(ctx context.Context, tenantID, orgID, id int64) error, action, objectType, listPath string) error {
	orgID, id, err := coordinatorPathID(c)
	if err != nil {
		return err
	}
	region := currentRegion(c)
	if err := remove(c.UserContext(), region.ID, orgID, id); err != nil {
		return err
	}
	s.auditAdmin(c, action, objectType, itoa(id))
	return c.Redirect(peerWorkURL(region)+listPath, fiber.StatusSeeOther)
}
