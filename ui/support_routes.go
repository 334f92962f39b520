package ui

import "github.com/gofiber/fiber/v2"

// supportRoutes are the coordinator's side of what follows a referral:
// ranked suggestions of peers, the match, and the support's meetings and
// follow-ups; pages and JSON API.
//
// The referral page (referralRoutes) shows the suggestions and the
// support; these routes add the match and the API's suggestions. The
// matrix gives match read to peer supporters too, for their own matches;
// the handlers serve only the organisation's coordinator
// (matchingOrganisation), so a peer sees no ranking of colleagues.
func (s *server) supportRoutes() []route {
	const (
		org = "/r/:region/org/referrals"
		api = "/api/v1/regions/:region/org/referrals"
	)
	return []route{
		{method: fiber.MethodPost, path: org + "/:id/match", access: accessRegion, resource: "match", action: "create", handler: s.referralMatch},

		{method: fiber.MethodGet, path: api + "/:id/suggestions", access: accessRegion, resource: "match", action: "read", handler: s.apiMatchSuggestions,
			doc: &apiDoc{summary: "The organisation's active peers ranked for a referral: those with room first, then those who speak the participant's language, with what fits (fits) and what does not (misses: language, experience, preferred_experience, preferred_language, gender, age_band, capacity, placement)", tag: "matching", response: apiSuggestionList{}}},
		{method: fiber.MethodPost, path: api + "/:id/match", access: accessRegion, resource: "match", action: "create", handler: s.apiMatchCreate,
			doc: &apiDoc{summary: "Match a contacted (or matched) referral's participant with one of the organisation's active peers who has room, from today; a running match with another peer ends as rematched; the first match plans the follow-ups (logged)", tag: "matching", request: apiMatchInput{}, response: apiSupportMatch{}}},
	}
}
