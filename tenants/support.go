package tenants

import (
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// ReferralMatched: a peer supporter supports the participant. The status
// the referring unit sees last before closure.
const ReferralMatched ReferralStatus = "matched"

// MatchEndReason is why a match ended.
type MatchEndReason string

const (
	// MatchRematched: the coordinator gave the participant another peer.
	MatchRematched MatchEndReason = "rematched"
	// MatchClosed: the referral was closed.
	MatchClosed MatchEndReason = "closed"
	// MatchConsentWithdrawn: the participant withdrew their consent.
	MatchConsentWithdrawn MatchEndReason = "consent_withdrawn"
)

// Match is a peer supporter's support of a referred participant.
type Match struct {
	bun.BaseModel `bun:"table:matches,alias:m"`

	ID             int64          `bun:"id,pk,autoincrement"`
	TenantID       int64          `bun:"tenant_id,notnull"`
	ReferralID     int64          `bun:"referral_id,notnull"`
	OrganisationID int64          `bun:"organisation_id,notnull"`
	PeerID         int64          `bun:"peer_id,notnull"`
	StartedOn      Date           `bun:"started_on,notnull"`
	MatchedBy      *int64         `bun:"matched_by"`
	CreatedAt      time.Time      `bun:"created_at,notnull"`
	EndedAt        *time.Time     `bun:"ended_at"`
	EndReason      MatchEndReason `bun:"end_reason,notnull"`
}

// Running reports whether the match has not ended.
func (m Match) Running() bool { return m.EndedAt == nil }

// MeetingFormat is how a meeting was held.
type MeetingFormat string

const (
	MeetingInPerson MeetingFormat = "in_person"
	MeetingPhone    MeetingFormat = "phone"
	MeetingVideo    MeetingFormat = "video"
	MeetingGroup    MeetingFormat = "group"
)

// MeetingFormats lists every format, in the order forms show them.
var MeetingFormats = []MeetingFormat{MeetingInPerson, MeetingPhone, MeetingVideo, MeetingGroup}

// MeetingTopic is what a meeting was about, from a fixed list of everyday
// themes: nothing in it is a diagnosis, a symptom or a treatment.
type MeetingTopic string

const (
	TopicEverydayLife  MeetingTopic = "everyday_life"
	TopicOpenness      MeetingTopic = "openness"
	TopicRelationships MeetingTopic = "relationships"
	TopicWorkStudies   MeetingTopic = "work_studies"
	TopicCareContacts  MeetingTopic = "care_contacts"
	TopicStigma        MeetingTopic = "stigma"
	TopicRecovery      MeetingTopic = "recovery"
	TopicRights        MeetingTopic = "rights"
	TopicCommunity     MeetingTopic = "community"
	TopicOther         MeetingTopic = "other"
)

// MeetingTopics lists every topic, in the order forms show them.
var MeetingTopics = []MeetingTopic{
	TopicEverydayLife, TopicOpenness, TopicRelationships, TopicWorkStudies, TopicCareContacts,
	TopicStigma, TopicRecovery, TopicRights, TopicCommunity, TopicOther,
}

// Limits of a meeting.
const (
	MinMeetingMinutes    = 5
	MaxMeetingMinutes    = 480
	MaxMeetingNoteLength = 1000
)

// Meeting is one meeting of a match, as its peer logged it. Note is
// unsealed from NoteEnc for the peer of the match only.
type Meeting struct {
	bun.BaseModel `bun:"table:meetings"`

	ID              int64          `bun:"id,pk,autoincrement"`
	TenantID        int64          `bun:"tenant_id,notnull"`
	MatchID         int64          `bun:"match_id,notnull"`
	HeldOn          Date           `bun:"held_on,notnull"`
	Format          MeetingFormat  `bun:"format,notnull"`
	DurationMinutes int            `bun:"duration_minutes,notnull"`
	Topics          []MeetingTopic `bun:"topics,notnull"`
	NoteEnc         *string        `bun:"note_enc"`
	LoggedBy        *int64         `bun:"logged_by"`
	CreatedAt       time.Time      `bun:"created_at,notnull"`
	Note            string         `bun:"-"`
}

// validate normalises the meeting and reports every problem: held on a
// day from the match's start to today, a known format, a duration within
// limits, at least one known topic, and a note only where the region
// allows notes.
func (m *Meeting) validate(startedOn, today Date, notesAllowed bool) error {
	var v ValidationError
	switch {
	case m.HeldOn.IsZero():
		v.add("held_on", "validation.required", nil)
	case m.HeldOn.After(today):
		v.add("held_on", "validation.not_future", nil)
	case m.HeldOn.Before(startedOn):
		v.add("held_on", "validation.before_match", nil)
	}
	if !slices.Contains(MeetingFormats, m.Format) {
		v.add("format", "validation.choice", nil)
	}
	if m.DurationMinutes < MinMeetingMinutes || m.DurationMinutes > MaxMeetingMinutes {
		v.add("duration_minutes", "validation.range", map[string]any{"Min": MinMeetingMinutes, "Max": MaxMeetingMinutes})
	}
	var ok bool
	if m.Topics, ok = normalizeSet(m.Topics, MeetingTopics); !ok {
		v.add("topics", "validation.choice", nil)
	} else if len(m.Topics) == 0 {
		v.add("topics", "validation.required", nil)
	}
	m.Note = strings.TrimSpace(m.Note)
	switch {
	case m.Note != "" && !notesAllowed:
		v.add("note", "validation.notes_off", nil)
	case m.Note != "":
		checkLongText(&v, "note", m.Note, false, MaxMeetingNoteLength)
	}
	return v.err()
}

// FollowUpStatus is where a planned follow-up stands.
type FollowUpStatus string

const (
	FollowUpDue       FollowUpStatus = "due"
	FollowUpCompleted FollowUpStatus = "completed"
	// FollowUpDeclined: the participant chose not to answer this time.
	FollowUpDeclined FollowUpStatus = "declined"
	// FollowUpCancelled: the support ended before it was done.
	FollowUpCancelled FollowUpStatus = "cancelled"
)

// FollowUp is one planned follow-up of a referral's participant.
type FollowUp struct {
	bun.BaseModel `bun:"table:follow_ups"`

	ID         int64          `bun:"id,pk,autoincrement"`
	TenantID   int64          `bun:"tenant_id,notnull"`
	ReferralID int64          `bun:"referral_id,notnull"`
	Month      int            `bun:"month,notnull"`
	DueOn      Date           `bun:"due_on,notnull"`
	Status     FollowUpStatus `bun:"status,notnull"`
	DoneOn     Date           `bun:"done_on,nullzero"`
	RecordedBy *int64         `bun:"recorded_by"`
	RecordedAt *time.Time     `bun:"recorded_at"`
	// Scores are the questionnaires' results of a completed follow-up.
	Scores []FollowUpScore `bun:"-"`
}

// FollowUpScore is the answers to one questionnaire of a follow-up and
// their score.
type FollowUpScore struct {
	bun.BaseModel `bun:"table:follow_up_scores"`

	TenantID   int64      `bun:"tenant_id,notnull"`
	FollowUpID int64      `bun:"follow_up_id,notnull"`
	Instrument Instrument `bun:"instrument,notnull"`
	Answers    []int      `bun:"answers,notnull"`
	Raw        int        `bun:"raw,notnull"`
	Total      float64    `bun:"total,notnull"`
}

// Score rescores the stored answers (for domain scores, which are not
// stored).
func (s FollowUpScore) Score() (InstrumentScore, error) { return s.Instrument.Score(s.Answers) }

// plannedFollowUps returns the follow-ups of the schedule for support that
// started on the given day.
func plannedFollowUps(tenantID, referralID int64, started Date, months []int) []FollowUp {
	out := make([]FollowUp, len(months))
	for i, m := range months {
		out[i] = FollowUp{TenantID: tenantID, ReferralID: referralID, Month: m, DueOn: started.AddMonths(m), Status: FollowUpDue}
	}
	return out
}
