// Package tenanttest gives tests real databases: a fresh, migrated SQLite
// file always, and a fresh PostgreSQL database (reached as the application
// role, under row-level security) when KAMRAT_TEST_DATABASE_URL names a
// superuser connection. With CI=true a missing PostgreSQL fails the test
// instead of skipping it.
package tenanttest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kamrat/kamrat/migrations"
	"github.com/kamrat/kamrat/tenants"
)

// EnvDatabaseURL names the variable that enables the PostgreSQL runs.
const EnvDatabaseURL = "KAMRAT_TEST_DATABASE_URL"

// roleSetupLock serialises the set-up of the test roles between test
// processes (an advisory lock key: "kamrole" in ASCII).
const roleSetupLock = 0x6b616d726f6c65

// The roles every test database uses; roles are cluster-wide.
var testRoles = migrations.Roles{Owner: "kamrat_test_owner", App: "kamrat_test_app"}

// Each runs fn once per database backend, as parallel subtests named
// "sqlite" and "postgres", each with its own fresh database.
func Each(t *testing.T, fn func(t *testing.T, db *tenants.DB)) {
	t.Helper()
	for _, d := range []tenants.Dialect{tenants.SQLite, tenants.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fn(t, Open(t, d))
		})
	}
}

// Open returns a fresh migrated database of the dialect, closed and removed
// when the test ends. It skips (or, under CI, fails) a PostgreSQL request
// when KAMRAT_TEST_DATABASE_URL is unset.
func Open(t testing.TB, d tenants.Dialect) *tenants.DB {
	t.Helper()
	db, _ := OpenWithOwner(t, d)
	return db
}

// OpenWithOwner is Open that also returns a handle connected as the
// schema owner (the same handle on SQLite), for tests that must inspect or
// change the schema.
func OpenWithOwner(t testing.TB, d tenants.Dialect) (app, owner *tenants.DB) {
	t.Helper()
	switch d {
	case tenants.SQLite:
		db := OpenUnmigrated(t, d)
		if _, err := migrations.Up(context.Background(), db, nil); err != nil {
			t.Fatalf("migrate sqlite: %v", err)
		}
		return db, db
	case tenants.Postgres:
		ownerURL, appURL := newPostgresDatabase(t)
		ctx := context.Background()
		owner := openLocation(t, tenants.Location{Dialect: tenants.Postgres, URL: ownerURL})
		if _, err := migrations.Up(ctx, owner, nil); err != nil {
			t.Fatalf("migrate postgres: %v", err)
		}
		return openLocation(t, tenants.Location{Dialect: tenants.Postgres, URL: appURL}), owner
	}
	t.Fatalf("unknown dialect %q", d)
	return nil, nil
}

// OpenUnmigrated returns a fresh empty database; on PostgreSQL it is
// connected as the schema owner so that migrations can run on it.
func OpenUnmigrated(t testing.TB, d tenants.Dialect) *tenants.DB {
	t.Helper()
	if d == tenants.SQLite {
		return openLocation(t, tenants.Location{Dialect: tenants.SQLite, Path: filepath.Join(t.TempDir(), "kamrat.db")})
	}
	ownerURL, _ := newPostgresDatabase(t)
	return openLocation(t, tenants.Location{Dialect: tenants.Postgres, URL: ownerURL})
}

// URL returns a database URL for a fresh, migrated database, for tests that
// start whole processes: on PostgreSQL the application role's URL.
func URL(t testing.TB, d tenants.Dialect) (appURL, ownerURL string) {
	t.Helper()
	if d == tenants.SQLite {
		u := "sqlite:" + filepath.Join(t.TempDir(), "kamrat.db")
		return u, u
	}
	ownerURL, appURL = newPostgresDatabase(t)
	return appURL, ownerURL
}

// OpenURL opens the database a URL (as URL returns, or sqlite:PATH)
// names, closed when the test ends: for tests that share a database with
// the processes they start.
func OpenURL(t testing.TB, raw string) *tenants.DB {
	t.Helper()
	loc, err := tenants.ParseDatabaseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	return openLocation(t, loc)
}

func openLocation(t testing.TB, loc tenants.Location) *tenants.DB {
	t.Helper()
	db, err := tenants.Open(context.Background(), loc, tenants.OpenOptions{})
	if err != nil {
		t.Fatalf("open %s: %v", loc, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// AdminURL returns KAMRAT_TEST_DATABASE_URL, skipping the test when it is
// unset, or failing it under CI.
func AdminURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvDatabaseURL)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set; under CI PostgreSQL tests must run", EnvDatabaseURL)
		}
		t.Skipf("PostgreSQL not configured: set %s to a superuser URL to run this test", EnvDatabaseURL)
	}
	return u
}

// newPostgresDatabase creates an empty database owned by the test owner role
// with grants for the test application role, dropped when the test ends.
func newPostgresDatabase(t testing.TB) (ownerURL, appURL string) {
	t.Helper()
	admin := AdminURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	name := "kamrat_t_" + randomHex(6)
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect to %s: %v", EnvDatabaseURL, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Logf("drop database %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop database %s: %v", name, err)
		}
	})

	dbConn, err := pgx.Connect(ctx, withUserAndDB(t, admin, "", name))
	if err != nil {
		t.Fatalf("connect to %s: %v", name, err)
	}
	defer dbConn.Close(ctx)
	// Roles are cluster-wide, but advisory locks belong to one database:
	// the lock SetupRoles takes in the new database keeps no other test
	// process out. This one, taken in the database every test process
	// connects to first, does; without it two processes altering the
	// same role at once fail with "tuple concurrently updated".
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", roleSetupLock); err != nil {
		t.Fatalf("lock role set-up: %v", err)
	}
	err = migrations.SetupRoles(ctx, dbConn, name, testRoles)
	if _, uerr := conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", roleSetupLock); uerr != nil && err == nil {
		err = uerr
	}
	if err != nil {
		t.Fatalf("set up roles: %v", err)
	}
	return withUserAndDB(t, admin, testRoles.Owner, name), withUserAndDB(t, admin, testRoles.App, name)
}

// withUserAndDB rewrites a postgres URL to another user (if non-empty) and
// database, dropping any password (the test roles use trust auth locally).
func withUserAndDB(t testing.TB, raw, user, dbName string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("%s: %v", EnvDatabaseURL, err)
	}
	if user != "" {
		u.User = url.User(user)
	}
	u.Path = "/" + dbName
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// Tenant creates a region with a unique slug in db, for tests that need one.
func Tenant(t testing.TB, db *tenants.DB) tenants.Tenant {
	t.Helper()
	slug := "r-" + randomHex(4)
	tn, err := tenants.NewTenantStore(db).Create(context.Background(), tenants.Tenant{
		Slug: slug, Name: "Region " + strings.ToUpper(slug), CountyCode: "12",
	})
	if err != nil {
		t.Fatalf("create tenant: %v", err)
	}
	return tn
}
