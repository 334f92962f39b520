// Package seed fills a database with a region's worth of realistic data in
// bulk, for benchmarks and load tests: `kamrat seed` seeds up to all 21
// regions with it, BenchmarkDashboard one region at a time.
//
// A region is seeded in one transaction, so that an error or an interrupt
// leaves nothing of it behind. Its structure — the region itself, clinics,
// partner organisations, agreements and people to sign in as — is inserted
// row by row with the tenants models; the pathway is inserted with
// INSERT … SELECT over a series of integers (generate_series on
// PostgreSQL, a recursive CTE on SQLite), in a few dozen statements
// whatever its size. Everything a referral goes through is a function of
// its number i, so the same plan gives the participants, referrals,
// history, contact attempts, matches, meetings, follow-ups and WHO-5
// scores, consistent with one another and with the schema's constraints.
// The dashboard counts are then built from the rows by
// tenants.DashboardStore.BuildMissing, which the region is left waiting
// for until then, just as a region from before the counts existed.
//
// A region has 3 clinics per partner organisation, of seven kinds in
// turn; each clinic is served by two organisations, so a referral can take
// 6 × organisations routes. Each organisation has its peer supporters,
// all but five of them active (two in training, one recruited, one
// paused, one who left), with their status history and base course, and
// supervision every two weeks in groups of at most ten. Two agreements are
// in force, and the clinics enter monthly offer tallies.
//
// The pathway is spread over the working days (Swedish holidays excluded)
// of the quarters up to today. Of 100 referrals, 5 are declined, 7
// accepted but never reached (closed after 60 days), 8 reached but not
// matched (closed after 120 days) and 80 matched (4 of them rematched
// after a month) and closed after 240 days, most with their goals met.
// First contact takes 1 to 21 working days, 3 or 4 for half of them.
// Matched participants who consented are followed up at 0, 3 and 6
// months, most completing WHO-5. The meetings asked for are shared out
// over the matches in proportion to a skewed weight — three in ten
// supports are short (1–3), a few in a hundred long (20–80) — times how
// long the match has run, up to 14 weeks; each match's meetings are a week
// apart, or closer where they do not fit, never after its end or today.
package seed

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kamrat/kamrat/tenants"
)

// Limits of a region's shape.
const (
	MinQuarters = 2
	MaxQuarters = 40

	MinOrganisations            = 4
	MaxOrganisations            = 26 // lettered A to Z
	DefaultOrganisations        = 8
	DefaultPeersPerOrganisation = 25
	// inactivePeersPerOrganisation are the peers of each organisation
	// not active: two in training, one recruited, one paused, one left.
	inactivePeersPerOrganisation = 5
	// MinPeersPerOrganisation leaves at least one active peer.
	MinPeersPerOrganisation = inactivePeersPerOrganisation + 1
)

// ErrRegionExists is returned when the slug is already a region's.
var ErrRegionExists = errors.New("a region with this slug already exists")

// ErrCountsPending is returned when the region was seeded but building
// its dashboard counts failed: it stays, its counts missing until
// `kamrat migrate up` or `kamrat serve` builds them.
var ErrCountsPending = errors.New("the region is seeded, but its dashboard counts are not built")

// Region is one region to seed.
type Region struct {
	Slug, Name, CountyCode string
	// Participants is the number of participants, one referral each.
	Participants int
	// Meetings is the number of meetings logged, exactly.
	Meetings int
	// Quarters is how many quarters up to and including the current one
	// the data spans (0: tenants.MaxDashboardQuarters).
	Quarters int
	// Organisations is the number of partner organisations (0:
	// DefaultOrganisations); the region has three clinics for each.
	Organisations int
	// PeersPerOrganisation (0: DefaultPeersPerOrganisation) counts each
	// organisation's peer supporters; all but five are active.
	PeersPerOrganisation int
}

func (r Region) withDefaults() Region {
	if r.Quarters == 0 {
		r.Quarters = tenants.MaxDashboardQuarters
	}
	if r.Organisations == 0 {
		r.Organisations = DefaultOrganisations
	}
	if r.PeersPerOrganisation == 0 {
		r.PeersPerOrganisation = DefaultPeersPerOrganisation
	}
	return r
}

// validate reports the first thing wrong with the region's shape.
func (r Region) validate() error {
	switch {
	case r.Participants < 1:
		return fmt.Errorf("seed %s: %d participants; at least one is needed", r.Slug, r.Participants)
	case r.Meetings < 0:
		return fmt.Errorf("seed %s: %d meetings", r.Slug, r.Meetings)
	case r.Quarters < MinQuarters || r.Quarters > MaxQuarters:
		return fmt.Errorf("seed %s: %d quarters; between %d and %d", r.Slug, r.Quarters, MinQuarters, MaxQuarters)
	case r.Organisations < MinOrganisations || r.Organisations > MaxOrganisations:
		return fmt.Errorf("seed %s: %d organisations; between %d and %d", r.Slug, r.Organisations, MinOrganisations, MaxOrganisations)
	case r.PeersPerOrganisation < MinPeersPerOrganisation:
		return fmt.Errorf("seed %s: %d peers per organisation; at least %d", r.Slug, r.PeersPerOrganisation, MinPeersPerOrganisation)
	}
	return nil
}

// Progress is reported after each step of a region's seeding.
type Progress struct {
	// Step names what was written, e.g. "meetings".
	Step string
	// Rows is how many rows the step wrote; RegionRows how many the
	// region's transaction has written so far.
	Rows, RegionRows int64
	Took             time.Duration
}

// Options tune Seed; the zero value is right for most uses.
type Options struct {
	// Now is the time the data is seeded up to (zero: time.Now()).
	Now time.Time
	// Progress, if set, is called after each step.
	Progress func(Progress)
}

// User is a person seeded to sign in as.
type User struct {
	ID    int64
	Email string
	Name  string
	Role  tenants.Role
	// Organisation is the coordinator's organisation's name.
	Organisation string
}

// Result is what Seed wrote.
type Result struct {
	Region tenants.Tenant
	Users  []User
	// Rows counts every row the region's transaction inserted.
	Rows int64
	// Referrals, Matches and Meetings count what the pathway holds.
	Referrals, Matches, Meetings int
	// Start is the first day seeded, Today the last.
	Start, Today tenants.Date
	// Seeded is the time the transaction took, Built the time the
	// dashboard counts took.
	Seeded, Built time.Duration
}

// Seed creates the region and seeds it (see the package comment): the
// region, its structure and pathway in one transaction, then its dashboard
// counts. It returns ErrRegionExists (wrapped) when the slug is taken and
// a *tenants.ValidationError for a bad slug, name or county, writing
// nothing; any other error before ErrCountsPending also leaves nothing
// written. On PostgreSQL the application role's handle will do, but the
// schema owner's is faster (see CanAnalyze).
func Seed(ctx context.Context, db *tenants.DB, r Region, opts Options) (Result, error) {
	r = r.withDefaults()
	if err := r.validate(); err != nil {
		return Result{}, err
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	t := tenants.Tenant{Slug: strings.TrimSpace(strings.ToLower(r.Slug)), Name: strings.TrimSpace(r.Name), CountyCode: r.CountyCode,
		// Keep every seeded participant: the default retention would
		// have the first year's closed referrals erased the first night
		// the server runs.
		Settings:  tenants.TenantSettings{RetentionMonths: min(tenants.MaxRetentionMonths, 3*r.Quarters+12)},
		CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
	if err := t.Validate(); err != nil {
		return Result{}, err
	}
	p := newPlan(db.Dialect(), r, tenants.Today(now))
	if p.inPeriod == 0 {
		return Result{}, fmt.Errorf("seed %s: no working day between %s and %s", r.Slug, p.start, p.today)
	}

	var err error
	if t.ID, err = reserveTenantID(ctx, db); err != nil {
		return Result{}, err
	}
	p.tenantID = t.ID
	res := Result{Region: t, Start: p.start, Today: p.today}
	t0 := time.Now()
	err = db.InTenant(ctx, t.ID, func(tx *tenants.Tx) error {
		res.Users, res.Rows = nil, 0
		w := &writer{tx: tx, progress: opts.Progress, rows: &res.Rows}
		var taken int
		if err := tx.NewRaw("SELECT count(*) FROM tenants WHERE slug = ?", t.Slug).Scan(ctx, &taken); err != nil {
			return err
		}
		if taken > 0 {
			return fmt.Errorf("%w: %s", ErrRegionExists, t.Slug)
		}
		if _, err := tx.NewInsert().Model(&t).Exec(ctx); err != nil {
			return fmt.Errorf("region %s: %w", t.Slug, err)
		}
		w.count("region", 1, 0)
		if err := p.structure(ctx, w, now.UTC()); err != nil {
			return err
		}
		users, err := p.people(ctx, w, now.UTC())
		if err != nil {
			return err
		}
		res.Users = users
		if err := p.reserveIDs(ctx, tx); err != nil {
			return err
		}
		if err := p.pathway(ctx, w); err != nil {
			return err
		}
		if res.Matches, err = p.meetings(ctx, w); err != nil {
			return err
		}
		return p.verify(ctx, tx)
	})
	res.Seeded = time.Since(t0)
	if err != nil {
		return res, err
	}
	res.Referrals, res.Meetings = r.Participants, r.Meetings

	// The counts, from the rows; until they are built the region is one
	// whose counts are missing, which `kamrat serve` and `kamrat migrate
	// up` build too.
	t1 := time.Now()
	if _, err := tenants.NewDashboardStore(db).BuildMissing(ctx, now); err != nil {
		return res, fmt.Errorf("seed %s: %w (`kamrat migrate up` builds them): %w", t.Slug, ErrCountsPending, err)
	}
	res.Built = time.Since(t1)
	return res, nil
}

// CanAnalyze reports whether the connection may ANALYZE the tables the
// seed fills, as it does on PostgreSQL mid-transaction to keep the
// foreign-key checks fast: the tables' owner (the role migrations run
// as), the database's owner or a superuser may; the application role may
// not, and a national seed of 120 000 participants took it twice as long.
// It is true on SQLite.
func CanAnalyze(ctx context.Context, db *tenants.DB) (bool, error) {
	if db.Dialect() != tenants.Postgres {
		return true, nil
	}
	var ok bool
	err := db.InPlatformReadOnly(ctx, func(tx *tenants.Tx) error {
		return tx.NewRaw(`SELECT r.rolsuper OR pg_has_role(current_user, c.relowner, 'MEMBER') OR pg_has_role(current_user, d.datdba, 'MEMBER')
			FROM pg_roles AS r, pg_class AS c, pg_database AS d
			WHERE r.rolname = current_user AND c.oid = 'referrals'::regclass AND d.datname = current_database()`).Scan(ctx, &ok)
	})
	return ok, err
}

// reserveTenantID picks the new region's id before its transaction, which
// is scoped to it. On PostgreSQL it is drawn from the identity sequence;
// on SQLite it is the next free one, and a region made meanwhile by
// another process makes the insert fail rather than collide.
func reserveTenantID(ctx context.Context, db *tenants.DB) (int64, error) {
	var id int64
	err := db.InPlatform(ctx, func(tx *tenants.Tx) error {
		q := "SELECT COALESCE(MAX(id), 0) + 1 FROM tenants"
		if db.Dialect() == tenants.Postgres {
			q = "SELECT nextval(pg_get_serial_sequence('tenants', 'id'))"
		}
		return tx.NewRaw(q).Scan(ctx, &id)
	})
	if err != nil {
		return 0, fmt.Errorf("reserve a region id: %w", err)
	}
	return id, nil
}

// writer runs the bulk statements, counting rows and reporting progress.
type writer struct {
	tx       *tenants.Tx
	progress func(Progress)
	rows     *int64
}

func (w *writer) count(step string, n int64, took time.Duration) {
	*w.rows += n
	if w.progress != nil {
		w.progress(Progress{Step: step, Rows: n, RegionRows: *w.rows, Took: took})
	}
}

// countSince reports a step of several inserts, from the row count
// before it and its start.
func (w *writer) countSince(step string, before int64, t0 time.Time) {
	n := *w.rows - before
	*w.rows = before
	w.count(step, n, time.Since(t0))
}

// exec runs one statement and counts the rows it wrote.
func (w *writer) exec(ctx context.Context, step, query string, args ...any) error {
	t0 := time.Now()
	res, err := w.tx.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", step, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", step, err)
	}
	w.count(step, n, time.Since(t0))
	return nil
}

// row runs one single-row insert of the structure, counted but not
// reported on its own.
func (w *writer) row(ctx context.Context, what, query string, args ...any) error {
	if _, err := w.tx.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	*w.rows++
	return nil
}

// insert inserts one model row and returns its id.
func (w *writer) insert(ctx context.Context, what string, model any) error {
	if _, err := w.tx.NewInsert().Model(model).Returning("id").Exec(ctx); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	*w.rows++
	return nil
}

// findUser returns the id of the user with this e-mail address, or 0.
func findUser(ctx context.Context, tx *tenants.Tx, email string) (int64, error) {
	var id int64
	err := tx.NewRaw("SELECT id FROM users WHERE email = ?", email).Scan(ctx, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}
