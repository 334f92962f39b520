package tenants

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
)

// Tenant is a region: the unit of isolation. Everything a region owns
// carries its id.
type Tenant struct {
	bun.BaseModel `bun:"table:tenants"`

	ID         int64          `bun:"id,pk,autoincrement"`
	Slug       string         `bun:"slug,notnull"`
	Name       string         `bun:"name,notnull"`
	CountyCode string         `bun:"county_code,notnull"`
	Settings   TenantSettings `bun:"settings,notnull"`
	CreatedAt  time.Time      `bun:"created_at,notnull"`
	UpdatedAt  time.Time      `bun:"updated_at,notnull"`
}

// TenantSettings are a region's own choices. Zero values mean "use the
// default"; Effective fills them in. The region's display name is not a
// setting: it is Tenant.Name, which TenantStore.UpdateSettings changes
// together with these.
type TenantSettings struct {
	// DefaultLanguage is the language pages open in: "sv" or "en".
	DefaultLanguage string `json:"default_language,omitempty"`
	// Languages are the languages people can switch to. Swedish is always
	// one of them; the default is Swedish and English.
	Languages []string `json:"languages,omitempty"`
	// SmallCountThreshold k: counts 1…k−1 are suppressed in aggregates.
	SmallCountThreshold int `json:"small_count_threshold,omitempty"`
	// ContactDeadlineDays is the number of working days an organisation has
	// to contact a referred participant.
	ContactDeadlineDays int `json:"contact_deadline_days,omitempty"`
	// FollowUpMonths are when participants are followed up, in months after
	// the start of support: 0 is the baseline.
	FollowUpMonths []int `json:"follow_up_months,omitempty"`
	// RetentionMonths is how long a participant's data is kept after the
	// support is closed, before it is erased.
	RetentionMonths int `json:"retention_months,omitempty"`
	// SupervisionIntervalWeeks is the longest an active peer supporter may
	// go without supervision (handledning); a longer gap is overdue.
	SupervisionIntervalWeeks int `json:"supervision_interval_weeks,omitempty"`
	// MeetingNotes lets peers add a short free-text note to a meeting. Off
	// by default: a meeting is then described by its fixed topic
	// categories only, and no free-text health data is kept.
	MeetingNotes bool `json:"meeting_notes,omitempty"`
	// SkipPozQoL and SkipQPR15 turn off the second follow-up
	// questionnaire for HIV (PozQoL) and psychiatry (QPR-15) participants;
	// WHO-5 is asked of everyone. Both are used by default.
	SkipPozQoL bool `json:"skip_pozqol,omitempty"`
	SkipQPR15  bool `json:"skip_qpr15,omitempty"`
	// NationalSharing opts the region in to the national view: its
	// approved quarterly region reports, suppressed with its own k, are
	// shown to national viewers next to other regions'. Off by default.
	NationalSharing bool `json:"national_sharing,omitempty"`
}

// FollowUpInstruments returns the questionnaires a follow-up of a
// participant in the target group asks, in order: WHO-5 for everyone, then
// PozQoL for HIV and QPR-15 for psychiatry unless the region turned them
// off.
func (s TenantSettings) FollowUpInstruments(g TargetGroup) []Instrument {
	out := []Instrument{InstrumentWHO5}
	switch {
	case g == TargetHIV && !s.SkipPozQoL:
		out = append(out, InstrumentPozQoL)
	case g == TargetPsychiatry && !s.SkipQPR15:
		out = append(out, InstrumentQPR15)
	}
	return out
}

// Defaults and limits for TenantSettings.
const (
	DefaultSmallCountThreshold = 5
	MinSmallCountThreshold     = 3
	MaxSmallCountThreshold     = 100
	DefaultContactDeadlineDays = 5
	MaxContactDeadlineDays     = 60
	DefaultRetentionMonths     = 24
	MaxRetentionMonths         = 120
	MaxFollowUpMonth           = 60
	MaxFollowUps               = 12
	// DefaultSupervisionIntervalWeeks: NSPH's model gives peers continuous
	// experience-based supervision; user organisations hold it at least
	// monthly, which four weeks keeps on the safe side.
	DefaultSupervisionIntervalWeeks = 4
	MaxSupervisionIntervalWeeks     = 26
)

// Languages Kamrat speaks.
var supportedLanguages = []string{"sv", "en"}

// Effective returns the settings with defaults filled in. Its slices are
// the caller's to change.
func (s TenantSettings) Effective() TenantSettings {
	if s.DefaultLanguage == "" {
		s.DefaultLanguage = "sv"
	}
	if len(s.Languages) == 0 {
		s.Languages = slices.Clone(supportedLanguages)
	} else {
		s.Languages = slices.Clone(s.Languages)
	}
	if s.SmallCountThreshold == 0 {
		s.SmallCountThreshold = DefaultSmallCountThreshold
	}
	if s.ContactDeadlineDays == 0 {
		s.ContactDeadlineDays = DefaultContactDeadlineDays
	}
	if len(s.FollowUpMonths) == 0 {
		s.FollowUpMonths = []int{0, 3, 6}
	} else {
		s.FollowUpMonths = slices.Clone(s.FollowUpMonths)
	}
	if s.RetentionMonths == 0 {
		s.RetentionMonths = DefaultRetentionMonths
	}
	if s.SupervisionIntervalWeeks == 0 {
		s.SupervisionIntervalWeeks = DefaultSupervisionIntervalWeeks
	}
	return s
}

// validate adds every problem with the settings to v.
func (s TenantSettings) validate(v *ValidationError) {
	if s.DefaultLanguage != "" && !slices.Contains(supportedLanguages, s.DefaultLanguage) {
		v.add("default_language", "validation.language", nil)
	}
	if len(s.Languages) > 0 {
		ok := slices.Contains(s.Languages, "sv")
		for i, l := range s.Languages {
			if !slices.Contains(supportedLanguages, l) || slices.Contains(s.Languages[:i], l) {
				ok = false
			}
		}
		if !ok {
			v.add("languages", "validation.languages", nil)
		} else if eff := s.Effective(); !slices.Contains(eff.Languages, eff.DefaultLanguage) {
			v.add("default_language", "validation.default_language", nil)
		}
	}
	switch t := s.SmallCountThreshold; {
	case t != 0 && t < MinSmallCountThreshold:
		v.add("small_count_threshold", "validation.min", map[string]any{"Min": MinSmallCountThreshold})
	case t > MaxSmallCountThreshold:
		v.add("small_count_threshold", "validation.range", map[string]any{"Min": MinSmallCountThreshold, "Max": MaxSmallCountThreshold})
	}
	if s.ContactDeadlineDays < 0 || s.ContactDeadlineDays > MaxContactDeadlineDays {
		v.add("contact_deadline_days", "validation.range", map[string]any{"Min": 1, "Max": MaxContactDeadlineDays})
	}
	if len(s.FollowUpMonths) > 0 {
		ok := s.FollowUpMonths[0] == 0 && len(s.FollowUpMonths) <= MaxFollowUps
		for i, m := range s.FollowUpMonths {
			if m > MaxFollowUpMonth || (i > 0 && m <= s.FollowUpMonths[i-1]) {
				ok = false
			}
		}
		if !ok {
			v.add("follow_up_months", "validation.follow_up_months", map[string]any{"Max": MaxFollowUpMonth, "Count": MaxFollowUps})
		}
	}
	if s.RetentionMonths < 0 || s.RetentionMonths > MaxRetentionMonths {
		v.add("retention_months", "validation.range", map[string]any{"Min": 1, "Max": MaxRetentionMonths})
	}
	if s.SupervisionIntervalWeeks < 0 || s.SupervisionIntervalWeeks > MaxSupervisionIntervalWeeks {
		v.add("supervision_interval_weeks", "validation.range", map[string]any{"Min": 1, "Max": MaxSupervisionIntervalWeeks})
	}
}

var slugRE = regexp.MustCompile(`^[a-z][a-z0-9-]{1,38}[a-z0-9]$`)

// Validate reports every problem with the tenant's fields as a
// *ValidationError, or nil.
func (t *Tenant) Validate() error {
	var v ValidationError
	switch {
	case t.Slug == "":
		v.add("slug", "validation.required", nil)
	case !slugRE.MatchString(t.Slug):
		v.add("slug", "validation.slug", nil)
	}
	name := strings.TrimSpace(t.Name)
	switch {
	case name == "":
		v.add("name", "validation.required", nil)
	case utf8.RuneCountInString(name) > 200:
		v.add("name", "validation.too_long", map[string]any{"Max": 200})
	}
	if _, ok := Counties[t.CountyCode]; !ok {
		v.add("county", "validation.county", nil)
	}
	t.Settings.validate(&v)
	return v.err()
}
