package migrations_test

import (
	"context"
	"io/fs"
	"slices"
	"testing"

	"github.com/kamrat/kamrat/migrations"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestDialectFoldersMatch: every migration exists for both databases under
// the same name, so the two schemas cannot drift apart silently.
func TestDialectFoldersMatch(t *testing.T) {
	t.Parallel()
	names := map[tenants.Dialect][]string{}
	for _, d := range []tenants.Dialect{tenants.SQLite, tenants.Postgres} {
		fsys, err := migrations.Files(d)
		if err != nil {
			t.Fatal(err)
		}
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			names[d] = append(names[d], e.Name())
		}
	}
	if len(names[tenants.SQLite]) == 0 {
		t.Fatal("no migrations found")
	}
	if !slices.Equal(names[tenants.SQLite], names[tenants.Postgres]) {
		t.Fatalf("migration folders differ:\nsqlite:   %v\npostgres: %v", names[tenants.SQLite], names[tenants.Postgres])
	}
}

// TestUpAndStatus: a fresh database is pending everything; Up applies it
// all (Kamrat's and River's); a second Up applies nothing.
func TestUpAndStatus(t *testing.T) {
	for _, d := range []tenants.Dialect{tenants.SQLite, tenants.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := tenanttest.OpenUnmigrated(t, d)

			before, err := migrations.CurrentStatus(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if before.Current() || len(before.Pending) == 0 || before.RiverVersion != 0 {
				t.Fatalf("fresh database status %+v, want everything pending", before)
			}

			applied, err := migrations.Up(ctx, db, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(applied) <= len(before.Pending) {
				t.Fatalf("applied %v, want Kamrat's %d and River's migrations", applied, len(before.Pending))
			}
			after, err := migrations.CurrentStatus(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if !after.Current() || !slices.Equal(after.Applied, before.Pending) {
				t.Fatalf("after Up: %+v, want current with %v applied", after, before.Pending)
			}

			again, err := migrations.Up(ctx, db, nil)
			if err != nil || len(again) != 0 {
				t.Fatalf("second Up applied %v (%v), want nothing", again, err)
			}
		})
	}
}
