package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// apiMyMatchSummary is one of the peer's running matches in their list:
// no contact data, no notes.
type apiMyMatchSummary struct {
	ID          int64  `json:"id"`
	Code        string `json:"code"`
	StartedOn   string `json:"started_on"`
	TargetGroup string `json:"target_group"`
	Language    string `json:"language"`
	Meetings    int    `json:"meetings"`
	// LastMeetingOn is the day of the latest meeting, if any.
	LastMeetingOn string `json:"last_meeting_on,omitempty"`
	// NextFollowUp is the earliest follow-up still due, if any.
	NextFollowUp *apiMyNextFollowUp `json:"next_follow_up,omitempty"`
}

// apiMyNextFollowUp is a follow-up still due; overdue once its day has
// passed.
type apiMyNextFollowUp struct {
	ID      int64  `json:"id"`
	Month   int    `json:"month"`
	DueOn   string `json:"due_on"`
	Overdue bool   `json:"overdue"`
}

type apiMyMatchList struct {
	Matches []apiMyMatchSummary `json:"matches"`
}

// apiMyMatch is one of the peer's running matches: contact only while the
// consent shares it, the meetings with their notes, the follow-ups with
// their scores, and the questionnaires a follow-up asks.
type apiMyMatch struct {
	ID          int64       `json:"id"`
	Code        string      `json:"code"`
	StartedOn   string      `json:"started_on"`
	TargetGroup string      `json:"target_group"`
	Language    string      `json:"language"`
	Contact     *apiContact `json:"contact,omitempty"`
	// FollowUpConsent: the participant's consent to follow-up holds; no
	// follow-up can be recorded without it.
	FollowUpConsent bool `json:"follow_up_consent"`
	// NotesAllowed: the region lets peers add a note to a meeting.
	NotesAllowed bool              `json:"notes_allowed"`
	Instruments  []apiMyInstrument `json:"instruments"`
	Meetings     []apiMyMeeting    `json:"meetings"`
	FollowUps    []apiMyFollowUp   `json:"follow_ups"`
}

// apiMyInstrument is a questionnaire a follow-up asks: answers are items
// values, each from min to max.
type apiMyInstrument struct {
	Instrument string `json:"instrument"`
	Items      int    `json:"items"`
	Min        int    `json:"min"`
	Max        int    `json:"max"`
}

// apiMyMeeting is a logged meeting; note only where one was written.
type apiMyMeeting struct {
	ID              int64    `json:"id"`
	HeldOn          string   `json:"held_on"`
	Format          string   `json:"format"`
	DurationMinutes int      `json:"duration_minutes"`
	Topics          []string `json:"topics"`
	Note            string   `json:"note,omitempty"`
}

// apiMyFollowUp is a planned follow-up: month after the start (0 is the
// baseline), due_on, status (due, completed, declined, cancelled),
// done_on once done or declined; open when it can be recorded today;
// scores of a completed one.
type apiMyFollowUp struct {
	ID     int64        `json:"id"`
	Month  int          `json:"month"`
	DueOn  string       `json:"due_on"`
	Status string       `json:"status"`
	DoneOn string       `json:"done_on,omitempty"`
	Open   bool         `json:"open"`
	Scores []apiMyScore `json:"scores"`
}

// apiMyScore is one questionnaire's result: total (WHO-5 0–100, PozQoL
// mean 1–5, QPR-15 0–60), raw sum, low (under the published cut-off:
// WHO-5 raw below 13), and PozQoL's domain means.
type apiMyScore struct {
	Instrument string             `json:"instrument"`
	Answers    []int              `json:"answers"`
	Total      float64            `json:"total"`
	Raw        int                `json:"raw"`
	Low        bool               `json:"low"`
	Domains    []apiMyDomainScore `json:"domains,omitempty"`
}

type apiMyDomainScore struct {
	Domain string  `json:"domain"`
	Score  float64 `json:"score"`
}

// apiMyMeetingInput is a meeting: held_on YYYY-MM-DD from the match's
// start to today; format in_person, phone, video or group; 5–480 minutes;
// topics from everyday_life, openness, relationships, work_studies,
// care_contacts, stigma, recovery, rights, community, other; a note only
// where the region allows notes.
type apiMyMeetingInput struct {
	HeldOn          string   `json:"held_on"`
	Format          string   `json:"format"`
	DurationMinutes int      `json:"duration_minutes"`
	Topics          []string `json:"topics"`
	Note            string   `json:"note,omitempty"`
}

// apiMyFollowUpInput records a follow-up: done_on YYYY-MM-DD and the
// answers to every questionnaire the match's follow-ups ask (see the
// match's instruments), item values in order.
type apiMyFollowUpInput struct {
	DoneOn  string       `json:"done_on"`
	Answers apiMyAnswers `json:"answers"`
}

type apiMyAnswers struct {
	WHO5   []int `json:"who5,omitempty"`
	PozQoL []int `json:"pozqol,omitempty"`
	QPR15  []int `json:"qpr15,omitempty"`
}

// apiMyDoneInput is the day a follow-up was declined.
type apiMyDoneInput struct {
	DoneOn string `json:"done_on"`
}

func apiMyMeetingOf(m tenants.Meeting) apiMyMeeting {
	out := apiMyMeeting{ID: m.ID, HeldOn: m.HeldOn.String(), Format: string(m.Format), DurationMinutes: m.DurationMinutes, Topics: []string{}, Note: m.Note}
	for _, t := range m.Topics {
		out.Topics = append(out.Topics, string(t))
	}
	return out
}

func apiMyFollowUpOf(f tenants.FollowUp, open bool) apiMyFollowUp {
	out := apiMyFollowUp{ID: f.ID, Month: f.Month, DueOn: f.DueOn.String(), Status: string(f.Status), Open: open, Scores: []apiMyScore{}}
	if !f.DoneOn.IsZero() {
		out.DoneOn = f.DoneOn.String()
	}
	for _, sc := range f.Scores {
		s := apiMyScore{Instrument: string(sc.Instrument), Answers: sc.Answers, Total: sc.Total, Raw: sc.Raw}
		if full, err := sc.Score(); err == nil {
			s.Low = full.Low()
			for _, d := range full.Domains {
				s.Domains = append(s.Domains, apiMyDomainScore{Domain: d.Domain, Score: d.Score})
			}
		}
		out.Scores = append(out.Scores, s)
	}
	return out
}

// apiMyMatchIndex answers GET /api/v1/regions/{region}/my/matches.
func (s *server) apiMyMatchIndex(c *fiber.Ctx) error {
	peer, err := s.ownPeer(c)
	if err != nil {
		return err
	}
	list, err := s.cfg.Support.PeerMatches(c.UserContext(), currentRegion(c).ID, peer.ID)
	if err != nil {
		return err
	}
	s.auditParticipantList(c, "peer_matches", codesOf(list, func(m tenants.PeerMatch) string { return m.Code }))
	today := todayInSweden()
	out := apiMyMatchList{Matches: make([]apiMyMatchSummary, 0, len(list))}
	for _, m := range list {
		row := apiMyMatchSummary{
			ID: m.ID, Code: m.Code, StartedOn: m.StartedOn.String(), TargetGroup: string(m.TargetGroup), Language: m.Language,
			Meetings: len(m.Meetings),
		}
		if d := m.LastMeetingOn(); !d.IsZero() {
			row.LastMeetingOn = d.String()
		}
		if f, ok := m.NextFollowUp(); ok {
			row.NextFollowUp = &apiMyNextFollowUp{ID: f.ID, Month: f.Month, DueOn: f.DueOn.String(), Overdue: f.DueOn.Before(today)}
		}
		out.Matches = append(out.Matches, row)
	}
	return c.JSON(out)
}

// apiMyMatchShow answers GET /api/v1/regions/{region}/my/matches/{id}, a
// read of the participant's data that is logged.
func (s *server) apiMyMatchShow(c *fiber.Ctx) error {
	peerID, matchID, _, err := s.ownPeerMatch(c)
	if err != nil {
		return err
	}
	region := currentRegion(c)
	m, err := s.cfg.Support.PeerMatch(c.UserContext(), region.ID, peerID, matchID)
	if err != nil {
		return err
	}
	today := todayInSweden()
	out := apiMyMatch{
		ID: m.ID, Code: m.Code, StartedOn: m.StartedOn.String(), TargetGroup: string(m.TargetGroup), Language: m.Language,
		FollowUpConsent: m.FollowUpConsent, NotesAllowed: region.Settings.MeetingNotes,
		Instruments: []apiMyInstrument{}, Meetings: []apiMyMeeting{}, FollowUps: []apiMyFollowUp{},
	}
	if m.Contact != nil {
		out.Contact = &apiContact{Alias: m.Contact.Alias, Method: string(m.Contact.Method), Details: m.Contact.Details}
	}
	for _, inst := range m.Instruments {
		lo, hi := inst.Scale()
		out.Instruments = append(out.Instruments, apiMyInstrument{Instrument: string(inst), Items: inst.Items(), Min: lo, Max: hi})
	}
	for _, x := range m.Meetings {
		out.Meetings = append(out.Meetings, apiMyMeetingOf(x))
	}
	for _, f := range m.FollowUps {
		out.FollowUps = append(out.FollowUps, apiMyFollowUpOf(f, m.FollowUpConsent && followUpOpen(f, today)))
	}
	s.auditParticipant(c, "participant.read", "match", matchID, m.Code)
	return c.JSON(out)
}

// apiMyMeetingCreate answers POST …/my/matches/{id}/meetings.
func (s *server) apiMyMeetingCreate(c *fiber.Ctx) error {
	peerID, matchID, _, err := s.ownPeerMatch(c)
	if err != nil {
		return err
	}
	var in apiMyMeetingInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	heldOn, err := bodyDate("held_on", in.HeldOn)
	if err != nil {
		return err
	}
	m := tenants.Meeting{HeldOn: heldOn, Format: tenants.MeetingFormat(in.Format), DurationMinutes: in.DurationMinutes, Note: in.Note}
	for _, t := range in.Topics {
		m.Topics = append(m.Topics, tenants.MeetingTopic(t))
	}
	logged, err := s.cfg.Support.LogMeeting(c.UserContext(), currentRegion(c).ID, peerID, principal(c).User.ID, matchID, m)
	if err != nil {
		return inOrder(err, meetingFields)
	}
	s.auditParticipant(c, "meeting.create", "meeting", logged.ID, "")
	return c.Status(fiber.StatusCreated).JSON(apiMyMeetingOf(logged))
}

// apiMyFollowUpRecord answers POST …/my/matches/{id}/follow_ups/{fid}.
func (s *server) apiMyFollowUpRecord(c *fiber.Ctx) error {
	var in apiMyFollowUpInput
	return s.apiMyFollowUpChange(c, "followup.record", &in, func(peerID, matchID, followUpID int64) (tenants.FollowUp, error) {
		doneOn, err := bodyDate("done_on", in.DoneOn)
		if err != nil {
			return tenants.FollowUp{}, err
		}
		answers := tenants.FollowUpAnswers{}
		for inst, a := range map[tenants.Instrument][]int{
			tenants.InstrumentWHO5: in.Answers.WHO5, tenants.InstrumentPozQoL: in.Answers.PozQoL, tenants.InstrumentQPR15: in.Answers.QPR15,
		} {
			if a != nil {
				answers[inst] = a
			}
		}
		f, err := s.cfg.Support.RecordFollowUp(c.UserContext(), currentRegion(c).ID, peerID, principal(c).User.ID, matchID, followUpID, doneOn, answers)
		return f, inOrder(err, followUpFields)
	})
}

// apiMyFollowUpDecline answers POST …/my/matches/{id}/follow_ups/{fid}/decline.
func (s *server) apiMyFollowUpDecline(c *fiber.Ctx) error {
	var in apiMyDoneInput
	return s.apiMyFollowUpChange(c, "followup.decline", &in, func(peerID, matchID, followUpID int64) (tenants.FollowUp, error) {
		doneOn, err := bodyDate("done_on", in.DoneOn)
		if err != nil {
			return tenants.FollowUp{}, err
		}
		return s.cfg.Support.DeclineFollowUp(c.UserContext(), currentRegion(c).ID, peerID, principal(c).User.ID, matchID, followUpID, doneOn)
	})
}

// apiMyFollowUpChange reads the body into in, runs one change of a
// follow-up of the token user's match and answers the follow-up as it is
// now, logging the change as action.
func (s *server) apiMyFollowUpChange(c *fiber.Ctx, action string, in any,
	change func(peerID, matchID, followUpID int64) (tenants.FollowUp, error)) error {
	peerID, matchID, followUpID, err := s.ownPeerMatch(c)
	if err != nil {
		return err
	}
	if err := decodeJSON(c, in); err != nil {
		return err
	}
	f, err := change(peerID, matchID, followUpID)
	if err != nil {
		return err
	}
	s.auditParticipant(c, action, "follow_up", followUpID, "")
	return c.JSON(apiMyFollowUpOf(f, false))
}

// bodyDate reads a date of a JSON body: empty is no date (which the store
// refuses as required), anything but YYYY-MM-DD a problem on field.
func bodyDate(field, value string) (tenants.Date, error) {
	return formDate(form{Values: map[string]string{field: value}}, field)
}
