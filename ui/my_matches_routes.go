package ui

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// myMatchRoutes are the peer supporter's own matches: the participant as
// the peer may see them, meetings and follow-ups; pages and JSON API.
//
// The reads are guarded by meeting read, which only peer supporters hold:
// coordinators hold match read too, but they follow the support from the
// referral, and these pages are about the caller's own peer profile. The
// peer comes only from the caller's account (ownPeer), never from the URL
// or a form; the store shows that peer's running matches only, so another
// peer's match, or one that ended, is not found.
func (s *server) myMatchRoutes() []route {
	const (
		pages = "/r/:region/my/matches"
		api   = "/api/v1/regions/:region/my/matches"
	)
	return []route{
		{method: fiber.MethodGet, path: pages, access: accessRegion, resource: "meeting", action: "read", handler: s.myMatchesIndex},
		{method: fiber.MethodGet, path: pages + "/:id", access: accessRegion, resource: "meeting", action: "read", handler: s.myMatchShow},
		{method: fiber.MethodPost, path: pages + "/:id/meetings", access: accessRegion, resource: "meeting", action: "create", handler: s.myMeetingCreate},
		{method: fiber.MethodPost, path: pages + "/:id/follow_ups/:fid", access: accessRegion, resource: "followup", action: "create", handler: s.myFollowUpRecord},
		{method: fiber.MethodPost, path: pages + "/:id/follow_ups/:fid/decline", access: accessRegion, resource: "followup", action: "create", handler: s.myFollowUpDecline},

		{method: fiber.MethodGet, path: api, access: accessRegion, resource: "meeting", action: "read", handler: s.apiMyMatchIndex,
			doc: &apiDoc{summary: "The token user's running matches as their peer supporter: code, start, language, meetings and the next follow-up — no contact data", tag: "my matches", response: apiMyMatchList{}}},
		{method: fiber.MethodGet, path: api + "/:id", access: accessRegion, resource: "meeting", action: "read", handler: s.apiMyMatchShow,
			doc: &apiDoc{summary: "One of the token user's running matches: contact while the consent shares it, meetings with notes, follow-ups with scores and the questionnaires to ask (the read is logged)", tag: "my matches", response: apiMyMatch{}}},
		{method: fiber.MethodPost, path: api + "/:id/meetings", access: accessRegion, resource: "meeting", action: "create", handler: s.apiMyMeetingCreate,
			doc: &apiDoc{summary: "Log a meeting of the match: held_on from the match's start to today, format, duration 5–480 minutes, one or more topics, a note only where the region allows notes", tag: "my matches", request: apiMyMeetingInput{}, response: apiMyMeeting{}}},
		{method: fiber.MethodPost, path: api + "/:id/follow_ups/:fid", access: accessRegion, resource: "followup", action: "create", handler: s.apiMyFollowUpRecord,
			doc: &apiDoc{summary: "Record a due follow-up as done with the answers to every questionnaire it asks (at most 14 days before it is due); answers are scored by the published rules", tag: "my matches", request: apiMyFollowUpInput{}, response: apiMyFollowUp{}, status: fiber.StatusOK}},
		{method: fiber.MethodPost, path: api + "/:id/follow_ups/:fid/decline", access: accessRegion, resource: "followup", action: "create", handler: s.apiMyFollowUpDecline,
			doc: &apiDoc{summary: "Record that the participant chose not to answer a due follow-up", tag: "my matches", request: apiMyDoneInput{}, response: apiMyFollowUp{}, status: fiber.StatusOK}},
	}
}

// errNoPeerProfile: the caller's account is linked to no peer record, so
// they have no matches to see. The pages explain it; the API says it in
// the error's detail.
var errNoPeerProfile = fiber.NewError(fiber.StatusNotFound,
	"the account is not linked to a peer supporter's profile; ask the organisation's coordinator to link it")

// ownPeer returns the peer record linked to the caller's account, or
// errNoPeerProfile.
func (s *server) ownPeer(c *fiber.Ctx) (tenants.Peer, error) {
	p, err := s.cfg.Peers.PeerByUser(c.UserContext(), currentRegion(c).ID, principal(c).User.ID)
	if isNotFound(err) {
		return tenants.Peer{}, errNoPeerProfile
	}
	return p, err
}

// ownPeerMatch returns the caller's peer and the match and follow-up ids
// of the path (:fid only where the route has it).
func (s *server) ownPeerMatch(c *fiber.Ctx) (peerID, matchID, followUpID int64, err error) {
	if matchID, err = pathID(c); err != nil {
		return 0, 0, 0, err
	}
	if c.Params("fid") != "" {
		if followUpID, err = pathParamID(c, "fid"); err != nil {
			return 0, 0, 0, err
		}
	}
	peer, err := s.ownPeer(c)
	if err != nil {
		return 0, 0, 0, err
	}
	return peer.ID, matchID, followUpID, nil
}

func myMatchesURL(c *fiber.Ctx) string { return "/r/" + currentRegion(c).Slug + "/my/matches" }

// notLinked answers a page request of a peer supporter whose account has
// no peer record: the list explains it (200), a match page the same way
// as not found (404).
func (s *server) notLinked(c *fiber.Ctx, status int) error {
	c.Status(status)
	return s.renderPage(c, myMatchesPage{basePage: s.regionBase(c)})
}

// isNoPeerProfile reports the caller without a peer record.
func isNoPeerProfile(err error) bool { return errors.Is(err, errNoPeerProfile) }
