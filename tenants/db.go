package tenants

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" database/sql driver
)

// Dialect names the database behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DefaultDatabaseURL is used when no database is configured: an embedded
// SQLite file in the working directory.
const DefaultDatabaseURL = "sqlite:kamrat.db"

// Location is a parsed database URL.
type Location struct {
	Dialect Dialect
	// Path is the SQLite file (SQLite only).
	Path string
	// URL is the connection string (PostgreSQL only).
	URL string
}

// ParseDatabaseURL accepts "sqlite:PATH" (also "sqlite://PATH" and
// "file:PATH") and "postgres://…" / "postgresql://…". It returns an error
// that names what is wrong and what is accepted.
func ParseDatabaseURL(raw string) (Location, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return Location{}, errors.New("empty; use sqlite:PATH or postgres://USER@HOST/DB")
	}
	scheme, rest, ok := strings.Cut(raw, ":")
	if !ok {
		return Location{}, fmt.Errorf("%q has no scheme; use sqlite:PATH or postgres://USER@HOST/DB", raw)
	}
	switch strings.ToLower(scheme) {
	case "sqlite", "sqlite3", "file":
		path := strings.TrimPrefix(rest, "//")
		if path == "" {
			return Location{}, errors.New("sqlite: needs a file path, e.g. sqlite:kamrat.db")
		}
		if strings.ContainsAny(path, "?#") {
			return Location{}, fmt.Errorf("sqlite path %q must not contain query options; Kamrat sets them itself", path)
		}
		return Location{Dialect: SQLite, Path: path}, nil
	case "postgres", "postgresql":
		u, err := url.Parse(raw)
		if err != nil {
			return Location{}, fmt.Errorf("not a valid URL: %v", err)
		}
		if u.Host == "" && u.Query().Get("host") == "" {
			return Location{}, errors.New("postgres URL has no host, e.g. postgres://kamrat@127.0.0.1:5432/kamrat")
		}
		if _, err := pgxpool.ParseConfig(raw); err != nil {
			return Location{}, fmt.Errorf("postgres URL: %v", err)
		}
		return Location{Dialect: Postgres, URL: raw}, nil
	default:
		return Location{}, fmt.Errorf("unsupported scheme %q; use sqlite:PATH or postgres://USER@HOST/DB", scheme)
	}
}

// String returns the location without secrets, for logs and messages.
func (l Location) String() string {
	if l.Dialect == SQLite {
		return "sqlite:" + l.Path
	}
	u, err := url.Parse(l.URL)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// DB is Kamrat's database handle: bun on top of SQLite or PostgreSQL, plus
// the pgx pool River uses on PostgreSQL.
type DB struct {
	bun      *bun.DB
	dialect  Dialect
	pool     *pgxpool.Pool // nil on SQLite
	location Location
	// writer admits one write transaction at a time on SQLite (nil on
	// PostgreSQL); see inTx.
	writer chan struct{}
}

// OpenOptions tune Open; the zero value is right for the web and workers.
type OpenOptions struct {
	// MaxConns caps the connection pool (0: a default per dialect).
	MaxConns int
	// PingTimeout bounds the first connection attempt (0: 5 s).
	PingTimeout time.Duration
}

// Open connects to the database at loc and checks that it answers. It does
// not run migrations.
func Open(ctx context.Context, loc Location, opts OpenOptions) (*DB, error) {
	timeout := opts.PingTimeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	switch loc.Dialect {
	case SQLite:
		return openSQLite(ctx, loc, opts, timeout)
	case Postgres:
		return openPostgres(ctx, loc, opts, timeout)
	default:
		return nil, fmt.Errorf("unknown dialect %q", loc.Dialect)
	}
}

func openSQLite(ctx context.Context, loc Location, opts OpenOptions, timeout time.Duration) (*DB, error) {
	if dir := filepath.Dir(loc.Path); dir != "." {
		// modernc creates the file but not its directory; say so clearly.
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("sqlite directory %s: %w", dir, err)
		}
	}
	// WAL lets readers proceed beside one writer; busy_timeout makes a
	// second writer wait instead of failing; immediate transactions take the
	// write lock at BEGIN so two transactions never deadlock on upgrade.
	dsn := "file:" + loc.Path +
		"?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate&_time_format=sqlite"
	sqldb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", loc, err)
	}
	maxConns := opts.MaxConns
	if maxConns == 0 {
		maxConns = 4
	}
	sqldb.SetMaxOpenConns(maxConns)
	sqldb.SetMaxIdleConns(maxConns)
	sqldb.SetConnMaxIdleTime(0)
	pingCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := sqldb.PingContext(pingCtx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("open %s: %w", loc, err)
	}
	return &DB{bun: bun.NewDB(sqldb, sqlitedialect.New()), dialect: SQLite, location: loc, writer: make(chan struct{}, 1)}, nil
}

func openPostgres(ctx context.Context, loc Location, opts OpenOptions, timeout time.Duration) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(loc.URL)
	if err != nil {
		return nil, fmt.Errorf("postgres URL: %w", err)
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = int32(opts.MaxConns)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 || cfg.ConnConfig.ConnectTimeout > timeout {
		cfg.ConnConfig.ConnectTimeout = timeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", loc, err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to %s: %w", loc, err)
	}
	sqldb := stdlib.OpenDBFromPool(pool)
	return &DB{bun: bun.NewDB(sqldb, pgdialect.New()), dialect: Postgres, pool: pool, location: loc}, nil
}

// Bun returns the bun handle for code outside tenant transactions
// (migrations, health checks).
func (db *DB) Bun() *bun.DB { return db.bun }

// Dialect tells which database this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// Location returns where the database is.
func (db *DB) Location() Location { return db.location }

// PgxPool returns the pgx pool on PostgreSQL and nil on SQLite.
func (db *DB) PgxPool() *pgxpool.Pool { return db.pool }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.bun.PingContext(ctx) }

// Close releases every connection.
func (db *DB) Close() error {
	err := db.bun.Close()
	if db.pool != nil {
		db.pool.Close()
	}
	return err
}
