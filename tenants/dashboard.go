package tenants

import (
	"cmp"
	"slices"
	"time"
)

// The region dashboard: what politicians, analysts and the regional
// administration follow. Its referral figures come from the pre-aggregated
// counts (dashboard_counts.go); the offer figures from the clinics' monthly
// tallies, which are aggregates already; the peer figures from the
// organisations' peers, whose number does not grow with the work they do.
// Nothing it reads grows with the number of referrals or meetings.

// MaxDashboardQuarters bounds the period a dashboard covers.
const MaxDashboardQuarters = 12

// DashboardFilter chooses what the dashboard covers: the quarters From to
// To (first days of quarters), and optionally one clinic, one organisation
// and one target group (zero values: all).
type DashboardFilter struct {
	From, To       Date
	UnitID         int64
	OrganisationID int64
	TargetGroup    TargetGroup
}

// DefaultDashboardFilter covers the four quarters up to and including the
// current one.
func DefaultDashboardFilter(now time.Time) DashboardFilter {
	to := QuarterStart(today(now))
	return DashboardFilter{From: to.AddMonths(-9), To: to}
}

// Quarters lists the first days of the filter's quarters.
func (f DashboardFilter) Quarters() []Date {
	var out []Date
	for q := f.From; !q.After(f.To); q = q.AddMonths(3) {
		out = append(out, q)
	}
	return out
}

// validate checks the period and the target group; the store checks that
// the clinic and organisation are the region's.
func (f DashboardFilter) validate() error {
	var v ValidationError
	switch {
	case !IsQuarterStart(f.From):
		v.add("from", "validation.quarter_start", nil)
	case !IsQuarterStart(f.To):
		v.add("to", "validation.quarter_start", nil)
	case f.To.Before(f.From):
		v.add("to", "validation.end_before_start", nil)
	case len(f.Quarters()) > MaxDashboardQuarters:
		v.add("to", "validation.dashboard_span", map[string]any{"Max": MaxDashboardQuarters})
	}
	if f.TargetGroup != "" && !slices.Contains(TargetGroups, f.TargetGroup) {
		v.add("target_group", "validation.choice", nil)
	}
	return v.err()
}

// unitKindGroups says which clinics' offer tallies count for a target
// group: tallies are kept per clinic, not per group, so a target-group
// filter takes the clinics of the kinds that serve that group.
var unitKindGroups = map[UnitKind]TargetGroup{
	UnitInfectionClinic:       TargetHIV,
	UnitPsychiatricOutpatient: TargetPsychiatry,
	UnitPsychiatricInpatient:  TargetPsychiatry,
	UnitMunicipalSocialPsych:  TargetPsychiatry,
}

// Dashboard is the region's figures for a filter, before suppression
// (DashboardPublication suppresses them).
type Dashboard struct {
	Filter DashboardFilter
	// AsOf is the day the peer figures describe: the period's last day, or
	// today while the period runs.
	AsOf     Date
	Quarters []Date
	// Clinics are the offer figures per clinic and quarter.
	Clinics []DashboardClinic
	Funnel  DashboardFunnel
	// FirstContact is the time from referral to first contact.
	FirstContact DashboardFirstContact
	// Peers are per organisation.
	Peers []DashboardPeers
	// SupervisionIntervalWeeks is the region's longest gap between
	// supervision sessions.
	SupervisionIntervalWeeks int
	Training                 DashboardTraining
	Outcomes                 DashboardOutcomes
	Closures                 []ReasonCount
}

// DashboardClinic is one clinic's offer tallies by quarter (same order as
// Dashboard.Quarters).
type DashboardClinic struct {
	UnitID       int64
	Name         string
	NewDiagnoses []int
	Informed     []int
	// MissingMonths counts tally months without new diagnoses entered.
	MissingMonths int
}

// DashboardFunnel follows the period's participants from the clinic's
// information to the 6-month follow-up. The first three steps are the
// clinics' tallies; the rest count the period's referrals by how far they
// have come.
type DashboardFunnel struct {
	Informed, Offered, Accepted                                int
	Referred, Contacted, Matched, ThreeMeetings, FollowUpSixMo int
}

// DashboardFirstContact: of the period's referrals contacted so far, how
// many working days first contact took.
type DashboardFirstContact struct {
	Contacted         int
	MedianWorkingDays *float64
	WithinDeadline    int
	DeadlineDays      int
	// Commitments are the median-days targets of the agreements in force.
	Commitments []DashboardCommitment
}

// DashboardCommitment is an agreement's target for an indicator.
type DashboardCommitment struct {
	AgreementID int64
	Title       string
	Comparison  Comparison
	Target      int
}

// DashboardPeers is one organisation's peers on the AsOf day.
type DashboardPeers struct {
	OrganisationID int64
	Name           string
	Active         int
	// Budgeted sums the positions of the agreements in force the
	// organisation is a party to.
	Budgeted int
	// Committed sums those agreements' active-peer targets; nil without.
	Committed *int
	// Supervised counts active peers with supervision within the
	// region's interval before AsOf.
	Supervised int
}

// DashboardTraining is the training pipeline: peers by status on the AsOf
// day and base courses completed in the period.
type DashboardTraining struct {
	Recruited, InTraining, Active, Paused int
	BaseCoursesCompleted                  int
}

// DashboardOutcomes compares WHO-5 at baseline and at 6 months for the
// period's referrals that have both.
type DashboardOutcomes struct {
	Pairs              int
	ChangeSum          int64
	Improved, Worsened int
}

// MeanChange is the mean change in WHO-5 percentage points, or nil.
func (o DashboardOutcomes) MeanChange() *float64 {
	if o.Pairs == 0 {
		return nil
	}
	v := roundHundredths(float64(o.ChangeSum) / float64(o.Pairs))
	return &v
}

// DashboardCount is one summed count as the store reads it.
type DashboardCount struct {
	// Quarter is the cohort's quarter: the sums come per quarter, in the
	// order of the index they are read from.
	Quarter Date             `bun:"quarter"`
	Measure DashboardMeasure `bun:"measure"`
	Bucket  int              `bun:"bucket"`
	Detail  string           `bun:"detail"`
	Value   int64            `bun:"value"`
}

// dashboardInput is what a dashboard is computed from.
type dashboardInput struct {
	Filter        DashboardFilter
	AsOf          Date
	Settings      TenantSettings
	Units         []Unit
	Organisations []Organisation
	Counts        []DashboardCount
	Tallies       []OfferTally
	// TallyUnits are the clinics whose tallies count under the filter.
	TallyUnits map[int64]bool
	Agreements []Agreement // in force on AsOf, with lists
	Peers      []Peer
	PeerEvents []PeerStatusEvent
	Supervised []SupervisionAttendance
	Trainings  []Training
}

func computeDashboard(in dashboardInput) Dashboard {
	d := Dashboard{Filter: in.Filter, AsOf: in.AsOf, Quarters: in.Filter.Quarters(),
		SupervisionIntervalWeeks: in.Settings.SupervisionIntervalWeeks}
	quarterIndex := map[Date]int{}
	for i, q := range d.Quarters {
		quarterIndex[q] = i
	}

	// Offer tallies per clinic and quarter, and the funnel's first steps.
	clinics := map[int64]*DashboardClinic{}
	for _, u := range in.Units {
		if in.TallyUnits[u.ID] {
			clinics[u.ID] = &DashboardClinic{UnitID: u.ID, Name: u.Name,
				NewDiagnoses: make([]int, len(d.Quarters)), Informed: make([]int, len(d.Quarters))}
		}
	}
	seen := map[int64]bool{}
	for _, t := range in.Tallies {
		c := clinics[t.UnitID]
		i, ok := quarterIndex[QuarterStart(t.Month)]
		if c == nil || !ok {
			continue
		}
		seen[t.UnitID] = true
		if t.NewDiagnoses == nil {
			c.MissingMonths++
		} else {
			c.NewDiagnoses[i] += *t.NewDiagnoses
		}
		c.Informed[i] += t.Informed
		d.Funnel.Informed += t.Informed
		d.Funnel.Offered += t.Offered
		d.Funnel.Accepted += t.Accepted
	}
	for id, c := range clinics {
		if seen[id] {
			d.Clinics = append(d.Clinics, *c)
		}
	}
	slices.SortFunc(d.Clinics, func(a, b DashboardClinic) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.UnitID, b.UnitID))
	})

	// The referral counts.
	days := map[int]int{} // working days to first contact → referrals
	reasons := map[string]int{}
	for _, c := range in.Counts {
		v := int(c.Value)
		switch c.Measure {
		case MeasureReferred:
			d.Funnel.Referred += v
		case MeasureContacted:
			d.Funnel.Contacted += v
		case MeasureMatched:
			d.Funnel.Matched += v
		case MeasureThreeMeetings:
			d.Funnel.ThreeMeetings += v
		case MeasureFollowUp6:
			d.Funnel.FollowUpSixMo += v
		case MeasureClosed:
			reasons[c.Detail] += v
		case MeasureFirstContact:
			days[c.Bucket] += v
			if c.Bucket <= in.Settings.ContactDeadlineDays {
				d.FirstContact.WithinDeadline += v
			}
		case MeasureWHO5Pairs:
			d.Outcomes.Pairs += v
		case MeasureWHO5ChangeSum:
			d.Outcomes.ChangeSum += c.Value
		case MeasureWHO5Improved:
			d.Outcomes.Improved += v
		case MeasureWHO5Worsened:
			d.Outcomes.Worsened += v
		}
	}
	d.FirstContact.Contacted = d.Funnel.Contacted
	d.FirstContact.MedianWorkingDays = histogramMedian(days)
	d.FirstContact.DeadlineDays = in.Settings.ContactDeadlineDays
	for reason, n := range reasons {
		if n != 0 {
			d.Closures = append(d.Closures, ReasonCount{Reason: reason, Count: n})
		}
	}
	slices.SortFunc(d.Closures, func(a, b ReasonCount) int { return cmp.Compare(a.Reason, b.Reason) })

	// Agreements in force: positions, active-peer and median-days targets.
	budgeted, committed := map[int64]int{}, map[int64]int{}
	hasCommitment := map[int64]bool{}
	for _, a := range in.Agreements {
		positions := 0
		for _, p := range a.Positions {
			positions += p.Count
		}
		for _, c := range a.Commitments {
			switch c.Indicator {
			case IndicatorMedianDaysToFirstContact:
				d.FirstContact.Commitments = append(d.FirstContact.Commitments,
					DashboardCommitment{AgreementID: a.ID, Title: a.Title, Comparison: c.Comparison, Target: c.Target})
			case IndicatorActivePeers:
				for _, party := range a.Parties {
					committed[party] += c.Target
					hasCommitment[party] = true
				}
			}
		}
		for _, party := range a.Parties {
			budgeted[party] += positions
		}
	}

	// Peers on the AsOf day, by their status history.
	status := map[int64]PeerStatus{}
	events := slices.Clone(in.PeerEvents)
	slices.SortStableFunc(events, func(a, b PeerStatusEvent) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID)) })
	for _, e := range events {
		if !today(e.At).After(in.AsOf) {
			status[e.PeerID] = e.To
		}
	}
	supervised := map[int64]bool{}
	for _, s := range in.Supervised {
		supervised[s.PeerID] = true
	}
	orgs := map[int64]*DashboardPeers{}
	for _, o := range in.Organisations {
		if (in.Filter.OrganisationID == 0 && o.Active) || o.ID == in.Filter.OrganisationID {
			dp := &DashboardPeers{OrganisationID: o.ID, Name: o.Name, Budgeted: budgeted[o.ID]}
			if hasCommitment[o.ID] {
				n := committed[o.ID]
				dp.Committed = &n
			}
			orgs[o.ID] = dp
		}
	}
	peerOrg := map[int64]int64{}
	for _, p := range in.Peers {
		dp := orgs[p.OrganisationID]
		if dp == nil {
			continue
		}
		peerOrg[p.ID] = p.OrganisationID
		switch status[p.ID] {
		case PeerRecruited:
			d.Training.Recruited++
		case PeerInTraining:
			d.Training.InTraining++
		case PeerActive:
			d.Training.Active++
			dp.Active++
			if supervised[p.ID] {
				dp.Supervised++
			}
		case PeerPaused:
			d.Training.Paused++
		}
	}
	for _, dp := range orgs {
		d.Peers = append(d.Peers, *dp)
	}
	slices.SortFunc(d.Peers, func(a, b DashboardPeers) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.OrganisationID, b.OrganisationID))
	})
	periodEnd := QuarterEnd(in.Filter.To)
	for _, t := range in.Trainings {
		if _, ok := peerOrg[t.PeerID]; ok && t.Kind == TrainingBaseCourse && !t.CompletedOn.IsZero() &&
			!t.CompletedOn.Before(in.Filter.From) && !t.CompletedOn.After(periodEnd) {
			d.Training.BaseCoursesCompleted++
		}
	}
	return d
}

// histogramMedian is the median of values given as value → how many, read
// off the sorted values without listing each one (the mean of the two
// middle ones for an even count), or nil for none.
func histogramMedian(counts map[int]int) *float64 {
	values := make([]int, 0, len(counts))
	n := 0
	for v, c := range counts {
		if c > 0 {
			values = append(values, v)
			n += c
		}
	}
	if n == 0 {
		return nil
	}
	slices.Sort(values)
	// at returns the i-th smallest value (0-based).
	at := func(i int) int {
		for _, v := range values {
			if i < counts[v] {
				return v
			}
			i -= counts[v]
		}
		return values[len(values)-1]
	}
	m := float64(at(n / 2))
	if n%2 == 0 {
		m = float64(at(n/2-1)+at(n/2)) / 2
	}
	return &m
}
