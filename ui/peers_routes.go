package ui

import "github.com/gofiber/fiber/v2"

// peerRoutes are an organisation coordinator's peers (records, status,
// trainings) and a peer supporter's own profile: pages and JSON API.
//
// The matrix gives coordinators peer read, create and update; moving the
// status, linking the account and adding or removing a training change
// the peer, so they need update. Which peers a coordinator reaches is not
// the route's business: every handler takes the organisation from the
// caller's membership (coordinatorOrganisation), and the store finds no
// peer of another organisation. A peer supporter has own_profile read,
// which shows only the record linked to their own account.
func (s *server) peerRoutes() []route {
	const (
		pages = "/r/:region/org/peers"
		api   = "/api/v1/regions/:region/peers"
	)
	return []route{
		{method: fiber.MethodGet, path: pages, access: accessRegion, resource: "peer", action: "read", handler: s.peersIndex},
		{method: fiber.MethodGet, path: pages + "/new", access: accessRegion, resource: "peer", action: "create", handler: s.peerNew},
		{method: fiber.MethodPost, path: pages, access: accessRegion, resource: "peer", action: "create", handler: s.peerCreate},
		{method: fiber.MethodGet, path: pages + "/:id", access: accessRegion, resource: "peer", action: "read", handler: s.peerShow},
		{method: fiber.MethodGet, path: pages + "/:id/edit", access: accessRegion, resource: "peer", action: "update", handler: s.peerEdit},
		{method: fiber.MethodPost, path: pages + "/:id", access: accessRegion, resource: "peer", action: "update", handler: s.peerUpdate},
		{method: fiber.MethodPost, path: pages + "/:id/status", access: accessRegion, resource: "peer", action: "update", handler: s.peerStatus},
		{method: fiber.MethodPost, path: pages + "/:id/account", access: accessRegion, resource: "peer", action: "update", handler: s.peerAccount},
		{method: fiber.MethodPost, path: pages + "/:id/trainings", access: accessRegion, resource: "peer", action: "update", handler: s.peerTrainingAdd},
		{method: fiber.MethodPost, path: pages + "/:id/trainings/remove", access: accessRegion, resource: "peer", action: "update", handler: s.peerTrainingRemove},
		{method: fiber.MethodGet, path: "/r/:region/me/profile", access: accessRegion, resource: "own_profile", action: "read", handler: s.profileShow},

		{method: fiber.MethodGet, path: api, access: accessRegion, resource: "peer", action: "read", handler: s.apiPeerIndex,
			doc: &apiDoc{summary: "The peer supporters of the token user's organisation, by name, without contact data", tag: "peers", response: apiPeerList{}}},
		{method: fiber.MethodPost, path: api, access: accessRegion, resource: "peer", action: "create", handler: s.apiPeerCreate,
			doc: &apiDoc{summary: "Register a peer supporter with the token user's organisation (status recruited unless in_training or active is given)", tag: "peers", request: apiPeerInput{}, response: apiPeer{}}},
		{method: fiber.MethodGet, path: api + "/:id", access: accessRegion, resource: "peer", action: "read", handler: s.apiPeerShow,
			doc: &apiDoc{summary: "One peer supporter with contact data and certification (the read is logged)", tag: "peers", response: apiPeer{}}},
		{method: fiber.MethodPut, path: api + "/:id", access: accessRegion, resource: "peer", action: "update", handler: s.apiPeerUpdate,
			doc: &apiDoc{summary: "Replace a peer supporter's fields and contact data (not the status, which moves through /status; omitted optional fields are cleared)", tag: "peers", request: apiPeerInput{}, response: apiPeer{}}},
		{method: fiber.MethodPost, path: api + "/:id/status", access: accessRegion, resource: "peer", action: "update", handler: s.apiPeerStatus,
			doc: &apiDoc{summary: "Move a peer supporter along recruited → in_training → active ⇄ paused, or to left from any status, with an optional reason", tag: "peers", request: apiPeerStatusInput{}, response: apiPeer{}, status: fiber.StatusOK}},
		{method: fiber.MethodPut, path: api + "/:id/account", access: accessRegion, resource: "peer", action: "update", handler: s.apiPeerAccount,
			doc: &apiDoc{summary: "Link the peer supporter to the account of a peer supporter member of the organisation, or unlink it with \"user_id\": null", tag: "peers", request: apiPeerAccountInput{}, response: apiPeer{}}},
		{method: fiber.MethodGet, path: api + "/:id/history", access: accessRegion, resource: "peer", action: "read", handler: s.apiPeerHistory,
			doc: &apiDoc{summary: "A peer supporter's status history, oldest first", tag: "peers", response: apiPeerHistory{}}},
		{method: fiber.MethodGet, path: api + "/:id/trainings", access: accessRegion, resource: "peer", action: "read", handler: s.apiPeerTrainings,
			doc: &apiDoc{summary: "A peer supporter's trainings, earliest start first, and the certification they give", tag: "peers", response: apiTrainingList{}}},
		{method: fiber.MethodPost, path: api + "/:id/trainings", access: accessRegion, resource: "peer", action: "update", handler: s.apiPeerTrainingCreate,
			doc: &apiDoc{summary: "Record a training (completed_on absent while it is under way; not before the start, not in the future)", tag: "peers", request: apiTrainingInput{}, response: apiTraining{}}},
		{method: fiber.MethodDelete, path: api + "/:id/trainings/:training", access: accessRegion, resource: "peer", action: "update", handler: s.apiPeerTrainingDelete,
			doc: &apiDoc{summary: "Remove a training recorded by mistake", tag: "peers"}},
		{method: fiber.MethodGet, path: "/api/v1/regions/:region/me/profile", access: accessRegion, resource: "own_profile", action: "read", handler: s.apiProfileShow,
			doc: &apiDoc{summary: "The token user's own peer supporter profile with trainings, certification and supervision attended; 404 while no profile is linked", tag: "peers", response: apiProfile{}}},
	}
}
