package seed

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kamrat/kamrat/tenants"
)

// plan is one region being seeded: its shape, its clinics and
// organisations once inserted, and the parameters the series are computed
// from.
type plan struct {
	dialect    tenants.Dialect
	tenantID   int64
	slug       string
	countyCode string
	r          Region
	units      []tenants.Unit
	orgs       []tenants.Organisation
	// start is the first day seeded (the first of r.Quarters quarters),
	// today the last; days the number of days between them.
	start, today tenants.Date
	days         int
	// workdays are the day offsets from start of the working days from
	// start on, a few weeks past today; inPeriod of them are up to today.
	workdays []int
	inPeriod int
	// The id bases keep the seeded ids clear of any row made before.
	participantBase, referralBase, matchBase int64
	followUpBase, peerBase, sessionBase      int64
	// active peers per organisation, supervision groups per
	// organisation, and whole fortnights in the period.
	active, groups, fortnights int
}

// contactDays are the working days from referral to first contact, by
// (i·7) mod 20: half within 3, a tail to four weeks.
var contactDays = []int{1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6, 7, 9, 11, 14, 21}

// supervisionGroup is the most peers in one supervision group.
const supervisionGroup = 10

func newPlan(d tenants.Dialect, r Region, today tenants.Date) *plan {
	p := &plan{dialect: d, slug: strings.TrimSpace(strings.ToLower(r.Slug)), countyCode: r.CountyCode, r: r, today: today}
	p.start = tenants.QuarterStart(today).AddMonths(-3 * (r.Quarters - 1))
	p.days = today.DaysSince(p.start)
	maxContact := 0
	for _, k := range contactDays {
		maxContact = max(maxContact, k)
	}
	for off := 0; off <= p.days || len(p.workdays) <= p.inPeriod+maxContact; off++ {
		if tenants.IsWorkingDay(p.start.AddDays(off)) {
			p.workdays = append(p.workdays, off)
			if off <= p.days {
				p.inPeriod++
			}
		}
	}
	p.active = r.PeersPerOrganisation - inactivePeersPerOrganisation
	p.groups = (p.active + supervisionGroup - 1) / supervisionGroup
	p.fortnights = p.days / 14
	return p
}

// sessions is the number of supervision sessions: one per group,
// organisation and fortnight.
func (p *plan) sessions() int { return p.fortnights * p.r.Organisations * p.groups }

// peers is the number of peer supporters.
func (p *plan) peers() int { return p.r.Organisations * p.r.PeersPerOrganisation }

// reserveIDs sets the id bases. On SQLite, whose transactions here hold
// the write lock, the next ids are simply those after the largest. On
// PostgreSQL, where row-level security hides other regions' rows and the
// application role may not move a sequence, each block is drawn from the
// table's identity sequence, and must come out unbroken.
func (p *plan) reserveIDs(ctx context.Context, tx *tenants.Tx) error {
	n := int64(p.r.Participants)
	for _, b := range []struct {
		table string
		n     int64
		dst   *int64
	}{
		{"participants", n, &p.participantBase}, {"referrals", n, &p.referralBase},
		// first matches base+i, rematches base+n+i
		{"matches", 2 * n, &p.matchBase},
		// follow-up f of referral i: base + 3i + f - 1
		{"follow_ups", 3*n + 2, &p.followUpBase},
		{"peers", int64(p.peers()), &p.peerBase}, {"supervision_sessions", int64(p.sessions()), &p.sessionBase},
	} {
		if p.dialect == tenants.SQLite {
			if err := tx.NewRaw("SELECT COALESCE(MAX(id), 0) FROM "+b.table).Scan(ctx, b.dst); err != nil {
				return fmt.Errorf("%s ids: %w", b.table, err)
			}
			continue
		}
		if b.n == 0 {
			continue
		}
		var got struct {
			Lo int64 `bun:"lo"`
			Hi int64 `bun:"hi"`
		}
		for attempt := 0; ; attempt++ {
			if err := tx.NewRaw(`SELECT min(v) AS lo, max(v) AS hi FROM
				(SELECT nextval(pg_get_serial_sequence(?, 'id')) AS v FROM generate_series(1, ?)) AS s`, b.table, b.n).
				Scan(ctx, &got); err != nil {
				return fmt.Errorf("%s ids: %w", b.table, err)
			}
			if got.Hi-got.Lo+1 == b.n {
				break
			}
			if attempt == 3 {
				return fmt.Errorf("%s ids: could not draw %d in a row while others write; try again", b.table, b.n)
			}
		}
		*b.dst = got.Lo - 1
	}
	return nil
}

// series is a table s_name(name) of the integers 1…n, to select from.
func (p *plan) series(name string, n int) string {
	if p.dialect == tenants.Postgres {
		return fmt.Sprintf("generate_series(1, %d) AS s_%s(%s)", n, name, name)
	}
	return fmt.Sprintf("(WITH RECURSIVE s_%s(%s) AS (SELECT 1 WHERE %d >= 1 UNION ALL SELECT %s + 1 FROM s_%s WHERE %s < %d) SELECT %s FROM s_%s) AS s_%s",
		name, name, n, name, name, name, n, name, name, name)
}

// date is the day offset days after start, as a DATE value.
func (p *plan) date(offset string) string {
	if p.dialect == tenants.Postgres {
		return fmt.Sprintf("(DATE '%s' + (%s))", p.start, offset)
	}
	return fmt.Sprintf("date('%s', (%s) || ' days')", p.start, offset)
}

// at is minutes past midnight UTC on the day offset days after start, as
// a timestamp written the way the application writes them.
func (p *plan) at(offset, minutes string) string {
	if p.dialect == tenants.Postgres {
		return fmt.Sprintf("(TIMESTAMPTZ '%s 00:00:00+00' + make_interval(days => (%s)::int, mins => (%s)::int))", p.start, offset, minutes)
	}
	return fmt.Sprintf("(strftime('%%Y-%%m-%%d %%H:%%M:%%S', '%s', (%s) || ' days', (%s) || ' minutes') || '+00:00')",
		p.start, offset, minutes)
}

// json casts text built by concatenation to the JSON column type.
func (p *plan) json(expr string) string {
	if p.dialect == tenants.Postgres {
		return "(" + expr + ")::jsonb"
	}
	return expr
}

// clamp keeps expr within lo…hi.
func (p *plan) clamp(expr string, lo, hi int) string {
	if p.dialect == tenants.Postgres {
		return fmt.Sprintf("LEAST(%d, GREATEST(%d, %s))", hi, lo, expr)
	}
	return fmt.Sprintf("min(%d, max(%d, %s))", hi, lo, expr)
}

// byCase is a CASE over expr's values 0…n-1 giving value(v).
func byCase(expr string, n int, value func(v int) string) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "CASE %s", expr)
	for v := range n {
		fmt.Fprintf(&sb, " WHEN %d THEN %s", v, value(v))
	}
	sb.WriteString(" END")
	return sb.String()
}

// orgCase is the id of the organisation whose index expr gives.
func (p *plan) orgCase(expr string) string {
	return byCase(expr, len(p.orgs), func(o int) string { return fmt.Sprint(p.orgs[o].ID) })
}

// peerOf is the id of the active peer number n (an expression, taken
// modulo the active peers) of the referral's organisation oi.
func (p *plan) peerOf(n string) string {
	return fmt.Sprintf("(%d + oi + 1 + %d * ((%s) %% %d))", p.peerBase, p.r.Organisations, n, p.active)
}

// planTables makes the temporary tables every pathway statement reads:
// seed_days, the working days by number, and seed_plan, every referral i
// with what happens to it, as day offsets from start:
//
//	c        0…99, its fate: <5 declined, <12 never reached, <20 reached
//	         but not matched, ≥20 matched (<24 also rematched)
//	d        the (working) day it is sent; a: days from then to today
//	route    0…routes-1: clinic and organisation
//	kw, k    working and calendar days from d to first contact
//	declined, accepted, contacted, matched, rematched, closed: 0 or 1,
//	         each once its day has come
//	cday     the day (after d) it is closed, with reason; unit, org, oi,
//	         grp: the clinic's and the organisation's ids, the
//	         organisation's index and the participant's target group
func (p *plan) planTables(ctx context.Context, w *writer) error {
	integer := "integer"
	if p.dialect == tenants.SQLite {
		integer = "INTEGER"
	}
	if _, err := w.tx.ExecContext(ctx, fmt.Sprintf("CREATE TEMP TABLE seed_days (w %s PRIMARY KEY, off %s NOT NULL)", integer, integer)); err != nil {
		return fmt.Errorf("working days: %w", err)
	}
	for lo := 0; lo < len(p.workdays); lo += 500 {
		var vals []string
		for n, off := range p.workdays[lo:min(lo+500, len(p.workdays))] {
			vals = append(vals, fmt.Sprintf("(%d, %d)", lo+n, off))
		}
		if _, err := w.tx.ExecContext(ctx, "INSERT INTO seed_days (w, off) VALUES "+strings.Join(vals, ", ")); err != nil {
			return fmt.Errorf("working days: %w", err)
		}
	}
	unit := byCase("route", p.nRoutes(), func(r int) string { return fmt.Sprint(p.units[p.routeUnit(r)].ID) })
	org := byCase("route", p.nRoutes(), func(r int) string { return fmt.Sprint(p.orgs[p.routeOrg(r)].ID) })
	orgIndex := byCase("route", p.nRoutes(), func(r int) string { return fmt.Sprint(p.routeOrg(r)) })
	group := byCase("route", p.nRoutes(), func(r int) string {
		return "'" + string(unitKinds[p.routeUnit(r)%len(unitKinds)].group) + "'"
	})
	kw := byCase("(i * 7) % 20", len(contactDays), func(v int) string { return fmt.Sprint(contactDays[v]) })
	l0 := fmt.Sprintf(`SELECT i, (i * 37) %% 100 AS c, sd.w AS w, sd.off AS d, i %% %d AS route, %s AS kw
		FROM %s JOIN seed_days AS sd ON sd.w = CAST(i - 1 AS BIGINT) * %d / %d`,
		p.nRoutes(), kw, p.series("i", p.r.Participants), p.inPeriod, p.r.Participants)
	l1 := fmt.Sprintf(`SELECT i, c, d, route, kw, cd.off - d AS k, %d - d AS a, %s AS unit, %s AS org, %s AS oi,
		CASE WHEN i %% 10 = 9 THEN 'other' ELSE %s END AS grp
		FROM (%s) AS l0 JOIN seed_days AS cd ON cd.w = l0.w + l0.kw`,
		p.days, unit, org, orgIndex, group, l0)
	l2 := `SELECT l1.*,
		CASE WHEN c < 5 AND a >= 1 THEN 1 ELSE 0 END AS declined,
		CASE WHEN c >= 5 AND a >= 1 THEN 1 ELSE 0 END AS accepted,
		CASE WHEN c >= 12 AND a >= k THEN 1 ELSE 0 END AS contacted,
		CASE WHEN c >= 20 AND a >= k + 2 THEN 1 ELSE 0 END AS matched,
		CASE WHEN c >= 20 AND c < 24 AND a >= k + 30 THEN 1 ELSE 0 END AS rematched,
		CASE WHEN c < 5 THEN -1 WHEN c < 12 THEN 60 WHEN c < 20 THEN 120 ELSE 240 END AS cday,
		CASE WHEN c < 12 THEN 'no_contact' WHEN c < 20 THEN CASE c % 3 WHEN 0 THEN 'moved' WHEN 1 THEN 'other' ELSE 'ended_by_participant' END
		     WHEN c % 10 = 0 THEN 'ended_by_participant' WHEN c % 10 = 1 THEN 'moved' ELSE 'goals_met' END AS reason
		FROM (` + l1 + `) AS l1`
	return p.temp(ctx, w, "seed_plan", "SELECT l2.*, CASE WHEN cday >= 0 AND a >= cday THEN 1 ELSE 0 END AS closed FROM ("+l2+") AS l2")
}

// temp makes a temporary table from a query (analysed on PostgreSQL,
// which has no statistics for it otherwise).
func (p *plan) temp(ctx context.Context, w *writer, name, query string) error {
	t0 := time.Now()
	defer func() { w.count("plan: "+name, 0, time.Since(t0)) }()
	if _, err := w.tx.ExecContext(ctx, "CREATE TEMP TABLE "+name+" AS "+query); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if p.dialect == tenants.Postgres {
		if _, err := w.tx.ExecContext(ctx, "ANALYZE "+name); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// dropTemp removes the temporary tables (on SQLite they would outlive the
// transaction on its pooled connection).
func (p *plan) dropTemp(ctx context.Context, w *writer) error {
	for _, name := range []string{"seed_spans", "seed_plan", "seed_days"} {
		if _, err := w.tx.ExecContext(ctx, "DROP TABLE IF EXISTS "+name); err != nil {
			return fmt.Errorf("drop %s: %w", name, err)
		}
	}
	return nil
}

// pathway inserts the peers, their supervision, and the participants'
// pathway up to the matches and follow-ups; meetings come after.
func (p *plan) pathway(ctx context.Context, w *writer) error {
	if err := p.planTables(ctx, w); err != nil {
		return err
	}
	t := fmt.Sprint(p.tenantID)
	const plan = "seed_plan AS p"
	type stmt struct{ what, sql string }
	var out []stmt
	add := func(what, sql string) { out = append(out, stmt{what, sql}) }
	// analyze gives PostgreSQL's planner statistics for tables just
	// filled, before rows referring to them are inserted: without any,
	// it checks a foreign key such as (tenant_id, id, organisation_id)
	// through the index on (tenant_id, organisation_id, …), reading
	// every row of the organisation for each row inserted: Stockholm's
	// share of a national seed took three times as long. Only
	// the tables' owner may analyse them; for another role PostgreSQL
	// skips the tables with a warning (see CanAnalyze).
	analyze := func(tables string) {
		if p.dialect == tenants.Postgres {
			add("analyze "+tables, "ANALYZE "+tables)
		}
	}

	// Peers n = 1…peers: organisation (n-1) % orgs, number q = (n-1) /
	// orgs in it; numbers below active are active, then two in
	// training, one recruited, one paused, one who left. They were
	// registered on day pc, from 300 days before start on.
	o, a := p.r.Organisations, p.active
	q := fmt.Sprintf("((n - 1) / %d)", o)
	peerStatus := fmt.Sprintf("CASE WHEN %[1]s < %[2]d THEN 'active' WHEN %[1]s < %[3]d THEN 'in_training' WHEN %[1]s = %[3]d THEN 'recruited' WHEN %[1]s = %[4]d THEN 'paused' ELSE 'left' END",
		q, a, a+2, a+3)
	pc := fmt.Sprintf("((n * 7) %% %d - 300)", max(1, p.days))
	add("peers", fmt.Sprintf(`INSERT INTO peers (id, tenant_id, organisation_id, display_name, contact_enc, languages, experience,
		capacity, status, status_changed_at, created_at, updated_at)
		SELECT %d + n, %s, %s, 'Kamrat ' || n, 'sealed-elsewhere', '["sv"]', '[]', 3, %s, %s, %s, %s FROM %s`,
		p.peerBase, t, p.orgCase(fmt.Sprintf("(n - 1) %% %d", o)), peerStatus, p.at(pc+" + 300", "600"), p.at(pc, "600"), p.at(pc+" + 300", "600"),
		p.series("n", p.peers())))
	for _, e := range []struct{ from, to, day, who string }{
		{"NULL", "'recruited'", pc, "1 = 1"},
		{"'recruited'", "'in_training'", pc + " + 10", fmt.Sprintf("%s <> %d", q, a+2)},
		{"'in_training'", "'active'", pc + " + 50", fmt.Sprintf("%s < %d OR %s > %d", q, a, q, a+2)},
		{"'active'", "'paused'", pc + " + 200", fmt.Sprintf("%s = %d", q, a+3)},
		{"'active'", "'left'", pc + " + 300", fmt.Sprintf("%s = %d", q, a+4)},
	} {
		add("peer history", fmt.Sprintf(`INSERT INTO peer_status_events (tenant_id, peer_id, at, from_status, to_status)
			SELECT %s, %d + n, %s, %s, %s FROM %s WHERE %s`, t, p.peerBase, p.at(e.day, "600"), e.from, e.to, p.series("n", p.peers()), e.who))
	}
	add("base courses", fmt.Sprintf(`INSERT INTO peer_trainings (tenant_id, peer_id, kind, title, started_on, completed_on, created_at)
		SELECT %s, %d + n, 'base_course', 'Grundutbildning', %s, CASE WHEN %s IN (%d, %d) THEN NULL ELSE %s END, %s
		FROM %s WHERE %s <> %d`, t, p.peerBase, p.date(pc+" + 10"), q, a, a+1, p.date(pc+" + 45"), p.at(pc+" + 10", "600"),
		p.series("n", p.peers()), q, a+2))
	// Supervision every two weeks: session n is organisation (n-1) %
	// orgs, group g = ((n-1) / orgs) % groups, fortnight (n-1) / (orgs ·
	// groups); group g is the active peers numbered g, g + groups, …;
	// four in five attend.
	g := fmt.Sprintf("(((n - 1) / %d) %% %d)", o, p.groups)
	held := fmt.Sprintf("((n - 1) / %d) * 14 + ((n - 1) %% %d + %s) %% 10", o*p.groups, o, g)
	add("supervision", fmt.Sprintf(`INSERT INTO supervision_sessions (id, tenant_id, organisation_id, kind, supervisor_name,
		supervisor_lived_experience, held_on, duration_minutes, created_at)
		SELECT %d + n, %s, %s, 'group', 'Handledare', TRUE, %s, 90, %s FROM %s`,
		p.sessionBase, t, p.orgCase(fmt.Sprintf("(n - 1) %% %d", o)), p.date(held), p.at(held, "900"), p.series("n", p.sessions())))
	member := fmt.Sprintf("(%s + %d * (m - 1))", g, p.groups)
	analyze("peers, supervision_sessions")
	add("supervision attendance", fmt.Sprintf(`INSERT INTO supervision_attendance (tenant_id, session_id, organisation_id, peer_id)
		SELECT %s, %d + n, %s, %d + (n - 1) %% %d + 1 + %d * %s FROM %s CROSS JOIN %s WHERE %s < %d AND (n + m) %% 5 <> 0`,
		t, p.sessionBase, p.orgCase(fmt.Sprintf("(n - 1) %% %d", o)), p.peerBase, o, o, member,
		p.series("n", p.sessions()), p.series("m", (a+p.groups-1)/p.groups), member, a))

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
	analyze("participants, referrals")
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
		p.matchBase+int64(p.r.Participants), t, p.referralBase, p.peerOf("i + 1"), p.date("d + k + 30"), p.at("d + k + 30", "600"),
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
	analyze("matches, follow_ups")
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

	for _, st := range out {
		if err := w.exec(ctx, st.what, st.sql); err != nil {
			return err
		}
	}
	return nil
}

// meetings logs exactly r.Meetings meetings, shared out over every match
// (first matches and rematches) by cumulative rounding of the total in
// proportion to the match's weight, so that the shares add up exactly:
// the weight is a skewed number of meetings (1–3 for three supports in
// ten, 4–10 for four, 11–20 for two, 21–40 or 50–80 for the rest) times
// the days the match ran (until its end or today), plus a week, up to 14
// weeks. Each match's meetings are a week apart from its start, or spread
// evenly over its days when that many do not fit; never after its end
// or today. It returns the number of matches.
func (p *plan) meetings(ctx context.Context, w *writer) (int, error) {
	n := p.r.Participants
	spans := fmt.Sprintf(`SELECT %d + i AS mid, i, d, k + 2 AS s0,
			CASE WHEN rematched = 1 THEN k + 30 WHEN closed = 1 THEN cday ELSE a END AS s1, (i * 53) %% 100 AS h
			FROM seed_plan WHERE matched = 1
		UNION ALL
		SELECT %d + %d + i, i, d, k + 30, CASE WHEN closed = 1 THEN cday ELSE a END, (i * 53 + 17) %% 100
			FROM seed_plan WHERE rematched = 1`, p.matchBase, p.matchBase, n)
	weight := fmt.Sprintf(`(CASE WHEN h < 30 THEN 1 + h %% 3 WHEN h < 70 THEN 4 + h %% 7 WHEN h < 90 THEN 11 + h %% 10
		WHEN h < 98 THEN 21 + h %% 20 ELSE 50 + i %% 31 END) * %s`, p.clamp("s1 - s0 + 7", 7, 98))
	weighted := fmt.Sprintf(`SELECT x.*, SUM(wt) OVER (ORDER BY mid ROWS UNBOUNDED PRECEDING) AS cw, SUM(wt) OVER () AS total
		FROM (SELECT sp.*, %s AS wt FROM (%s) AS sp) AS x`, weight, spans)
	if err := p.temp(ctx, w, "seed_spans", fmt.Sprintf(`SELECT mid, i, d, s0, s1, CAST(%d * cw / total - %d * (cw - wt) / total AS INTEGER) AS cnt
		FROM (%s) AS y`, p.r.Meetings, p.r.Meetings, weighted)); err != nil {
		return 0, err
	}
	var got struct {
		Matches int   `bun:"n"`
		Sum     int64 `bun:"s"`
		Max     int   `bun:"m"`
	}
	if err := w.tx.NewRaw("SELECT count(*) AS n, COALESCE(SUM(cnt), 0) AS s, COALESCE(MAX(cnt), 0) AS m FROM seed_spans").Scan(ctx, &got); err != nil {
		return 0, fmt.Errorf("meetings: %w", err)
	}
	if got.Matches == 0 && p.r.Meetings > 0 {
		return 0, fmt.Errorf("seed %s: %d meetings asked for, but none of its %d participants has been matched yet; more participants or quarters are needed",
			p.slug, p.r.Meetings, n)
	}
	if got.Sum != int64(p.r.Meetings) {
		return 0, fmt.Errorf("seed %s: the meetings planned add up to %d, not %d", p.slug, got.Sum, p.r.Meetings)
	}
	upTo := "JOIN " + p.series("j", got.Max) + " ON j <= cnt"
	if p.dialect == tenants.Postgres {
		upTo = "CROSS JOIN LATERAL generate_series(1, cnt) AS s_j(j)"
	}
	day := "s0 + CASE WHEN cnt * 7 <= s1 - s0 THEN (j - 1) * 7 ELSE ((j - 1) * (s1 - s0)) / cnt END"
	format := "CASE (i + j) % 10 WHEN 5 THEN 'phone' WHEN 6 THEN 'phone' WHEN 7 THEN 'phone' WHEN 8 THEN 'video' WHEN 9 THEN 'group' ELSE 'in_person' END"
	minutes := "CASE (i + j) % 10 WHEN 5 THEN 20 WHEN 6 THEN 30 WHEN 7 THEN 30 WHEN 8 THEN 45 WHEN 9 THEN 120 ELSE 45 + 15 * ((i * j) % 4) END"
	topic := byCase("(i + 3 * j) % 9", 9, func(v int) string { return "'" + string(tenants.MeetingTopics[v]) + "'" })
	if err := w.exec(ctx, "meetings", fmt.Sprintf(`INSERT INTO meetings (tenant_id, match_id, held_on, format, duration_minutes, topics, created_at)
		SELECT %d, mid, %s, %s, %s, %s, %s FROM seed_spans %s`,
		p.tenantID, p.date("d + "+day), format, minutes, p.json(`'["' || `+topic+` || '"]'`), p.at("d + "+day, "1020"), upTo)); err != nil {
		return 0, err
	}
	return got.Matches, p.dropTemp(ctx, w)
}

// verify checks the region holds exactly the participants and meetings
// asked for.
func (p *plan) verify(ctx context.Context, tx *tenants.Tx) error {
	for _, c := range []struct {
		table string
		want  int
	}{{"participants", p.r.Participants}, {"referrals", p.r.Participants}, {"meetings", p.r.Meetings}} {
		var n int
		if err := tx.NewRaw("SELECT count(*) FROM "+c.table+" WHERE tenant_id = ?", p.tenantID).Scan(ctx, &n); err != nil {
			return err
		}
		if n != c.want {
			return fmt.Errorf("seed %s: %d %s written, %d asked for", p.slug, n, c.table, c.want)
		}
	}
	return nil
}
