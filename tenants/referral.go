package tenants

import (
	"slices"
	"time"

	"github.com/uptrace/bun"
)

// ReferralStatus is where a referral is between the unit and the
// organisation.
type ReferralStatus string

const (
	// ReferralReceived: sent by the unit, not yet answered.
	ReferralReceived ReferralStatus = "received"
	// ReferralAccepted: the organisation takes it on and will make contact.
	ReferralAccepted ReferralStatus = "accepted"
	// ReferralDeclined: the organisation cannot take it on, with a reason
	// for the unit. Final: the unit may refer elsewhere.
	ReferralDeclined ReferralStatus = "declined"
	// ReferralContacted: the organisation has reached the participant.
	ReferralContacted ReferralStatus = "contacted"
	// ReferralClosed: ended, with a reason; may be reopened with a note.
	ReferralClosed ReferralStatus = "closed"
)

// ReferralStatuses lists every status in lifecycle order.
var ReferralStatuses = []ReferralStatus{ReferralReceived, ReferralAccepted, ReferralDeclined, ReferralContacted, ReferralMatched, ReferralClosed}

// Open reports whether the referral is still running.
func (s ReferralStatus) Open() bool { return !slices.Contains(closedStatuses, s) }

// closedStatuses are the statuses in which a referral is no longer open.
var closedStatuses = []ReferralStatus{ReferralDeclined, ReferralClosed}

// DeclineReason is why an organisation declines a referral; the unit sees
// it. A fixed list, so that no health details travel back as free text.
type DeclineReason string

const (
	DeclineNoCapacity     DeclineReason = "no_capacity"
	DeclineOutsideArea    DeclineReason = "outside_area"
	DeclineNoMatchingPeer DeclineReason = "no_matching_peer"
	DeclineOutsideMandate DeclineReason = "outside_mandate"
	DeclineOther          DeclineReason = "other"
)

// DeclineReasons lists every reason, in the order forms show them.
var DeclineReasons = []DeclineReason{DeclineNoCapacity, DeclineOutsideArea, DeclineNoMatchingPeer, DeclineOutsideMandate, DeclineOther}

// ClosureReason is why a referral ended.
type ClosureReason string

const (
	ClosureGoalsMet           ClosureReason = "goals_met"
	ClosureEndedByParticipant ClosureReason = "ended_by_participant"
	ClosureNoContact          ClosureReason = "no_contact"
	ClosureMoved              ClosureReason = "moved"
	ClosureOther              ClosureReason = "other"
	// ClosureConsentWithdrawn is set by a consent withdrawal only; such a
	// referral cannot be reopened.
	ClosureConsentWithdrawn ClosureReason = "consent_withdrawn"
)

// ClosureReasons lists the reasons a person can choose when closing.
var ClosureReasons = []ClosureReason{ClosureGoalsMet, ClosureEndedByParticipant, ClosureNoContact, ClosureMoved, ClosureOther}

// MaxReopenNoteLength caps the note given when reopening: a remark for
// colleagues, not a place for health details.
const MaxReopenNoteLength = 500

// Referral is a participant referred by a unit to a partner organisation.
type Referral struct {
	bun.BaseModel `bun:"table:referrals"`

	ID              int64          `bun:"id,pk,autoincrement"`
	TenantID        int64          `bun:"tenant_id,notnull"`
	ParticipantID   int64          `bun:"participant_id,notnull"`
	UnitID          int64          `bun:"unit_id,notnull"`
	OrganisationID  int64          `bun:"organisation_id,notnull"`
	Status          ReferralStatus `bun:"status,notnull"`
	StatusChangedAt time.Time      `bun:"status_changed_at,notnull"`
	DeclineReason   DeclineReason  `bun:"decline_reason,notnull"`
	CloseReason     ClosureReason  `bun:"close_reason,notnull"`
	FirstContactOn  Date           `bun:"first_contact_on,nullzero"`
	ReferredBy      *int64         `bun:"referred_by"`
	CreatedAt       time.Time      `bun:"created_at,notnull"`
}

// ReferralEvent is one entry in a referral's status history.
type ReferralEvent struct {
	bun.BaseModel `bun:"table:referral_events"`

	ID         int64 `bun:"id,pk,autoincrement"`
	TenantID   int64 `bun:"tenant_id,notnull"`
	ReferralID int64 `bun:"referral_id,notnull"`
	// UserID is who made the change; nil for the system.
	UserID *int64    `bun:"user_id"`
	At     time.Time `bun:"at,notnull"`
	// From is empty for the referral itself.
	From   ReferralStatus `bun:"from_status,nullzero"`
	To     ReferralStatus `bun:"to_status,notnull"`
	Reason string         `bun:"reason,notnull"`
	Note   string         `bun:"note,notnull"`
}

// ContactAttempt is one attempt by the organisation to reach a
// participant.
type ContactAttempt struct {
	bun.BaseModel `bun:"table:referral_contact_attempts"`

	ID             int64         `bun:"id,pk,autoincrement"`
	TenantID       int64         `bun:"tenant_id,notnull"`
	ReferralID     int64         `bun:"referral_id,notnull"`
	OrganisationID int64         `bun:"organisation_id,notnull"`
	AttemptedOn    Date          `bun:"attempted_on,notnull"`
	Method         ContactMethod `bun:"method,notnull"`
	Reached        bool          `bun:"reached,notnull"`
	UserID         *int64        `bun:"user_id"`
	CreatedAt      time.Time     `bun:"created_at,notnull"`
}

func (a *ContactAttempt) validate(referredOn, today Date) error {
	var v ValidationError
	switch {
	case a.AttemptedOn.IsZero():
		v.add("attempted_on", "validation.required", nil)
	case a.AttemptedOn.After(today):
		v.add("attempted_on", "validation.not_future", nil)
	case a.AttemptedOn.Before(referredOn):
		v.add("attempted_on", "validation.before_referral", nil)
	}
	if !slices.Contains(ContactMethods, a.Method) {
		v.add("method", "validation.choice", nil)
	}
	return v.err()
}

// ClinicReferral is what the referring unit sees of a referral: the
// participant's code, the status, the organisation and the dates — never
// contact data, and nothing the organisation records beyond the status and
// a decline's reason. It has no field that could carry more.
type ClinicReferral struct {
	ID int64 `json:"id"`
	// ParticipantID is what the unit's consent withdrawal takes: an
	// internal number that names no one. It is left out of this view's
	// JSON; the API names it where it offers the withdrawal.
	ParticipantID    int64          `json:"-"`
	Code             string         `json:"code"`
	Status           ReferralStatus `json:"status"`
	OrganisationName string         `json:"organisation_name"`
	ReferredOn       Date           `json:"referred_on"`
	StatusChangedOn  Date           `json:"status_changed_on"`
	// DeclineReason is set for a declined referral.
	DeclineReason DeclineReason `json:"decline_reason,omitempty"`
}

// OrganisationReferral is what the organisation sees of one of its
// referrals: the referral, the participant's code, target group, language
// and preferences, what the consent covers, and — only while the consent
// holds and shares it — the contact data.
type OrganisationReferral struct {
	Referral
	Code            string
	UnitName        string
	TargetGroup     TargetGroup
	Language        string
	Preferences     MatchPreferences
	ConsentActive   bool
	ConsentFollowUp bool
	// Contact is nil in lists, and whenever the consent does not share it
	// or has expired or been withdrawn.
	Contact *ParticipantContact
}
