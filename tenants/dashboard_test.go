package tenants_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// plannedReferral is one referral of the dashboard fixture and what happens
// to it. Days are counted from the day it is sent; -1 means never.
type plannedReferral struct {
	unit  *tenants.Unit
	org   *tenants.Organisation
	group tenants.TargetGroup
	sent  time.Time
	// contact is the day of the first attempt that reached the
	// participant; earlier, when ≥ 0, an earlier successful attempt that
	// is recorded afterwards (the first contact day moves back).
	contact, earlier int
	// matched: matched the day after contact; rematched: with another
	// peer a day later.
	matched, rematched bool
	meetings           int
	// who5Base and who5Six are WHO-5 answers at baseline and at 6 months
	// (nil: not done).
	who5Base, who5Six []int
	// closed, when set, closes the referral 200 days after it was sent;
	// closedAgain, when set too, reopens it and closes it again.
	closed, closedAgain tenants.ClosureReason
}

// dashboardWorld is a region with a year of pathway work, and the plan it
// was made from.
type dashboardWorld struct {
	pathwayFixture
	quarters []tenants.Date // the four quarters up to the current one
	plan     []plannedReferral
	tallies  []plannedTally
	peers    []plannedPeer
	budgeted int // orgA's positions
	now      time.Time
}

type plannedTally struct {
	unit         *tenants.Unit
	week         tenants.Date // a Monday whose week lies in one month
	counts       tenants.OfferCounts
	newDiagnoses int
}

type plannedPeer struct {
	org        *tenants.Organisation
	status     tenants.PeerStatus
	supervised bool
	id         int64
}

func newDashboardWorld(t *testing.T, db *tenants.DB) *dashboardWorld {
	t.Helper()
	ctx := context.Background()
	sthlm, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	w := &dashboardWorld{pathwayFixture: newPathwayFixture(t, db), now: time.Now()}
	current := tenants.QuarterStart(tenants.DateOf(w.now.In(sthlm)))
	for i := 3; i >= 0; i-- {
		w.quarters = append(w.quarters, current.AddMonths(-3*i))
	}
	// at is ten in the morning, Swedish time, days after the start of the
	// q-th quarter of the four.
	at := func(q, days int) time.Time {
		d := w.quarters[q].AddDays(days).Time()
		return time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, sthlm)
	}
	who5 := func(items ...int) []int { return items }
	hiv, psy := tenants.TargetHIV, tenants.TargetPsychiatry
	w.plan = []plannedReferral{
		// The whole path: contacted, matched, four meetings, baseline and
		// 6 months (15 raw → 60, then 20 raw → 80: improved by 20).
		{unit: &w.clinic, org: &w.orgA, group: hiv, sent: at(0, 3), contact: 2, earlier: -1, matched: true, meetings: 4,
			who5Base: who5(3, 3, 3, 3, 3), who5Six: who5(4, 4, 4, 4, 4), closed: tenants.ClosureGoalsMet},
		// Rematched, three meetings, worse at 6 months (20 → 12 raw).
		{unit: &w.clinic, org: &w.orgA, group: hiv, sent: at(0, 10), contact: 6, earlier: 3, matched: true, rematched: true, meetings: 3,
			who5Base: who5(4, 4, 4, 4, 4), who5Six: who5(2, 2, 2, 3, 3)},
		// Two meetings, baseline only; closed, reopened, closed again.
		{unit: &w.clinic, org: &w.orgA, group: hiv, sent: at(0, 40), contact: 9, earlier: -1, matched: true, meetings: 2,
			who5Base: who5(2, 2, 2, 2, 2), closed: tenants.ClosureEndedByParticipant, closedAgain: tenants.ClosureOther},
		// Never reached; closed for no contact.
		{unit: &w.clinic, org: &w.orgA, group: hiv, sent: at(1, 5), contact: -1, earlier: -1, closed: tenants.ClosureNoContact},
		// Another clinic and organisation; a small change (16 → 17 raw).
		{unit: &w.other, org: &w.orgB, group: hiv, sent: at(0, 20), contact: 1, earlier: -1, matched: true, meetings: 5,
			who5Base: who5(3, 3, 3, 3, 4), who5Six: who5(3, 3, 3, 4, 4)},
		{unit: &w.other, org: &w.orgB, group: hiv, sent: at(1, 12), contact: 15, earlier: -1},
		// Psychiatry.
		{unit: &w.clinic, org: &w.psych, group: psy, sent: at(1, 30), contact: 4, earlier: -1, matched: true, meetings: 1,
			closed: tenants.ClosureMoved},
		{unit: &w.clinic, org: &w.psych, group: psy, sent: at(2, 2), contact: 0, earlier: -1},
		{unit: &w.clinic, org: &w.psych, group: psy, sent: at(2, 8), contact: -1, earlier: -1},
	}
	refs := func(at time.Time) *tenants.ReferralStore { return w.refs.WithClock(func() time.Time { return at }) }
	support := tenants.NewSupportStore(db, testSealer(t))
	sup := func(at time.Time) *tenants.SupportStore { return support.WithClock(func() time.Time { return at }) }
	peers := tenants.NewPeerStore(db, testSealer(t))
	newPeer := func(org *tenants.Organisation, name string, status tenants.PeerStatus) tenants.Peer {
		p, err := peers.Create(ctx, w.a.ID, org.ID, w.coordinator, tenants.Peer{DisplayName: name, Languages: []string{"sv"},
			Experience: []tenants.ExperienceArea{tenants.ExperienceHIV}, Capacity: 20, Status: status})
		if err != nil {
			t.Fatalf("peer %s: %v", name, err)
		}
		w.peers = append(w.peers, plannedPeer{org: org, status: status, id: p.ID})
		return p
	}
	yusuf, maria := newPeer(&w.orgA, "Yusuf", tenants.PeerActive), newPeer(&w.orgA, "Maria", tenants.PeerActive)
	bengt := newPeer(&w.orgB, "Bengt", tenants.PeerActive)
	sara := newPeer(&w.psych, "Sara", tenants.PeerActive)
	newPeer(&w.orgB, "Nybörjare", tenants.PeerInTraining)
	newPeer(&w.psych, "Rekryt", tenants.PeerRecruited)
	peerOf := map[int64]tenants.Peer{w.orgA.ID: yusuf, w.orgB.ID: bengt, w.psych.ID: sara}

	// Supervision for Yusuf and Bengt within the interval before today.
	for _, p := range []tenants.Peer{yusuf, bengt} {
		org := w.orgA.ID
		if p.ID == bengt.ID {
			org = w.orgB.ID
		}
		if _, err := tenants.NewSupervisionStore(db).Create(ctx, w.a.ID, org, tenants.SupervisionSession{
			Kind: tenants.SupervisionIndividual, SupervisorName: "Handledare", HeldOn: tenants.DateOf(w.now.In(sthlm)).AddDays(-7),
			DurationMinutes: 60, PeerIDs: []int64{p.ID}}); err != nil {
			t.Fatal(err)
		}
		for i := range w.peers {
			if w.peers[i].id == p.ID {
				w.peers[i].supervised = true
			}
		}
	}
	// An agreement in force with orgA: three positions, two committed
	// active peers, a median of at most five working days to contact.
	agreements := tenants.NewAgreementStore(db)
	today := tenants.DateOf(w.now.In(sthlm))
	a, err := agreements.Create(ctx, w.a.ID, 0, tenants.Agreement{
		Title: "IOP hivstöd", Committee: "Hälso- och sjukvårdsnämnden", Purpose: "Kamratstöd",
		StartsOn: today.AddMonths(-12), EndsOn: today.AddMonths(12), ReportingCadence: tenants.ReportQuarterly,
		Parties: []int64{w.orgA.ID}, UnitIDs: []int64{w.clinic.ID},
		Commitments: []tenants.Commitment{
			{Indicator: tenants.IndicatorActivePeers, Comparison: tenants.AtLeast, Target: 2},
			{Indicator: tenants.IndicatorMedianDaysToFirstContact, Comparison: tenants.AtMost, Target: 5},
		},
		Positions: []tenants.BudgetedPosition{{Count: 3, FTEPercent: 50}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := agreements.SetStatus(ctx, w.a.ID, 0, a.ID, tenants.AgreementActive); err != nil {
		t.Fatal(err)
	}
	w.budgeted = 3

	for i, p := range w.plan {
		if p.sent.AddDate(0, 0, 200).After(w.now) && (p.closed != "" || p.who5Six != nil) {
			t.Fatalf("plan %d: its steps would lie in the future", i)
		}
		day := func(n int) time.Time { return p.sent.AddDate(0, 0, n) }
		n := ahmed()
		n.TargetGroup = p.group
		n.Consent.ExpiresOn = tenants.DateOf(p.sent).AddMonths(24)
		part, err := refs(p.sent).RegisterParticipant(ctx, w.a.ID, p.unit.ID, w.nurse, n)
		if err != nil {
			t.Fatalf("plan %d: register: %v", i, err)
		}
		r, err := refs(p.sent).Refer(ctx, w.a.ID, p.unit.ID, w.nurse, part.ID, p.org.ID)
		if err != nil {
			t.Fatalf("plan %d: refer: %v", i, err)
		}
		if _, err := refs(p.sent.Add(time.Hour)).Accept(ctx, w.a.ID, p.org.ID, w.coordinator, r.ID); err != nil {
			t.Fatalf("plan %d: accept: %v", i, err)
		}
		contact := func(d int) {
			if _, err := refs(day(p.contact)).RecordContactAttempt(ctx, w.a.ID, p.org.ID, w.coordinator, r.ID, tenants.ContactAttempt{
				AttemptedOn: tenants.DateOf(day(d).In(sthlm)), Method: tenants.ContactSMS, Reached: true}); err != nil {
				t.Fatalf("plan %d: contact: %v", i, err)
			}
		}
		if p.contact >= 0 {
			contact(p.contact)
			if p.earlier >= 0 {
				contact(p.earlier)
			}
		}
		var match tenants.Match
		if p.matched {
			peer := peerOf[p.org.ID]
			if match, err = sup(day(p.contact+1)).Match(ctx, w.a.ID, p.org.ID, w.coordinator, r.ID, peer.ID); err != nil {
				t.Fatalf("plan %d: match: %v", i, err)
			}
			if p.rematched {
				if match, err = sup(day(p.contact+2)).Match(ctx, w.a.ID, p.org.ID, w.coordinator, r.ID, maria.ID); err != nil {
					t.Fatalf("plan %d: rematch: %v", i, err)
				}
			}
		}
		for m := range p.meetings {
			held := day(p.contact + 3 + 7*m)
			peerID := match.PeerID
			if _, err := sup(held).LogMeeting(ctx, w.a.ID, peerID, w.coordinator, match.ID, tenants.Meeting{
				HeldOn: tenants.DateOf(held.In(sthlm)), Format: tenants.MeetingPhone, DurationMinutes: 45,
				Topics: []tenants.MeetingTopic{tenants.TopicEverydayLife}}); err != nil {
				t.Fatalf("plan %d: meeting %d: %v", i, m, err)
			}
		}
		if p.who5Base != nil || p.who5Six != nil {
			rec, err := w.refs.Record(ctx, w.a.ID, p.org.ID, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			fus := rec.Support.FollowUps
			if i == 1 {
				// The 6-month follow-up is recorded before the baseline
				// here, so that either order completes the WHO-5 pair.
				slices.Reverse(fus)
			}
			for _, fu := range fus {
				answers := map[int][]int{0: p.who5Base, 6: p.who5Six}[fu.Month]
				if answers == nil {
					continue
				}
				doneOn := fu.DueOn
				if doneOn.Before(match.StartedOn) { // the baseline of a rematched referral
					doneOn = match.StartedOn
				}
				done := doneOn.Time()
				clock := time.Date(done.Year(), done.Month(), done.Day(), 12, 0, 0, 0, sthlm).AddDate(0, 0, 1)
				if _, err := sup(clock).RecordFollowUp(ctx, w.a.ID, match.PeerID, w.coordinator, match.ID, fu.ID, doneOn,
					followUpAnswers(p.group, answers)); err != nil {
					t.Fatalf("plan %d: follow-up month %d: %v", i, fu.Month, err)
				}
			}
		}
		if p.closed != "" {
			if _, err := refs(day(200)).Close(ctx, w.a.ID, p.org.ID, w.coordinator, r.ID, p.closed); err != nil {
				t.Fatalf("plan %d: close: %v", i, err)
			}
			if p.closedAgain != "" {
				if _, err := refs(day(201)).Reopen(ctx, w.a.ID, p.org.ID, w.coordinator, r.ID, "Vill fortsätta"); err != nil {
					t.Fatal(err)
				}
				if _, err := refs(day(202)).Close(ctx, w.a.ID, p.org.ID, w.coordinator, r.ID, p.closedAgain); err != nil {
					t.Fatal(err)
				}
			}
		}
	}

	// Offer tallies: a week in each of the first three quarters' first
	// month for the two clinics, and the month's new diagnoses.
	offers := tenants.NewOfferStore(db)
	for q := range 3 {
		for j, u := range []*tenants.Unit{&w.clinic, &w.other} {
			week := w.quarters[q].AddDays(7)
			for week.Time().Weekday() != time.Monday {
				week = week.AddDays(1)
			}
			pt := plannedTally{unit: u, week: week, newDiagnoses: 6 + 3*q + j,
				counts: tenants.OfferCounts{Met: 10 + q, Informed: 9 + q - j, Offered: 8 + q - j, Accepted: 3 + j, Declined: 2, Undecided: 3 + q - 2*j}}
			if _, err := offers.RecordWeek(ctx, w.a.ID, u.ID, pt.week, pt.counts); err != nil {
				t.Fatalf("tally: %v", err)
			}
			if _, err := offers.SetNewDiagnoses(ctx, w.a.ID, u.ID, pt.week, pt.newDiagnoses); err != nil {
				t.Fatal(err)
			}
			w.tallies = append(w.tallies, pt)
		}
	}
	return w
}

// followUpAnswers answers every questionnaire of the group's follow-ups:
// WHO-5 as planned, the others with valid middling answers.
func followUpAnswers(g tenants.TargetGroup, who5 []int) tenants.FollowUpAnswers {
	a := tenants.FollowUpAnswers{tenants.InstrumentWHO5: who5}
	if g == tenants.TargetHIV {
		a[tenants.InstrumentPozQoL] = slices.Repeat([]int{3}, 13)
	} else {
		a[tenants.InstrumentQPR15] = slices.Repeat([]int{2}, 15)
	}
	return a
}

// expect computes the dashboard the plan should give for the filter,
// straight from the plan: nothing here reads the database.
func (w *dashboardWorld) expect(f tenants.DashboardFilter) tenants.Dashboard {
	sthlm, _ := time.LoadLocation("Europe/Stockholm")
	d := tenants.Dashboard{Filter: f, Quarters: f.Quarters(), SupervisionIntervalWeeks: tenants.DefaultSupervisionIntervalWeeks}
	d.AsOf = tenants.DateOf(w.now.In(sthlm))
	if end := tenants.QuarterEnd(f.To); end.Before(d.AsOf) {
		d.AsOf = end
	}
	inPeriod := func(day tenants.Date) bool {
		q := tenants.QuarterStart(day)
		return !q.Before(f.From) && !q.After(f.To)
	}
	unitOK := func(u *tenants.Unit) bool { return f.UnitID == 0 || u.ID == f.UnitID }

	// Tallies: the clinic, the organisation's clinics, the group's kinds.
	served := map[int64][]int64{w.orgA.ID: {w.clinic.ID}, w.orgB.ID: {w.clinic.ID, w.other.ID}, w.psych.ID: {w.clinic.ID}, w.far.ID: {w.other.ID}}
	clinics := map[int64]*tenants.DashboardClinic{}
	for _, pt := range w.tallies {
		switch {
		case !inPeriod(pt.week), !unitOK(pt.unit),
			f.OrganisationID != 0 && !slices.Contains(served[f.OrganisationID], pt.unit.ID),
			f.TargetGroup != "" && f.TargetGroup != tenants.TargetHIV: // both clinics are infection clinics
			continue
		}
		c := clinics[pt.unit.ID]
		if c == nil {
			c = &tenants.DashboardClinic{UnitID: pt.unit.ID, Name: pt.unit.Name, NewDiagnoses: make([]int, len(d.Quarters)), Informed: make([]int, len(d.Quarters))}
			clinics[pt.unit.ID] = c
		}
		i := slices.Index(d.Quarters, tenants.QuarterStart(pt.week))
		c.NewDiagnoses[i] += pt.newDiagnoses
		c.Informed[i] += pt.counts.Informed
		d.Funnel.Informed += pt.counts.Informed
		d.Funnel.Offered += pt.counts.Offered
		d.Funnel.Accepted += pt.counts.Accepted
	}
	for _, c := range clinics {
		d.Clinics = append(d.Clinics, *c)
	}
	slices.SortFunc(d.Clinics, func(a, b tenants.DashboardClinic) int { return compareStrings(a.Name, b.Name) })

	var days []int
	reasons := map[string]int{}
	for _, p := range w.plan {
		sent := tenants.DateOf(p.sent.In(sthlm))
		switch {
		case !inPeriod(sent), !unitOK(p.unit),
			f.OrganisationID != 0 && p.org.ID != f.OrganisationID,
			f.TargetGroup != "" && p.group != f.TargetGroup:
			continue
		}
		d.Funnel.Referred++
		if p.contact >= 0 {
			first := p.contact
			if p.earlier >= 0 {
				first = min(first, p.earlier)
			}
			d.Funnel.Contacted++
			wd := tenants.WorkingDaysBetween(sent, tenants.DateOf(p.sent.AddDate(0, 0, first).In(sthlm)))
			days = append(days, wd)
			if wd <= tenants.DefaultContactDeadlineDays {
				d.FirstContact.WithinDeadline++
			}
		}
		if p.matched {
			d.Funnel.Matched++
		}
		if p.meetings >= 3 {
			d.Funnel.ThreeMeetings++
		}
		if p.who5Six != nil {
			d.Funnel.FollowUpSixMo++
		}
		if p.who5Base != nil && p.who5Six != nil {
			before, after := sum(p.who5Base)*4, sum(p.who5Six)*4
			d.Outcomes.Pairs++
			d.Outcomes.ChangeSum += int64(after - before)
			switch {
			case after-before >= 10:
				d.Outcomes.Improved++
			case before-after >= 10:
				d.Outcomes.Worsened++
			}
		}
		if p.closed != "" {
			reasons[string(p.closed)]++ // the first closure counts
		}
	}
	d.FirstContact.Contacted = d.Funnel.Contacted
	d.FirstContact.DeadlineDays = tenants.DefaultContactDeadlineDays
	if len(days) > 0 {
		slices.Sort(days)
		m := float64(days[len(days)/2])
		if len(days)%2 == 0 {
			m = float64(days[len(days)/2-1]+days[len(days)/2]) / 2
		}
		d.FirstContact.MedianWorkingDays = &m
	}
	for r, n := range reasons {
		d.Closures = append(d.Closures, tenants.ReasonCount{Reason: r, Count: n})
	}
	slices.SortFunc(d.Closures, func(a, b tenants.ReasonCount) int { return compareStrings(a.Reason, b.Reason) })

	// Peers, made today, count only when the period reaches today.
	// Every active organisation has a line, or the chosen one.
	peersExist := d.AsOf == tenants.DateOf(w.now.In(sthlm))
	for _, o := range []*tenants.Organisation{&w.orgA, &w.orgB, &w.psych, &w.far} {
		if f.OrganisationID != 0 && o.ID != f.OrganisationID {
			continue
		}
		dp := tenants.DashboardPeers{OrganisationID: o.ID, Name: o.Name}
		if o.ID == w.orgA.ID {
			two := 2
			dp.Budgeted, dp.Committed = w.budgeted, &two
		}
		for _, p := range w.peers {
			if p.org.ID != o.ID || !peersExist {
				continue
			}
			switch p.status {
			case tenants.PeerActive:
				d.Training.Active++
				dp.Active++
				if p.supervised {
					dp.Supervised++
				}
			case tenants.PeerInTraining:
				d.Training.InTraining++
			case tenants.PeerRecruited:
				d.Training.Recruited++
			}
		}
		d.Peers = append(d.Peers, dp)
	}
	slices.SortFunc(d.Peers, func(a, b tenants.DashboardPeers) int { return compareStrings(a.Name, b.Name) })
	return d
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestDashboardFiguresMatchThePlan: the dashboard, read from the counts the
// stores keep as the work happens, equals what the plan says, for several
// filters; and rebuilding the counts from the rows gives the same counts.
func TestDashboardFiguresMatchThePlan(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		w := newDashboardWorld(t, db)
		store := tenants.NewDashboardStore(db)
		all := tenants.DashboardFilter{From: w.quarters[0], To: w.quarters[3]}
		filters := map[string]tenants.DashboardFilter{
			"the whole year":       all,
			"the first quarter":    {From: w.quarters[0], To: w.quarters[0]},
			"the middle quarters":  {From: w.quarters[1], To: w.quarters[2]},
			"one clinic":           {From: all.From, To: all.To, UnitID: w.other.ID},
			"one organisation":     {From: all.From, To: all.To, OrganisationID: w.orgA.ID},
			"psychiatry":           {From: all.From, To: all.To, TargetGroup: tenants.TargetPsychiatry},
			"hiv at orgB's clinic": {From: all.From, To: all.To, OrganisationID: w.orgB.ID, TargetGroup: tenants.TargetHIV},
		}
		check := func(t *testing.T) {
			for name, f := range filters {
				got, err := store.Dashboard(ctx, w.a.ID, f, w.now)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				want := w.expect(f)
				// Commitments are compared on their own.
				gotCommitments := got.FirstContact.Commitments
				got.FirstContact.Commitments = nil
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s:\n got %s\nwant %s", name, dump(got), dump(want))
				}
				if len(gotCommitments) != 1 || gotCommitments[0].Target != 5 || gotCommitments[0].Comparison != tenants.AtMost {
					t.Errorf("%s: median-days commitments = %+v, want the agreement's ≤ 5", name, gotCommitments)
				}
			}
		}
		// The plan is not trivial: the whole year has referrals at every
		// step, so a dashboard that counted nothing would fail.
		whole := w.expect(all)
		if whole.Funnel.FollowUpSixMo == 0 || whole.Funnel.ThreeMeetings < 2 || whole.Outcomes.Improved == 0 || whole.Outcomes.Worsened == 0 ||
			len(whole.Closures) < 3 || len(whole.Clinics) != 2 {
			t.Fatalf("the plan lost its variety: %s", dump(whole))
		}
		t.Run("as counted", check)
		if err := store.Rebuild(ctx, w.a.ID); err != nil {
			t.Fatal(err)
		}
		t.Run("rebuilt from the rows", check)
	})
}

func dump(d tenants.Dashboard) string {
	s := fmt.Sprintf("%+v", d)
	if d.FirstContact.MedianWorkingDays != nil {
		s += fmt.Sprintf(" median=%v", *d.FirstContact.MedianWorkingDays)
	}
	return s
}

// TestDashboardFilterRefusals: a bad period, group, clinic or organisation
// is refused at its field.
func TestDashboardFilterRefusals(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newPathwayFixture(t, db)
		store := tenants.NewDashboardStore(db)
		q := tenants.NewDate(2026, time.April, 1)
		for _, c := range []struct {
			name       string
			filter     tenants.DashboardFilter
			field, key string
		}{
			{"not a quarter's first day", tenants.DashboardFilter{From: q.AddDays(1), To: q}, "from", "validation.quarter_start"},
			{"end before start", tenants.DashboardFilter{From: q, To: q.AddMonths(-3)}, "to", "validation.end_before_start"},
			{"too long", tenants.DashboardFilter{From: q.AddMonths(-36), To: q}, "to", "validation.dashboard_span"},
			{"unknown group", tenants.DashboardFilter{From: q, To: q, TargetGroup: "cats"}, "target_group", "validation.choice"},
			{"another region's clinic", tenants.DashboardFilter{From: q, To: q, UnitID: otherRegionUnit(t, f)}, "unit_id", "validation.scope_unit"},
			{"no such organisation", tenants.DashboardFilter{From: q, To: q, OrganisationID: 999999}, "organisation_id", "validation.scope_organisation"},
		} {
			_, err := store.Dashboard(ctx, f.a.ID, c.filter, time.Now())
			wantField(t, c.name, err, c.field, c.key)
		}
		// An organisation no longer active may still be chosen: its
		// referrals are history. Unfiltered, the peers table leaves it out.
		gone, err := tenants.NewOrganisationStore(db).Save(ctx, f.a.ID, tenants.Organisation{Name: "Nedlagd förening", Kind: tenants.OrgPatient,
			Focus: []tenants.TargetGroup{tenants.TargetHIV}, Active: false}, nil)
		if err != nil {
			t.Fatal(err)
		}
		d, err := store.Dashboard(ctx, f.a.ID, tenants.DashboardFilter{From: q, To: q, OrganisationID: gone.ID}, time.Now())
		if err != nil || len(d.Peers) != 1 || d.Peers[0].OrganisationID != gone.ID {
			t.Errorf("an inactive organisation's dashboard: %+v, %v", d.Peers, err)
		}
		if d, err := store.Dashboard(ctx, f.a.ID, tenants.DashboardFilter{From: q, To: q}, time.Now()); err != nil ||
			slices.ContainsFunc(d.Peers, func(p tenants.DashboardPeers) bool { return p.OrganisationID == gone.ID }) {
			t.Errorf("the unfiltered peers table lists the inactive organisation: %+v, %v", d.Peers, err)
		}
	})
}

func otherRegionUnit(t *testing.T, f pathwayFixture) int64 {
	t.Helper()
	u, err := tenants.NewUnitStore(f.db).Create(context.Background(), f.b.ID, tenants.Unit{Name: "Annan region", Kind: tenants.UnitOther, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
