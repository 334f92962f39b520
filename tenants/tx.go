package tenants

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/uptrace/bun"
)

// Tx is one transaction, scoped to one tenant (or to none, for the platform
// tables). It embeds bun.Tx for queries; background jobs are inserted through
// it too, so they commit or roll back with the business write.
type Tx struct {
	bun.Tx
	conn     bun.Conn
	tenantID int64
	dialect  Dialect
}

// TenantID is the tenant this transaction is scoped to (0 on the platform).
func (tx *Tx) TenantID() int64 { return tx.tenantID }

// Dialect tells which database the transaction runs on.
func (tx *Tx) Dialect() Dialect { return tx.dialect }

// WithDriverConn calls f with the driver connection the transaction runs on
// (a *stdlib.Conn on PostgreSQL), for libraries such as River that need the
// raw connection. f must not keep the connection, nor use the Tx meanwhile.
func (tx *Tx) WithDriverConn(f func(driverConn any) error) error {
	return tx.conn.Raw(f)
}

// InTenant runs fn in one transaction scoped to tenantID: committed if fn
// returns nil, rolled back otherwise (and on panic). On PostgreSQL the tenant
// is set for row-level security for this transaction only.
//
// It returns ErrNoTenant for a tenantID that is not positive, and fn's error
// unchanged.
func (db *DB) InTenant(ctx context.Context, tenantID int64, fn func(tx *Tx) error) error {
	if tenantID <= 0 {
		return ErrNoTenant
	}
	return db.inTx(ctx, tenantID, nil, fn)
}

// readOnly marks transactions that only read. On SQLite this matters
// beyond intent: a read-only transaction begins deferred, without taking the
// write lock that every other transaction takes at BEGIN, so reads never wait
// for writers (WAL) nor block them.
var readOnly = &sql.TxOptions{ReadOnly: true}

// InTenantReadOnly is InTenant for transactions that only read.
func (db *DB) InTenantReadOnly(ctx context.Context, tenantID int64, fn func(tx *Tx) error) error {
	if tenantID <= 0 {
		return ErrNoTenant
	}
	return db.inTx(ctx, tenantID, readOnly, fn)
}

// InPlatform runs fn in a transaction with no tenant: it may touch the
// platform tables (the region registry) but, on PostgreSQL, reading or
// writing a tenant table fails.
func (db *DB) InPlatform(ctx context.Context, fn func(tx *Tx) error) error {
	return db.inTx(ctx, 0, nil, fn)
}

// InPlatformReadOnly is InPlatform for transactions that only read.
func (db *DB) InPlatformReadOnly(ctx context.Context, fn func(tx *Tx) error) error {
	return db.inTx(ctx, 0, readOnly, fn)
}

func (db *DB) inTx(ctx context.Context, tenantID int64, opts *sql.TxOptions, fn func(tx *Tx) error) (err error) {
	if db.writer != nil && opts == nil {
		// SQLite has one writer at a time. A second BEGIN IMMEDIATE would
		// wait in SQLite's busy handler, which sleeps in steps of up to
		// 100 ms: under concurrent requests that left the processor idle
		// and answers slow. Writers of this process queue here instead and
		// take their turn as soon as it comes, before taking a connection,
		// so that waiting writers never hold connections readers need.
		// (Other processes on the same file still meet busy_timeout.)
		select {
		case db.writer <- struct{}{}:
			defer func() { <-db.writer }()
		case <-ctx.Done():
			return fmt.Errorf("waiting to write: %w", ctx.Err())
		}
	}
	conn, err := db.bun.Conn(ctx)
	if err != nil {
		return fmt.Errorf("database connection: %w", err)
	}
	defer conn.Close()

	btx, err := conn.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	tx := &Tx{Tx: btx, conn: conn, tenantID: tenantID, dialect: db.dialect}

	committed := false
	defer func() {
		if committed {
			return
		}
		if rbErr := btx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) && err == nil {
			err = fmt.Errorf("rollback: %w", rbErr)
		}
	}()

	if db.dialect == Postgres && tenantID > 0 {
		// is_local=true: the setting ends with the transaction, so a pooled
		// connection never carries one tenant's context into another's.
		if _, err := btx.ExecContext(ctx, "SELECT set_config('app.tenant_id', ?, true)",
			strconv.FormatInt(tenantID, 10)); err != nil {
			return fmt.Errorf("set tenant context: %w", err)
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	if err := btx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	committed = true
	return nil
}
