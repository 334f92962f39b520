package tenants_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// reportQuarter is the quarter the fixture fills: Q1 2026. Its only
// weekday holidays are New Year's Day (Thursday) and Epiphany (Tuesday 6
// January); 24, 25, 26 and 31 December 2025 are days off too.
var reportQuarter = tenants.NewDate(2026, time.January, 1)

// reportNow is when the fixture's reports are built: just after the quarter.
var reportNow = time.Date(2026, time.April, 2, 9, 0, 0, 0, time.UTC)

// reportFixture is a region with a quarter of pathway data.
type reportFixture struct {
	region                   tenants.Tenant
	u1, u2, u3               int64 // u1 covered by the agreement
	orgA, orgB               int64 // orgA party to the agreement
	agreement, draftAgr      int64
	r1, r2, r3, r5, r7       int64
	p1, p2, p3, p4, p5       int64
	reports                  *tenants.ReportStore
	ctx                      context.Context
	db                       *tenants.DB
	stockholm                *time.Location
	agreementTitle, orgAName string
}

func newReportFixture(t *testing.T, db *tenants.DB) *reportFixture {
	t.Helper()
	ctx := context.Background()
	sthlm, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	f := &reportFixture{region: tenanttest.Tenant(t, db), reports: tenants.NewReportStore(db), ctx: ctx, db: db, stockholm: sthlm,
		agreementTitle: "IOP hivstöd Skåne", orgAName: "Positiva gruppen Syd"}
	tid := f.region.ID
	// at is a moment in Swedish time.
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, sthlm) }
	day := func(y int, m time.Month, d int) tenants.Date { return tenants.NewDate(y, m, d) }
	n := func(v int) *int { return &v }

	seed := func(fn func(tx *tenants.Tx) error) {
		t.Helper()
		if err := db.InTenant(ctx, tid, fn); err != nil {
			t.Fatal(err)
		}
	}
	insert := func(tx *tenants.Tx, model any) {
		t.Helper()
		if _, err := tx.NewInsert().Model(model).Returning("id").Exec(ctx); err != nil {
			t.Fatalf("insert %T: %v", model, err)
		}
	}
	insertPlain := func(tx *tenants.Tx, model any) {
		t.Helper()
		if _, err := tx.NewInsert().Model(model).Exec(ctx); err != nil {
			t.Fatalf("insert %T: %v", model, err)
		}
	}

	seed(func(tx *tenants.Tx) error {
		for _, u := range []struct {
			id   *int64
			name string
		}{{&f.u1, "Infektionskliniken Lund"}, {&f.u2, "Infektion Malmö"}, {&f.u3, "Psykiatri Ystad"}} {
			unit := tenants.Unit{TenantID: tid, Name: u.name, Kind: tenants.UnitOther, CreatedAt: time.Now()}
			insert(tx, &unit)
			*u.id = unit.ID
		}
		for _, o := range []struct {
			id     *int64
			name   string
			active bool
		}{{&f.orgA, f.orgAName, true}, {&f.orgB, "NSPH Skåne", true}, {new(int64), "Vilande förening", false}} {
			org := tenants.Organisation{TenantID: tid, Name: o.name, Kind: tenants.OrgPatient, Focus: []tenants.TargetGroup{}, Active: o.active, CreatedAt: time.Now()}
			insert(tx, &org)
			*o.id = org.ID
		}
		return nil
	})

	agreements := tenants.NewAgreementStore(db)
	a, err := agreements.Create(ctx, tid, 0, tenants.Agreement{
		Title: f.agreementTitle, Committee: "Hälso- och sjukvårdsnämnden", Purpose: "Stöd till personer med hiv",
		StartsOn: day(2025, time.January, 1), EndsOn: day(2027, time.December, 31), ReportingCadence: tenants.ReportQuarterly,
		Parties: []int64{f.orgA}, UnitIDs: []int64{f.u1},
		Commitments: []tenants.Commitment{
			{Indicator: tenants.IndicatorInformedRatePercent, Comparison: tenants.AtLeast, Target: 80},
			{Indicator: tenants.IndicatorMedianDaysToFirstContact, Comparison: tenants.AtMost, Target: 5},
			{Indicator: tenants.IndicatorActivePeers, Comparison: tenants.AtLeast, Target: 2},
			{Indicator: tenants.IndicatorIntroSessionsPerUnit, Comparison: tenants.AtLeast, Target: 3, Description: "Tre introduktioner"},
		},
		Positions: []tenants.BudgetedPosition{{Count: 2, FTEPercent: 50}, {Count: 1, FTEPercent: 100}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := agreements.SetStatus(ctx, tid, 0, a.ID, tenants.AgreementActive); err != nil {
		t.Fatal(err)
	}
	f.agreement = a.ID
	draft, err := agreements.Create(ctx, tid, 0, tenants.Agreement{
		Title: "Utkast NSPH", Committee: "Regionstyrelsen", Purpose: "Ännu inte beslutat",
		StartsOn: day(2026, time.January, 1), EndsOn: day(2026, time.December, 31), ReportingCadence: tenants.ReportYearly,
		Parties: []int64{f.orgB}, Positions: []tenants.BudgetedPosition{{Count: 5, FTEPercent: 100}},
	})
	if err != nil {
		t.Fatal(err)
	}
	f.draftAgr = draft.ID

	seed(func(tx *tenants.Tx) error {
		// Offer tallies.
		for _, ot := range []tenants.OfferTally{
			{UnitID: f.u1, Month: day(2025, time.December, 1), NewDiagnoses: n(100), OfferCounts: tenants.OfferCounts{Met: 100, Informed: 100}},
			{UnitID: f.u1, Month: day(2026, time.January, 1), NewDiagnoses: n(10), OfferCounts: tenants.OfferCounts{Met: 12, Informed: 9, Offered: 8, Accepted: 3, Declined: 4, Undecided: 1}},
			{UnitID: f.u1, Month: day(2026, time.February, 1), NewDiagnoses: n(8), OfferCounts: tenants.OfferCounts{Met: 8, Informed: 8, Offered: 6, Accepted: 2, Declined: 3, Undecided: 1}},
			{UnitID: f.u1, Month: day(2026, time.March, 1), OfferCounts: tenants.OfferCounts{Met: 5, Informed: 4, Offered: 4, Accepted: 1, Declined: 2, Undecided: 1}},
			{UnitID: f.u1, Month: day(2026, time.April, 1), NewDiagnoses: n(50), OfferCounts: tenants.OfferCounts{Met: 50, Informed: 50}},
			{UnitID: f.u2, Month: day(2026, time.February, 1), NewDiagnoses: n(5), OfferCounts: tenants.OfferCounts{Met: 4, Informed: 2, Offered: 2, Accepted: 1, Declined: 1}},
		} {
			ot.TenantID = tid
			insertPlain(tx, &ot)
		}

		// Referrals, each with its own participant.
		type event struct {
			at     time.Time
			to     tenants.ReferralStatus
			reason string
		}
		referral := func(code string, unit, org int64, created time.Time, firstContact tenants.Date, status tenants.ReferralStatus, events ...event) int64 {
			var pid int64
			if err := tx.NewRaw(`INSERT INTO participants (tenant_id, code, unit_id, target_group, language, consent_share_contact,
				consent_follow_up, consent_research, consent_recorded_at, consent_expires_on, created_at)
				VALUES (?, ?, ?, 'hiv', 'sv', false, true, false, ?, ?, ?) RETURNING id`,
				tid, code, unit, created, day(2028, time.January, 1), created).Scan(ctx, &pid); err != nil {
				t.Fatalf("participant: %v", err)
			}
			r := tenants.Referral{TenantID: tid, ParticipantID: pid, UnitID: unit, OrganisationID: org, Status: status,
				StatusChangedAt: created, FirstContactOn: firstContact, CreatedAt: created}
			insert(tx, &r)
			from := tenants.ReferralStatus("")
			for _, e := range append([]event{{created, tenants.ReferralReceived, ""}}, events...) {
				insert(tx, &tenants.ReferralEvent{TenantID: tid, ReferralID: r.ID, At: e.at, From: from, To: e.to, Reason: e.reason})
				from = e.to
			}
			return r.ID
		}
		f.r1 = referral("R1", f.u1, f.orgA, at(2026, 1, 5, 10, 0), day(2026, 1, 8), tenants.ReferralMatched,
			event{at(2026, 1, 6, 9, 0), tenants.ReferralAccepted, ""}, event{at(2026, 1, 8, 9, 0), tenants.ReferralContacted, ""},
			event{at(2026, 1, 15, 9, 0), tenants.ReferralMatched, ""})
		f.r2 = referral("R2", f.u1, f.orgA, at(2026, 2, 2, 10, 0), day(2026, 2, 13), tenants.ReferralClosed,
			event{at(2026, 2, 3, 9, 0), tenants.ReferralAccepted, ""}, event{at(2026, 2, 13, 9, 0), tenants.ReferralContacted, ""},
			event{at(2026, 2, 20, 9, 0), tenants.ReferralMatched, ""}, event{at(2026, 3, 20, 9, 0), tenants.ReferralClosed, "goals_met"})
		f.r3 = referral("R3", f.u2, f.orgA, at(2026, 3, 2, 10, 0), day(2026, 3, 4), tenants.ReferralContacted,
			event{at(2026, 3, 3, 9, 0), tenants.ReferralAccepted, ""}, event{at(2026, 3, 4, 9, 0), tenants.ReferralContacted, ""})
		referral("R4", f.u1, f.orgB, at(2026, 3, 10, 10, 0), tenants.Date{}, tenants.ReferralDeclined,
			event{at(2026, 3, 11, 9, 0), tenants.ReferralDeclined, "no_capacity"})
		// R5 was referred in December and closed late on the quarter's
		// last evening: 23:30 in Sweden, still 31 March.
		f.r5 = referral("R5", f.u1, f.orgA, at(2025, 12, 15, 10, 0), day(2026, 1, 2), tenants.ReferralClosed,
			event{at(2025, 12, 16, 9, 0), tenants.ReferralAccepted, ""}, event{at(2026, 1, 2, 9, 0), tenants.ReferralContacted, ""},
			event{at(2026, 3, 31, 23, 30), tenants.ReferralClosed, "ended_by_participant"})
		// R6 arrived half an hour into April in Sweden (still March in UTC).
		referral("R6", f.u2, f.orgB, at(2026, 4, 1, 0, 30), tenants.Date{}, tenants.ReferralReceived)
		f.r7 = referral("R7", f.u1, f.orgA, at(2026, 1, 20, 10, 0), tenants.Date{}, tenants.ReferralClosed,
			event{at(2026, 1, 21, 9, 0), tenants.ReferralAccepted, ""}, event{at(2026, 2, 1, 9, 0), tenants.ReferralClosed, "consent_withdrawn"})

		// Peers and their status history.
		type change struct {
			at time.Time
			to tenants.PeerStatus
		}
		peer := func(org int64, name string, changes ...change) int64 {
			last := changes[len(changes)-1]
			p := tenants.Peer{TenantID: tid, OrganisationID: org, DisplayName: name, Languages: []string{"sv"},
				Experience: []tenants.ExperienceArea{}, Gender: tenants.GenderUnspecified, Capacity: 3,
				Status: last.to, StatusChangedAt: last.at, CreatedAt: changes[0].at, UpdatedAt: last.at}
			insert(tx, &p)
			from := tenants.PeerStatus("")
			for _, c := range changes {
				insert(tx, &tenants.PeerStatusEvent{TenantID: tid, PeerID: p.ID, At: c.at, From: from, To: c.to})
				from = c.to
			}
			return p.ID
		}
		f.p1 = peer(f.orgA, "Yusuf", change{at(2025, 6, 1, 9, 0), tenants.PeerActive})
		f.p2 = peer(f.orgA, "Maria", change{at(2025, 9, 1, 9, 0), tenants.PeerActive}, change{at(2026, 3, 15, 9, 0), tenants.PeerPaused})
		f.p3 = peer(f.orgA, "Leila", change{at(2025, 11, 1, 9, 0), tenants.PeerInTraining}, change{at(2026, 2, 1, 9, 0), tenants.PeerActive},
			change{at(2026, 4, 10, 9, 0), tenants.PeerPaused})
		f.p4 = peer(f.orgA, "Pia", change{at(2026, 4, 5, 9, 0), tenants.PeerActive})
		f.p5 = peer(f.orgB, "Olof", change{at(2025, 1, 10, 9, 0), tenants.PeerActive})

		// Supervision: the window is 4 weeks before 31 March, 3 March
		// itself excluded.
		session := func(org int64, held tenants.Date, peers ...int64) {
			s := tenants.SupervisionSession{TenantID: tid, OrganisationID: org, Kind: tenants.SupervisionGroup, SupervisorName: "Handledare",
				HeldOn: held, DurationMinutes: 90, CreatedAt: held.Time()}
			insert(tx, &s)
			for _, p := range peers {
				if _, err := tx.ExecContext(ctx, "INSERT INTO supervision_attendance (tenant_id, session_id, organisation_id, peer_id) VALUES (?, ?, ?, ?)",
					tid, s.ID, org, p); err != nil {
					t.Fatal(err)
				}
			}
		}
		session(f.orgA, day(2026, 3, 10), f.p1, f.p2)
		session(f.orgA, day(2026, 3, 3), f.p3)
		session(f.orgB, day(2026, 4, 1), f.p5)
		session(f.orgB, day(2026, 3, 31), f.p5)

		// Matches and meetings: Yusuf meets in the quarter, Leila only after.
		match := func(referral, org, peer int64, started tenants.Date, meetings ...tenants.Date) {
			m := tenants.Match{TenantID: tid, ReferralID: referral, OrganisationID: org, PeerID: peer, StartedOn: started, CreatedAt: started.Time()}
			insert(tx, &m)
			for _, held := range meetings {
				if _, err := tx.ExecContext(ctx, "INSERT INTO meetings (tenant_id, match_id, held_on, format, duration_minutes, created_at) VALUES (?, ?, ?, 'phone', 30, ?)",
					tid, m.ID, held, held.Time()); err != nil {
					t.Fatal(err)
				}
			}
		}
		match(f.r1, f.orgA, f.p1, day(2026, 1, 15), day(2026, 1, 20), day(2026, 2, 10))
		match(f.r2, f.orgA, f.p3, day(2026, 2, 20), day(2026, 4, 3))

		// Follow-ups with WHO-5 raw scores.
		followUp := func(referral int64, month int, due tenants.Date, status tenants.FollowUpStatus, done tenants.Date, who5 int) {
			fu := tenants.FollowUp{TenantID: tid, ReferralID: referral, Month: month, DueOn: due, Status: status, DoneOn: done}
			insert(tx, &fu)
			if who5 < 0 {
				return
			}
			answers := []int{0, 0, 0, 0, 0}
			for i, left := 0, who5; left > 0; i, left = i+1, left-5 {
				answers[i] = min(left, 5)
			}
			insertPlain(tx, &tenants.FollowUpScore{TenantID: tid, FollowUpID: fu.ID, Instrument: tenants.InstrumentWHO5, Answers: answers, Raw: who5, Total: float64(who5 * 4)})
		}
		none := tenants.Date{}
		followUp(f.r5, 0, day(2025, 12, 19), tenants.FollowUpCompleted, day(2025, 12, 20), 8)
		followUp(f.r5, 3, day(2026, 3, 20), tenants.FollowUpCompleted, day(2026, 3, 22), 14)
		followUp(f.r1, 0, day(2026, 1, 15), tenants.FollowUpCompleted, day(2026, 1, 16), 10)
		followUp(f.r1, 3, day(2026, 3, 25), tenants.FollowUpCompleted, day(2026, 3, 30), 6)
		followUp(f.r2, 0, day(2026, 2, 20), tenants.FollowUpCompleted, day(2026, 2, 21), 15)
		followUp(f.r2, 3, day(2026, 3, 28), tenants.FollowUpDeclined, day(2026, 3, 28), -1)
		followUp(f.r3, 0, day(2026, 3, 5), tenants.FollowUpDue, none, -1)
		followUp(f.r7, 0, day(2026, 1, 25), tenants.FollowUpCancelled, none, -1)
		followUp(f.r7, 3, day(2026, 3, 10), tenants.FollowUpCompleted, day(2026, 3, 15), 20)
		return nil
	})
	return f
}

func fp(v float64) *float64 { return &v }
func bp(v bool) *bool       { return &v }

// wantReportFigures is the fixture's quarter worked out by hand, scope by
// scope, from the rows above; the comments show the arithmetic.
func (f *reportFixture) wantReportFigures() map[tenants.ReportScope]map[int64]tenants.ReportFigures {
	// Days to first contact (calendar / working days):
	// R1 5 Jan → 8 Jan: 3 / 2 (6 Jan is Epiphany)
	// R2 2 Feb → 13 Feb: 11 / 9
	// R3 2 Mar → 4 Mar: 2 / 2
	// R5 15 Dec → 2 Jan: 18 / 9 (24–26 and 31 Dec, 1 Jan off)
	u1 := tenants.OfferFunnel{NewDiagnoses: 18, MissingDiagnosisMonths: 1, Met: 25, Informed: 21, Offered: 18, Accepted: 6, Declined: 9, Undecided: 3,
		Referred: 4, SystematisationRate: fp(1.1667)} // R1, R2, R4, R7; 21/18
	u2 := tenants.OfferFunnel{NewDiagnoses: 5, Met: 4, Informed: 2, Offered: 2, Accepted: 1, Declined: 1, Referred: 1, SystematisationRate: fp(0.4)} // R3
	u1Agreement := u1
	u1Agreement.Referred = 3 // R1, R2, R7 (R4 went to B)

	orgA := tenants.OrganisationPeers{OrganisationID: f.orgA, Name: f.orgAName, Active: 2, BudgetedPositions: 3} // Yusuf, Leila
	orgB := tenants.OrganisationPeers{OrganisationID: f.orgB, Name: "NSPH Skåne", Active: 1}                     // Olof; the draft does not count

	region := tenants.ReportFigures{
		Offer: &tenants.OfferFigures{
			Total: tenants.OfferFunnel{NewDiagnoses: 23, MissingDiagnosisMonths: 1, Met: 29, Informed: 23, Offered: 20, Accepted: 7, Declined: 10,
				Undecided: 3, Referred: 5, SystematisationRate: fp(1)},
			Clinics: []tenants.ClinicFunnel{{UnitID: f.u2, UnitName: "Infektion Malmö", Funnel: u2}, {UnitID: f.u1, UnitName: "Infektionskliniken Lund", Funnel: u1}},
		},
		// Created R1 R2 R3 R4 R7; accepted R1 R2 R3 R7; contacted R1 R2 R3 R5.
		Referrals: tenants.ReferralFigures{Created: 5, Accepted: 4, Declined: 1, Contacted: 4, Matched: 2, Closed: 3,
			ClosedByReason: []tenants.ReasonCount{{Reason: "consent_withdrawn", Count: 1}, {Reason: "ended_by_participant", Count: 1}, {Reason: "goals_met", Count: 1}}},
		// [2 3 11 18] → 7; [2 2 9 9] → 5.5; within 5 working days: R1, R3.
		FirstContact: tenants.FirstContactFigures{Count: 4, MedianDays: fp(7), MedianWorkingDays: fp(5.5), WithinDeadline: 2, DeadlineWorkingDays: 5},
		Peers:        tenants.PeerFigures{Active: 3, BudgetedPositions: 3, BudgetedFTE: 2, WithMeetings: 1, Organisations: []tenants.OrganisationPeers{orgB, orgA}},
		// Yusuf (10 Mar) and Olof (31 Mar); Leila's 3 Mar is a day too early.
		Supervision: tenants.SupervisionFigures{IntervalWeeks: 4, ActivePeers: 3, Supervised: 2, Share: fp(0.6667)},
		// R5 8 → 14: +24; R1 10 → 6: −16; R7 has no baseline. Mean +4.
		// Due in the quarter: R5/3 R1/0 R1/3 R2/0 R2/3 R3/0 R7/3, of which
		// completed R5/3 R1/0 R1/3 R2/0 R7/3.
		Outcomes: tenants.OutcomeFigures{Compared: 2, MeanChange: fp(4), Improved: 1, Worsened: 1, Due: 7, Completed: 5},
	}
	a := region
	a.Offer = nil
	a.Referrals = tenants.ReferralFigures{Created: 4, Accepted: 4, Contacted: 4, Matched: 2, Closed: 3, ClosedByReason: region.Referrals.ClosedByReason}
	a.Peers = tenants.PeerFigures{Active: 2, BudgetedPositions: 3, BudgetedFTE: 2, WithMeetings: 1, Organisations: []tenants.OrganisationPeers{orgA}}
	a.Supervision = tenants.SupervisionFigures{IntervalWeeks: 4, ActivePeers: 2, Supervised: 1, Share: fp(0.5)}

	b := tenants.ReportFigures{
		Referrals:    tenants.ReferralFigures{Created: 1, Declined: 1, ClosedByReason: []tenants.ReasonCount{}},
		FirstContact: tenants.FirstContactFigures{DeadlineWorkingDays: 5},
		Peers:        tenants.PeerFigures{Active: 1, Organisations: []tenants.OrganisationPeers{orgB}},
		Supervision:  tenants.SupervisionFigures{IntervalWeeks: 4, ActivePeers: 1, Supervised: 1, Share: fp(1)},
	}

	// The agreement: U1's tallies; referrals U1 → A: R1 R2 R5 R7.
	agr := tenants.ReportFigures{
		Offer: &tenants.OfferFigures{Total: u1Agreement, Clinics: []tenants.ClinicFunnel{{UnitID: f.u1, UnitName: "Infektionskliniken Lund", Funnel: u1Agreement}}},
		Referrals: tenants.ReferralFigures{Created: 3, Accepted: 3, Contacted: 3, Matched: 2, Closed: 3,
			ClosedByReason: region.Referrals.ClosedByReason},
		// [3 11 18] → 11; [2 9 9] → 9; within: R1.
		FirstContact: tenants.FirstContactFigures{Count: 3, MedianDays: fp(11), MedianWorkingDays: fp(9), WithinDeadline: 1, DeadlineWorkingDays: 5},
		Peers:        a.Peers,
		Supervision:  a.Supervision,
		Outcomes:     tenants.OutcomeFigures{Compared: 2, MeanChange: fp(4), Improved: 1, Worsened: 1, Due: 6, Completed: 5},
		Commitments: []tenants.CommitmentFigure{
			{Indicator: "informed_rate_percent", Comparison: "at_least", Target: 80, Value: fp(116.67), Met: bp(true)},
			{Indicator: "median_days_to_first_contact", Comparison: "at_most", Target: 5, Value: fp(9), Met: bp(false)},
			{Indicator: "active_peers", Comparison: "at_least", Target: 2, Value: fp(1), Met: bp(false)},
			{Indicator: "intro_sessions_per_unit", Comparison: "at_least", Target: 3, Description: "Tre introduktioner"},
		},
	}
	return map[tenants.ReportScope]map[int64]tenants.ReportFigures{
		tenants.ReportRegion:       {0: region},
		tenants.ReportOrganisation: {f.orgA: a, f.orgB: b},
		tenants.ReportAgreement:    {f.agreement: agr},
	}
}

func figuresJSON(t *testing.T, v tenants.ReportFigures) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkFigures compares stored reports with the worked-out figures: one
// report per scope, none missing and none extra.
func (f *reportFixture) checkFigures(t *testing.T, got []tenants.Report) {
	t.Helper()
	want := f.wantReportFigures()
	seen := 0
	for _, r := range got {
		w, ok := want[r.Scope][r.ScopeID]
		if !ok {
			t.Errorf("unexpected report %s %d (%s)", r.Scope, r.ScopeID, r.ScopeName)
			continue
		}
		seen++
		if g, w := figuresJSON(t, r.Figures), figuresJSON(t, w); g != w {
			t.Errorf("%s %d (%s) figures:\n got %s\nwant %s", r.Scope, r.ScopeID, r.ScopeName, g, w)
		}
	}
	if seen != 4 || len(got) != 4 {
		t.Errorf("%d reports, %d expected ones; want the region, two organisations and one agreement", len(got), seen)
	}
}

// TestReportFigures: the built reports of a seeded quarter equal the
// figures worked out by hand, on both databases; names are snapshots.
func TestReportFigures(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		f := newReportFixture(t, db)
		built, err := f.reports.Build(f.ctx, f.region.ID, reportQuarter, reportNow, tenants.BuildOnce)
		if err != nil || !built {
			t.Fatalf("Build: %v, %v", built, err)
		}
		got, err := f.reports.PeriodReports(f.ctx, f.region.ID, reportQuarter)
		if err != nil {
			t.Fatal(err)
		}
		f.checkFigures(t, got)
		names := map[tenants.ReportScope]string{}
		for _, r := range got {
			if r.State != tenants.ReportDraft || r.PeriodStart != reportQuarter || !r.BuiltAt.Equal(reportNow) {
				t.Errorf("report %+v: want a draft of %s built at %v", r, reportQuarter, reportNow)
			}
			if r.ScopeID == f.orgA || r.ScopeID == f.agreement || r.Scope == tenants.ReportRegion {
				names[r.Scope] = r.ScopeName
			}
		}
		if names[tenants.ReportAgreement] != f.agreementTitle || names[tenants.ReportRegion] != "" {
			t.Errorf("scope names %v", names)
		}

		// The pure computation over the read-only input is what was stored.
		in, err := f.reports.Input(f.ctx, f.region.ID, reportQuarter)
		if err != nil {
			t.Fatal(err)
		}
		if c := tenants.ComputeReports(in); len(c) != 4 || figuresJSON(t, c[0].Figures) != figuresJSON(t, got[0].Figures) {
			t.Errorf("ComputeReports(Input) differs from the stored region report")
		}
	})
}

// TestReportApproveLocks: a draft can be rebuilt; approving locks the
// quarter for every scope; rebuilding an approved quarter is refused and
// changes nothing, and neither the store nor the database lets an
// approved report change.
func TestReportApproveLocks(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		f := newReportFixture(t, db)
		ctx, tid := f.ctx, f.region.ID
		if err := f.reports.Approve(ctx, tid, 0, reportQuarter, reportNow); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("approve before any build: %v, want ErrNotFound", err)
		}
		if _, err := f.reports.Build(ctx, tid, reportQuarter, reportNow, tenants.BuildOnce); err != nil {
			t.Fatal(err)
		}
		first, _ := f.reports.PeriodReports(ctx, tid, reportQuarter)

		// BuildOnce again: nothing happens.
		later := reportNow.Add(time.Hour)
		if built, err := f.reports.Build(ctx, tid, reportQuarter, later, tenants.BuildOnce); err != nil || built {
			t.Fatalf("second BuildOnce: built %v, %v; want nothing done", built, err)
		}
		// A late tally arrives; Rebuild replaces the draft's figures in place.
		if err := db.InTenant(ctx, tid, func(tx *tenants.Tx) error {
			_, err := tx.NewInsert().Model(&tenants.OfferTally{TenantID: tid, UnitID: f.u3, Month: tenants.NewDate(2026, time.March, 1),
				OfferCounts: tenants.OfferCounts{Met: 2, Informed: 1}}).Exec(ctx)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if built, err := f.reports.Build(ctx, tid, reportQuarter, later, tenants.Rebuild); err != nil || !built {
			t.Fatalf("Rebuild of a draft: %v, %v", built, err)
		}
		rebuilt, _ := f.reports.PeriodReports(ctx, tid, reportQuarter)
		if len(rebuilt) != len(first) || rebuilt[0].ID != first[0].ID || rebuilt[0].Figures.Offer.Total.Met != 31 || !rebuilt[0].BuiltAt.Equal(later) {
			t.Fatalf("rebuilt region report %+v, want the same row with 31 met, built at %v", rebuilt[0], later)
		}

		approvedAt := later.Add(time.Hour)
		admin, err := tenants.NewIdentityStore(db).CreateUser(ctx, tenants.User{Email: "alva@region.se", DisplayName: "Alva"})
		if err != nil {
			t.Fatal(err)
		}
		user := admin.ID
		if err := f.reports.Approve(ctx, tid, user, reportQuarter, approvedAt); err != nil {
			t.Fatal(err)
		}
		if err := f.reports.Approve(ctx, tid, user, reportQuarter, approvedAt); !errors.Is(err, tenants.ErrReportPeriodLocked) {
			t.Fatalf("second approval: %v, want ErrReportPeriodLocked", err)
		}
		approved, _ := f.reports.PeriodReports(ctx, tid, reportQuarter)
		for _, r := range approved {
			if r.State != tenants.ReportApproved || r.ApprovedAt == nil || !r.ApprovedAt.Equal(approvedAt) || r.ApprovedBy == nil || *r.ApprovedBy != user {
				t.Errorf("after approval: %+v", r)
			}
		}

		if _, err := f.reports.Build(ctx, tid, reportQuarter, approvedAt, tenants.Rebuild); !errors.Is(err, tenants.ErrReportPeriodLocked) {
			t.Fatalf("rebuild of an approved quarter: %v, want ErrReportPeriodLocked", err)
		}
		if built, err := f.reports.Build(ctx, tid, reportQuarter, approvedAt, tenants.BuildOnce); err != nil || built {
			t.Fatalf("BuildOnce of an approved quarter: %v, %v; want nothing done", built, err)
		}
		after, _ := f.reports.PeriodReports(ctx, tid, reportQuarter)
		for i := range after {
			if figuresJSON(t, after[i].Figures) != figuresJSON(t, approved[i].Figures) || !after[i].BuiltAt.Equal(approved[i].BuiltAt) {
				t.Errorf("approved report %d changed", after[i].ID)
			}
		}

		// The database itself refuses to change or remove approved rows.
		for _, stmt := range []string{
			"UPDATE reports SET scope_name = 'x' WHERE tenant_id = ?",
			"DELETE FROM reports WHERE tenant_id = ?",
			"UPDATE report_periods SET approved_at = NULL, approved_by = NULL WHERE tenant_id = ?",
		} {
			err := db.InTenant(ctx, tid, func(tx *tenants.Tx) error {
				_, err := tx.ExecContext(ctx, stmt, tid)
				return err
			})
			if err == nil {
				t.Errorf("%s: succeeded on an approved quarter", stmt)
			}
		}
	})
}

// TestReportBuildRefusals: only an ended quarter's first day can be built.
func TestReportBuildRefusals(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		reports := tenants.NewReportStore(db)
		region := tenanttest.Tenant(t, db)
		ctx := context.Background()
		var v *tenants.ValidationError
		if _, err := reports.Build(ctx, region.ID, tenants.NewDate(2026, time.February, 1), reportNow, tenants.BuildOnce); !errors.As(err, &v) {
			t.Errorf("a month that starts no quarter: %v", err)
		}
		if _, err := reports.Build(ctx, region.ID, tenants.NewDate(2026, time.April, 1), reportNow, tenants.BuildOnce); !errors.Is(err, tenants.ErrReportPeriodNotEnded) {
			t.Errorf("the running quarter: %v", err)
		}
		// 31 March 23:30 in Sweden is still Q1.
		lastEvening := time.Date(2026, time.March, 31, 21, 30, 0, 0, time.UTC)
		if _, err := reports.Build(ctx, region.ID, reportQuarter, lastEvening, tenants.BuildOnce); !errors.Is(err, tenants.ErrReportPeriodNotEnded) {
			t.Errorf("Q1 on its last evening: %v", err)
		}
		if got := tenants.LastEndedQuarter(time.Date(2026, time.March, 31, 22, 30, 0, 0, time.UTC)); got != reportQuarter {
			t.Errorf("LastEndedQuarter just after midnight on 1 April in Sweden = %s, want %s", got, reportQuarter)
		}
		if got := tenants.LastEndedQuarter(lastEvening); got != tenants.NewDate(2025, time.October, 1) {
			t.Errorf("LastEndedQuarter on 31 March = %s", got)
		}
	})
}
