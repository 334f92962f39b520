package tenants

import (
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// PeerStatus is where a peer supporter is in their time with an
// organisation.
type PeerStatus string

const (
	// PeerRecruited: chosen, waiting for the base course.
	PeerRecruited PeerStatus = "recruited"
	// PeerInTraining: taking the base course.
	PeerInTraining PeerStatus = "in_training"
	// PeerActive: trained and available for matches; supervision is due
	// every SupervisionIntervalWeeks.
	PeerActive PeerStatus = "active"
	// PeerPaused: temporarily not taking matches (leave, own health, …).
	PeerPaused PeerStatus = "paused"
	// PeerLeft: no longer a peer supporter with the organisation. Final.
	PeerLeft PeerStatus = "left"
)

// PeerStatuses lists every status in lifecycle order.
var PeerStatuses = []PeerStatus{PeerRecruited, PeerInTraining, PeerActive, PeerPaused, PeerLeft}

// peerTransitions are the moves the lifecycle allows: forward through
// training to active, pausing and resuming, and leaving from anywhere.
// Leaving is final: a person who comes back is registered anew.
var peerTransitions = map[PeerStatus][]PeerStatus{
	PeerRecruited:  {PeerInTraining, PeerLeft},
	PeerInTraining: {PeerActive, PeerLeft},
	PeerActive:     {PeerPaused, PeerLeft},
	PeerPaused:     {PeerActive, PeerLeft},
}

// Next returns the statuses a peer may move to from s, in lifecycle order;
// none for a peer who has left.
func (s PeerStatus) Next() []PeerStatus { return slices.Clone(peerTransitions[s]) }

// CanBecome reports whether the lifecycle allows the move from s to to.
func (s PeerStatus) CanBecome(to PeerStatus) bool { return slices.Contains(peerTransitions[s], to) }

// initialPeerStatuses are the statuses a peer can be registered with: new
// recruits start as recruited, but an organisation that starts using
// Kamrat registers the peers it already has as they are.
var initialPeerStatuses = []PeerStatus{PeerRecruited, PeerInTraining, PeerActive}

// Gender is a peer's gender, recorded only so that participants who ask
// for a peer of a certain gender can be matched.
type Gender string

const (
	GenderWoman       Gender = "woman"
	GenderMan         Gender = "man"
	GenderNonBinary   Gender = "non_binary"
	GenderUnspecified Gender = "unspecified"
)

// Genders lists every value, in the order forms show them.
var Genders = []Gender{GenderWoman, GenderMan, GenderNonBinary, GenderUnspecified}

// AgeBand is a peer's age group, for matching participants who ask for a
// peer near their own age. The empty AgeBand means not given.
type AgeBand string

const (
	Age18to29 AgeBand = "18-29"
	Age30to44 AgeBand = "30-44"
	Age45to64 AgeBand = "45-64"
	Age65Plus AgeBand = "65+"
)

// AgeBands lists every band, youngest first.
var AgeBands = []AgeBand{Age18to29, Age30to44, Age45to64, Age65Plus}

// ExperienceArea is an area of lived experience a peer brings to their
// work and can be matched on.
type ExperienceArea string

const (
	ExperienceHIV               ExperienceArea = "hiv"
	ExperiencePsychosis         ExperienceArea = "psychosis"
	ExperienceDepressionAnxiety ExperienceArea = "depression_anxiety"
	ExperienceBipolar           ExperienceArea = "bipolar"
	ExperienceAddiction         ExperienceArea = "addiction"
	ExperienceEatingDisorder    ExperienceArea = "eating_disorder"
	ExperienceSelfHarm          ExperienceArea = "self_harm"
	ExperienceTrauma            ExperienceArea = "trauma"
	ExperienceNeuropsychiatric  ExperienceArea = "neuropsychiatric"
	ExperienceOther             ExperienceArea = "other"
)

// ExperienceAreas lists every area, in the order forms show them.
var ExperienceAreas = []ExperienceArea{
	ExperienceHIV, ExperiencePsychosis, ExperienceDepressionAnxiety, ExperienceBipolar, ExperienceAddiction,
	ExperienceEatingDisorder, ExperienceSelfHarm, ExperienceTrauma, ExperienceNeuropsychiatric, ExperienceOther,
}

// PeerLanguages are the languages a peer can be recorded as speaking, for
// matching: Swedish and English, Sweden's national minority languages and
// Swedish Sign Language, and the languages most spoken by people who have
// come to Sweden, among them those of the communities HIV affects most.
// Codes are ISO 639-1 where one exists and ISO 639-3 otherwise (prs Dari,
// fit Meänkieli, rom Romani, swl Swedish Sign Language).
var PeerLanguages = []string{
	"sv", "en", "fi", "fit", "se", "rom", "yi", "swl",
	"ar", "so", "ti", "am", "fa", "prs", "ps", "ku", "tr",
	"bs", "hr", "sr", "sq", "pl", "ru", "uk", "ro",
	"es", "pt", "fr", "de", "th", "zh", "vi", "sw",
}

// MaxPeerCapacity caps how many participants one peer can be matched with
// at the same time.
const MaxPeerCapacity = 20

// Peer is a peer supporter of a partner organisation. Phone and Email are
// sealed at rest: PeerStore seals them on the way in and opens them only
// where a single peer is read.
type Peer struct {
	bun.BaseModel `bun:"table:peers"`

	ID             int64  `bun:"id,pk,autoincrement"`
	TenantID       int64  `bun:"tenant_id,notnull"`
	OrganisationID int64  `bun:"organisation_id,notnull"`
	DisplayName    string `bun:"display_name,notnull"`
	Phone          string `bun:"-"`
	Email          string `bun:"-"`
	// ContactEnc is Phone and Email as the database holds them: sealed.
	ContactEnc string           `bun:"contact_enc,notnull" json:"-"`
	Languages  []string         `bun:"languages,notnull"`
	Experience []ExperienceArea `bun:"experience,notnull"`
	Gender     Gender           `bun:"gender,notnull"`
	AgeBand    AgeBand          `bun:"age_band,notnull"`
	// Capacity is how many participants the peer can support at once.
	Capacity        int        `bun:"capacity,notnull"`
	Status          PeerStatus `bun:"status,notnull"`
	StatusChangedAt time.Time  `bun:"status_changed_at,notnull"`
	// UserID is the peer's own account, if linked (PeerStore.SetUser).
	UserID    *int64    `bun:"user_id"`
	CreatedAt time.Time `bun:"created_at,notnull"`
	UpdatedAt time.Time `bun:"updated_at,notnull"`
}

// Validate normalises the peer's descriptive fields (trimmed text, a
// lower-case e-mail address, languages and areas as sets in list order, no
// gender as "unspecified") and reports every problem as a
// *ValidationError, or nil. Status and account are not its business.
func (p *Peer) Validate() error {
	var v ValidationError
	p.DisplayName = strings.TrimSpace(p.DisplayName)
	checkText(&v, "display_name", p.DisplayName, true, 100)
	if p.Phone = strings.TrimSpace(p.Phone); p.Phone != "" && !validPhone(p.Phone) {
		v.add("phone", "validation.phone", nil)
	}
	if p.Email = strings.TrimSpace(p.Email); p.Email != "" {
		var ok bool
		if p.Email, ok = NormalizeEmail(p.Email); !ok {
			v.add("email", "validation.email", nil)
		}
	}
	var ok bool
	switch p.Languages, ok = normalizeSet(p.Languages, PeerLanguages); {
	case !ok:
		v.add("languages", "validation.peer_language", nil)
	case len(p.Languages) == 0:
		v.add("languages", "validation.required", nil)
	}
	switch p.Experience, ok = normalizeSet(p.Experience, ExperienceAreas); {
	case !ok:
		v.add("experience", "validation.choice", nil)
	case len(p.Experience) == 0:
		v.add("experience", "validation.required", nil)
	}
	if p.Gender == "" {
		p.Gender = GenderUnspecified
	}
	if !slices.Contains(Genders, p.Gender) {
		v.add("gender", "validation.choice", nil)
	}
	if p.AgeBand != "" && !slices.Contains(AgeBands, p.AgeBand) {
		v.add("age_band", "validation.choice", nil)
	}
	if p.Capacity < 0 || p.Capacity > MaxPeerCapacity {
		v.add("capacity", "validation.range", map[string]any{"Min": 0, "Max": MaxPeerCapacity})
	}
	return v.err()
}

// normalizeSet returns the values as a set in the order of all (never nil,
// so it is stored as []), and false if any is not in all.
func normalizeSet[T comparable](values, all []T) ([]T, bool) {
	for _, x := range values {
		if !slices.Contains(all, x) {
			return values, false
		}
	}
	out := []T{}
	for _, x := range all {
		if slices.Contains(values, x) {
			out = append(out, x)
		}
	}
	return out, true
}

// PeerStatusEvent is one entry in a peer's status history.
type PeerStatusEvent struct {
	bun.BaseModel `bun:"table:peer_status_events"`

	ID       int64 `bun:"id,pk,autoincrement"`
	TenantID int64 `bun:"tenant_id,notnull"`
	PeerID   int64 `bun:"peer_id,notnull"`
	// UserID is who made the change; nil for the system.
	UserID *int64    `bun:"user_id"`
	At     time.Time `bun:"at,notnull"`
	// From is empty for the registration.
	From   PeerStatus `bun:"from_status,nullzero"`
	To     PeerStatus `bun:"to_status,notnull"`
	Reason string     `bun:"reason,notnull"`
}

// MaxStatusReasonLength caps the reason given for a status change. It is
// a short note for colleagues ("parental leave until March"), not a place
// for health details.
const MaxStatusReasonLength = 500
