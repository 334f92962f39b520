package tenants

import (
	"context"
	"strings"
	"time"
)

// UnitStore keeps a region's clinics and units.
type UnitStore struct {
	db  *DB
	now func() time.Time
}

// NewUnitStore returns a UnitStore on db.
func NewUnitStore(db *DB) *UnitStore {
	return &UnitStore{db: db, now: time.Now}
}

// Create adds a unit to the region. It returns a *ValidationError for bad
// fields and ErrConflict when the HSA-id is already registered in the region.
func (s *UnitStore) Create(ctx context.Context, tenantID int64, u Unit) (Unit, error) {
	u.Name = strings.TrimSpace(u.Name)
	u.HSAID = strings.TrimSpace(u.HSAID)
	if err := u.Validate(); err != nil {
		return Unit{}, err
	}
	u.ID, u.TenantID, u.CreatedAt = 0, tenantID, s.now().UTC()
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		_, err := tx.NewInsert().Model(&u).Returning("id").Exec(ctx)
		return translate(err, "create unit")
	})
	if err != nil {
		return Unit{}, err
	}
	return u, nil
}

// Unit returns one unit of the region, or ErrNotFound (also when the id
// belongs to another region).
func (s *UnitStore) Unit(ctx context.Context, tenantID, id int64) (Unit, error) {
	var u Unit
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&u).
			Where("tenant_id = ? AND id = ?", tenantID, id).Scan(ctx), "unit")
	})
	return u, err
}

// Units lists the region's units by name.
func (s *UnitStore) Units(ctx context.Context, tenantID int64) ([]Unit, error) {
	var us []Unit
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&us).
			Where("tenant_id = ?", tenantID).Order("name", "id").Scan(ctx), "list units")
	})
	return us, err
}
