package tenants

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// ReportStore builds, reads and approves the quarterly reports.
type ReportStore struct {
	db *DB
}

// NewReportStore returns a ReportStore on db.
func NewReportStore(db *DB) *ReportStore { return &ReportStore{db: db} }

// BuildMode says what Build does with a quarter that is already built.
type BuildMode int

const (
	// BuildOnce builds a quarter that has not been built and leaves a
	// built one alone: what the scheduled job does, so that running it
	// again changes nothing.
	BuildOnce BuildMode = iota
	// Rebuild replaces a draft quarter's figures.
	Rebuild
)

// Build computes the quarter's reports for every scope and stores them as
// drafts, in one transaction. It reports whether it built anything: false
// when mode is BuildOnce and the quarter is built already.
//
// Two processes building the same quarter take turns on the quarter's row;
// the second finds it built. It returns ErrReportPeriodLocked when asked to
// Rebuild an approved quarter (nothing changes), ErrReportPeriodNotEnded for a quarter
// not yet over at now, and a *ValidationError ("period_start") for a day
// that does not start a quarter.
func (s *ReportStore) Build(ctx context.Context, tenantID int64, periodStart Date, now time.Time, mode BuildMode) (built bool, err error) {
	if err := checkPeriod(periodStart, now); err != nil {
		return false, err
	}
	err = s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		period, err := lockReportPeriod(ctx, tx, tenantID, periodStart, true)
		if err != nil {
			return err
		}
		switch {
		case period.BuiltAt != nil && mode == BuildOnce:
			return nil
		case period.Approved():
			return fmt.Errorf("build reports of %s: %w", periodStart, ErrReportPeriodLocked)
		}
		in, err := loadReportInput(ctx, tx, tenantID, periodStart)
		if err != nil {
			return err
		}
		if err := storeReports(ctx, tx, tenantID, periodStart, ComputeReports(in), now); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Model((*ReportPeriod)(nil)).Set("built_at = ?", now).
			Where("tenant_id = ? AND period_start = ?", tenantID, periodStart).Exec(ctx); err != nil {
			return translate(err, "mark the quarter built")
		}
		built = true
		return nil
	})
	return built, err
}

func checkPeriod(periodStart Date, now time.Time) error {
	if !IsQuarterStart(periodStart) {
		var v ValidationError
		v.add("period_start", "validation.quarter_start", nil)
		return v.err()
	}
	if !QuarterEnd(periodStart).Before(today(now)) {
		return fmt.Errorf("reports of %s: %w", periodStart, ErrReportPeriodNotEnded)
	}
	return nil
}

// lockReportPeriod reads the quarter's row, creating it when create is
// set, and locks it on PostgreSQL (SQLite's write transactions take turns
// anyway).
func lockReportPeriod(ctx context.Context, tx *Tx, tenantID int64, periodStart Date, create bool) (ReportPeriod, error) {
	if create {
		row := ReportPeriod{TenantID: tenantID, PeriodStart: periodStart}
		if _, err := tx.NewInsert().Model(&row).On("CONFLICT (tenant_id, period_start) DO NOTHING").Exec(ctx); err != nil {
			return ReportPeriod{}, translate(err, "report quarter")
		}
	}
	var p ReportPeriod
	q := tx.NewSelect().Model(&p).Where("tenant_id = ? AND period_start = ?", tenantID, periodStart)
	if tx.Dialect() == Postgres {
		q = q.For("UPDATE")
	}
	return p, translate(q.Scan(ctx), "report quarter")
}

// storeReports writes the computed reports over the quarter's drafts:
// a scope's row keeps its id, and drafts of scopes no longer reported
// (an organisation made inactive meanwhile) are removed.
func storeReports(ctx context.Context, tx *Tx, tenantID int64, periodStart Date, computed []ScopedReport, now time.Time) error {
	var existing []Report
	if err := tx.NewSelect().Model(&existing).Column("id", "scope", "scope_id", "state").
		Where("tenant_id = ? AND period_start = ?", tenantID, periodStart).Scan(ctx); err != nil {
		return translate(err, "the quarter's reports")
	}
	type key struct {
		scope ReportScope
		id    int64
	}
	byScope := map[key]Report{}
	for _, r := range existing {
		if r.State != ReportDraft {
			return fmt.Errorf("rebuild report %d: %w", r.ID, ErrReportPeriodLocked)
		}
		byScope[key{r.Scope, r.ScopeID}] = r
	}
	for _, c := range computed {
		k := key{c.Scope, c.ScopeID}
		if old, ok := byScope[k]; ok {
			delete(byScope, k)
			r := Report{ID: old.ID, TenantID: tenantID, ScopeName: c.ScopeName, Figures: c.Figures, BuiltAt: now}
			if _, err := tx.NewUpdate().Model(&r).Column("scope_name", "figures", "built_at").
				Where("tenant_id = ? AND id = ? AND state = ?", tenantID, old.ID, ReportDraft).Exec(ctx); err != nil {
				return translate(err, "rebuild report")
			}
			continue
		}
		r := Report{TenantID: tenantID, PeriodStart: periodStart, Scope: c.Scope, ScopeID: c.ScopeID, ScopeName: c.ScopeName,
			State: ReportDraft, Figures: c.Figures, BuiltAt: now}
		if _, err := tx.NewInsert().Model(&r).Exec(ctx); err != nil {
			return translate(err, "store report")
		}
	}
	for _, gone := range byScope {
		if _, err := tx.NewDelete().Model((*Report)(nil)).
			Where("tenant_id = ? AND id = ? AND state = ?", tenantID, gone.ID, ReportDraft).Exec(ctx); err != nil {
			return translate(err, "remove a scope's draft")
		}
	}
	return nil
}

// Input reads what the quarter's reports are computed from, in one
// read-only transaction; ComputeReports(Input) is what Build stores.
func (s *ReportStore) Input(ctx context.Context, tenantID int64, periodStart Date) (ReportInput, error) {
	var in ReportInput
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		var err error
		in, err = loadReportInput(ctx, tx, tenantID, periodStart)
		return err
	})
	return in, err
}

func loadReportInput(ctx context.Context, tx *Tx, tenantID int64, start Date) (ReportInput, error) {
	end := QuarterEnd(start)
	in := ReportInput{PeriodStart: start}
	var err error
	if in.Settings, err = regionSettings(ctx, tx, tenantID); err != nil {
		return in, err
	}
	owned := func(q *bun.SelectQuery) *bun.SelectQuery { return q.Where("tenant_id = ?", tenantID) }
	queries := []struct {
		what string
		q    *bun.SelectQuery
	}{
		{"units", owned(tx.NewSelect().Model(&in.Units).Column("id", "name"))},
		{"organisations", owned(tx.NewSelect().Model(&in.Organisations).Column("id", "name").Where("active"))},
		{"agreements", owned(tx.NewSelect().Model(&in.Agreements)).
			Where("status <> ? AND starts_on <= ? AND ends_on >= ?", AgreementDraft, end, start)},
		{"offer tallies", owned(tx.NewSelect().Model(&in.Tallies)).Where("month >= ? AND month <= ?", start, end)},
		{"referrals", owned(tx.NewSelect().Model(&in.Referrals).Column("id", "unit_id", "organisation_id", "status", "created_at", "first_contact_on"))},
		{"referral history", owned(tx.NewSelect().Model(&in.Events).Column("id", "referral_id", "at", "from_status", "to_status", "reason")).
			Where("to_status IN (?)", bun.In([]ReferralStatus{ReferralAccepted, ReferralDeclined, ReferralContacted, ReferralMatched, ReferralClosed}))},
		{"peers", owned(tx.NewSelect().Model(&in.Peers).Column("id", "organisation_id", "status"))},
		{"peer history", owned(tx.NewSelect().Model(&in.PeerEvents).Column("id", "peer_id", "at", "to_status"))},
		{"follow-ups", owned(tx.NewSelect().Model(&in.FollowUps).Column("id", "referral_id", "month", "due_on", "status", "done_on"))},
	}
	for _, q := range queries {
		if err := q.q.Scan(ctx); err != nil {
			return in, translate(err, "report "+q.what)
		}
	}
	if err := tx.NewSelect().TableExpr("supervision_attendance AS a").
		Join("JOIN supervision_sessions AS s ON s.tenant_id = a.tenant_id AND s.id = a.session_id").
		ColumnExpr("a.peer_id, s.held_on").
		Where("a.tenant_id = ? AND s.held_on > ? AND s.held_on <= ?", tenantID, end.AddDays(-7*in.Settings.SupervisionIntervalWeeks), end).
		Scan(ctx, &in.Supervision); err != nil {
		return in, translate(err, "report supervision")
	}
	if err := tx.NewSelect().TableExpr("meetings AS m").
		Join("JOIN matches AS x ON x.tenant_id = m.tenant_id AND x.id = m.match_id").
		ColumnExpr("x.peer_id, m.held_on").
		Where("m.tenant_id = ? AND m.held_on >= ? AND m.held_on <= ?", tenantID, start, end).
		Scan(ctx, &in.Meetings); err != nil {
		return in, translate(err, "report meetings")
	}
	var scores []FollowUpScore
	if err := tx.NewSelect().Model(&scores).Column("follow_up_id", "instrument", "raw").
		Where("tenant_id = ? AND instrument = ?", tenantID, InstrumentWHO5).Scan(ctx); err != nil {
		return in, translate(err, "report follow-up scores")
	}
	byFollowUp := map[int64][]FollowUpScore{}
	for _, sc := range scores {
		byFollowUp[sc.FollowUpID] = append(byFollowUp[sc.FollowUpID], sc)
	}
	for i := range in.FollowUps {
		in.FollowUps[i].Scores = byFollowUp[in.FollowUps[i].ID]
	}
	ptrs := make([]*Agreement, len(in.Agreements))
	for i := range in.Agreements {
		ptrs[i] = &in.Agreements[i]
	}
	return in, loadAgreementLists(ctx, tx, tenantID, ptrs)
}

// Approve approves every report of the quarter and locks it: no report of
// it can be rebuilt or changed afterwards. It returns ErrNotFound for a
// quarter that has not been built and ErrReportPeriodLocked for one
// approved already.
func (s *ReportStore) Approve(ctx context.Context, tenantID, actorID int64, periodStart Date, now time.Time) error {
	return s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		period, err := lockReportPeriod(ctx, tx, tenantID, periodStart, false)
		if err != nil {
			return err
		}
		switch {
		case period.Approved():
			return fmt.Errorf("approve reports of %s: %w", periodStart, ErrReportPeriodLocked)
		case period.BuiltAt == nil:
			return fmt.Errorf("approve reports of %s: not built: %w", periodStart, ErrNotFound)
		}
		if _, err := tx.NewUpdate().Model((*Report)(nil)).
			Set("state = ?", ReportApproved).Set("approved_by = ?", actor(actorID)).Set("approved_at = ?", now).
			Where("tenant_id = ? AND period_start = ? AND state = ?", tenantID, periodStart, ReportDraft).Exec(ctx); err != nil {
			return translate(err, "approve reports")
		}
		_, err = tx.NewUpdate().Model((*ReportPeriod)(nil)).Set("approved_by = ?", actor(actorID)).Set("approved_at = ?", now).
			Where("tenant_id = ? AND period_start = ?", tenantID, periodStart).Exec(ctx)
		return translate(err, "approve the quarter")
	})
}

// Report returns one report with its figures, or ErrNotFound.
func (s *ReportStore) Report(ctx context.Context, tenantID, id int64) (Report, error) {
	var r Report
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&r).Where("tenant_id = ? AND id = ?", tenantID, id).Scan(ctx), "report")
	})
	return r, err
}

// PeriodReports returns a quarter's reports with their figures, in the
// order of ReportScopes, then by name.
func (s *ReportStore) PeriodReports(ctx context.Context, tenantID int64, periodStart Date) ([]Report, error) {
	var list []Report
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&list).Where("tenant_id = ? AND period_start = ?", tenantID, periodStart).Scan(ctx), "reports")
	})
	sortReports(list)
	return list, err
}

func sortReports(list []Report) {
	slices.SortFunc(list, func(a, b Report) int {
		if c := slices.Index(ReportScopes, a.Scope) - slices.Index(ReportScopes, b.Scope); c != 0 {
			return c
		}
		if c := strings.Compare(a.ScopeName, b.ScopeName); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
}

// ReportQuarter is a quarter in the list of reports: the period's state
// and its reports without figures.
type ReportQuarter struct {
	ReportPeriod
	Reports []Report
}

// Quarters lists the region's quarters with reports, latest first; the
// reports come without their figures.
func (s *ReportStore) Quarters(ctx context.Context, tenantID int64) ([]ReportQuarter, error) {
	var out []ReportQuarter
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		var periods []ReportPeriod
		if err := tx.NewSelect().Model(&periods).Where("tenant_id = ?", tenantID).Order("period_start DESC").Scan(ctx); err != nil {
			return translate(err, "report quarters")
		}
		var reports []Report
		if err := tx.NewSelect().Model(&reports).ExcludeColumn("figures").Where("tenant_id = ?", tenantID).Scan(ctx); err != nil {
			return translate(err, "reports")
		}
		sortReports(reports)
		for _, p := range periods {
			q := ReportQuarter{ReportPeriod: p}
			for _, r := range reports {
				if r.PeriodStart == p.PeriodStart {
					q.Reports = append(q.Reports, r)
				}
			}
			out = append(out, q)
		}
		return nil
	})
	return out, err
}

// Built reports whether the quarter's reports have been built.
func (s *ReportStore) Built(ctx context.Context, tenantID int64, periodStart Date) (bool, error) {
	var n int64
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		var err error
		n, err = tx.NewSelect().Model((*ReportPeriod)(nil)).
			Where("tenant_id = ? AND period_start = ? AND built_at IS NOT NULL", tenantID, periodStart).Count(ctx)
		return translate(err, "report quarter")
	})
	return n > 0, err
}

// ReportBuildKind is the River job kind that builds a quarter's reports
// (jobs.ReportBuildArgs); ReportBuilds reads its jobs.
const ReportBuildKind = "report_build"

// ReportBuild is a job building a quarter's reports, as River keeps it:
// waiting, running, retrying after a failure, given up, or done.
type ReportBuild struct {
	JobID       int64
	PeriodStart Date
	// State is River's: available, scheduled, running, retryable,
	// completed, discarded, cancelled.
	State       string
	Attempt     int
	MaxAttempts int
	// LastError is the latest failure's message; it names no person.
	LastError string
	CreatedAt time.Time
}

// Pending reports whether the build is still to run or running.
func (b ReportBuild) Pending() bool {
	return slices.Contains([]string{"available", "scheduled", "running", "retryable", "pending"}, b.State)
}

// Failed reports whether River gave the build up.
func (b ReportBuild) Failed() bool { return b.State == "discarded" || b.State == "cancelled" }

// ReportBuilds returns the region's report builds River still keeps
// (finished jobs are pruned after a while), latest first per quarter.
func (s *ReportStore) ReportBuilds(ctx context.Context, tenantID int64) ([]ReportBuild, error) {
	query := `SELECT id, state, attempt, max_attempts, created_at, json(args) AS args, coalesce(json(errors), '[]') AS errors
		FROM river_job WHERE kind = ? AND json_extract(args, '$.tenant_id') = ? ORDER BY id DESC`
	if s.db.Dialect() == Postgres {
		query = `SELECT id, state::text AS state, attempt, max_attempts, created_at, args::text AS args,
			coalesce(array_to_json(errors)::text, '[]') AS errors
			FROM river_job WHERE kind = ? AND (args->>'tenant_id')::bigint = ? ORDER BY id DESC`
	}
	var rows []struct {
		ID          int64     `bun:"id"`
		State       string    `bun:"state"`
		Attempt     int       `bun:"attempt"`
		MaxAttempts int       `bun:"max_attempts"`
		CreatedAt   time.Time `bun:"created_at"`
		Args        string    `bun:"args"`
		Errors      string    `bun:"errors"`
	}
	if err := s.db.Bun().NewRaw(query, ReportBuildKind, tenantID).Scan(ctx, &rows); err != nil {
		return nil, translate(err, "report build jobs")
	}
	out := make([]ReportBuild, 0, len(rows))
	for _, r := range rows {
		var args struct {
			PeriodStart Date `json:"period_start"`
		}
		var errs []struct {
			Error string `json:"error"`
		}
		if json.Unmarshal([]byte(r.Args), &args) != nil {
			continue
		}
		b := ReportBuild{JobID: r.ID, PeriodStart: args.PeriodStart, State: r.State, Attempt: r.Attempt, MaxAttempts: r.MaxAttempts, CreatedAt: r.CreatedAt}
		if json.Unmarshal([]byte(r.Errors), &errs) == nil && len(errs) > 0 {
			b.LastError = errs[len(errs)-1].Error
		}
		out = append(out, b)
	}
	return out, nil
}
