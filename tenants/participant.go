package tenants

import (
	"crypto/rand"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// ContactMethod is how a participant wants to be reached.
type ContactMethod string

const (
	ContactPhone  ContactMethod = "phone"
	ContactEmail  ContactMethod = "email"
	ContactSMS    ContactMethod = "sms"
	ContactLetter ContactMethod = "letter"
)

// ContactMethods lists every method, in the order forms show them.
var ContactMethods = []ContactMethod{ContactPhone, ContactSMS, ContactEmail, ContactLetter}

// MaxPostalAddressLength caps a postal address for letters.
const MaxPostalAddressLength = 300

// ParticipantContact is what an organisation may use to reach a
// participant: a first name or alias, a method and the details (a number,
// an e-mail address or a postal address). It is sealed at rest and erased
// when consent is withdrawn.
type ParticipantContact struct {
	Alias   string        `json:"alias"`
	Method  ContactMethod `json:"method"`
	Details string        `json:"details"`
}

// MatchPreferences are what the participant wishes for in a peer; all
// optional.
type MatchPreferences struct {
	Gender     Gender
	AgeBand    AgeBand
	Languages  []string
	Experience []ExperienceArea
}

// ConsentScopes are what a participant agrees to, and until when.
type ConsentScopes struct {
	// ShareContact: the organisation the participant is referred to may
	// have their first name or alias and contact details.
	ShareContact bool
	// FollowUp: the participant may be asked follow-up questionnaires.
	FollowUp bool
	// Research: their answers may be used, pseudonymised, in research.
	Research bool
	// ExpiresOn is the last day the consent holds.
	ExpiresOn Date
}

// MaxConsentYears caps how far ahead a consent may run.
const MaxConsentYears = 3

// NewParticipant is what a unit records about a patient who accepted peer
// support and consented. There is no field for a personnummer, by design.
type NewParticipant struct {
	TargetGroup TargetGroup
	// Contact is required when the consent shares contact data and must
	// be empty otherwise: nothing is kept that may not be used.
	Contact     ParticipantContact
	Language    string
	Preferences MatchPreferences
	Consent     ConsentScopes
}

// validate normalises the input and reports every problem.
func (n *NewParticipant) validate(today Date) error {
	var v ValidationError
	if !slices.Contains(TargetGroups, n.TargetGroup) {
		v.add("target_group", "validation.choice", nil)
	}
	c := &n.Contact
	c.Alias, c.Details = strings.TrimSpace(c.Alias), strings.TrimSpace(c.Details)
	if !n.Consent.ShareContact {
		if c.Alias != "" || c.Method != "" || c.Details != "" {
			v.add("contact", "validation.contact_without_consent", nil)
		}
	} else {
		checkText(&v, "alias", c.Alias, true, 100)
		switch c.Method {
		case ContactPhone, ContactSMS:
			if c.Details == "" {
				v.add("contact_details", "validation.required", nil)
			} else if !validPhone(c.Details) {
				v.add("contact_details", "validation.phone", nil)
			}
		case ContactEmail:
			if c.Details == "" {
				v.add("contact_details", "validation.required", nil)
			} else if e, ok := NormalizeEmail(c.Details); ok {
				c.Details = e
			} else {
				v.add("contact_details", "validation.email", nil)
			}
		case ContactLetter:
			checkLongText(&v, "contact_details", c.Details, true, MaxPostalAddressLength)
		default:
			v.add("contact_method", "validation.choice", nil)
		}
	}
	if !slices.Contains(PeerLanguages, n.Language) {
		v.add("language", "validation.peer_language", nil)
	}
	p := &n.Preferences
	if p.Gender != "" && !slices.Contains(Genders, p.Gender) {
		v.add("pref_gender", "validation.choice", nil)
	}
	if p.AgeBand != "" && !slices.Contains(AgeBands, p.AgeBand) {
		v.add("pref_age_band", "validation.choice", nil)
	}
	var ok bool
	if p.Languages, ok = normalizeSet(p.Languages, PeerLanguages); !ok {
		v.add("pref_languages", "validation.peer_language", nil)
	}
	if p.Experience, ok = normalizeSet(p.Experience, ExperienceAreas); !ok {
		v.add("pref_experience", "validation.choice", nil)
	}
	switch e := n.Consent.ExpiresOn; {
	case e.IsZero():
		v.add("consent_expires_on", "validation.required", nil)
	case !e.After(today):
		v.add("consent_expires_on", "validation.consent_expiry", map[string]any{"Years": MaxConsentYears})
	case e.After(today.AddMonths(12 * MaxConsentYears)):
		v.add("consent_expires_on", "validation.consent_expiry", map[string]any{"Years": MaxConsentYears})
	}
	return v.err()
}

// Participant is a person who accepted peer support and consented, known
// to everyone but the referring unit's staff by Code only.
type Participant struct {
	bun.BaseModel `bun:"table:participants"`

	ID       int64 `bun:"id,pk,autoincrement"`
	TenantID int64 `bun:"tenant_id,notnull"`
	// Code is the participant's pseudonym: random, unique in the region.
	Code        string      `bun:"code,notnull"`
	UnitID      int64       `bun:"unit_id,notnull"`
	TargetGroup TargetGroup `bun:"target_group,notnull"`
	// ContactMethod is kept in the clear (it names no one) so that lists
	// can show it; the alias and details are sealed in ContactEnc, which
	// is nil once consent is withdrawn.
	ContactMethod  ContactMethod    `bun:"contact_method,notnull"`
	ContactEnc     *string          `bun:"contact_enc" json:"-"`
	Language       string           `bun:"language,notnull"`
	PrefGender     Gender           `bun:"pref_gender,notnull"`
	PrefAgeBand    AgeBand          `bun:"pref_age_band,notnull"`
	PrefLanguages  []string         `bun:"pref_languages,notnull"`
	PrefExperience []ExperienceArea `bun:"pref_experience,notnull"`

	ConsentShareContact bool      `bun:"consent_share_contact,notnull"`
	ConsentFollowUp     bool      `bun:"consent_follow_up,notnull"`
	ConsentResearch     bool      `bun:"consent_research,notnull"`
	ConsentRecordedBy   *int64    `bun:"consent_recorded_by"`
	ConsentRecordedAt   time.Time `bun:"consent_recorded_at,notnull"`
	ConsentExpiresOn    Date      `bun:"consent_expires_on,notnull"`

	WithdrawnAt *time.Time `bun:"withdrawn_at"`
	WithdrawnBy *int64     `bun:"withdrawn_by"`
	CreatedAt   time.Time  `bun:"created_at,notnull"`
}

// ConsentActive reports whether the consent holds on the given day: not
// withdrawn and not expired.
func (p Participant) ConsentActive(day Date) bool {
	return p.WithdrawnAt == nil && !p.ConsentExpiresOn.Before(day)
}

// ContactShareable reports whether the participant's organisation may see
// the contact data on the given day.
func (p Participant) ContactShareable(day Date) bool {
	return p.ConsentActive(day) && p.ConsentShareContact && p.ContactEnc != nil
}

// Preferences returns the matching preferences.
func (p Participant) Preferences() MatchPreferences {
	return MatchPreferences{Gender: p.PrefGender, AgeBand: p.PrefAgeBand, Languages: p.PrefLanguages, Experience: p.PrefExperience}
}

// ParticipantEventKind names what happened to a participant's record.
type ParticipantEventKind string

const (
	ParticipantRegistered       ParticipantEventKind = "registered"
	ParticipantConsentWithdrawn ParticipantEventKind = "consent_withdrawn"
)

// Side is who acted on a participant's behalf: the referring unit or the
// organisation.
type Side string

const (
	SideUnit         Side = "unit"
	SideOrganisation Side = "organisation"
)

// ParticipantEvent is one entry in a participant's history.
type ParticipantEvent struct {
	bun.BaseModel `bun:"table:participant_events"`

	ID            int64                `bun:"id,pk,autoincrement"`
	TenantID      int64                `bun:"tenant_id,notnull"`
	ParticipantID int64                `bun:"participant_id,notnull"`
	UserID        *int64               `bun:"user_id"`
	At            time.Time            `bun:"at,notnull"`
	Kind          ParticipantEventKind `bun:"kind,notnull"`
	Side          Side                 `bun:"side,notnull"`
}

// Withdrawal is what a consent withdrawal did, for the caller's audit
// entry: whose consent (by pseudonym), when, by whom, from which side, and
// which referrals it closed.
type Withdrawal struct {
	ParticipantID     int64
	Code              string
	At                time.Time
	UserID            int64
	Side              Side
	ClosedReferralIDs []int64
}

// codeAlphabet is digits and capital letters without those people misread
// or mistype (0, 1, I, L, O, U): 30 symbols.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

// CodeLength is the length of a participant code.
const CodeLength = 10

// newParticipantCode returns a random participant code. With 30 symbols
// and 10 places it carries about 49 bits: unguessable for a person trying
// codes, and collisions in one region are negligible (and checked).
func newParticipantCode() string {
	b := make([]byte, CodeLength)
	for i := range b {
		// Drawing bytes below a multiple of the alphabet's size keeps the
		// symbols uniform.
		for {
			var x [1]byte
			if _, err := rand.Read(x[:]); err != nil {
				panic(err) // crypto/rand does not fail on supported platforms
			}
			if int(x[0]) < 256-256%len(codeAlphabet) {
				b[i] = codeAlphabet[int(x[0])%len(codeAlphabet)]
				break
			}
		}
	}
	return string(b)
}
