package tenants

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// AgreementStatus is where an IOP agreement is in its life: a draft being
// written, active, ending (notice given or the term running out), ended.
type AgreementStatus string

const (
	AgreementDraft  AgreementStatus = "draft"
	AgreementActive AgreementStatus = "active"
	AgreementEnding AgreementStatus = "ending"
	AgreementEnded  AgreementStatus = "ended"
)

// AgreementStatuses lists every status in lifecycle order.
var AgreementStatuses = []AgreementStatus{AgreementDraft, AgreementActive, AgreementEnding, AgreementEnded}

// Next returns the status an agreement may move to from s, and false for
// an ended agreement. The lifecycle only moves forward, one step at a time:
// draft → active → ending → ended. A draft may instead be deleted.
func (s AgreementStatus) Next() (AgreementStatus, bool) {
	switch s {
	case AgreementDraft:
		return AgreementActive, true
	case AgreementActive:
		return AgreementEnding, true
	case AgreementEnding:
		return AgreementEnded, true
	}
	return "", false
}

// ReportingCadence is how often the parties report on an agreement.
type ReportingCadence string

const (
	ReportQuarterly  ReportingCadence = "quarterly"
	ReportHalfYearly ReportingCadence = "half_yearly"
	ReportYearly     ReportingCadence = "yearly"
)

// ReportingCadences lists every cadence, most frequent first.
var ReportingCadences = []ReportingCadence{ReportQuarterly, ReportHalfYearly, ReportYearly}

// Indicator is a measurable quantity an agreement can commit to.
type Indicator string

const (
	// IndicatorActivePeers: peer supporters with at least one meeting in
	// the period.
	IndicatorActivePeers Indicator = "active_peers"
	// IndicatorSupervisionIntervalDays: the longest time, in days, an
	// active peer goes between supervision sessions.
	IndicatorSupervisionIntervalDays Indicator = "supervision_interval_days"
	// IndicatorMedianDaysToFirstContact: median working days from referral
	// to the organisation's first contact.
	IndicatorMedianDaysToFirstContact Indicator = "median_days_to_first_contact"
	// IndicatorContactWithinDeadlinePercent: referrals contacted within the
	// region's deadline, in percent.
	IndicatorContactWithinDeadlinePercent Indicator = "contact_within_deadline_percent"
	// IndicatorInformedRatePercent: newly diagnosed informed about peer
	// support, in percent (the systematisation rate).
	IndicatorInformedRatePercent Indicator = "informed_rate_percent"
	// IndicatorOfferRatePercent: newly diagnosed offered peer support, in
	// percent.
	IndicatorOfferRatePercent Indicator = "offer_rate_percent"
	// IndicatorFollowUpRatePercent: scheduled follow-ups completed, in
	// percent.
	IndicatorFollowUpRatePercent Indicator = "follow_up_rate_percent"
	// IndicatorIntroSessionsPerUnit: staff introduction sessions held per
	// covered unit.
	IndicatorIntroSessionsPerUnit Indicator = "intro_sessions_per_unit"
)

// IndicatorUnit says what an indicator's target counts.
type IndicatorUnit string

const (
	UnitCount   IndicatorUnit = "count"
	UnitDays    IndicatorUnit = "days"
	UnitPercent IndicatorUnit = "percent"
)

// IndicatorSpec describes an indicator: what it counts, the targets that
// make sense and the usual direction of a commitment to it.
type IndicatorSpec struct {
	Indicator Indicator
	Unit      IndicatorUnit
	Min, Max  int
	Usual     Comparison
}

// Indicators lists every indicator, in the order forms show them.
var Indicators = []IndicatorSpec{
	{IndicatorActivePeers, UnitCount, 0, 10_000, AtLeast},
	{IndicatorSupervisionIntervalDays, UnitDays, 1, 365, AtMost},
	{IndicatorMedianDaysToFirstContact, UnitDays, 0, 365, AtMost},
	{IndicatorContactWithinDeadlinePercent, UnitPercent, 0, 100, AtLeast},
	{IndicatorInformedRatePercent, UnitPercent, 0, 100, AtLeast},
	{IndicatorOfferRatePercent, UnitPercent, 0, 100, AtLeast},
	{IndicatorFollowUpRatePercent, UnitPercent, 0, 100, AtLeast},
	{IndicatorIntroSessionsPerUnit, UnitCount, 0, 100, AtLeast},
}

// Spec returns the indicator's description, and false for an unknown one.
func (i Indicator) Spec() (IndicatorSpec, bool) {
	for _, s := range Indicators {
		if s.Indicator == i {
			return s, true
		}
	}
	return IndicatorSpec{}, false
}

// Comparison is the direction of a commitment: the measured value must be
// at least or at most the target.
type Comparison string

const (
	AtLeast Comparison = "at_least"
	AtMost  Comparison = "at_most"
)

// Agreement is an IOP agreement (idéburet offentligt partnerskap) between
// the region, through one of its committees (nämnder), and one or more
// partner organisations. Create, Update and Agreement read and write it
// whole, with the lists below.
type Agreement struct {
	bun.BaseModel `bun:"table:agreements"`

	ID       int64  `bun:"id,pk,autoincrement"`
	TenantID int64  `bun:"tenant_id,notnull"`
	Title    string `bun:"title,notnull"`
	// Reference is the region's file number (diarienummer), if any.
	Reference string `bun:"reference,notnull"`
	// Committee is the region's committee (nämnd) that is party to it.
	Committee        string           `bun:"committee,notnull"`
	Purpose          string           `bun:"purpose,notnull"`
	Goals            string           `bun:"goals,notnull"`
	StartsOn         Date             `bun:"starts_on,notnull"`
	EndsOn           Date             `bun:"ends_on,notnull"` // the last day of the term
	NoticeMonths     int              `bun:"notice_months,notnull"`
	ReportingCadence ReportingCadence `bun:"reporting_cadence,notnull"`
	TargetGroups     []TargetGroup    `bun:"target_groups,notnull"`
	Status           AgreementStatus  `bun:"status,notnull"`
	CreatedAt        time.Time        `bun:"created_at,notnull"`
	UpdatedAt        time.Time        `bun:"updated_at,notnull"`

	// Parties are the ids of the organisations party to the agreement.
	Parties []int64 `bun:"-"`
	// UnitIDs are the units the agreement covers.
	UnitIDs     []int64            `bun:"-"`
	Funding     []AgreementFunding `bun:"-"`
	Commitments []Commitment       `bun:"-"`
	Positions   []BudgetedPosition `bun:"-"`
}

// AgreementFunding is one party's funding of an agreement for one year, in
// whole kronor.
type AgreementFunding struct {
	bun.BaseModel `bun:"table:agreement_funding"`

	ID          int64 `bun:"id,pk,autoincrement"`
	TenantID    int64 `bun:"tenant_id,notnull"`
	AgreementID int64 `bun:"agreement_id,notnull"`
	// OrganisationID is the funding party; nil is the region itself.
	OrganisationID *int64 `bun:"organisation_id"`
	Year           int    `bun:"year,notnull"`
	AmountSEK      int64  `bun:"amount_sek,notnull"`
}

// Commitment is a measurable promise: Indicator Comparison Target, such as
// "active_peers at_least 8".
type Commitment struct {
	bun.BaseModel `bun:"table:agreement_commitments"`

	ID          int64      `bun:"id,pk,autoincrement"`
	TenantID    int64      `bun:"tenant_id,notnull"`
	AgreementID int64      `bun:"agreement_id,notnull"`
	Indicator   Indicator  `bun:"indicator,notnull"`
	Comparison  Comparison `bun:"comparison,notnull"`
	Target      int        `bun:"target,notnull"`
	Description string     `bun:"description,notnull"`
	SortOrder   int        `bun:"sort_order,notnull"`
}

// Met reports whether a measured value keeps the commitment.
func (c Commitment) Met(value float64) bool {
	if c.Comparison == AtMost {
		return value <= float64(c.Target)
	}
	return value >= float64(c.Target)
}

// BudgetedPosition is a number of peer supporter positions the agreement
// budgets for, each at a share of full time, optionally at one unit.
type BudgetedPosition struct {
	bun.BaseModel `bun:"table:agreement_positions"`

	ID          int64  `bun:"id,pk,autoincrement"`
	TenantID    int64  `bun:"tenant_id,notnull"`
	AgreementID int64  `bun:"agreement_id,notnull"`
	UnitID      *int64 `bun:"unit_id"`
	Count       int    `bun:"count,notnull"`
	FTEPercent  int    `bun:"fte_percent,notnull"`
	SortOrder   int    `bun:"sort_order,notnull"`
}

// FullTimeEquivalents returns the positions' total as full-time posts.
func (p BudgetedPosition) FullTimeEquivalents() float64 {
	return float64(p.Count*p.FTEPercent) / 100
}

// Limits of an agreement's lists and texts.
const (
	MaxNoticeMonths          = 24
	MaxAgreementFundingRows  = 200
	MaxAgreementCommitments  = 50
	MaxAgreementPositionRows = 100
	MaxPositionCount         = 1000
	maxAgreementLongText     = 10_000
)

// Validate normalises the agreement (trimmed texts, parties, units and
// target groups as sets, list positions numbered) and reports every problem
// that can be seen without the database as a *ValidationError, or nil. The
// store also checks that parties and units belong to the region.
func (a *Agreement) Validate() error {
	var v ValidationError
	a.Title = strings.TrimSpace(a.Title)
	checkText(&v, "title", a.Title, true, 200)
	a.Reference = strings.TrimSpace(a.Reference)
	checkText(&v, "reference", a.Reference, false, 100)
	a.Committee = strings.TrimSpace(a.Committee)
	checkText(&v, "committee", a.Committee, true, 200)
	a.Purpose = strings.TrimSpace(a.Purpose)
	checkLongText(&v, "purpose", a.Purpose, true, maxAgreementLongText)
	a.Goals = strings.TrimSpace(a.Goals)
	checkLongText(&v, "goals", a.Goals, false, maxAgreementLongText)

	termOK := true
	for _, d := range []struct {
		field string
		date  Date
	}{{"starts_on", a.StartsOn}, {"ends_on", a.EndsOn}} {
		if d.date.IsZero() {
			v.add(d.field, "validation.required", nil)
			termOK = false
		}
	}
	if termOK && !a.EndsOn.After(a.StartsOn) {
		v.add("ends_on", "validation.period", nil)
		termOK = false
	}
	if a.NoticeMonths < 0 || a.NoticeMonths > MaxNoticeMonths {
		v.add("notice_months", "validation.range", map[string]any{"Min": 0, "Max": MaxNoticeMonths})
	}
	switch {
	case a.ReportingCadence == "":
		v.add("reporting_cadence", "validation.required", nil)
	case !slices.Contains(ReportingCadences, a.ReportingCadence):
		v.add("reporting_cadence", "validation.choice", nil)
	}
	var ok bool
	if a.TargetGroups, ok = normalizeTargetGroups(a.TargetGroups); !ok {
		v.add("target_groups", "validation.choice", nil)
	}

	a.Parties, a.UnitIDs = uniqueIDs(a.Parties), uniqueIDs(a.UnitIDs)
	if len(a.Parties) == 0 {
		v.add("parties", "validation.party_required", nil)
	}
	a.validateFunding(&v, termOK)
	a.validateCommitments(&v)
	a.validatePositions(&v)
	return v.err()
}

func (a *Agreement) validateFunding(v *ValidationError, termOK bool) {
	if len(a.Funding) > MaxAgreementFundingRows {
		v.add("funding", "validation.too_many", map[string]any{"Max": MaxAgreementFundingRows})
		return
	}
	seen := map[[2]int64]bool{}
	for i, f := range a.Funding {
		field := func(name string) string { return fmt.Sprintf("funding.%d.%s", i, name) }
		var party int64 // 0: the region
		if f.OrganisationID != nil {
			party = *f.OrganisationID
			if !slices.Contains(a.Parties, party) {
				v.add(field("party"), "validation.funding_party", nil)
			}
		}
		if termOK && (f.Year < a.StartsOn.Year() || f.Year > a.EndsOn.Year()) {
			v.add(field("year"), "validation.year_in_term", map[string]any{"From": a.StartsOn.Year(), "To": a.EndsOn.Year()})
		} else if key := [2]int64{party, int64(f.Year)}; seen[key] {
			v.add(field("year"), "validation.funding_duplicate", nil)
		} else {
			seen[key] = true
		}
		if f.AmountSEK < 0 {
			v.add(field("amount_sek"), "validation.amount_negative", nil)
		}
	}
}

func (a *Agreement) validateCommitments(v *ValidationError) {
	if len(a.Commitments) > MaxAgreementCommitments {
		v.add("commitments", "validation.too_many", map[string]any{"Max": MaxAgreementCommitments})
		return
	}
	seen := map[string]bool{}
	for i := range a.Commitments {
		c := &a.Commitments[i]
		field := func(name string) string { return fmt.Sprintf("commitments.%d.%s", i, name) }
		c.SortOrder = i
		spec, known := c.Indicator.Spec()
		if !known {
			v.add(field("indicator"), "validation.choice", nil)
		}
		if c.Comparison != AtLeast && c.Comparison != AtMost {
			v.add(field("comparison"), "validation.choice", nil)
		} else if key := string(c.Indicator) + " " + string(c.Comparison); known && seen[key] {
			v.add(field("indicator"), "validation.commitment_duplicate", nil)
		} else {
			seen[key] = true
		}
		if known && (c.Target < spec.Min || c.Target > spec.Max) {
			v.add(field("target"), "validation.range", map[string]any{"Min": spec.Min, "Max": spec.Max})
		}
		c.Description = strings.TrimSpace(c.Description)
		checkText(v, field("description"), c.Description, false, 500)
	}
}

func (a *Agreement) validatePositions(v *ValidationError) {
	if len(a.Positions) > MaxAgreementPositionRows {
		v.add("positions", "validation.too_many", map[string]any{"Max": MaxAgreementPositionRows})
		return
	}
	for i := range a.Positions {
		p := &a.Positions[i]
		field := func(name string) string { return fmt.Sprintf("positions.%d.%s", i, name) }
		p.SortOrder = i
		if p.Count < 1 || p.Count > MaxPositionCount {
			v.add(field("count"), "validation.range", map[string]any{"Min": 1, "Max": MaxPositionCount})
		}
		if p.FTEPercent < 1 || p.FTEPercent > 100 {
			v.add(field("fte_percent"), "validation.range", map[string]any{"Min": 1, "Max": 100})
		}
		if p.UnitID != nil && !slices.Contains(a.UnitIDs, *p.UnitID) {
			v.add(field("unit"), "validation.position_unit", nil)
		}
	}
}

// TotalFunding returns the sum of all parties' funding over the term.
func (a Agreement) TotalFunding() int64 {
	var sum int64
	for _, f := range a.Funding {
		sum += f.AmountSEK
	}
	return sum
}

// BudgetedFullTimeEquivalents returns the budgeted positions as full-time
// posts.
func (a Agreement) BudgetedFullTimeEquivalents() float64 {
	var sum float64
	for _, p := range a.Positions {
		sum += p.FullTimeEquivalents()
	}
	return sum
}
