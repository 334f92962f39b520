package tenants_test

import (
	"context"
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
