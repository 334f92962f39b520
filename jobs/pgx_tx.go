package jobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// connTx presents a connection that is already inside a transaction (opened
// by bun through database/sql) as a pgx.Tx, so River can insert jobs into
// that same transaction. Nested Begin uses savepoints; the outermost
// transaction belongs to its opener, so connTx refuses to end it.
type connTx struct {
	conn  *pgx.Conn
	depth int // 0: the caller's transaction; n > 0: savepoint n
	done  bool
}

var errOuterTx = errors.New("jobs: the enclosing transaction is committed or rolled back by its owner, not by River")

func (t *connTx) savepoint() string { return fmt.Sprintf("kamrat_river_sp_%d", t.depth) }

func (t *connTx) Begin(ctx context.Context) (pgx.Tx, error) {
	nested := &connTx{conn: t.conn, depth: t.depth + 1}
	if _, err := t.conn.Exec(ctx, "SAVEPOINT "+nested.savepoint()); err != nil {
		return nil, err
	}
	return nested, nil
}

func (t *connTx) Commit(ctx context.Context) error { return t.end(ctx, "RELEASE SAVEPOINT ") }

func (t *connTx) Rollback(ctx context.Context) error { return t.end(ctx, "ROLLBACK TO SAVEPOINT ") }

// end releases or rolls back this savepoint, once.
func (t *connTx) end(ctx context.Context, verb string) error {
	if t.depth == 0 {
		return errOuterTx
	}
	if t.done {
		return pgx.ErrTxClosed
	}
	t.done = true
	_, err := t.conn.Exec(ctx, verb+t.savepoint())
	return err
}

func (t *connTx) CopyFrom(ctx context.Context, table pgx.Identifier, cols []string, src pgx.CopyFromSource) (int64, error) {
	return t.conn.CopyFrom(ctx, table, cols, src)
}

func (t *connTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	return t.conn.SendBatch(ctx, b)
}

// LargeObjects is part of pgx.Tx but can only be built by pgx itself; River
// never uses it, and Kamrat stores no large objects.
func (t *connTx) LargeObjects() pgx.LargeObjects { return pgx.LargeObjects{} }

func (t *connTx) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	return t.conn.Prepare(ctx, name, sql)
}

func (t *connTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return t.conn.Exec(ctx, sql, args...)
}

func (t *connTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return t.conn.Query(ctx, sql, args...)
}

func (t *connTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	return t.conn.QueryRow(ctx, sql, args...)
}

func (t *connTx) Conn() *pgx.Conn { return t.conn }
