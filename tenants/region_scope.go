package tenants

import (
	"context"
	"database/sql"
	"slices"

	"github.com/uptrace/bun"
)

// Helpers for use cases that refer to other rows of the region: they check
// inside the use case's transaction that the rows are the region's, so that
// a refusal names the field instead of surfacing as a foreign-key error.

// uniqueIDs returns the ids sorted, without duplicates, never nil.
func uniqueIDs(ids []int64) []int64 {
	out := append([]int64{}, ids...)
	slices.Sort(out)
	return slices.Compact(out)
}

// rowExists returns ErrNotFound unless the model's table has the id in the
// region.
func rowExists(ctx context.Context, tx *Tx, model any, tenantID, id int64, what string) error {
	n, err := tx.NewSelect().Model(model).Where("tenant_id = ? AND id = ?", tenantID, id).Count(ctx)
	if err != nil {
		return translate(err, what)
	}
	if n == 0 {
		return translate(sql.ErrNoRows, what)
	}
	return nil
}

// checkInRegion adds field and key to v unless every id is a row of the
// model's table in the region. ids must be unique. It returns database
// errors only.
func checkInRegion(ctx context.Context, tx *Tx, model any, tenantID int64, ids []int64, field, key string, v *ValidationError) error {
	if len(ids) == 0 {
		return nil
	}
	n, err := tx.NewSelect().Model(model).Where("tenant_id = ? AND id IN (?)", tenantID, bun.In(ids)).Count(ctx)
	if err != nil {
		return translate(err, "check "+field)
	}
	if n != int64(len(ids)) {
		v.add(field, key, nil)
	}
	return nil
}

// requireRows returns ErrNotFound (wrapped with what) when a write matched
// no row of the region.
func requireRows(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return translate(err, what)
	}
	if n == 0 {
		return translate(sql.ErrNoRows, what)
	}
	return nil
}
