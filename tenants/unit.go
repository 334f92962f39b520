package tenants

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"
)

// UnitKind classifies a clinic or care unit.
type UnitKind string

const (
	UnitInfectionClinic       UnitKind = "infection_clinic"
	UnitPsychiatricOutpatient UnitKind = "psychiatric_outpatient"
	UnitPsychiatricInpatient  UnitKind = "psychiatric_inpatient"
	UnitMunicipalSocialPsych  UnitKind = "municipal_social_psychiatry"
	UnitHabilitation          UnitKind = "habilitation"
	UnitPrimaryCare           UnitKind = "primary_care"
	UnitOther                 UnitKind = "other"
)

// UnitKinds lists every kind, in the order forms show them.
var UnitKinds = []UnitKind{
	UnitInfectionClinic, UnitPsychiatricOutpatient, UnitPsychiatricInpatient,
	UnitMunicipalSocialPsych, UnitHabilitation, UnitPrimaryCare, UnitOther,
}

func (k UnitKind) valid() bool {
	for _, v := range UnitKinds {
		if k == v {
			return true
		}
	}
	return false
}

// Unit is a clinic or care unit in a region: where patients are informed and
// offered peer support, and where peers may be placed.
type Unit struct {
	bun.BaseModel `bun:"table:units"`

	ID       int64    `bun:"id,pk,autoincrement"`
	TenantID int64    `bun:"tenant_id,notnull"`
	Name     string   `bun:"name,notnull"`
	HSAID    string   `bun:"hsa_id,nullzero"`
	Kind     UnitKind `bun:"kind,notnull"`
	// Municipality is the kommun the unit is in; empty when unknown.
	Municipality string    `bun:"municipality,notnull"`
	Active       bool      `bun:"active,notnull"`
	CreatedAt    time.Time `bun:"created_at,notnull"`

	// The readiness decisions; UnitStore.SetReadiness writes them, Update
	// leaves them alone.
	BudgetDecided        bool `bun:"budget_decided,notnull"`
	BudgetDecidedOn      Date `bun:"budget_decided_on,nullzero"`
	ManagementAnchored   bool `bun:"management_anchored,notnull"`
	ManagementAnchoredOn Date `bun:"management_anchored_on,nullzero"`
}

// MaxMunicipalityLength caps a municipality name; the longest of Sweden's
// 290 is far shorter.
const MaxMunicipalityLength = 100

// Validate reports every problem with the unit's descriptive fields (name,
// HSA-id, kind, municipality) as a *ValidationError, or nil. It trims the
// text fields first.
func (u *Unit) Validate() error {
	var v ValidationError
	u.Name = strings.TrimSpace(u.Name)
	u.HSAID = strings.TrimSpace(u.HSAID)
	u.Municipality = strings.TrimSpace(u.Municipality)
	checkText(&v, "name", u.Name, true, 200)
	if u.HSAID != "" && !ValidHSAID(u.HSAID) {
		v.add("hsa_id", "validation.hsa_id", nil)
	}
	if !u.Kind.valid() {
		v.add("kind", "validation.choice", nil)
	}
	checkText(&v, "municipality", u.Municipality, false, MaxMunicipalityLength)
	return v.err()
}

// checkText checks a one-line text field: present if required, at most max
// characters, no line breaks or other control characters.
func checkText(v *ValidationError, field, s string, required bool, max int) {
	checkChars(v, field, s, required, max, unicode.IsControl, "validation.single_line")
}

// checkLongText checks a multi-line text field: like checkText, but line
// breaks and tabs are allowed.
func checkLongText(v *ValidationError, field, s string, required bool, max int) {
	checkChars(v, field, s, required, max, func(r rune) bool {
		return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t'
	}, "validation.invalid")
}

func checkChars(v *ValidationError, field, s string, required bool, max int, bad func(rune) bool, badKey string) {
	switch {
	case s == "":
		if required {
			v.add(field, "validation.required", nil)
		}
	case utf8.RuneCountInString(s) > max:
		v.add(field, "validation.too_long", map[string]any{"Max": max})
	case strings.ContainsFunc(s, bad):
		v.add(field, badKey, nil)
	}
}

// Readiness is how far a unit has come in preparing for peer supporters:
// the budget for positions is decided, staff have had introduction sessions
// and the decision is anchored with management. A peer placed at a unit
// that is not ready is warned about.
type Readiness struct {
	UnitID               int64
	BudgetDecided        bool
	BudgetDecidedOn      Date
	IntroSessions        []IntroSession
	ManagementAnchored   bool
	ManagementAnchoredOn Date
}

// RecommendedIntroSessions is how many staff introduction sessions a unit
// is advised to hold; one is enough to count as ready.
const RecommendedIntroSessions = 3

// Readiness steps, as Missing names them.
const (
	StepBudget        = "budget"
	StepIntroSessions = "intro_sessions"
	StepManagement    = "management_anchoring"
)

// Missing lists the steps not yet done, in the order they are usually taken.
func (r Readiness) Missing() []string {
	var missing []string
	if !r.BudgetDecided {
		missing = append(missing, StepBudget)
	}
	if len(r.IntroSessions) == 0 {
		missing = append(missing, StepIntroSessions)
	}
	if !r.ManagementAnchored {
		missing = append(missing, StepManagement)
	}
	return missing
}

// Ready reports whether every step is done: budget decided, at least one
// introduction session held, management anchoring done.
func (r Readiness) Ready() bool { return len(r.Missing()) == 0 }

// ReadinessDecisions are the two readiness steps that are a decision on a
// day. Each date is required when its step is done and dropped when it is
// not.
type ReadinessDecisions struct {
	BudgetDecided        bool
	BudgetDecidedOn      Date
	ManagementAnchored   bool
	ManagementAnchoredOn Date
}

// validate checks the decisions against today (in Sweden): a decision
// cannot be dated in the future.
func (d *ReadinessDecisions) validate(today Date) error {
	var v ValidationError
	checkDoneOn(&v, "budget_decided_on", d.BudgetDecided, &d.BudgetDecidedOn, today)
	checkDoneOn(&v, "management_anchored_on", d.ManagementAnchored, &d.ManagementAnchoredOn, today)
	return v.err()
}

func checkDoneOn(v *ValidationError, field string, done bool, on *Date, today Date) {
	switch {
	case !done:
		*on = Date{}
	case on.IsZero():
		v.add(field, "validation.required", nil)
	case on.After(today):
		v.add(field, "validation.not_future", nil)
	}
}

// IntroSession is one staff introduction session held at a unit.
type IntroSession struct {
	bun.BaseModel `bun:"table:unit_intro_sessions"`

	ID        int64     `bun:"id,pk,autoincrement"`
	TenantID  int64     `bun:"tenant_id,notnull"`
	UnitID    int64     `bun:"unit_id,notnull"`
	HeldOn    Date      `bun:"held_on,notnull"`
	Note      string    `bun:"note,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}

// validate checks the session's day (not in the future) and its note.
func (s *IntroSession) validate(today Date) error {
	var v ValidationError
	switch {
	case s.HeldOn.IsZero():
		v.add("held_on", "validation.required", nil)
	case s.HeldOn.After(today):
		v.add("held_on", "validation.not_future", nil)
	}
	s.Note = strings.TrimSpace(s.Note)
	checkText(&v, "note", s.Note, false, 500)
	return v.err()
}
