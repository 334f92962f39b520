package tenants

import (
	"context"
	"strings"
	"time"
)

// TenantStore is the region registry. It is platform data: reading it needs
// no tenant context, and the application role may read and write it.
type TenantStore struct {
	db  *DB
	now func() time.Time
}

// NewTenantStore returns a TenantStore on db.
func NewTenantStore(db *DB) *TenantStore {
	return &TenantStore{db: db, now: time.Now}
}

// Create registers a region. It returns a *ValidationError for bad fields
// and ErrConflict when the slug is taken.
func (s *TenantStore) Create(ctx context.Context, t Tenant) (Tenant, error) {
	t.Slug = strings.TrimSpace(strings.ToLower(t.Slug))
	t.Name = strings.TrimSpace(t.Name)
	t.CountyCode = strings.TrimSpace(t.CountyCode)
	if err := t.Validate(); err != nil {
		return Tenant{}, err
	}
	now := s.now().UTC()
	t.ID, t.CreatedAt, t.UpdatedAt = 0, now, now
	err := s.db.InPlatform(ctx, func(tx *Tx) error {
		_, err := tx.NewInsert().Model(&t).Returning("id").Exec(ctx)
		return translate(err, "create region "+t.Slug)
	})
	if err != nil {
		return Tenant{}, err
	}
	// A new region's dashboard counts are kept from its first referral on:
	// mark them built so that no start-up rebuild ever replaces them.
	err = s.db.InTenant(ctx, t.ID, func(tx *Tx) error {
		_, err := claimDashboardBuild(ctx, tx, t.ID, now)
		return err
	})
	if err != nil {
		return Tenant{}, err
	}
	return t, nil
}

// BySlug returns the region with this slug, or ErrNotFound.
func (s *TenantStore) BySlug(ctx context.Context, slug string) (Tenant, error) {
	var t Tenant
	err := s.db.InPlatformReadOnly(ctx, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&t).Where("slug = ?", slug).Scan(ctx), "region "+slug)
	})
	return t, err
}

// ByID returns the region with this id, or ErrNotFound.
func (s *TenantStore) ByID(ctx context.Context, id int64) (Tenant, error) {
	var t Tenant
	err := s.db.InPlatformReadOnly(ctx, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&t).Where("id = ?", id).Scan(ctx), "region")
	})
	return t, err
}

// List returns every region, ordered by name.
func (s *TenantStore) List(ctx context.Context) ([]Tenant, error) {
	var ts []Tenant
	err := s.db.InPlatformReadOnly(ctx, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&ts).Order("name", "id").Scan(ctx), "list regions")
	})
	return ts, err
}

// UpdateSettings changes what a regional administrator may change about
// the region: its display name (Tenant.Name) and its settings, stored as
// given (zero values keep following the defaults). It returns a
// *ValidationError for bad values and ErrNotFound for an unknown region.
func (s *TenantStore) UpdateSettings(ctx context.Context, tenantID int64, name string, settings TenantSettings) (Tenant, error) {
	var v ValidationError
	name = strings.TrimSpace(name)
	checkText(&v, "name", name, true, 200)
	settings.validate(&v)
	if err := v.err(); err != nil {
		return Tenant{}, err
	}
	t := Tenant{ID: tenantID, Name: name, Settings: settings, UpdatedAt: s.now().UTC()}
	var out Tenant
	err := s.db.InPlatform(ctx, func(tx *Tx) error {
		res, err := tx.NewUpdate().Model(&t).Column("name", "settings", "updated_at").
			Where("id = ?", tenantID).Exec(ctx)
		if err != nil {
			return translate(err, "update region settings")
		}
		if err := requireRows(res, "update region settings"); err != nil {
			return err
		}
		return translate(tx.NewSelect().Model(&out).Where("id = ?", tenantID).Scan(ctx), "region")
	})
	return out, err
}

// regionSettings reads the region's settings, defaults filled in, in tx.
func regionSettings(ctx context.Context, tx *Tx, tenantID int64) (TenantSettings, error) {
	var t Tenant
	if err := tx.NewSelect().Model(&t).Column("settings").Where("id = ?", tenantID).Scan(ctx); err != nil {
		return TenantSettings{}, translate(err, "region settings")
	}
	return t.Settings.Effective(), nil
}
