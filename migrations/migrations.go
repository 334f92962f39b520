// Package migrations holds Kamrat's database schema as SQL files, one folder
// per dialect with identical file names, and applies them together with
// River's own migrations.
//
// Migrations are forward-only: a release that must undo a change ships a new
// migration. Files are named NNNN_description.tx.up.sql and each runs in its
// own transaction.
package migrations

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/uptrace/bun/migrate"

	"github.com/kamrat/kamrat/tenants"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// advisoryLockKey serialises migrations between processes on PostgreSQL
// ("kamrat" in ASCII, as an integer).
const advisoryLockKey = 0x6b616d726174

// Files returns the migration files for a dialect.
func Files(d tenants.Dialect) (fs.FS, error) {
	switch d {
	case tenants.SQLite, tenants.Postgres:
		return fs.Sub(files, string(d))
	default:
		return nil, fmt.Errorf("no migrations for dialect %q", d)
	}
}

// Status says which migrations a database has and lacks.
type Status struct {
	Applied []string
	Pending []string
	// RiverVersion is the newest River migration applied; RiverLatest the
	// newest this build of River knows.
	RiverVersion int
	RiverLatest  int
}

// Current reports whether the database has every migration this build has.
func (s Status) Current() bool {
	return len(s.Pending) == 0 && s.RiverVersion == s.RiverLatest
}

// riverMigrator is the part of rivermigrate.Migrator used here, independent
// of the driver's transaction type.
type riverMigrator interface {
	Migrate(ctx context.Context, direction rivermigrate.Direction, opts *rivermigrate.MigrateOpts) (*rivermigrate.MigrateResult, error)
	ExistingVersions(ctx context.Context) ([]rivermigrate.Migration, error)
	AllVersions() []rivermigrate.Migration
}

func newRiverMigrator(db *tenants.DB, logger *slog.Logger) (riverMigrator, error) {
	cfg := &rivermigrate.Config{Logger: logger}
	switch db.Dialect() {
	case tenants.SQLite:
		return rivermigrate.New(riversqlite.New(db.Bun().DB), cfg)
	case tenants.Postgres:
		return rivermigrate.New(riverpgxv5.New(db.PgxPool()), cfg)
	}
	return nil, fmt.Errorf("no river driver for dialect %q", db.Dialect())
}

func newBunMigrator(db *tenants.DB) (*migrate.Migrator, *migrate.Migrations, error) {
	fsys, err := Files(db.Dialect())
	if err != nil {
		return nil, nil, err
	}
	ms := migrate.NewMigrations()
	if err := ms.Discover(fsys); err != nil {
		return nil, nil, fmt.Errorf("read migrations: %w", err)
	}
	return migrate.NewMigrator(db.Bun(), ms,
		migrate.WithTableName("kamrat_migrations"),
		migrate.WithLocksTableName("kamrat_migration_locks"),
		migrate.WithMarkAppliedOnSuccess(true)), ms, nil
}

func displayName(m migrate.Migration) string { return m.Name + "_" + m.Comment }

// Up applies every pending migration, Kamrat's and River's, and returns the
// names of those it applied. On PostgreSQL it holds an advisory lock so that
// replicas starting together migrate once. The database must be opened as
// the role that owns the schema.
func Up(ctx context.Context, db *tenants.DB, logger *slog.Logger) ([]string, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	unlock, err := lock(ctx, db)
	if err != nil {
		return nil, err
	}
	defer unlock()

	m, _, err := newBunMigrator(db)
	if err != nil {
		return nil, err
	}
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("create migration tables: %w", err)
	}
	group, err := m.Migrate(ctx)
	var applied []string
	for _, mig := range group.Migrations {
		applied = append(applied, displayName(mig))
	}
	if err != nil {
		return applied, fmt.Errorf("migrate: %w", err)
	}

	rm, err := newRiverMigrator(db, logger)
	if err != nil {
		return applied, err
	}
	res, err := rm.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return applied, fmt.Errorf("river migrations: %w", err)
	}
	for _, v := range res.Versions {
		applied = append(applied, fmt.Sprintf("river_%03d_%s", v.Version, v.Name))
	}
	return applied, nil
}

// CurrentStatus reads which migrations are applied and pending.
func CurrentStatus(ctx context.Context, db *tenants.DB) (Status, error) {
	var st Status
	m, all, err := newBunMigrator(db)
	if err != nil {
		return st, err
	}
	exists, err := tableExists(ctx, db, "kamrat_migrations")
	if err != nil {
		return st, err
	}
	if exists {
		ms, err := m.MigrationsWithStatus(ctx)
		if err != nil {
			return st, fmt.Errorf("read migration status: %w", err)
		}
		for _, mig := range ms {
			if mig.IsApplied() {
				st.Applied = append(st.Applied, displayName(mig))
			} else {
				st.Pending = append(st.Pending, displayName(mig))
			}
		}
	} else {
		for _, mig := range all.Sorted() {
			st.Pending = append(st.Pending, displayName(mig))
		}
	}

	rm, err := newRiverMigrator(db, slog.New(slog.DiscardHandler))
	if err != nil {
		return st, err
	}
	versions := rm.AllVersions()
	st.RiverLatest = versions[len(versions)-1].Version
	existing, err := rm.ExistingVersions(ctx)
	if err != nil {
		return st, fmt.Errorf("read river migration status: %w", err)
	}
	if len(existing) > 0 {
		st.RiverVersion = slices.MaxFunc(existing, func(a, b rivermigrate.Migration) int {
			return a.Version - b.Version
		}).Version
	}
	return st, nil
}

func tableExists(ctx context.Context, db *tenants.DB, name string) (bool, error) {
	var n int
	var err error
	switch db.Dialect() {
	case tenants.SQLite:
		err = db.Bun().NewRaw("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", name).Scan(ctx, &n)
	case tenants.Postgres:
		err = db.Bun().NewRaw("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = ?", name).Scan(ctx, &n)
	}
	return n > 0, err
}

// lock takes the PostgreSQL advisory lock for migrations on a dedicated
// connection; on SQLite the database's own write lock suffices.
func lock(ctx context.Context, db *tenants.DB) (func(), error) {
	if db.Dialect() != tenants.Postgres {
		return func() {}, nil
	}
	conn, err := db.PgxPool().Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", advisoryLockKey); err != nil {
		conn.Release()
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	return func() {
		_, err := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", advisoryLockKey)
		if err != nil {
			// A lock we cannot release dies with its connection.
			conn.Conn().Close(context.WithoutCancel(ctx))
		}
		conn.Release()
	}, nil
}

// ErrPending is returned by callers that refuse to run on an old schema.
var ErrPending = errors.New("database migrations are pending; run `kamrat migrate up`")
