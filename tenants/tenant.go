package tenants

import (
	"regexp"
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
// default"; Effective fills them in.
type TenantSettings struct {
	// DefaultLanguage is the language pages open in: "sv" or "en".
	DefaultLanguage string `json:"default_language,omitempty"`
	// SmallCountThreshold k: counts 1…k−1 are suppressed in aggregates.
	SmallCountThreshold int `json:"small_count_threshold,omitempty"`
	// ContactDeadlineDays is the number of working days an organisation has
	// to contact a referred participant.
	ContactDeadlineDays int `json:"contact_deadline_days,omitempty"`
}

// Defaults for TenantSettings.
const (
	DefaultSmallCountThreshold = 5
	MinSmallCountThreshold     = 3
	DefaultContactDeadlineDays = 5
)

// Effective returns the settings with defaults filled in.
func (s TenantSettings) Effective() TenantSettings {
	if s.DefaultLanguage == "" {
		s.DefaultLanguage = "sv"
	}
	if s.SmallCountThreshold == 0 {
		s.SmallCountThreshold = DefaultSmallCountThreshold
	}
	if s.ContactDeadlineDays == 0 {
		s.ContactDeadlineDays = DefaultContactDeadlineDays
	}
	return s
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
	s := t.Settings
	if s.DefaultLanguage != "" && s.DefaultLanguage != "sv" && s.DefaultLanguage != "en" {
		v.add("default_language", "validation.language", nil)
	}
	if s.SmallCountThreshold != 0 && s.SmallCountThreshold < MinSmallCountThreshold {
		v.add("small_count_threshold", "validation.min", map[string]any{"Min": MinSmallCountThreshold})
	}
	if s.ContactDeadlineDays < 0 || s.ContactDeadlineDays > 60 {
		v.add("contact_deadline_days", "validation.range", map[string]any{"Min": 1, "Max": 60})
	}
	return v.err()
}
