package tenants

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun"
)

// DashboardStore reads the region dashboard and (re)builds its counts.
type DashboardStore struct {
	db *DB
}

// NewDashboardStore returns a DashboardStore on db.
func NewDashboardStore(db *DB) *DashboardStore { return &DashboardStore{db: db} }

// Dashboard computes the region's dashboard for the filter at now, in one
// read-only transaction. It returns a *ValidationError for a bad period or
// target group ("from", "to", "target_group") and for a clinic or
// organisation not in the region ("unit_id", "organisation_id").
func (s *DashboardStore) Dashboard(ctx context.Context, tenantID int64, f DashboardFilter, now time.Time) (Dashboard, error) {
	if err := f.validate(); err != nil {
		return Dashboard{}, err
	}
	var d Dashboard
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		in, err := loadDashboardInput(ctx, tx, tenantID, f, now)
		if err != nil {
			return err
		}
		d = computeDashboard(in)
		return nil
	})
	return d, err
}

func loadDashboardInput(ctx context.Context, tx *Tx, tenantID int64, f DashboardFilter, now time.Time) (dashboardInput, error) {
	in := dashboardInput{Filter: f, AsOf: QuarterEnd(f.To)}
	if t := today(now); t.Before(in.AsOf) {
		in.AsOf = t
	}
	var err error
	if in.Settings, err = regionSettings(ctx, tx, tenantID); err != nil {
		return in, err
	}
	owned := func(q *bun.SelectQuery) *bun.SelectQuery { return q.Where("tenant_id = ?", tenantID) }
	if err := owned(tx.NewSelect().Model(&in.Units).Column("id", "name", "kind")).Order("name", "id").Scan(ctx); err != nil {
		return in, translate(err, "dashboard units")
	}
	// Every organisation may be chosen (an inactive one's referrals are
	// history); the peers table lists the active ones.
	if err := owned(tx.NewSelect().Model(&in.Organisations).Column("id", "name", "active")).Order("name", "id").Scan(ctx); err != nil {
		return in, translate(err, "dashboard organisations")
	}
	var v ValidationError
	if f.UnitID != 0 && !slices.ContainsFunc(in.Units, func(u Unit) bool { return u.ID == f.UnitID }) {
		v.add("unit_id", "validation.scope_unit", nil)
	}
	if f.OrganisationID != 0 && !slices.ContainsFunc(in.Organisations, func(o Organisation) bool { return o.ID == f.OrganisationID }) {
		v.add("organisation_id", "validation.scope_organisation", nil)
	}
	if err := v.err(); err != nil {
		return in, err
	}

	// The referral counts, summed over clinics, organisations and target
	// groups by quarter: the dashboard shows them for the whole filter, so
	// the database adds them up and returns a few rows per quarter
	// (measure, bucket, detail) however many cohorts the period has. The
	// index dashboard_counts_period (migration 0015) holds these columns
	// in this order, so the sums are taken in one range scan of it without
	// a sort. Grouping by clinic as well returned thousands of rows in a
	// large region (BenchmarkDashboard, docs/benchmarks.md).
	q := tx.NewSelect().Table("dashboard_counts").
		ColumnExpr("quarter, measure, bucket, detail, SUM(value) AS value").
		Where("tenant_id = ? AND quarter >= ? AND quarter <= ?", tenantID, f.From, f.To).
		GroupExpr("quarter, measure, bucket, detail")
	if f.UnitID != 0 {
		q = q.Where("unit_id = ?", f.UnitID)
	}
	if f.OrganisationID != 0 {
		q = q.Where("organisation_id = ?", f.OrganisationID)
	}
	if f.TargetGroup != "" {
		q = q.Where("target_group = ?", f.TargetGroup)
	}
	if err := q.Scan(ctx, &in.Counts); err != nil {
		return in, translate(err, "dashboard counts")
	}

	// The clinics whose tallies count: the chosen one, those the chosen
	// organisation serves, those of the target group's kinds.
	in.TallyUnits = map[int64]bool{}
	var served map[int64]bool
	if f.OrganisationID != 0 {
		var ids []int64
		if err := tx.NewSelect().Table("organisation_units").Column("unit_id").
			Where("tenant_id = ? AND organisation_id = ?", tenantID, f.OrganisationID).Scan(ctx, &ids); err != nil {
			return in, translate(err, "dashboard served units")
		}
		served = map[int64]bool{}
		for _, id := range ids {
			served[id] = true
		}
	}
	for _, u := range in.Units {
		if (f.UnitID == 0 || u.ID == f.UnitID) && (served == nil || served[u.ID]) &&
			(f.TargetGroup == "" || unitKindGroups[u.Kind] == f.TargetGroup) {
			in.TallyUnits[u.ID] = true
		}
	}
	tq := owned(tx.NewSelect().Model(&in.Tallies)).Where("month >= ? AND month <= ?", f.From, QuarterEnd(f.To))
	if f.UnitID != 0 {
		tq = tq.Where("unit_id = ?", f.UnitID)
	}
	if err := tq.Scan(ctx); err != nil {
		return in, translate(err, "dashboard offer tallies")
	}

	// Agreements in force on the AsOf day, and the peers.
	if err := owned(tx.NewSelect().Model(&in.Agreements)).
		Where("status <> ? AND starts_on <= ? AND ends_on >= ?", AgreementDraft, in.AsOf, in.AsOf).Scan(ctx); err != nil {
		return in, translate(err, "dashboard agreements")
	}
	ptrs := make([]*Agreement, len(in.Agreements))
	for i := range in.Agreements {
		ptrs[i] = &in.Agreements[i]
	}
	if err := loadAgreementLists(ctx, tx, tenantID, ptrs); err != nil {
		return in, err
	}
	if err := owned(tx.NewSelect().Model(&in.Peers).Column("id", "organisation_id", "status", "status_changed_at")).Scan(ctx); err != nil {
		return in, translate(err, "dashboard peers")
	}
	// Each peer's status on the AsOf day is that of its last change before
	// the day ends. A peer whose status has not changed since then (every
	// peer, when the period reaches today) has it still: its status and
	// the time it changed stand for its history. The history is read only
	// for peers changed after the day; read whole, it grew with the years
	// and was the dashboard's largest cost in the load benchmark.
	dayEnd := in.AsOf.End().UTC()
	if err := owned(tx.NewSelect().Model(&in.PeerEvents).Column("id", "peer_id", "at", "to_status")).
		Where("at < ? AND peer_id IN (SELECT id FROM peers WHERE tenant_id = ? AND status_changed_at >= ?)", dayEnd, tenantID, dayEnd).
		Scan(ctx); err != nil {
		return in, translate(err, "dashboard peer history")
	}
	for _, p := range in.Peers {
		if p.StatusChangedAt.Before(dayEnd) {
			in.PeerEvents = append(in.PeerEvents, PeerStatusEvent{PeerID: p.ID, At: p.StatusChangedAt, To: p.Status})
		}
	}
	if err := tx.NewSelect().TableExpr("supervision_attendance AS a").
		Join("JOIN supervision_sessions AS s ON s.tenant_id = a.tenant_id AND s.id = a.session_id").
		ColumnExpr("a.peer_id, s.held_on").
		Where("a.tenant_id = ? AND s.held_on > ? AND s.held_on <= ?", tenantID, in.AsOf.AddDays(-7*in.Settings.SupervisionIntervalWeeks), in.AsOf).
		Scan(ctx, &in.Supervised); err != nil {
		return in, translate(err, "dashboard supervision")
	}
	if err := owned(tx.NewSelect().Model(&in.Trainings).Column("id", "peer_id", "kind", "completed_on")).
		Where("kind = ? AND completed_on >= ? AND completed_on <= ?", TrainingBaseCourse, f.From, QuarterEnd(f.To)).Scan(ctx); err != nil {
		return in, translate(err, "dashboard trainings")
	}
	return in, nil
}

// Rebuild recomputes the region's dashboard counts from its rows, in one
// transaction: what BuildMissing does for data from before the counts
// existed. The stores keep the counts current afterwards; a rebuild later
// would lose the counts of referrals erased at the end of their retention,
// which only the counts remember.
func (s *DashboardStore) Rebuild(ctx context.Context, tenantID int64) error {
	return s.db.InTenant(ctx, tenantID, func(tx *Tx) error { return rebuildDashboard(ctx, tx, tenantID) })
}

// BuildMissing builds the counts of every region that has none built yet
// (regions that existed before the counts did), one transaction per region;
// it returns how many it built. Concurrent callers (several replicas
// starting) build each region once: the region's row in dashboard_builds is
// claimed in the same transaction as the build.
func (s *DashboardStore) BuildMissing(ctx context.Context, now time.Time) (int, error) {
	var ids []int64
	if err := s.db.InPlatformReadOnly(ctx, func(tx *Tx) error {
		return translate(tx.NewSelect().Table("tenants").Column("id").Order("id").Scan(ctx, &ids), "regions")
	}); err != nil {
		return 0, err
	}
	built := 0
	for _, id := range ids {
		err := s.db.InTenant(ctx, id, func(tx *Tx) error {
			claimed, err := claimDashboardBuild(ctx, tx, id, now)
			if err != nil || !claimed {
				return err
			}
			built++
			return rebuildDashboard(ctx, tx, id)
		})
		if err != nil {
			return built, err
		}
	}
	return built, nil
}

// claimDashboardBuild marks the region's counts as built and reports
// whether this transaction did so.
func claimDashboardBuild(ctx context.Context, tx *Tx, tenantID int64, now time.Time) (bool, error) {
	res, err := tx.NewRaw(`INSERT INTO dashboard_builds (tenant_id, built_at) VALUES (?, ?) ON CONFLICT (tenant_id) DO NOTHING`,
		tenantID, now.UTC()).Exec(ctx)
	if err != nil {
		return false, translate(err, "claim the dashboard build")
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// rebuildDashboard replaces the region's counts and milestones with those
// its rows give, by the same rules the stores count by as things happen.
func rebuildDashboard(ctx context.Context, tx *Tx, tenantID int64) error {
	for _, table := range []string{"dashboard_counts", "referral_milestones"} {
		if _, err := tx.NewDelete().Table(table).Where("tenant_id = ?", tenantID).Exec(ctx); err != nil {
			return translate(err, "clear "+table)
		}
	}
	var referrals []struct {
		ID             int64       `bun:"id"`
		CreatedAt      time.Time   `bun:"created_at"`
		UnitID         int64       `bun:"unit_id"`
		OrganisationID int64       `bun:"organisation_id"`
		FirstContactOn Date        `bun:"first_contact_on"`
		TargetGroup    TargetGroup `bun:"target_group"`
	}
	if err := tx.NewSelect().TableExpr("referrals AS r").
		Join("JOIN participants AS p ON p.tenant_id = r.tenant_id AND p.id = r.participant_id").
		ColumnExpr("r.id, r.created_at, r.unit_id, r.organisation_id, r.first_contact_on, p.target_group").
		Where("r.tenant_id = ?", tenantID).Order("r.id").Scan(ctx, &referrals); err != nil {
		return translate(err, "rebuild: referrals")
	}
	var events []ReferralEvent
	if err := tx.NewSelect().Model(&events).Column("id", "referral_id", "at", "to_status", "reason").
		Where("tenant_id = ? AND to_status IN (?, ?)", tenantID, ReferralMatched, ReferralClosed).Scan(ctx); err != nil {
		return translate(err, "rebuild: referral history")
	}
	slices.SortStableFunc(events, func(a, b ReferralEvent) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID)) })
	var meetings []struct {
		ReferralID int64 `bun:"referral_id"`
		N          int   `bun:"n"`
	}
	if err := tx.NewSelect().TableExpr("meetings AS m").
		Join("JOIN matches AS x ON x.tenant_id = m.tenant_id AND x.id = m.match_id").
		ColumnExpr("x.referral_id, count(*) AS n").Where("m.tenant_id = ?", tenantID).
		GroupExpr("x.referral_id").Scan(ctx, &meetings); err != nil {
		return translate(err, "rebuild: meetings")
	}
	var scores []struct {
		ReferralID int64 `bun:"referral_id"`
		Month      int   `bun:"month"`
		Raw        *int  `bun:"raw"`
	}
	if err := tx.NewSelect().TableExpr("follow_ups AS f").
		Join("LEFT JOIN follow_up_scores AS s ON s.tenant_id = f.tenant_id AND s.follow_up_id = f.id AND s.instrument = ?", InstrumentWHO5).
		ColumnExpr("f.referral_id, f.month, s.raw").
		Where("f.tenant_id = ? AND f.status = ? AND f.month IN (0, ?)", tenantID, FollowUpCompleted, outcomeMonth).
		Scan(ctx, &scores); err != nil {
		return translate(err, "rebuild: follow-ups")
	}

	type countKey struct {
		c      referralCohort
		m      DashboardMeasure
		bucket int
		detail string
	}
	counts := map[countKey]int64{}
	var order []countKey
	add := func(c referralCohort, m DashboardMeasure, bucket int, detail string, delta int64) {
		k := countKey{c: c, m: m, bucket: bucket, detail: detail}
		if _, ok := counts[k]; !ok {
			order = append(order, k)
		}
		counts[k] += delta
	}
	var milestones []milestoneRow
	mark := func(id int64, m milestone) {
		milestones = append(milestones, milestoneRow{TenantID: tenantID, ReferralID: id, Milestone: m})
	}
	cohorts := map[int64]referralCohort{}
	for _, r := range referrals {
		day := today(r.CreatedAt)
		c := referralCohort{Quarter: QuarterStart(day), UnitID: r.UnitID, OrganisationID: r.OrganisationID, TargetGroup: r.TargetGroup}
		cohorts[r.ID] = c
		add(c, MeasureReferred, 0, "", 1)
		if !r.FirstContactOn.IsZero() {
			add(c, MeasureContacted, 0, "", 1)
			add(c, MeasureFirstContact, WorkingDaysBetween(day, r.FirstContactOn), "", 1)
		}
	}
	matched, closed := map[int64]bool{}, map[int64]bool{}
	for _, e := range events {
		c, ok := cohorts[e.ReferralID]
		switch {
		case !ok:
		case e.To == ReferralMatched && !matched[e.ReferralID]:
			matched[e.ReferralID] = true
			mark(e.ReferralID, milestoneMatched)
			add(c, MeasureMatched, 0, "", 1)
		case e.To == ReferralClosed && !closed[e.ReferralID]:
			closed[e.ReferralID] = true
			mark(e.ReferralID, milestoneClosed)
			add(c, MeasureClosed, 0, e.Reason, 1)
		}
	}
	for _, m := range meetings {
		if c, ok := cohorts[m.ReferralID]; ok && m.N >= 3 {
			mark(m.ReferralID, milestoneThreeMeetings)
			add(c, MeasureThreeMeetings, 0, "", 1)
		}
	}
	who5 := map[int64]map[int]int{}
	for _, sc := range scores {
		c, ok := cohorts[sc.ReferralID]
		if !ok {
			continue
		}
		if sc.Month == outcomeMonth {
			mark(sc.ReferralID, milestoneFollowUp6)
			add(c, MeasureFollowUp6, 0, "", 1)
		}
		if sc.Raw != nil {
			if who5[sc.ReferralID] == nil {
				who5[sc.ReferralID] = map[int]int{}
			}
			who5[sc.ReferralID][sc.Month] = *sc.Raw
		}
	}
	for id, raw := range who5 {
		before, ok1 := raw[0]
		after, ok2 := raw[outcomeMonth]
		if !ok1 || !ok2 {
			continue
		}
		mark(id, milestoneWHO5Pair)
		points, significant := WHO5Change(before, after)
		c := cohorts[id]
		add(c, MeasureWHO5Pairs, 0, "", 1)
		add(c, MeasureWHO5ChangeSum, 0, "", int64(points))
		switch {
		case significant && points > 0:
			add(c, MeasureWHO5Improved, 0, "", 1)
		case significant:
			add(c, MeasureWHO5Worsened, 0, "", 1)
		}
	}

	rows := make([]dashboardCountRow, 0, len(order))
	for _, k := range order {
		rows = append(rows, dashboardCountRow{TenantID: tenantID, Quarter: k.c.Quarter, UnitID: k.c.UnitID,
			OrganisationID: k.c.OrganisationID, TargetGroup: k.c.TargetGroup, Measure: k.m, Bucket: k.bucket, Detail: k.detail,
			Value: counts[k]})
	}
	if err := insertBatches(ctx, tx, rows, "rebuild: dashboard counts"); err != nil {
		return err
	}
	return insertBatches(ctx, tx, milestones, "rebuild: referral milestones")
}

// insertBatches inserts rows a few hundred at a time (SQLite limits the
// number of parameters in one statement).
func insertBatches[T any](ctx context.Context, tx *Tx, rows []T, what string) error {
	for start := 0; start < len(rows); start += 500 {
		part := rows[start:min(start+500, len(rows))]
		if _, err := tx.NewInsert().Model(&part).Exec(ctx); err != nil {
			return translate(err, what)
		}
	}
	return nil
}

// dashboardCountRow is a row of dashboard_counts.
type dashboardCountRow struct {
	bun.BaseModel `bun:"table:dashboard_counts"`

	TenantID       int64            `bun:"tenant_id"`
	Quarter        Date             `bun:"quarter"`
	UnitID         int64            `bun:"unit_id"`
	OrganisationID int64            `bun:"organisation_id"`
	TargetGroup    TargetGroup      `bun:"target_group"`
	Measure        DashboardMeasure `bun:"measure"`
	Bucket         int              `bun:"bucket"`
	Detail         string           `bun:"detail"`
	Value          int64            `bun:"value"`
}

// milestoneRow is a row of referral_milestones.
type milestoneRow struct {
	bun.BaseModel `bun:"table:referral_milestones"`

	TenantID   int64     `bun:"tenant_id"`
	ReferralID int64     `bun:"referral_id"`
	Milestone  milestone `bun:"milestone"`
}
