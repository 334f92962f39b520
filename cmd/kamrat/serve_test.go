package main

import (
	"context"
	"errors"
	"testing"

	"github.com/kamrat/kamrat/migrations"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestReadiness: not ready while migrations are pending, ready once they
// are applied, and not ready when the database stops answering.
func TestReadiness(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := tenanttest.OpenUnmigrated(t, tenants.SQLite)
	r := &readiness{db: db}
	if err := r.check(ctx); !errors.Is(err, migrations.ErrPending) {
		t.Fatalf("unmigrated: %v, want ErrPending", err)
	}
	if _, err := migrations.Up(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := r.check(ctx); err != nil {
			t.Fatalf("migrated, check %d: %v", i, err)
		}
	}
	db.Close()
	if err := r.check(ctx); err == nil {
		t.Fatal("ready with a closed database")
	}
}
