package jobs

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestConnTxSavepoints: nested transactions on the bun transaction's
// connection are savepoints; rolling one back keeps the enclosing work, and
// the enclosing transaction cannot be ended through the view.
func TestConnTxSavepoints(t *testing.T) {
	t.Parallel()
	db := tenanttest.Open(t, tenants.Postgres)
	region := tenanttest.Tenant(t, db)
	ctx := context.Background()
	err := db.InTenant(ctx, region.ID, func(tx *tenants.Tx) error {
		return tx.WithDriverConn(func(dc any) error {
			outer := &connTx{conn: dc.(*stdlib.Conn).Conn()}
			add := func(x pgx.Tx, name string) error {
				_, err := x.Exec(ctx, "INSERT INTO units (tenant_id, name, kind, active, created_at) VALUES ($1, $2, 'other', true, $3)", region.ID, name, time.Now())
				return err
			}
			if err := add(outer, "kept"); err != nil {
				return err
			}
			inner, err := outer.Begin(ctx)
			if err != nil {
				return err
			}
			if err := add(inner, "rolled back"); err != nil {
				return err
			}
			if err := inner.Rollback(ctx); err != nil {
				return err
			}
			if err := inner.Commit(ctx); !errors.Is(err, pgx.ErrTxClosed) {
				t.Errorf("ending a savepoint twice: %v, want ErrTxClosed", err)
			}
			inner, err = outer.Begin(ctx)
			if err != nil {
				return err
			}
			if err := add(inner, "released"); err != nil {
				return err
			}
			if err := inner.Commit(ctx); err != nil {
				return err
			}
			if err := outer.Commit(ctx); !errors.Is(err, errOuterTx) {
				t.Errorf("committing the enclosing transaction through the view: %v, want errOuterTx", err)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	units, err := tenants.NewUnitStore(db).Units(ctx, region.ID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range units {
		names = append(names, u.Name)
	}
	if len(names) != 2 || names[0] != "kept" || names[1] != "released" {
		t.Fatalf("units %v, want [kept released]", names)
	}
}
