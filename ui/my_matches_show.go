package ui

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// myMatchPage is one of the peer supporter's running matches: who the
// participant is as far as the consent lets the peer know, the meeting
// log with its form, and the follow-ups with the form of the one that is
// open. Each form comes back here with its own problems when refused.
type myMatchPage struct {
	basePage
	ListURL, URL string
	Match        myMatchView
	// Contact is nil when the consent does not share it (any more).
	Contact *contactView

	Meeting formSection
	Formats radioGroup
	Topics  checkGroup
	// NotesAllowed: the region lets peers add a note to a meeting.
	NotesAllowed bool
	Meetings     []myMeetingRow

	// FollowUpConsent: the participant's consent to follow-up holds; no
	// follow-up form shows without it.
	FollowUpConsent bool
	FollowUps       []myFollowUpRow
	// Open is the follow-up that can be done now; nil when none can.
	Open *openFollowUp
	// Record and Decline are refused follow-up forms, for the problems at
	// the top of the page.
	Record, Decline formSection
}

func (myMatchPage) templateName() string { return "my_matches_show" }

type myMatchView struct {
	Code, Since, Language, TargetGroup string
}

type myMeetingRow struct {
	HeldOn, Format, Duration, Topics, Note string
}

type myFollowUpRow struct {
	Month, DueOn, Status, StatusLabel, DoneOn string
	// Overdue: still due and its day has passed.
	Overdue bool
	Scores  []scoreView
}

// openFollowUp is the form of a follow-up that can be done now: the
// questionnaires to ask, and the decline form beside it.
type openFollowUp struct {
	Label, URL      string
	Record, Decline formSection
	Instruments     []instrumentFieldset
}

// instrumentFieldset is one questionnaire: its name and preamble, and one
// radio group per item, named "<instrument>_<n>" like the store's fields.
type instrumentFieldset struct {
	Name, Title, Preamble, Error string
	Items                        []radioGroup
}

// radioGroup is a fieldset of radio buttons under one name; the fieldset's
// id is the name, for the error summary's link.
type radioGroup struct {
	Name, Legend, Error, Value string
	Options                    []option
}

// myMatchForms are the match page's forms as submitted, for a refusal; a
// nil one is shown with its defaults. followUpID is the follow-up the
// record or decline form was for.
type myMatchForms struct {
	meeting         *form
	topics          []string
	record, decline *form
	followUpID      int64
}

var meetingFields = []string{"held_on", "format", "duration_minutes", "topics", "note"}

// followUpFields are the follow-up form's fields: the day, then every
// item of every questionnaire ("who5_1" …), in the order of the page.
var followUpFields = func() []string {
	out := []string{"done_on"}
	for _, inst := range tenants.Instruments {
		out = append(out, string(inst))
		for n := 1; n <= inst.Items(); n++ {
			out = append(out, itemField(inst, n))
		}
	}
	return out
}()

func itemField(inst tenants.Instrument, n int) string { return fmt.Sprintf("%s_%d", inst, n) }

// myMatchShow shows one of the caller's running matches; opening it is a
// read of the participant's data and is logged.
func (s *server) myMatchShow(c *fiber.Ctx) error {
	peerID, matchID, _, err := s.ownPeerMatch(c)
	if isNoPeerProfile(err) {
		return s.notLinked(c, fiber.StatusNotFound)
	} else if err != nil {
		return err
	}
	return s.showMyMatch(c, peerID, matchID, myMatchForms{}, false)
}

// showMyMatch renders the match page (refused: with 422) and logs the
// read.
func (s *server) showMyMatch(c *fiber.Ctx, peerID, matchID int64, forms myMatchForms, refused bool) error {
	region := currentRegion(c)
	m, err := s.cfg.Support.PeerMatch(c.UserContext(), region.ID, peerID, matchID)
	if err != nil {
		return err
	}
	base := s.regionBase(c)
	l := s.supportLabels(base.Lang)
	today := todayInSweden()
	matchURL := myMatchesURL(c) + "/" + itoa(matchID)
	p := myMatchPage{
		basePage: base, ListURL: myMatchesURL(c), URL: matchURL,
		Match:   myMatchView{Code: m.Code, Since: m.StartedOn.String(), Language: l.language(m.Language), TargetGroup: l.targetGroup(m.TargetGroup)},
		Meeting: formSection{basePage: base, Form: orEmpty(forms.meeting)}, NotesAllowed: region.Settings.MeetingNotes,
		FollowUpConsent: m.FollowUpConsent,
		Record:          formSection{basePage: base, Form: orEmpty(forms.record)},
		Decline:         formSection{basePage: base, Form: declineSummary(orEmpty(forms.decline))},
	}
	if m.Contact != nil {
		p.Contact = &contactView{Alias: m.Contact.Alias, Method: l.method(m.Contact.Method), Details: m.Contact.Details}
	}
	if forms.meeting == nil {
		p.Meeting.Form.Values["held_on"] = today.String()
	}
	p.Formats = radioGroup{Name: "format", Legend: l.tr("field.format"), Error: p.Meeting.Form.Error("format"), Value: p.Meeting.Form.Value("format")}
	for _, f := range tenants.MeetingFormats {
		p.Formats.Options = append(p.Formats.Options, option{Value: string(f), Label: l.format(f)})
	}
	p.Topics = checkGroup{Name: "topics", Legend: l.tr("field.topics"), Hint: l.tr("mymatches.topics_hint"), Error: p.Meeting.Form.Error("topics")}
	for _, t := range tenants.MeetingTopics {
		p.Topics.Options = append(p.Topics.Options, checkOption{Value: string(t), Label: l.topic(t), Checked: slices.Contains(forms.topics, string(t))})
	}
	for _, x := range m.Meetings {
		p.Meetings = append(p.Meetings, myMeetingRow{
			HeldOn: x.HeldOn.String(), Format: l.format(x.Format), Topics: l.topics(x.Topics), Note: x.Note,
			Duration: l.t.Translate(l.lang, "mymatches.minutes", map[string]any{"Minutes": strconv.Itoa(x.DurationMinutes)}),
		})
	}
	var open *tenants.FollowUp
	for i, f := range m.FollowUps {
		row := myFollowUpRow{
			Month: l.month(f.Month), DueOn: f.DueOn.String(), Status: string(f.Status), StatusLabel: l.followUpStatus(f.Status),
			DoneOn: l.date(f.DoneOn), Overdue: f.Status == tenants.FollowUpDue && f.DueOn.Before(today),
		}
		for _, sc := range f.Scores {
			row.Scores = append(row.Scores, l.score(sc))
		}
		p.FollowUps = append(p.FollowUps, row)
		if m.FollowUpConsent && followUpOpen(f, today) && (open == nil || f.ID == forms.followUpID) {
			open = &m.FollowUps[i]
		}
	}
	if open != nil {
		p.Open = openFollowUpForm(base, l, matchURL, *open, m.Instruments, forms, today)
	}
	s.auditParticipant(c, "participant.read", "match", matchID, m.Code)
	if refused {
		return s.renderRefused(c, p)
	}
	return s.renderPage(c, p)
}

// openFollowUpForm builds the form of the follow-up that can be done now,
// with what was typed when it is the refused one.
func openFollowUpForm(base basePage, l supportLabels, matchURL string, f tenants.FollowUp, instruments []tenants.Instrument,
	forms myMatchForms, today tenants.Date) *openFollowUp {
	record, decline := form{Values: map[string]string{"done_on": today.String()}}, form{Values: map[string]string{"done_on": today.String()}}
	if f.ID == forms.followUpID {
		if forms.record != nil {
			record = *forms.record
		}
		if forms.decline != nil {
			decline = *forms.decline
		}
	}
	o := &openFollowUp{
		Label: l.month(f.Month) + ", " + f.DueOn.String(), URL: matchURL + "/follow_ups/" + itoa(f.ID),
		Record: formSection{basePage: base, Form: record}, Decline: formSection{basePage: base, Form: decline},
	}
	for _, inst := range instruments {
		fs := instrumentFieldset{
			Name: string(inst), Title: l.instrument(inst), Preamble: l.tr("instrument." + string(inst) + ".preamble"), Error: record.Error(string(inst)),
		}
		lo, hi := inst.Scale()
		var answers []option
		for v := lo; v <= hi; v++ {
			answers = append(answers, option{Value: strconv.Itoa(v), Label: l.tr("instrument." + string(inst) + ".answer." + strconv.Itoa(v))})
		}
		for n := 1; n <= inst.Items(); n++ {
			name := itemField(inst, n)
			fs.Items = append(fs.Items, radioGroup{
				Name: name, Legend: l.tr("instrument." + string(inst) + ".item." + strconv.Itoa(n)),
				Error: record.Error(name), Value: record.Value(name), Options: answers,
			})
		}
		o.Instruments = append(o.Instruments, fs)
	}
	return o
}

// declineSummary points the decline form's problems at its own date
// field, which cannot share the record form's id.
func declineSummary(f form) form {
	for i := range f.Summary {
		if f.Summary[i].Field == "done_on" {
			f.Summary[i].Field = "decline_done_on"
		}
	}
	return f
}

// myMatchAction runs one change of the caller's match from a posted form
// f (one of forms): on success back to the match page (at anchor),
// refused with the form's problems and nothing changed. The change names
// what it is logged as.
func (s *server) myMatchAction(c *fiber.Ctx, forms myMatchForms, f *form, anchor string,
	change func(peerID, matchID, followUpID int64) (auditObject, error)) error {
	peerID, matchID, followUpID, err := s.ownPeerMatch(c)
	if isNoPeerProfile(err) {
		return s.notLinked(c, fiber.StatusNotFound)
	} else if err != nil {
		return err
	}
	obj, err := change(peerID, matchID, followUpID)
	if s.refuse(f, s.regionBase(c).Lang, err) {
		forms.followUpID = followUpID
		return s.showMyMatch(c, peerID, matchID, forms, true)
	}
	if err != nil {
		return err
	}
	s.auditParticipant(c, obj.action, obj.kind, obj.id, "")
	return c.Redirect(myMatchesURL(c)+"/"+itoa(matchID)+"#"+anchor, fiber.StatusSeeOther)
}

// auditObject is what a change of a match is logged as.
type auditObject struct {
	action, kind string
	id           int64
}

// myMeetingCreate logs a meeting of the caller's match.
func (s *server) myMeetingCreate(c *fiber.Ctx) error {
	f := formFrom(c, "held_on", "format", "duration_minutes", "note")
	topics := formValues(c, "topics")
	return s.myMatchAction(c, myMatchForms{meeting: &f, topics: topics}, &f, "meetings", func(peerID, matchID, _ int64) (auditObject, error) {
		heldOn, err := formDate(f, "held_on")
		if err != nil {
			return auditObject{}, err
		}
		m := tenants.Meeting{HeldOn: heldOn, Format: tenants.MeetingFormat(f.Value("format")), Note: f.Value("note")}
		for _, t := range topics {
			m.Topics = append(m.Topics, tenants.MeetingTopic(t))
		}
		// Not a number is out of range; the store says which range.
		m.DurationMinutes, _ = strconv.Atoi(f.Value("duration_minutes"))
		logged, err := s.cfg.Support.LogMeeting(c.UserContext(), currentRegion(c).ID, peerID, principal(c).User.ID, matchID, m)
		return auditObject{"meeting.create", "meeting", logged.ID}, inOrder(err, meetingFields)
	})
}

// myFollowUpRecord records a follow-up of the caller's match with the
// answers to its questionnaires.
func (s *server) myFollowUpRecord(c *fiber.Ctx) error {
	f := formFrom(c, followUpFields...)
	return s.myMatchAction(c, myMatchForms{record: &f}, &f, "follow-ups", func(peerID, matchID, followUpID int64) (auditObject, error) {
		doneOn, err := formDate(f, "done_on")
		if err != nil {
			return auditObject{}, err
		}
		_, err = s.cfg.Support.RecordFollowUp(c.UserContext(), currentRegion(c).ID, peerID, principal(c).User.ID, matchID, followUpID,
			doneOn, answersFrom(f.Values))
		return auditObject{"followup.record", "follow_up", followUpID}, inOrder(err, followUpFields)
	})
}

// myFollowUpDecline records that the participant chose not to answer a
// follow-up.
func (s *server) myFollowUpDecline(c *fiber.Ctx) error {
	f := formFrom(c, "done_on")
	return s.myMatchAction(c, myMatchForms{decline: &f}, &f, "follow-ups", func(peerID, matchID, followUpID int64) (auditObject, error) {
		doneOn, err := formDate(f, "done_on")
		if err != nil {
			return auditObject{}, err
		}
		_, err = s.cfg.Support.DeclineFollowUp(c.UserContext(), currentRegion(c).ID, peerID, principal(c).User.ID, matchID, followUpID, doneOn)
		return auditObject{"followup.decline", "follow_up", followUpID}, err
	})
}

// formDate reads an optional date field: empty is no date (which the
// store refuses as required), anything but YYYY-MM-DD a problem.
func formDate(f form, name string) (tenants.Date, error) {
	var d tenants.Date
	if f.Value(name) == "" {
		return d, nil
	}
	var v tenants.ValidationError
	parseDates(&v, f.Values, dateField{name, &d})
	if len(v.Fields) > 0 {
		return d, &v
	}
	return d, nil
}

// answersFrom reads the questionnaires' answers from the form's radio
// groups. A questionnaire none of whose items was answered is left out
// (the store asks for all of them); an unanswered item of one that was
// begun gets a value below the scale, which the store refuses on that
// item.
func answersFrom(values map[string]string) tenants.FollowUpAnswers {
	out := tenants.FollowUpAnswers{}
	for _, inst := range tenants.Instruments {
		lo, _ := inst.Scale()
		answers := make([]int, inst.Items())
		begun := false
		for n := range answers {
			v := values[itemField(inst, n+1)]
			if v != "" {
				begun = true
			}
			a, err := strconv.Atoi(v)
			if err != nil {
				a = lo - 1
			}
			answers[n] = a
		}
		if begun {
			out[inst] = answers
		}
	}
	return out
}
