package tenants_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestReadsDoNotWaitForWriters: while one transaction holds the write lock,
// read-only transactions (page views, session lookups) still go through.
// On SQLite this depends on read-only transactions beginning deferred
// rather than immediate.
func TestReadsDoNotWaitForWriters(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		region := tenanttest.Tenant(t, db)
		units := tenants.NewUnitStore(db)
		if _, err := units.Create(context.Background(), region.ID, tenants.Unit{Name: "Enhet", Kind: tenants.UnitOther}); err != nil {
			t.Fatal(err)
		}
		holding, release := make(chan struct{}), make(chan struct{})
		writer := make(chan error, 1)
		go func() {
			writer <- db.InTenant(context.Background(), region.ID, func(tx *tenants.Tx) error {
				if _, err := tx.NewUpdate().Model((*tenants.Unit)(nil)).Set("name = 'Ändrad'").Where("tenant_id = ?", region.ID).Exec(context.Background()); err != nil {
					return err
				}
				close(holding)
				<-release
				return nil
			})
		}()
		<-holding
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		list, err := units.Units(ctx, region.ID)
		if _, err2 := tenants.NewTenantStore(db).BySlug(ctx, region.Slug); err == nil {
			err = err2
		}
		close(release)
		if err != nil {
			t.Fatalf("a read waited for the open write transaction: %v", err)
		}
		if len(list) != 1 || list[0].Name != "Enhet" {
			t.Fatalf("read saw %+v, want the committed state", list)
		}
		if err := <-writer; err != nil {
			t.Fatal(err)
		}
	})
}

// TestWritersTakeTurns: many concurrent write transactions of one process
// all commit (on SQLite they queue for the one write lock in the process
// rather than in SQLite's busy handler), and a writer that gives up
// waiting returns its context's error without writing and without taking
// a connection from the readers.
func TestWritersTakeTurns(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		region := tenanttest.Tenant(t, db)
		units := tenants.NewUnitStore(db)
		ctx := context.Background()
		const writers = 40
		errs := make(chan error, writers)
		for i := range writers {
			go func() {
				_, err := units.Create(ctx, region.ID, tenants.Unit{Name: "Enhet " + string(rune('A'+i%26)) + string(rune('a'+i/26)), Kind: tenants.UnitOther})
				errs <- err
			}()
		}
		for range writers {
			if err := <-errs; err != nil {
				t.Fatalf("a concurrent writer failed: %v", err)
			}
		}
		if list, err := units.Units(ctx, region.ID); err != nil || len(list) != writers {
			t.Fatalf("%d units after %d concurrent writes (%v)", len(list), writers, err)
		}

		if db.Dialect() != tenants.SQLite {
			return // PostgreSQL has row locks: two writers need not wait for each other
		}
		holding, release := make(chan struct{}), make(chan struct{})
		first := make(chan error, 1)
		go func() {
			first <- db.InTenant(ctx, region.ID, func(tx *tenants.Tx) error {
				close(holding)
				<-release
				return nil
			})
		}()
		<-holding
		waitCtx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		_, err := units.Create(waitCtx, region.ID, tenants.Unit{Name: "Väntar", Kind: tenants.UnitOther})
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("a writer that gave up waiting returned %v, want the deadline", err)
		}
		// Readers still have every connection while writers wait.
		for range 8 {
			if _, err := units.Units(ctx, region.ID); err != nil {
				t.Fatal(err)
			}
		}
		close(release)
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		if list, _ := units.Units(ctx, region.ID); len(list) != writers {
			t.Fatalf("%d units, want %d: the writer that gave up wrote", len(list), writers)
		}
	})
}
