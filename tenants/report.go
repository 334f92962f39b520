package tenants

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"
)

// Quarterly reports. After each quarter a job builds, for the region, each
// partner organisation and each IOP agreement in force, a snapshot of the
// quarter's figures: aggregates only, never a participant. The snapshot is
// a draft until a regional administrator approves the period, which
// approves every scope of it at once and locks it for good.

// ReportScope is what a report covers.
type ReportScope string

const (
	// ReportRegion: everything in the region; its ScopeID is 0.
	ReportRegion ReportScope = "region"
	// ReportOrganisation: a partner organisation's referrals and peers.
	ReportOrganisation ReportScope = "organisation"
	// ReportAgreement: an IOP agreement's covered units' tallies, the
	// referrals from those units to its partner organisations, and those
	// organisations' peers.
	ReportAgreement ReportScope = "agreement"
)

// ReportScopes lists the scopes in the order reports are shown.
var ReportScopes = []ReportScope{ReportRegion, ReportOrganisation, ReportAgreement}

// ReportState is whether a report may still be rebuilt.
type ReportState string

const (
	ReportDraft    ReportState = "draft"
	ReportApproved ReportState = "approved"
)

// ErrReportPeriodLocked is returned for a change to a quarter whose reports
// are approved: approved reports are final. It is an ErrConflict too.
var ErrReportPeriodLocked = fmt.Errorf("the quarter's reports are approved and locked (%w)", ErrConflict)

// ErrReportPeriodNotEnded is returned when a report is asked for a quarter
// that has not ended yet.
var ErrReportPeriodNotEnded = errors.New("the quarter has not ended")

// QuarterStart returns the first day of d's quarter (Q1 is January to
// March).
func QuarterStart(d Date) Date {
	m := d.Time().Month()
	return NewDate(d.Year(), m-(m-1)%3, 1)
}

// QuarterEnd returns the last day of the quarter that starts on start.
func QuarterEnd(start Date) Date { return start.AddMonths(3).AddDays(-1) }

// QuarterNumber returns 1 to 4 for the quarter d is in.
func QuarterNumber(d Date) int { return (int(d.Time().Month())-1)/3 + 1 }

// IsQuarterStart reports whether d is the first day of a quarter.
func IsQuarterStart(d Date) bool { return !d.IsZero() && QuarterStart(d) == d }

// LastEndedQuarter returns the first day of the latest quarter that has
// ended at now, counted in Swedish time.
func LastEndedQuarter(now time.Time) Date { return QuarterStart(today(now)).AddMonths(-3) }

// Report is one scope's figures for one quarter.
type Report struct {
	bun.BaseModel `bun:"table:reports"`

	ID          int64       `bun:"id,pk,autoincrement"`
	TenantID    int64       `bun:"tenant_id,notnull"`
	PeriodStart Date        `bun:"period_start,notnull"`
	Scope       ReportScope `bun:"scope,notnull"`
	// ScopeID is the organisation's or agreement's id; 0 for the region.
	ScopeID int64 `bun:"scope_id,notnull"`
	// ScopeName is the organisation's or agreement's name when the report
	// was built; empty for the region.
	ScopeName  string        `bun:"scope_name,notnull"`
	State      ReportState   `bun:"state,notnull"`
	Figures    ReportFigures `bun:"figures,notnull"`
	BuiltAt    time.Time     `bun:"built_at,notnull"`
	ApprovedBy *int64        `bun:"approved_by"`
	ApprovedAt *time.Time    `bun:"approved_at"`
}

// ReportPeriod is a region's quarter: whether its reports are built and
// approved.
type ReportPeriod struct {
	bun.BaseModel `bun:"table:report_periods"`

	TenantID    int64      `bun:"tenant_id,pk"`
	PeriodStart Date       `bun:"period_start,pk"`
	BuiltAt     *time.Time `bun:"built_at"`
	ApprovedBy  *int64     `bun:"approved_by"`
	ApprovedAt  *time.Time `bun:"approved_at"`
}

// Approved reports whether the period is locked.
func (p ReportPeriod) Approved() bool { return p.ApprovedAt != nil }

// ReportFigures are a report's numbers. Every field is an aggregate.
// Pointers are absent where a figure has no denominator (a rate of zero
// new diagnoses, a median of no referrals).
type ReportFigures struct {
	// Offer is the offer tally per clinic and in total; absent in an
	// organisation's report, since tallies belong to units.
	Offer        *OfferFigures       `json:"offer,omitempty"`
	Referrals    ReferralFigures     `json:"referrals"`
	FirstContact FirstContactFigures `json:"first_contact"`
	Peers        PeerFigures         `json:"peers"`
	Supervision  SupervisionFigures  `json:"supervision"`
	Outcomes     OutcomeFigures      `json:"outcomes"`
	// Commitments are an agreement's commitments with the quarter's
	// value where Kamrat measures it; only in an agreement's report.
	Commitments []CommitmentFigure `json:"commitments,omitempty"`
}

// OfferFigures are the funnel from new diagnoses to referrals.
type OfferFigures struct {
	Total   OfferFunnel    `json:"total"`
	Clinics []ClinicFunnel `json:"clinics"`
}

// ClinicFunnel is one unit's funnel.
type ClinicFunnel struct {
	UnitID   int64       `json:"unit_id"`
	UnitName string      `json:"unit_name"`
	Funnel   OfferFunnel `json:"funnel"`
}

// OfferFunnel sums the offer tallies of the quarter's three months.
type OfferFunnel struct {
	NewDiagnoses int `json:"new_diagnoses"`
	// MissingDiagnosisMonths counts tally months whose new diagnoses were
	// never entered; their encounters count, their diagnoses cannot.
	MissingDiagnosisMonths int `json:"missing_diagnosis_months"`
	Met                    int `json:"met"`
	Informed               int `json:"informed"`
	Offered                int `json:"offered"`
	Accepted               int `json:"accepted"`
	Declined               int `json:"declined"`
	Undecided              int `json:"undecided"`
	// Referred counts referrals created in the quarter from the unit(s).
	Referred int `json:"referred"`
	// SystematisationRate is informed ÷ new diagnoses, 0–1 (above 1 when
	// more were informed than newly diagnosed); absent without diagnoses.
	SystematisationRate *float64 `json:"systematisation_rate,omitempty"`
}

// Add adds another funnel's counts (not its rate) to f: how a total is made.
func (f *OfferFunnel) Add(o OfferFunnel) {
	f.NewDiagnoses += o.NewDiagnoses
	f.MissingDiagnosisMonths += o.MissingDiagnosisMonths
	f.Met += o.Met
	f.Informed += o.Informed
	f.Offered += o.Offered
	f.Accepted += o.Accepted
	f.Declined += o.Declined
	f.Undecided += o.Undecided
	f.Referred += o.Referred
}

// ReferralFigures count what happened to referrals in the quarter: created,
// and moves to each status (a referral can count under several).
type ReferralFigures struct {
	Created        int           `json:"created"`
	Accepted       int           `json:"accepted"`
	Declined       int           `json:"declined"`
	Contacted      int           `json:"contacted"`
	Matched        int           `json:"matched"`
	Closed         int           `json:"closed"`
	ClosedByReason []ReasonCount `json:"closed_by_reason"`
}

// ReasonCount is how many closures had a reason.
type ReasonCount struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

// FirstContactFigures describe the time from referral to first contact,
// for referrals first contacted in the quarter.
type FirstContactFigures struct {
	Count             int      `json:"count"`
	MedianDays        *float64 `json:"median_days,omitempty"`
	MedianWorkingDays *float64 `json:"median_working_days,omitempty"`
	// WithinDeadline counts those contacted within the region's deadline
	// of DeadlineWorkingDays working days.
	WithinDeadline      int `json:"within_deadline"`
	DeadlineWorkingDays int `json:"deadline_working_days"`
}

// PeerFigures compare active peers at the quarter's end with the positions
// the agreements in force budget for.
type PeerFigures struct {
	Active            int     `json:"active"`
	BudgetedPositions int     `json:"budgeted_positions"`
	BudgetedFTE       float64 `json:"budgeted_fte"`
	// WithMeetings counts peers who held at least one meeting in the
	// quarter (an agreement's "active_peers" indicator).
	WithMeetings  int                 `json:"with_meetings"`
	Organisations []OrganisationPeers `json:"organisations"`
}

// OrganisationPeers is one organisation's line of PeerFigures. Budgeted
// positions of an agreement with several parties count for each party.
type OrganisationPeers struct {
	OrganisationID    int64  `json:"organisation_id"`
	Name              string `json:"name"`
	Active            int    `json:"active"`
	BudgetedPositions int    `json:"budgeted_positions"`
}

// SupervisionFigures: the active peers at the quarter's end who had a
// supervision session within the region's interval before it.
type SupervisionFigures struct {
	IntervalWeeks int      `json:"interval_weeks"`
	ActivePeers   int      `json:"active_peers"`
	Supervised    int      `json:"supervised"`
	Share         *float64 `json:"share,omitempty"`
}

// OutcomeFigures: WHO-5 change from the baseline for follow-ups (not the
// baseline) completed in the quarter, and how the quarter's follow-ups went.
type OutcomeFigures struct {
	// Compared counts completed follow-ups with a WHO-5 score whose
	// referral has a baseline WHO-5 score.
	Compared int `json:"compared"`
	// MeanChange is the mean change in WHO-5 percentage points.
	MeanChange *float64 `json:"mean_change,omitempty"`
	// Improved and Worsened count changes of at least 10 points up or down.
	Improved int `json:"improved"`
	Worsened int `json:"worsened"`
	// Due counts follow-ups due in the quarter (not cancelled), Completed
	// those of them completed.
	Due       int `json:"due"`
	Completed int `json:"completed"`
}

// CommitmentFigure is an agreement's commitment with the quarter's value;
// Value and Met are absent for an indicator Kamrat does not measure.
type CommitmentFigure struct {
	Indicator   string   `json:"indicator"`
	Comparison  string   `json:"comparison"`
	Target      int      `json:"target"`
	Description string   `json:"description"`
	Value       *float64 `json:"value,omitempty"`
	Met         *bool    `json:"met,omitempty"`
}

// ReportInput is everything a quarter's reports are computed from, read in
// one transaction. Rows may reach outside the quarter; Compute picks.
type ReportInput struct {
	PeriodStart   Date
	Settings      TenantSettings // effective
	Units         []Unit
	Organisations []Organisation
	// Agreements are those in force during the quarter, with their lists.
	Agreements []Agreement
	Tallies    []OfferTally
	Referrals  []Referral
	// Events are referral status changes.
	Events      []ReferralEvent
	Peers       []Peer
	PeerEvents  []PeerStatusEvent
	Supervision []SupervisionAttendance
	// Meetings are (peer, day) pairs of meetings held.
	Meetings  []PeerMeetingDay
	FollowUps []FollowUp // with Scores
}

// SupervisionAttendance is a peer at a supervision session.
type SupervisionAttendance struct {
	PeerID int64 `bun:"peer_id"`
	HeldOn Date  `bun:"held_on"`
}

// PeerMeetingDay is a meeting a peer held.
type PeerMeetingDay struct {
	PeerID int64 `bun:"peer_id"`
	HeldOn Date  `bun:"held_on"`
}

// ScopedReport is one scope's computed figures, before storing.
type ScopedReport struct {
	Scope     ReportScope
	ScopeID   int64
	ScopeName string
	Figures   ReportFigures
}

// reportScopeFilter says what belongs to a scope.
type reportScopeFilter struct {
	units    func(unitID int64) bool // tallies; nil: no offer figures
	referral func(r Referral) bool
	orgs     func(orgID int64) bool // peers
	// agreements are those whose budgeted positions count.
	agreements []Agreement
}

// ComputeReports computes the quarter's reports: the region's, each
// organisation's and each agreement's in force, in that order.
func ComputeReports(in ReportInput) []ScopedReport {
	all := func(int64) bool { return true }
	out := []ScopedReport{{Scope: ReportRegion, Figures: computeFigures(in, reportScopeFilter{
		units: all, referral: func(Referral) bool { return true }, orgs: all, agreements: in.Agreements,
	})}}
	orgs := slices.Clone(in.Organisations)
	slices.SortFunc(orgs, func(a, b Organisation) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	for _, o := range orgs {
		var party []Agreement
		for _, a := range in.Agreements {
			if slices.Contains(a.Parties, o.ID) {
				party = append(party, a)
			}
		}
		out = append(out, ScopedReport{Scope: ReportOrganisation, ScopeID: o.ID, ScopeName: o.Name, Figures: computeFigures(in, reportScopeFilter{
			referral: func(r Referral) bool { return r.OrganisationID == o.ID },
			orgs:     func(id int64) bool { return id == o.ID }, agreements: party,
		})})
	}
	agreements := slices.Clone(in.Agreements)
	slices.SortFunc(agreements, func(a, b Agreement) int { return cmp.Or(cmp.Compare(a.Title, b.Title), cmp.Compare(a.ID, b.ID)) })
	for _, a := range agreements {
		f := computeFigures(in, reportScopeFilter{
			units: func(id int64) bool { return slices.Contains(a.UnitIDs, id) },
			referral: func(r Referral) bool {
				return slices.Contains(a.UnitIDs, r.UnitID) && slices.Contains(a.Parties, r.OrganisationID)
			},
			orgs: func(id int64) bool { return slices.Contains(a.Parties, id) }, agreements: []Agreement{a},
		})
		f.Commitments = commitmentFigures(a, f)
		out = append(out, ScopedReport{Scope: ReportAgreement, ScopeID: a.ID, ScopeName: a.Title, Figures: f})
	}
	return out
}

func computeFigures(in ReportInput, scope reportScopeFilter) ReportFigures {
	start, end := in.PeriodStart, QuarterEnd(in.PeriodStart)
	within := func(d Date) bool { return !d.IsZero() && !d.Before(start) && !d.After(end) }
	var f ReportFigures

	referrals := map[int64]Referral{}
	for _, r := range in.Referrals {
		if scope.referral(r) {
			referrals[r.ID] = r
		}
	}

	// The funnel.
	if scope.units != nil {
		names := map[int64]string{}
		for _, u := range in.Units {
			names[u.ID] = u.Name
		}
		clinics := map[int64]*OfferFunnel{}
		clinic := func(id int64) *OfferFunnel {
			if clinics[id] == nil {
				clinics[id] = &OfferFunnel{}
			}
			return clinics[id]
		}
		for _, t := range in.Tallies {
			if !scope.units(t.UnitID) || !within(t.Month) {
				continue
			}
			c := clinic(t.UnitID)
			if t.NewDiagnoses == nil {
				c.MissingDiagnosisMonths++
			} else {
				c.NewDiagnoses += *t.NewDiagnoses
			}
			c.Met += t.Met
			c.Informed += t.Informed
			c.Offered += t.Offered
			c.Accepted += t.Accepted
			c.Declined += t.Declined
			c.Undecided += t.Undecided
		}
		for _, r := range referrals {
			if scope.units(r.UnitID) && within(today(r.CreatedAt)) {
				clinic(r.UnitID).Referred++
			}
		}
		f.Offer = &OfferFigures{Clinics: []ClinicFunnel{}}
		for id, c := range clinics {
			c.SystematisationRate = ratio(c.Informed, c.NewDiagnoses)
			f.Offer.Clinics = append(f.Offer.Clinics, ClinicFunnel{UnitID: id, UnitName: names[id], Funnel: *c})
			f.Offer.Total.Add(*c)
		}
		f.Offer.Total.SystematisationRate = ratio(f.Offer.Total.Informed, f.Offer.Total.NewDiagnoses)
		slices.SortFunc(f.Offer.Clinics, func(a, b ClinicFunnel) int {
			return cmp.Or(cmp.Compare(a.UnitName, b.UnitName), cmp.Compare(a.UnitID, b.UnitID))
		})
	}

	// Referrals: created in the quarter, and moves in it.
	for _, r := range referrals {
		if within(today(r.CreatedAt)) {
			f.Referrals.Created++
		}
	}
	reasons := map[string]int{}
	for _, e := range in.Events {
		if _, ok := referrals[e.ReferralID]; !ok || e.From == "" || !within(today(e.At)) {
			continue
		}
		switch e.To {
		case ReferralAccepted:
			f.Referrals.Accepted++
		case ReferralDeclined:
			f.Referrals.Declined++
		case ReferralContacted:
			f.Referrals.Contacted++
		case ReferralMatched:
			f.Referrals.Matched++
		case ReferralClosed:
			f.Referrals.Closed++
			reasons[e.Reason]++
		}
	}
	f.Referrals.ClosedByReason = []ReasonCount{}
	for reason, n := range reasons {
		f.Referrals.ClosedByReason = append(f.Referrals.ClosedByReason, ReasonCount{Reason: reason, Count: n})
	}
	slices.SortFunc(f.Referrals.ClosedByReason, func(a, b ReasonCount) int { return cmp.Compare(a.Reason, b.Reason) })

	// Days to first contact.
	f.FirstContact.DeadlineWorkingDays = in.Settings.ContactDeadlineDays
	var days, workDays []int
	for _, r := range referrals {
		if !within(r.FirstContactOn) {
			continue
		}
		referred := today(r.CreatedAt)
		days = append(days, r.FirstContactOn.DaysSince(referred))
		wd := WorkingDaysBetween(referred, r.FirstContactOn)
		workDays = append(workDays, wd)
		if wd <= in.Settings.ContactDeadlineDays {
			f.FirstContact.WithinDeadline++
		}
	}
	f.FirstContact.Count = len(days)
	f.FirstContact.MedianDays, f.FirstContact.MedianWorkingDays = median(days), median(workDays)

	// Peers active at the quarter's end, by their status history.
	status := map[int64]PeerStatus{}
	events := slices.Clone(in.PeerEvents)
	slices.SortStableFunc(events, func(a, b PeerStatusEvent) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID)) })
	for _, e := range events {
		if !today(e.At).After(end) {
			status[e.PeerID] = e.To
		}
	}
	orgPeers := map[int64]*OrganisationPeers{}
	for _, o := range in.Organisations {
		if scope.orgs(o.ID) {
			orgPeers[o.ID] = &OrganisationPeers{OrganisationID: o.ID, Name: o.Name}
		}
	}
	active := map[int64]bool{}
	for _, p := range in.Peers {
		if !scope.orgs(p.OrganisationID) || status[p.ID] != PeerActive {
			continue
		}
		active[p.ID] = true
		f.Peers.Active++
		if op := orgPeers[p.OrganisationID]; op != nil {
			op.Active++
		}
	}
	for _, a := range scope.agreements {
		n := 0
		for _, p := range a.Positions {
			n += p.Count
		}
		f.Peers.BudgetedPositions += n
		f.Peers.BudgetedFTE += a.BudgetedFullTimeEquivalents()
		for _, party := range a.Parties {
			if op := orgPeers[party]; op != nil {
				op.BudgetedPositions += n
			}
		}
	}
	f.Peers.BudgetedFTE = roundHundredths(f.Peers.BudgetedFTE)
	f.Peers.Organisations = []OrganisationPeers{}
	for _, op := range orgPeers {
		f.Peers.Organisations = append(f.Peers.Organisations, *op)
	}
	slices.SortFunc(f.Peers.Organisations, func(a, b OrganisationPeers) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.OrganisationID, b.OrganisationID))
	})
	peerOrg := map[int64]int64{}
	for _, p := range in.Peers {
		peerOrg[p.ID] = p.OrganisationID
	}
	met := map[int64]bool{}
	for _, m := range in.Meetings {
		if org, ok := peerOrg[m.PeerID]; ok && scope.orgs(org) && within(m.HeldOn) {
			met[m.PeerID] = true
		}
	}
	f.Peers.WithMeetings = len(met)

	// Supervision within the interval before the quarter's end.
	weeks := in.Settings.SupervisionIntervalWeeks
	f.Supervision.IntervalWeeks = weeks
	f.Supervision.ActivePeers = len(active)
	from := end.AddDays(-7 * weeks)
	supervised := map[int64]bool{}
	for _, s := range in.Supervision {
		if active[s.PeerID] && s.HeldOn.After(from) && !s.HeldOn.After(end) {
			supervised[s.PeerID] = true
		}
	}
	f.Supervision.Supervised = len(supervised)
	f.Supervision.Share = ratio(f.Supervision.Supervised, f.Supervision.ActivePeers)

	// Outcomes.
	baseline := map[int64]int{}
	for _, fu := range in.FollowUps {
		if raw, ok := who5Raw(fu); ok && fu.Month == 0 {
			baseline[fu.ReferralID] = raw
		}
	}
	sum := 0
	for _, fu := range in.FollowUps {
		if _, ok := referrals[fu.ReferralID]; !ok {
			continue
		}
		if within(fu.DueOn) && fu.Status != FollowUpCancelled {
			f.Outcomes.Due++
			if fu.Status == FollowUpCompleted {
				f.Outcomes.Completed++
			}
		}
		raw, ok := who5Raw(fu)
		before, hasBaseline := baseline[fu.ReferralID]
		if fu.Month == 0 || !ok || !hasBaseline || !within(fu.DoneOn) {
			continue
		}
		points, significant := WHO5Change(before, raw)
		f.Outcomes.Compared++
		sum += points
		switch {
		case significant && points > 0:
			f.Outcomes.Improved++
		case significant:
			f.Outcomes.Worsened++
		}
	}
	if f.Outcomes.Compared > 0 {
		mean := roundHundredths(float64(sum) / float64(f.Outcomes.Compared))
		f.Outcomes.MeanChange = &mean
	}
	return f
}

// who5Raw returns a completed follow-up's WHO-5 raw score.
func who5Raw(fu FollowUp) (int, bool) {
	if fu.Status != FollowUpCompleted {
		return 0, false
	}
	for _, s := range fu.Scores {
		if s.Instrument == InstrumentWHO5 {
			return s.Raw, true
		}
	}
	return 0, false
}

// commitmentFigures measures an agreement's commitments where the figures
// hold the indicator.
func commitmentFigures(a Agreement, f ReportFigures) []CommitmentFigure {
	out := []CommitmentFigure{}
	for _, c := range a.Commitments {
		cf := CommitmentFigure{Indicator: string(c.Indicator), Comparison: string(c.Comparison), Target: c.Target, Description: c.Description}
		var value *float64
		percent := func(p *float64) *float64 {
			if p == nil {
				return nil
			}
			v := roundHundredths(*p * 100)
			return &v
		}
		switch c.Indicator {
		case IndicatorActivePeers:
			v := float64(f.Peers.WithMeetings)
			value = &v
		case IndicatorMedianDaysToFirstContact:
			value = f.FirstContact.MedianWorkingDays
		case IndicatorContactWithinDeadlinePercent:
			value = percent(ratio(f.FirstContact.WithinDeadline, f.FirstContact.Count))
		case IndicatorInformedRatePercent:
			if f.Offer != nil {
				value = percent(f.Offer.Total.SystematisationRate)
			}
		case IndicatorOfferRatePercent:
			if f.Offer != nil {
				value = percent(ratio(f.Offer.Total.Offered, f.Offer.Total.NewDiagnoses))
			}
		case IndicatorFollowUpRatePercent:
			value = percent(ratio(f.Outcomes.Completed, f.Outcomes.Due))
		}
		if value != nil {
			met := c.Met(*value)
			cf.Value, cf.Met = value, &met
		}
		out = append(out, cf)
	}
	return out
}

// ratio returns n ÷ d rounded to four decimals, or nil for d = 0.
func ratio(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	v := float64(int64(float64(n)/float64(d)*10000+0.5)) / 10000
	return &v
}

// median returns the middle value (the mean of the two middle ones for an
// even count), or nil for none.
func median(xs []int) *float64 {
	if len(xs) == 0 {
		return nil
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	m := float64(s[n/2])
	if n%2 == 0 {
		m = float64(s[n/2-1]+s[n/2]) / 2
	}
	return &m
}
