package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
)

// The dashboard benchmark's region, seeded in bulk with INSERT … SELECT
// over a series of integers (generate_series on PostgreSQL, a recursive
// CTE on SQLite), in a few dozen statements whatever its size. Everything
// a referral goes through is a function of its number i, so the same
// plan gives the participants, referrals, history, contact attempts,
// matches, meetings, follow-ups and WHO-5 scores, consistent with one
// another and with the schema's constraints.
//
// The region's structure is the same at every size: 24 clinics of seven
// kinds, 8 partner organisations serving 6 clinics each (so 48 routes a
// referral can take), 200 peer supporters with their status history and
// base course, supervision every two weeks per organisation, two
// agreements in force, and the clinics' monthly offer tallies. What grows
// is the pathway: about one referral per 8.5 meetings, spread evenly over
// the twelve quarters up to today. Of 100 referrals, 5 are declined, 7
// accepted but never reached (closed after 60 days), 8 reached but not
// matched (closed after 120 days) and 80 matched (4 of them rematched
// after a month) and closed after 240 days, most with their goals met;
// matched participants who consented are followed up at 0, 3 and 6
// months, most completing WHO-5. A match has 1–19 meetings, 10 on
// average, spaced at most a week apart and never after today; a few get
// one more so that the total is exactly the size asked for.

// benchPlan is the seeded region: its clinics, organisations and the
// parameters the series are computed from.
type benchPlan struct {
	dialect  tenants.Dialect
	tenantID int64
	units    []tenants.Unit
	orgs     []tenants.Organisation
	// start is the first day seeded (the first of twelve quarters), days
	// the number of days from it to today.
	start, today tenants.Date
	days         int
	// referrals is the number of referrals; the id bases keep the seeded
	// ids clear of any row made before.
	referrals                                      int
	participantBase, referralBase, matchBase       int64
	followUpBase, peerBase, sessionBase            int64
	peersPerOrg, activePerOrg, supervisionSessions int
}

// benchUnitKinds are the clinics' kinds, cycled, with the target group of
// their participants.
var benchUnitKinds = []struct {
	kind  tenants.UnitKind
	name  string
	group tenants.TargetGroup
}{
	{tenants.UnitInfectionClinic, "Infektionsmottagningen", tenants.TargetHIV},
	{tenants.UnitPsychiatricOutpatient, "Allmänpsykiatrisk mottagning", tenants.TargetPsychiatry},
	{tenants.UnitPsychiatricOutpatient, "Psykosmottagningen", tenants.TargetPsychiatry},
	{tenants.UnitPsychiatricInpatient, "Psykiatrisk vårdavdelning", tenants.TargetPsychiatry},
	{tenants.UnitMunicipalSocialPsych, "Socialpsykiatrin", tenants.TargetPsychiatry},
	{tenants.UnitPrimaryCare, "Vårdcentralen", tenants.TargetSubstanceUse},
	{tenants.UnitPsychiatricOutpatient, "Beroendemottagningen", tenants.TargetSubstanceUse},
	{tenants.UnitHabilitation, "Habiliteringen", tenants.TargetOther},
}

const (
	benchUnits  = 24
	benchOrgs   = 8
	benchRoutes = 2 * benchUnits
)

// routeOrg is the index of the organisation the route r (0…47) leads to:
// clinic r%24 is served by organisations u%8 and (u+3)%8.
func routeOrg(r int) int {
	u := r % benchUnits
	if r < benchUnits {
		return u % benchOrgs
	}
	return (u + 3) % benchOrgs
}

// seedDashboardBench seeds the region (see the comment above) with exactly
// meetings meetings and returns its plan. owner is the schema owner's
// handle (the same as db on SQLite), which moves PostgreSQL's identity
// sequences past the ids seeded.
func seedDashboardBench(b *testing.B, db, owner *tenants.DB, tenantID int64, meetings int) *benchPlan {
	b.Helper()
	ctx := context.Background()
	sthlm, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		b.Fatal(err)
	}
	today := tenants.DateOf(time.Now().In(sthlm))
	p := &benchPlan{dialect: db.Dialect(), tenantID: tenantID, today: today, peersPerOrg: 25, activePerOrg: 20,
		referrals: max(100, meetings*2/17)}
	p.start = tenants.QuarterStart(today).AddMonths(-3 * (tenants.MaxDashboardQuarters - 1))
	p.days = int(today.Time().Sub(p.start.Time()).Hours()/24 + 0.5)
	p.supervisionSessions = benchOrgs * (p.days / 14)

	// The structure, through the stores.
	units := tenants.NewUnitStore(db)
	for i := range benchUnits {
		k := benchUnitKinds[i%len(benchUnitKinds)]
		u, err := units.Create(ctx, tenantID, tenants.Unit{Name: fmt.Sprintf("%s %d", k.name, i/len(benchUnitKinds)+1),
			HSAID: fmt.Sprintf("SE2321000016-B%03d", i), Kind: k.kind, Active: true})
		if err != nil {
			b.Fatal(err)
		}
		p.units = append(p.units, u)
	}
	orgStore := tenants.NewOrganisationStore(db)
	for o := range benchOrgs {
		var served []int64
		focus := map[tenants.TargetGroup]bool{}
		for r := range benchRoutes {
			if routeOrg(r) == o {
				served = append(served, p.units[r%benchUnits].ID)
				focus[benchUnitKinds[r%benchUnits%len(benchUnitKinds)].group] = true
			}
		}
		var groups []tenants.TargetGroup
		for _, g := range tenants.TargetGroups {
			if focus[g] {
				groups = append(groups, g)
			}
		}
		org, err := orgStore.Save(ctx, tenantID, tenants.Organisation{Name: fmt.Sprintf("Kamratföreningen %c", 'A'+o),
			Kind: tenants.OrgPatient, Focus: groups, Active: true}, served)
		if err != nil {
			b.Fatal(err)
		}
		p.orgs = append(p.orgs, org)
	}
	agreements := tenants.NewAgreementStore(db)
	for half := range 2 {
		var parties []int64
		for _, o := range p.orgs[half*benchOrgs/2 : (half+1)*benchOrgs/2] {
			parties = append(parties, o.ID)
		}
		a, err := agreements.Create(ctx, tenantID, 0, tenants.Agreement{
			Title: fmt.Sprintf("IOP kamratstöd %d", half+1), Committee: "Hälso- och sjukvårdsnämnden", Purpose: "Kamratstöd",
			StartsOn: p.start, EndsOn: today.AddMonths(24), ReportingCadence: tenants.ReportQuarterly,
			Parties: parties, UnitIDs: []int64{p.units[half].ID},
			Commitments: []tenants.Commitment{
				{Indicator: tenants.IndicatorActivePeers, Comparison: tenants.AtLeast, Target: 15 * len(parties)},
				{Indicator: tenants.IndicatorMedianDaysToFirstContact, Comparison: tenants.AtMost, Target: 5},
			},
			Positions: []tenants.BudgetedPosition{{Count: 4 * len(parties), FTEPercent: 50}},
		})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := agreements.SetStatus(ctx, tenantID, 0, a.ID, tenants.AgreementActive); err != nil {
			b.Fatal(err)
		}
	}

	// The peers and the pathway, in bulk.
	err = db.InTenant(ctx, tenantID, func(tx *tenants.Tx) error {
		for _, base := range []struct {
			table string
			dst   *int64
		}{{"participants", &p.participantBase}, {"referrals", &p.referralBase}, {"matches", &p.matchBase},
			{"follow_ups", &p.followUpBase}, {"peers", &p.peerBase}, {"supervision_sessions", &p.sessionBase}} {
			if err := tx.NewRaw("SELECT COALESCE(MAX(id), 0) FROM "+base.table).Scan(ctx, base.dst); err != nil {
				return err
			}
		}
		for _, st := range p.statements() {
			t0 := time.Now()
			if _, err := tx.ExecContext(ctx, st.sql); err != nil {
				return fmt.Errorf("%s: %w\n%s", st.what, err, st.sql)
			}
			if took := time.Since(t0); took > time.Second {
				b.Logf("  %s: %s", st.what, took.Round(time.Millisecond))
			}
		}
		return p.seedMeetings(ctx, b, tx, meetings)
	})
	if err != nil {
		b.Fatalf("seed: %v", err)
	}
	if p.dialect == tenants.Postgres {
		// The ids were given explicitly: move the identity sequences past
		// them, as the stores' own inserts would have.
		err := owner.InTenant(ctx, tenantID, func(tx *tenants.Tx) error {
			for table, last := range map[string]int64{
				"participants": p.participantBase + int64(p.referrals), "referrals": p.referralBase + int64(p.referrals),
				"matches": p.matchBase + 2*int64(p.referrals), "follow_ups": p.followUpBase + 3*int64(p.referrals) + 3,
				"peers": p.peerBase + int64(benchOrgs*p.peersPerOrg), "supervision_sessions": p.sessionBase + int64(p.supervisionSessions),
			} {
				if _, err := tx.ExecContext(ctx, "SELECT setval(pg_get_serial_sequence(?, 'id'), ?)", table, last); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatalf("sequences: %v", err)
		}
	}
	return p
}

// benchStatement is one bulk insert.
type benchStatement struct{ what, sql string }

// series is a table s(name) of the integers 1…n, to select from.
func (p *benchPlan) series(name string, n int) string {
	if p.dialect == tenants.Postgres {
		return fmt.Sprintf("generate_series(1, %d) AS s_%s(%s)", n, name, name)
	}
	return fmt.Sprintf("(WITH RECURSIVE s_%s(%s) AS (SELECT 1 UNION ALL SELECT %s + 1 FROM s_%s WHERE %s < %d) SELECT %s FROM s_%s) AS s_%s",
		name, name, name, name, name, n, name, name, name)
}

// date is the day offset days after start, as a DATE value.
func (p *benchPlan) date(offset string) string {
	if p.dialect == tenants.Postgres {
		return fmt.Sprintf("(DATE '%s' + (%s))", p.start, offset)
	}
	return fmt.Sprintf("date('%s', '+' || (%s) || ' days')", p.start, offset)
}

// at is minutes past midnight UTC on the day offset days after start, as
// a timestamp written the way the application writes them.
func (p *benchPlan) at(offset, minutes string) string {
	if p.dialect == tenants.Postgres {
		return fmt.Sprintf("(TIMESTAMPTZ '%s 00:00:00+00' + make_interval(days => (%s)::int, mins => (%s)::int))", p.start, offset, minutes)
	}
	return fmt.Sprintf("(strftime('%%Y-%%m-%%d %%H:%%M:%%S', '%s', '+' || (%s) || ' days', '+' || (%s) || ' minutes') || '+00:00')",
		p.start, offset, minutes)
}

// json casts text built by concatenation to the JSON column type.
func (p *benchPlan) json(expr string) string {
	if p.dialect == tenants.Postgres {
		return "(" + expr + ")::jsonb"
	}
	return expr
}

// clamp keeps expr within lo…hi.
func (p *benchPlan) clamp(expr string, lo, hi int) string {
	if p.dialect == tenants.Postgres {
		return fmt.Sprintf("LEAST(%d, GREATEST(%d, %s))", hi, lo, expr)
	}
	return fmt.Sprintf("min(%d, max(%d, %s))", hi, lo, expr)
}

// byRoute is a CASE over the route of referral i giving value(route).
func byRoute(value func(r int) string) string {
	var sb strings.Builder
	sb.WriteString("CASE route")
	for r := range benchRoutes {
		fmt.Fprintf(&sb, " WHEN %d THEN %s", r, value(r))
	}
	sb.WriteString(" END")
	return sb.String()
}

// referralPlan is the derived table p of every referral i with what
// happens to it, as day offsets from start:
//
//	c        0…99, its fate: <5 declined, <12 never reached, <20 reached
//	         but not matched, ≥20 matched (<24 also rematched)
//	d        the day it is sent; a: days from then to today
//	route    0…47: clinic and organisation; k: days to first contact
//	declined, accepted, contacted, matched, rematched, closed: 0 or 1,
//	         each once its day has come
//	cday     the day (after d) it is closed; unit, org, grp, peer: ids and
//	         the participant's target group; ms: meetings of its last match
func (p *benchPlan) referralPlan() string {
	unit := byRoute(func(r int) string { return fmt.Sprint(p.units[r%benchUnits].ID) })
	org := byRoute(func(r int) string { return fmt.Sprint(p.orgs[routeOrg(r)].ID) })
	orgIndex := byRoute(func(r int) string { return fmt.Sprint(routeOrg(r)) })
	group := byRoute(func(r int) string { return "'" + string(benchUnitKinds[r%benchUnits%len(benchUnitKinds)].group) + "'" })
	l1 := fmt.Sprintf("SELECT i, (i * 37) %% 100 AS c, ((i - 1) * %d) / %d AS d, i %% %d AS route, 1 + i %% 11 AS k FROM %s",
		p.days+1, p.referrals, benchRoutes, p.series("i", p.referrals))
	l2 := fmt.Sprintf(`SELECT l1.*, %d - d AS a, %s AS unit, %s AS org, %s AS oi,
		CASE WHEN i %% 10 = 9 THEN 'other' ELSE %s END AS grp FROM (%s) AS l1`,
		p.days, unit, org, orgIndex, group, l1)
	l3 := `SELECT l2.*,
		CASE WHEN c < 5 AND a >= 1 THEN 1 ELSE 0 END AS declined,
		CASE WHEN c >= 5 AND a >= 1 THEN 1 ELSE 0 END AS accepted,
		CASE WHEN c >= 12 AND a >= k THEN 1 ELSE 0 END AS contacted,
		CASE WHEN c >= 20 AND a >= k + 2 THEN 1 ELSE 0 END AS matched,
		CASE WHEN c >= 20 AND c < 24 AND a >= k + 30 THEN 1 ELSE 0 END AS rematched,
		CASE WHEN c < 5 THEN -1 WHEN c < 12 THEN 60 WHEN c < 20 THEN 120 ELSE 240 END AS cday,
		CASE WHEN c < 12 THEN 'no_contact' WHEN c < 20 THEN CASE c % 3 WHEN 0 THEN 'moved' WHEN 1 THEN 'other' ELSE 'ended_by_participant' END
		     WHEN c % 10 = 0 THEN 'ended_by_participant' WHEN c % 10 = 1 THEN 'moved' ELSE 'goals_met' END AS reason,
		1 + (i * 7) % 19 AS ms
		FROM (` + l2 + `) AS l2`
	return "(SELECT l3.*, CASE WHEN cday >= 0 AND a >= cday THEN 1 ELSE 0 END AS closed FROM (" + l3 + ") AS l3) AS p"
}

// peerOf is the id of the active peer number n (an expression, 0…19) of
// the referral's organisation.
func (p *benchPlan) peerOf(n string) string {
	return fmt.Sprintf("(%d + oi + 1 + %d * ((%s) %% %d))", p.peerBase, benchOrgs, n, p.activePerOrg)
}

func (p *benchPlan) statements() []benchStatement {
	t := fmt.Sprint(p.tenantID)
	plan := p.referralPlan()
	var out []benchStatement
	add := func(what, sql string) { out = append(out, benchStatement{what, sql}) }

	// Peers n = 1…200: organisation (n-1)%8, number (n-1)/8 in it; numbers
	// 0–19 active, 20–21 in training, 22 recruited, 23 paused, 24 left.
	peers := benchOrgs * p.peersPerOrg
	orgCase := func(idx string) string {
		var sb strings.Builder
		fmt.Fprintf(&sb, "CASE %s", idx)
		for o, org := range p.orgs {
			fmt.Fprintf(&sb, " WHEN %d THEN %d", o, org.ID)
		}
		sb.WriteString(" END")
		return sb.String()
	}
	peerStatus := "CASE WHEN (n - 1) / 8 < 20 THEN 'active' WHEN (n - 1) / 8 < 22 THEN 'in_training' WHEN (n - 1) / 8 = 22 THEN 'recruited' WHEN (n - 1) / 8 = 23 THEN 'paused' ELSE 'left' END"
	pc := "((n * 7) % 600)" // the day the peer was registered
	add("peers", fmt.Sprintf(`INSERT INTO peers (id, tenant_id, organisation_id, display_name, contact_enc, languages, experience,
		capacity, status, status_changed_at, created_at, updated_at)
		SELECT %d + n, %s, %s, 'Kamrat ' || n, 'sealed-elsewhere', '["sv"]', '[]', 3, %s, %s, %s, %s FROM %s`,
		p.peerBase, t, orgCase("(n - 1) % 8"), peerStatus, p.at(pc+" + 300", "600"), p.at(pc, "600"), p.at(pc+" + 300", "600"),
		p.series("n", peers)))
	for _, e := range []struct{ from, to, day, who string }{
		{"NULL", "'recruited'", pc, "1 = 1"},
		{"'recruited'", "'in_training'", pc + " + 10", "(n - 1) / 8 <> 22"},
		{"'in_training'", "'active'", pc + " + 50", "(n - 1) / 8 < 20 OR (n - 1) / 8 > 22"},
		{"'active'", "'paused'", pc + " + 200", "(n - 1) / 8 = 23"},
		{"'active'", "'left'", pc + " + 300", "(n - 1) / 8 = 24"},
	} {
		add("peer history", fmt.Sprintf(`INSERT INTO peer_status_events (tenant_id, peer_id, at, from_status, to_status)
			SELECT %s, %d + n, %s, %s, %s FROM %s WHERE %s`, t, p.peerBase, p.at(e.day, "600"), e.from, e.to, p.series("n", peers), e.who))
	}
	add("base courses", fmt.Sprintf(`INSERT INTO peer_trainings (tenant_id, peer_id, kind, title, started_on, completed_on, created_at)
		SELECT %s, %d + n, 'base_course', 'Grundutbildning', %s, CASE WHEN (n - 1) / 8 IN (20, 21) THEN NULL ELSE %s END, %s
		FROM %s WHERE (n - 1) / 8 <> 22`, t, p.peerBase, p.date(pc+" + 10"), p.date(pc+" + 45"), p.at(pc+" + 10", "600"), p.series("n", peers)))
	// Supervision every two weeks per organisation, 80 % of its active
	// peers attending.
	add("supervision", fmt.Sprintf(`INSERT INTO supervision_sessions (id, tenant_id, organisation_id, kind, supervisor_name,
		supervisor_lived_experience, held_on, duration_minutes, created_at)
		SELECT %d + n, %s, %s, 'group', 'Handledare', TRUE, %s, 90, %s FROM %s`,
		p.sessionBase, t, orgCase("(n - 1) % 8"), p.date("((n - 1) / 8) * 14 + (n - 1) % 8"),
		p.at("((n - 1) / 8) * 14 + (n - 1) % 8", "900"), p.series("n", p.supervisionSessions)))
	add("supervision attendance", fmt.Sprintf(`INSERT INTO supervision_attendance (tenant_id, session_id, organisation_id, peer_id)
		SELECT %s, %d + n, %s, %d + (n - 1) %% 8 + 1 + 8 * (m - 1) FROM %s CROSS JOIN %s WHERE (n + m) %% 5 <> 0`,
		t, p.sessionBase, orgCase("(n - 1) % 8"), p.peerBase, p.series("n", p.supervisionSessions), p.series("m", p.activePerOrg)))

	// Participants and referrals.
	sent := "480 + i % 240" // 08:00–12:00 UTC: the same day in Sweden
	add("participants", fmt.Sprintf(`INSERT INTO participants (id, tenant_id, code, unit_id, target_group, language,
		consent_share_contact, consent_follow_up, consent_research, consent_recorded_at, consent_expires_on, created_at)
		SELECT %d + i, %s, 'B' || i, unit, grp, 'sv', FALSE, i %% 10 <> 3, i %% 2 = 0, %s, %s, %s FROM %s`,
		p.participantBase, t, p.at("d", sent+" - 5"), p.date("d + 730"), p.at("d", sent+" - 5"), plan))
	add("participant history", fmt.Sprintf(`INSERT INTO participant_events (tenant_id, participant_id, at, kind, side)
		SELECT %s, %d + i, %s, 'registered', 'unit' FROM %s`, t, p.participantBase, p.at("d", sent+" - 5"), plan))
	status := `CASE WHEN declined = 1 THEN 'declined' WHEN closed = 1 THEN 'closed' WHEN matched = 1 THEN 'matched'
		WHEN contacted = 1 THEN 'contacted' WHEN accepted = 1 THEN 'accepted' ELSE 'received' END`
	changed := fmt.Sprintf(`CASE WHEN declined = 1 OR (accepted = 1 AND contacted = 0 AND closed = 0) THEN %s
		WHEN closed = 1 THEN %s WHEN rematched = 1 THEN %s WHEN matched = 1 THEN %s WHEN contacted = 1 THEN %s ELSE %s END`,
		p.at("d + 1", "420"), p.at("d + cday", "600"), p.at("d + k + 30", "600"), p.at("d + k + 2", "600"), p.at("d + k", "600"), p.at("d", sent))
	add("referrals", fmt.Sprintf(`INSERT INTO referrals (id, tenant_id, participant_id, unit_id, organisation_id, status,
		status_changed_at, decline_reason, close_reason, first_contact_on, created_at)
		SELECT %d + i, %s, %d + i, unit, org, %s, %s, CASE WHEN declined = 1 THEN 'no_capacity' ELSE '' END,
		CASE WHEN closed = 1 THEN reason ELSE '' END, CASE WHEN contacted = 1 THEN %s END, %s FROM %s`,
		p.referralBase, t, p.participantBase, status, changed, p.date("d + k"), p.at("d", sent), plan))
	for _, e := range []struct{ what, from, to, at, reason, who string }{
		{"sent", "NULL", "'received'", p.at("d", sent), "''", "1 = 1"},
		{"declined", "'received'", "'declined'", p.at("d + 1", "420"), "'no_capacity'", "declined = 1"},
		{"accepted", "'received'", "'accepted'", p.at("d + 1", "420"), "''", "accepted = 1"},
		{"contacted", "'accepted'", "'contacted'", p.at("d + k", "600"), "''", "contacted = 1"},
		{"matched", "'contacted'", "'matched'", p.at("d + k + 2", "600"), "''", "matched = 1"},
		{"rematched", "'matched'", "'matched'", p.at("d + k + 30", "600"), "'rematched'", "rematched = 1"},
		{"closed", "CASE WHEN c < 12 THEN 'accepted' WHEN c < 20 THEN 'contacted' ELSE 'matched' END", "'closed'",
			p.at("d + cday", "600"), "reason", "closed = 1"},
	} {
		add("referral history: "+e.what, fmt.Sprintf(`INSERT INTO referral_events (tenant_id, referral_id, at, from_status, to_status, reason)
			SELECT %s, %d + i, %s, %s, %s, %s FROM %s WHERE %s`, t, p.referralBase, e.at, e.from, e.to, e.reason, plan, e.who))
	}
	// Contact attempts: the one that reached the participant, one that
	// did not a day before for a third of them, one for those never
	// reached.
	for _, e := range []struct{ day, reached, who string }{
		{"d + k", "TRUE", "contacted = 1"},
		{"d + k - 1", "FALSE", "contacted = 1 AND k >= 2 AND i % 3 = 0"},
		{"d + 3", "FALSE", "accepted = 1 AND c < 12 AND a >= 3"},
	} {
		add("contact attempts", fmt.Sprintf(`INSERT INTO referral_contact_attempts (tenant_id, referral_id, organisation_id,
			attempted_on, method, reached, created_at)
			SELECT %s, %d + i, org, %s, 'phone', %s, %s FROM %s WHERE %s`,
			t, p.referralBase, p.date(e.day), e.reached, p.at(e.day, "660"), plan, e.who))
	}
	// Matches: the first on day k+2, ended by the rematch or the closure;
	// the rematch on day k+30.
	add("matches", fmt.Sprintf(`INSERT INTO matches (id, tenant_id, referral_id, organisation_id, peer_id, started_on, created_at,
		ended_at, end_reason)
		SELECT %d + i, %s, %d + i, org, %s, %s, %s,
		CASE WHEN rematched = 1 THEN %s WHEN closed = 1 THEN %s END,
		CASE WHEN rematched = 1 THEN 'rematched' WHEN closed = 1 THEN 'closed' ELSE '' END FROM %s WHERE matched = 1`,
		p.matchBase, t, p.referralBase, p.peerOf("i"), p.date("d + k + 2"), p.at("d + k + 2", "600"),
		p.at("d + k + 30", "600"), p.at("d + cday", "600"), plan))
	add("rematches", fmt.Sprintf(`INSERT INTO matches (id, tenant_id, referral_id, organisation_id, peer_id, started_on, created_at,
		ended_at, end_reason)
		SELECT %d + i, %s, %d + i, org, %s, %s, %s, CASE WHEN closed = 1 THEN %s END,
		CASE WHEN closed = 1 THEN 'closed' ELSE '' END FROM %s WHERE rematched = 1`,
		p.matchBase+int64(p.referrals), t, p.referralBase, p.peerOf("i + 1"), p.date("d + k + 30"), p.at("d + k + 30", "600"),
		p.at("d + cday", "600"), plan))
	// Follow-ups at 0, 3 and 6 months (days 0, 91, 183 after the match)
	// for the matched who consented; done two weeks after they are due at
	// the latest: 8 in 10 completed, 1 declined, 1 left overdue (cancelled
	// once the referral is closed).
	due := "k + 2 + (f - 1) * 91 + (f - 1) / 2"
	fstatus := fmt.Sprintf("CASE WHEN %s + 14 > a THEN 'due' WHEN (i + f) %% 10 < 8 THEN 'completed' WHEN (i + f) %% 10 = 8 THEN 'declined' WHEN closed = 1 THEN 'cancelled' ELSE 'due' END", due)
	add("follow-ups", fmt.Sprintf(`INSERT INTO follow_ups (id, tenant_id, referral_id, month, due_on, status, done_on, recorded_at)
		SELECT %d + 3 * i + f - 1, %s, %d + i, 3 * (f - 1), %s, fs,
		CASE WHEN fs IN ('completed', 'declined') THEN %s END, CASE WHEN fs IN ('completed', 'declined') THEN %s END
		FROM (SELECT p.*, f, %s AS fs FROM %s CROSS JOIN %s WHERE matched = 1 AND i %% 10 <> 3) AS q`,
		p.followUpBase, t, p.referralBase, p.date("d + "+due), p.date("d + "+due+" + i % 10"), p.at("d + "+due+" + i % 10", "900"),
		fstatus, plan, p.series("f", 3)))
	// WHO-5 at each completed follow-up: items around 2–3 at baseline,
	// moving by (i%5 − 1) over six months (most improve).
	var items, raw []string
	for j := range 5 {
		item := p.clamp(fmt.Sprintf("2 + (i + %d) %% 2 + (f - 1) * (i %% 5 - 1) / 2", j), 0, 5)
		items = append(items, "CAST("+item+" AS TEXT)")
		raw = append(raw, item)
	}
	add("WHO-5 scores", fmt.Sprintf(`INSERT INTO follow_up_scores (tenant_id, follow_up_id, instrument, answers, raw, total)
		SELECT %s, %d + 3 * i + f - 1, 'who5', %s, %s, 4 * (%s)
		FROM (SELECT p.*, f, %s AS fs FROM %s CROSS JOIN %s WHERE matched = 1 AND i %% 10 <> 3) AS q WHERE fs = 'completed'`,
		t, p.followUpBase, p.json("'[' || "+strings.Join(items, " || ',' || ")+" || ']'"), strings.Join(raw, " + "),
		strings.Join(raw, " + "), fstatus, plan, p.series("f", 3)))
	// The clinics' monthly offer tallies, in proportion to the referrals
	// each clinic sent that month; new diagnoses not yet entered for the
	// current month.
	month := "date(created_at, 'start of month')"
	if p.dialect == tenants.Postgres {
		month = "date_trunc('month', created_at AT TIME ZONE 'Europe/Stockholm')::date"
	}
	current := p.today.String()[:8] + "01"
	add("offer tallies", fmt.Sprintf(`INSERT INTO offer_tallies (tenant_id, unit_id, month, new_diagnoses, met, informed, offered,
		accepted, declined, undecided)
		SELECT %s, unit_id, m, CASE WHEN m = '%s' THEN NULL ELSE 3 * n + 2 END, 2 * n + n / 3 + 1, 2 * n + 1,
		n + n / 2 + 1, n, n / 2 - n / 10 + 1, n / 10
		FROM (SELECT unit_id, %s AS m, count(*) AS n FROM referrals WHERE tenant_id = %s GROUP BY unit_id, %s) AS x`,
		t, current, month, t, month))
	return out
}

// seedMeetings logs exactly total meetings: each last match gets ms
// (1–19) meetings from its start, spaced evenly and at most a week apart,
// none after its closure or today; a rematched referral's first match
// has two; what is left over goes one more each to the first matches.
func (p *benchPlan) seedMeetings(ctx context.Context, b *testing.B, tx *tenants.Tx, total int) error {
	plan := p.referralPlan()
	// The last match of each matched referral, with its start day s0 and
	// the day its meetings end (closure or today).
	last := fmt.Sprintf(`SELECT i, d, k, ms, rematched, CASE WHEN rematched = 1 THEN %d + i ELSE %d + i END AS mid,
		CASE WHEN rematched = 1 THEN k + 30 ELSE k + 2 END AS s0,
		CASE WHEN closed = 1 THEN cday ELSE a END AS s1 FROM %s WHERE matched = 1`,
		p.matchBase+int64(p.referrals), p.matchBase, plan)
	var base struct {
		Matches int `bun:"n"`
		Sum     int `bun:"s"`
		Firsts  int `bun:"r"`
	}
	if err := tx.NewRaw(fmt.Sprintf(`SELECT count(*) AS n, COALESCE(SUM(ms), 0) AS s, COALESCE(SUM(rematched), 0) AS r FROM (%s) AS lm`, last)).
		Scan(ctx, &base); err != nil {
		return err
	}
	extra := total - base.Sum - 2*base.Firsts
	if extra < 0 || base.Matches == 0 {
		return fmt.Errorf("%d meetings asked for, the plan has %d in %d matches: lower the referrals per meeting", total, base.Sum+2*base.Firsts, base.Matches)
	}
	each, rest := extra/base.Matches, extra%base.Matches
	maxCount := 19 + each + 1
	formats := "CASE (i + j) % 4 WHEN 0 THEN 'in_person' WHEN 1 THEN 'phone' WHEN 2 THEN 'video' ELSE 'group' END"
	held := "s0 + (j - 1) * " + p.clamp("(s1 - s0) / cnt", 0, 7)
	t0 := time.Now()
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO meetings (tenant_id, match_id, held_on, format, duration_minutes, topics, created_at)
		SELECT %d, mid, %s, %s, 30 + 15 * ((i + j) %% 4), '["everyday_life"]', %s
		FROM (SELECT lm.*, ms + %d + CASE WHEN ROW_NUMBER() OVER (ORDER BY i) <= %d THEN 1 ELSE 0 END AS cnt FROM (%s) AS lm) AS q
		JOIN %s ON j <= cnt`,
		p.tenantID, p.date("d + "+held), formats, p.at("d + "+held, "1020"), each, rest, last, p.series("j", maxCount))); err != nil {
		return fmt.Errorf("meetings: %w", err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO meetings (tenant_id, match_id, held_on, format, duration_minutes, topics, created_at)
		SELECT %d, %d + i, %s, 'in_person', 45, '["everyday_life"]', %s FROM %s CROSS JOIN %s WHERE rematched = 1`,
		p.tenantID, p.matchBase, p.date("d + k + 2 + 7 * (j - 1)"), p.at("d + k + 2 + 7 * (j - 1)", "1020"), plan, p.series("j", 2))); err != nil {
		return fmt.Errorf("first matches' meetings: %w", err)
	}
	b.Logf("  meetings: %s", time.Since(t0).Round(time.Millisecond))
	var n int
	if err := tx.NewRaw("SELECT count(*) FROM meetings WHERE tenant_id = ?", p.tenantID).Scan(ctx, &n); err != nil {
		return err
	}
	if n != total {
		return fmt.Errorf("seeded %d meetings, want %d", n, total)
	}
	return nil
}

// summary counts the rows seeded, for the log.
func (p *benchPlan) summary(ctx context.Context, b *testing.B, db *tenants.DB, tenantID int64) string {
	var parts []string
	err := db.InTenantReadOnly(ctx, tenantID, func(tx *tenants.Tx) error {
		for _, table := range []string{"referrals", "referral_events", "matches", "meetings", "follow_ups", "follow_up_scores",
			"peers", "supervision_attendance", "offer_tallies", "dashboard_counts", "referral_milestones"} {
			var n int
			if err := tx.NewRaw("SELECT count(*) FROM "+table+" WHERE tenant_id = ?", tenantID).Scan(ctx, &n); err != nil {
				return err
			}
			parts = append(parts, fmt.Sprintf("%s %d", table, n))
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return strings.Join(parts, ", ")
}

// referredIn counts the referrals sent in the filter's period, from the
// rows (sent between 08:00 and 12:00 UTC, so on the same day in Sweden).
func (p *benchPlan) referredIn(ctx context.Context, b *testing.B, db *tenants.DB, tenantID int64, f tenants.DashboardFilter) int {
	var n int
	err := db.InTenantReadOnly(ctx, tenantID, func(tx *tenants.Tx) error {
		from := f.From.Time()
		to := tenants.QuarterEnd(f.To).AddDays(1).Time()
		return tx.NewRaw("SELECT count(*) FROM referrals WHERE tenant_id = ? AND created_at >= ? AND created_at < ?",
			tenantID, from.UTC(), to.UTC()).Scan(ctx, &n)
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}
