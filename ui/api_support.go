package ui

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// apiSuggestion is one of the organisation's peers ranked for a referral:
// fits and misses name the criteria (language, experience,
// preferred_experience, preferred_language, gender, age_band, capacity,
// placement) that speak for and against them; current marks the peer who
// supports the participant now, full one without room.
type apiSuggestion struct {
	PeerID       int64    `json:"peer_id"`
	DisplayName  string   `json:"display_name"`
	Languages    []string `json:"languages"`
	Capacity     int      `json:"capacity"`
	FreeCapacity int      `json:"free_capacity"`
	Score        int      `json:"score"`
	Fits         []string `json:"fits"`
	Misses       []string `json:"misses"`
	Current      bool     `json:"current"`
	Full         bool     `json:"full"`
}

type apiSuggestionList struct {
	Suggestions []apiSuggestion `json:"suggestions"`
}

// apiMatchInput chooses the peer for a referral.
type apiMatchInput struct {
	PeerID int64 `json:"peer_id"`
}

// apiSupportMatch is a match of a referral with a peer: running until ended_at,
// then with end_reason rematched, closed or consent_withdrawn.
type apiSupportMatch struct {
	ID         int64      `json:"id"`
	ReferralID int64      `json:"referral_id"`
	PeerID     int64      `json:"peer_id"`
	PeerName   string     `json:"peer_name"`
	StartedOn  string     `json:"started_on"`
	EndedAt    *time.Time `json:"ended_at,omitempty"`
	EndReason  string     `json:"end_reason,omitempty"`
}

// apiSupport is the support of a referral as its organisation sees it:
// the matches newest first (the running one, if any, first), the meetings
// without notes, and the follow-ups with their scores.
type apiSupport struct {
	Matches   []apiSupportMatch    `json:"matches"`
	Meetings  []apiSupportMeeting  `json:"meetings"`
	FollowUps []apiSupportFollowUp `json:"follow_ups"`
}

// apiSupportMeeting is a meeting of the support: format in_person, phone, video
// or group; topics from the fixed list (everyday_life, openness,
// relationships, work_studies, care_contacts, stigma, recovery, rights,
// community, other). Notes never leave the peer.
type apiSupportMeeting struct {
	ID              int64    `json:"id"`
	HeldOn          string   `json:"held_on"`
	Format          string   `json:"format"`
	DurationMinutes int      `json:"duration_minutes"`
	Topics          []string `json:"topics"`
}

// apiSupportFollowUp is a planned follow-up: status due, completed, declined or
// cancelled; done_on once completed or declined; scores once completed.
type apiSupportFollowUp struct {
	ID     int64             `json:"id"`
	Month  int               `json:"month"`
	DueOn  string            `json:"due_on"`
	Status string            `json:"status"`
	DoneOn string            `json:"done_on,omitempty"`
	Scores []apiSupportScore `json:"scores"`
}

// apiSupportScore is one questionnaire's result: who5 (total 0–100, raw 0–25,
// low when raw < 13), pozqol (total the mean 1–5, raw the coded sum, with
// the four domain means) or qpr15 (total and raw the sum 0–60).
type apiSupportScore struct {
	Instrument string             `json:"instrument"`
	Raw        int                `json:"raw"`
	Total      float64            `json:"total"`
	Low        bool               `json:"low"`
	Domains    []apiSupportDomain `json:"domains,omitempty"`
}

type apiSupportDomain struct {
	Domain string  `json:"domain"`
	Score  float64 `json:"score"`
}

// apiReferralRecord is one referral of the organisation with its
// support.
type apiReferralRecord struct {
	apiOrgReferral
	Support apiSupport `json:"support"`
}

func apiSupportMatchOf(m tenants.MatchedPeer) apiSupportMatch {
	return apiSupportMatch{
		ID: m.ID, ReferralID: m.ReferralID, PeerID: m.PeerID, PeerName: m.PeerName, StartedOn: m.StartedOn.String(),
		EndedAt: m.EndedAt, EndReason: string(m.EndReason),
	}
}

func apiSupportOf(sup tenants.ReferralSupport) apiSupport {
	out := apiSupport{Matches: []apiSupportMatch{}, Meetings: []apiSupportMeeting{}, FollowUps: []apiSupportFollowUp{}}
	for _, m := range sup.Matches {
		out.Matches = append(out.Matches, apiSupportMatchOf(m))
	}
	for _, m := range sup.Meetings {
		row := apiSupportMeeting{ID: m.ID, HeldOn: m.HeldOn.String(), Format: string(m.Format), DurationMinutes: m.DurationMinutes, Topics: []string{}}
		for _, t := range m.Topics {
			row.Topics = append(row.Topics, string(t))
		}
		out.Meetings = append(out.Meetings, row)
	}
	for _, f := range sup.FollowUps {
		row := apiSupportFollowUp{ID: f.ID, Month: f.Month, DueOn: f.DueOn.String(), Status: string(f.Status), Scores: []apiSupportScore{}}
		if !f.DoneOn.IsZero() {
			row.DoneOn = f.DoneOn.String()
		}
		for _, sc := range f.Scores {
			row.Scores = append(row.Scores, apiSupportScoreOf(sc))
		}
		out.FollowUps = append(out.FollowUps, row)
	}
	return out
}

// apiSupportScoreOf gives a stored score with its cut-off and, rescored from
// the stored answers, its domains.
func apiSupportScoreOf(sc tenants.FollowUpScore) apiSupportScore {
	out := apiSupportScore{Instrument: string(sc.Instrument), Raw: sc.Raw, Total: sc.Total}
	if scored, err := sc.Score(); err == nil {
		out.Low = scored.Low()
		for _, d := range scored.Domains {
			out.Domains = append(out.Domains, apiSupportDomain{Domain: d.Domain, Score: d.Score})
		}
	}
	return out
}

// apiMatchSuggestions answers GET …/org/referrals/{id}/suggestions. The
// ranking weighs the participant's language and wishes, so the read is
// logged with the participant's code.
func (s *server) apiMatchSuggestions(c *fiber.Ctx) error {
	orgID, err := matchingOrganisation(c)
	if err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, region := c.UserContext(), currentRegion(c)
	r, err := s.cfg.Referrals.OrganisationReferral(ctx, region.ID, orgID, id)
	if err != nil {
		return err
	}
	list, err := s.cfg.Support.Suggestions(ctx, region.ID, orgID, id)
	if err != nil {
		return err
	}
	out := apiSuggestionList{Suggestions: make([]apiSuggestion, 0, len(list))}
	for _, sg := range list {
		row := apiSuggestion{
			PeerID: sg.PeerID, DisplayName: sg.DisplayName, Languages: append([]string{}, sg.Languages...),
			Capacity: sg.Capacity, FreeCapacity: sg.FreeCapacity, Score: sg.Score, Fits: []string{}, Misses: []string{},
			Current: sg.Current, Full: sg.Full(),
		}
		for _, f := range sg.Fits {
			row.Fits = append(row.Fits, string(f))
		}
		for _, m := range sg.Misses {
			row.Misses = append(row.Misses, string(m))
		}
		out.Suggestions = append(out.Suggestions, row)
	}
	s.auditParticipant(c, "match.suggestions", "referral", id, r.Code)
	return c.JSON(out)
}

// apiMatchCreate answers POST …/org/referrals/{id}/match.
func (s *server) apiMatchCreate(c *fiber.Ctx) error {
	orgID, err := matchingOrganisation(c)
	if err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	var in apiMatchInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	m, err := s.matchPeer(c, orgID, id, in.PeerID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(apiSupportMatchOf(m))
}
