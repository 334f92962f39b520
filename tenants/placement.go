package tenants

import (
	"slices"
	"time"

	"github.com/uptrace/bun"
)

// Employer says who employs a placed peer.
type Employer string

const (
	EmployerRegion       Employer = "region"
	EmployerMunicipality Employer = "municipality"
	EmployerOrganisation Employer = "organisation"
)

// Employers lists every employer kind, in the order forms show them.
var Employers = []Employer{EmployerRegion, EmployerMunicipality, EmployerOrganisation}

// Placement is a peer working at a unit for a period, at a share of full
// time.
type Placement struct {
	bun.BaseModel `bun:"table:placements"`

	ID             int64    `bun:"id,pk,autoincrement"`
	TenantID       int64    `bun:"tenant_id,notnull"`
	OrganisationID int64    `bun:"organisation_id,notnull"`
	PeerID         int64    `bun:"peer_id,notnull"`
	UnitID         int64    `bun:"unit_id,notnull"`
	Employer       Employer `bun:"employer,notnull"`
	FTEPercent     int      `bun:"fte_percent,notnull"`
	StartsOn       Date     `bun:"starts_on,notnull"`
	// EndsOn is the last day of the placement; zero while it runs until
	// further notice.
	EndsOn    Date      `bun:"ends_on,nullzero"`
	CreatedAt time.Time `bun:"created_at,notnull"`
	UpdatedAt time.Time `bun:"updated_at,notnull"`
}

// ActiveOn reports whether the placement runs on day d.
func (p Placement) ActiveOn(d Date) bool {
	return !d.Before(p.StartsOn) && (p.EndsOn.IsZero() || !d.After(p.EndsOn))
}

// overlaps reports whether the two placements share at least one day.
func (p Placement) overlaps(q Placement) bool {
	return (p.EndsOn.IsZero() || !q.StartsOn.After(p.EndsOn)) && (q.EndsOn.IsZero() || !p.StartsOn.After(q.EndsOn))
}

// validate checks the placement's own fields; the store checks the unit.
func (p *Placement) validate() error {
	var v ValidationError
	if p.UnitID <= 0 {
		v.add("unit_id", "validation.required", nil)
	}
	if !slices.Contains(Employers, p.Employer) {
		v.add("employer", "validation.choice", nil)
	}
	if p.FTEPercent < 1 || p.FTEPercent > 100 {
		v.add("fte_percent", "validation.range", map[string]any{"Min": 1, "Max": 100})
	}
	if p.StartsOn.IsZero() {
		v.add("starts_on", "validation.required", nil)
	} else if !p.EndsOn.IsZero() && p.EndsOn.Before(p.StartsOn) {
		v.add("ends_on", "validation.end_before_start", nil)
	}
	return v.err()
}

// Warning is something a person should know about a change that was
// nevertheless made. Key names a message in the user interface's
// catalogues; Args fill its placeholders.
type Warning struct {
	Key  string
	Args map[string]any
}

// Placement warnings.
const (
	// WarnUnitNotReady: the unit has not completed its preparation (budget,
	// staff introduction, management anchoring). Args: Unit (its name),
	// Missing ([]string of Readiness steps).
	WarnUnitNotReady = "warning.unit_not_ready"
	// WarnNoBudgetedPosition: no IOP agreement in force during the
	// placement budgets a position at the unit. Args: Unit.
	WarnNoBudgetedPosition = "warning.no_budgeted_position"
	// WarnOverFullTime: the peer's placements add up to more than full time
	// on some day of this one. Args: Percent (the highest total).
	WarnOverFullTime = "warning.over_full_time"
)
