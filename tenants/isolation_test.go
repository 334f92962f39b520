package tenants_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestStoreIsolation: another region's id yields ErrNotFound, on both
// databases, through the stores.
func TestStoreIsolation(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		a, b := tenanttest.Tenant(t, db), tenanttest.Tenant(t, db)
		units := tenants.NewUnitStore(db)
		ua, err := units.Create(ctx, a.ID, tenants.Unit{Name: "Infektionsmottagningen Malmö", Kind: tenants.UnitInfectionClinic, HSAID: "SE2321000016-1234", Active: true})
		if err != nil {
			t.Fatalf("create unit: %v", err)
		}
		if _, err := units.Create(ctx, b.ID, tenants.Unit{Name: "Psykiatri Lund", Kind: tenants.UnitPsychiatricOutpatient, Active: true}); err != nil {
			t.Fatalf("create unit: %v", err)
		}

		got, err := units.Unit(ctx, a.ID, ua.ID)
		if err != nil || got.Name != ua.Name || got.TenantID != a.ID {
			t.Fatalf("own unit: got %+v, %v", got, err)
		}
		if _, err := units.Unit(ctx, b.ID, ua.ID); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("other region's unit: err = %v, want ErrNotFound", err)
		}
		list, err := units.Units(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].TenantID != b.ID {
			t.Fatalf("region b lists %+v, want only its own unit", list)
		}
		// The same HSA-id may exist in two regions but not twice in one.
		if _, err := units.Create(ctx, b.ID, tenants.Unit{Name: "Annan", Kind: tenants.UnitOther, HSAID: ua.HSAID}); err != nil {
			t.Fatalf("same HSA-id in another region: %v", err)
		}
		if _, err := units.Create(ctx, a.ID, tenants.Unit{Name: "Dubblett", Kind: tenants.UnitOther, HSAID: ua.HSAID}); !errors.Is(err, tenants.ErrConflict) {
			t.Fatalf("duplicate HSA-id in one region: err = %v, want ErrConflict", err)
		}
		if err := db.InTenant(ctx, 0, func(*tenants.Tx) error { return nil }); !errors.Is(err, tenants.ErrNoTenant) {
			t.Fatalf("InTenant(0): err = %v, want ErrNoTenant", err)
		}
	})
}

// TestRowLevelSecurity proves the database itself isolates regions when the
// application role forgets the tenant filter.
func TestRowLevelSecurity(t *testing.T) {
	t.Parallel()
	db := tenanttest.Open(t, tenants.Postgres)
	ctx := context.Background()
	a, b := tenanttest.Tenant(t, db), tenanttest.Tenant(t, db)
	units := tenants.NewUnitStore(db)
	for _, tn := range []tenants.Tenant{a, a, b} {
		if _, err := units.Create(ctx, tn.ID, tenants.Unit{Name: "Enhet", Kind: tenants.UnitOther}); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("unfiltered query sees only the current tenant", func(t *testing.T) {
		var rows []tenants.Unit
		err := db.InTenant(ctx, a.ID, func(tx *tenants.Tx) error {
			return tx.NewSelect().Model(&rows).Scan(ctx) // no WHERE tenant_id on purpose
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 {
			t.Fatalf("saw %d rows, want region a's 2", len(rows))
		}
		for _, r := range rows {
			if r.TenantID != a.ID {
				t.Fatalf("saw row of tenant %d inside tenant %d", r.TenantID, a.ID)
			}
		}
	})

	t.Run("no tenant context is an error", func(t *testing.T) {
		var n int
		err := db.InPlatform(ctx, func(tx *tenants.Tx) error {
			return tx.NewRaw("SELECT count(*) FROM units").Scan(ctx, &n)
		})
		if err == nil || !strings.Contains(err.Error(), "no tenant context") {
			t.Fatalf("err = %v, want the no-tenant-context error", err)
		}
		// Nor does a plain pooled connection, outside any transaction.
		err = db.Bun().NewRaw("SELECT count(*) FROM units").Scan(ctx, &n)
		if err == nil {
			t.Fatalf("a query outside a tenant transaction counted %d units", n)
		}
	})

	t.Run("writing another tenant's id is refused", func(t *testing.T) {
		err := db.InTenant(ctx, a.ID, func(tx *tenants.Tx) error {
			_, err := tx.NewInsert().Model(&tenants.Unit{TenantID: b.ID, Name: "Smuggled", Kind: tenants.UnitOther, CreatedAt: time.Now()}).Exec(ctx)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "row-level security") {
			t.Fatalf("insert into another tenant: err = %v, want a row-level security violation", err)
		}
		err = db.InTenant(ctx, a.ID, func(tx *tenants.Tx) error {
			res, err := tx.NewUpdate().Model((*tenants.Unit)(nil)).Set("tenant_id = ?", b.ID).Where("tenant_id = ?", a.ID).Exec(ctx)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			t.Errorf("moved %d rows into another tenant", n)
			return nil
		})
		if err == nil || !strings.Contains(err.Error(), "row-level security") {
			t.Fatalf("move rows to another tenant: err = %v, want a row-level security violation", err)
		}
		var n int
		if err := db.InTenant(ctx, b.ID, func(tx *tenants.Tx) error {
			return tx.NewRaw("SELECT count(*) FROM units").Scan(ctx, &n)
		}); err != nil || n != 1 {
			t.Fatalf("region b has %d units (%v), want 1", n, err)
		}
	})

	t.Run("tenant context ends with the transaction", func(t *testing.T) {
		// One connection, so the second transaction reuses the first's session.
		conn, err := db.Bun().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "BEGIN; SELECT set_config('app.tenant_id', ?, true); COMMIT", "1"); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := conn.NewRaw("SELECT count(*) FROM units").Scan(ctx, &n); err == nil {
			t.Fatalf("tenant context leaked past commit: counted %d units", n)
		}
	})
}

// TestEveryTenantTableHasForcedRLS walks the catalogue: any table with a
// tenant_id column must have row-level security enabled and forced.
func TestEveryTenantTableHasForcedRLS(t *testing.T) {
	t.Parallel()
	_, owner := tenanttest.OpenWithOwner(t, tenants.Postgres)
	var rows []struct {
		Table   string `bun:"relname"`
		Enabled bool   `bun:"relrowsecurity"`
		Forced  bool   `bun:"relforcerowsecurity"`
	}
	err := owner.Bun().NewRaw(`
		SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`).Scan(context.Background(), &rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatal("found no tenant tables at all")
	}
	for _, r := range rows {
		if !r.Enabled || !r.Forced {
			t.Errorf("table %s: row security enabled=%v forced=%v, want both", r.Table, r.Enabled, r.Forced)
		}
	}
}

// TestApplicationRoleCannotBypass checks the role's attributes and that it
// owns no tables.
func TestApplicationRoleCannotBypass(t *testing.T) {
	t.Parallel()
	db := tenanttest.Open(t, tenants.Postgres)
	var r struct {
		Super  bool `bun:"rolsuper"`
		Bypass bool `bun:"rolbypassrls"`
		Owns   int  `bun:"owns"`
	}
	err := db.Bun().NewRaw(`
		SELECT rolsuper, rolbypassrls,
		       (SELECT count(*) FROM pg_tables WHERE tableowner = current_user) AS owns
		FROM pg_roles WHERE rolname = current_user`).Scan(context.Background(), &r)
	if err != nil {
		t.Fatal(err)
	}
	if r.Super || r.Bypass || r.Owns != 0 {
		t.Fatalf("application role: superuser=%v bypassrls=%v owns %d tables; want false, false, 0", r.Super, r.Bypass, r.Owns)
	}
}
