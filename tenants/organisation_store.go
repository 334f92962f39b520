package tenants

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Organisation kinds.
const (
	OrgPatient      = "patient_organisation"
	OrgUser         = "user_organisation"
	OrgMunicipality = "municipality"
	OrgOther        = "other"
)

// OrganisationStore keeps a region's partner organisations.
type OrganisationStore struct {
	db  *DB
	now func() time.Time
}

// NewOrganisationStore returns an OrganisationStore on db.
func NewOrganisationStore(db *DB) *OrganisationStore {
	return &OrganisationStore{db: db, now: time.Now}
}

// Create adds an organisation. It returns a *ValidationError for bad fields
// and ErrConflict for an organisationsnummer already in the region.
func (s *OrganisationStore) Create(ctx context.Context, tenantID int64, o Organisation) (Organisation, error) {
	return s.Save(ctx, tenantID, o, nil)
}

// Update changes an organisation's fields. It returns a *ValidationError for
// bad fields, ErrNotFound for an organisation not in the region and
// ErrConflict for an organisationsnummer another organisation of the region
// has.
func (s *OrganisationStore) Update(ctx context.Context, tenantID int64, o Organisation) (Organisation, error) {
	if o.ID == 0 {
		return Organisation{}, fmt.Errorf("update organisation: %w", ErrNotFound)
	}
	return s.Save(ctx, tenantID, o, nil)
}

// Save creates the organisation (o.ID 0) or updates it and, when unitIDs
// is not nil, replaces the units it serves — all in one transaction, so an
// organisation is never left half saved. Errors as Create, Update and
// SetServedUnits.
func (s *OrganisationStore) Save(ctx context.Context, tenantID int64, o Organisation, unitIDs []int64) (Organisation, error) {
	if err := o.Validate(); err != nil {
		return Organisation{}, err
	}
	o.TenantID = tenantID
	var out Organisation
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		if o.ID == 0 {
			o.CreatedAt = s.now().UTC()
			if _, err := tx.NewInsert().Model(&o).Returning("id").Exec(ctx); err != nil {
				return translate(err, "create organisation")
			}
		} else {
			res, err := tx.NewUpdate().Model(&o).
				Column("name", "org_number", "kind", "contact_name", "contact_email", "contact_phone", "focus", "active").
				Where("tenant_id = ? AND id = ?", tenantID, o.ID).Exec(ctx)
			if err := translate(err, "update organisation"); err != nil {
				return err
			}
			if err := requireRows(res, "update organisation"); err != nil {
				return err
			}
		}
		if unitIDs != nil {
			if err := setServedUnits(ctx, tx, tenantID, o.ID, unitIDs); err != nil {
				return err
			}
		}
		return translate(tx.NewSelect().Model(&out).Where("tenant_id = ? AND id = ?", tenantID, o.ID).Scan(ctx), "organisation")
	})
	return out, err
}

// Organisation returns one organisation of the region, or ErrNotFound (also
// when the id belongs to another region).
func (s *OrganisationStore) Organisation(ctx context.Context, tenantID, id int64) (Organisation, error) {
	var o Organisation
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&o).Where("tenant_id = ? AND id = ?", tenantID, id).Scan(ctx), "organisation")
	})
	return o, err
}

// Organisations lists the region's organisations by name.
func (s *OrganisationStore) Organisations(ctx context.Context, tenantID int64) ([]Organisation, error) {
	var list []Organisation
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&list).Where("tenant_id = ?", tenantID).Order("name", "id").Scan(ctx), "list organisations")
	})
	return list, err
}

// organisationUnit says that an organisation serves a unit.
type organisationUnit struct {
	bun.BaseModel `bun:"table:organisation_units"`

	TenantID       int64 `bun:"tenant_id,pk"`
	OrganisationID int64 `bun:"organisation_id,pk"`
	UnitID         int64 `bun:"unit_id,pk"`
}

// SetServedUnits replaces the units the organisation serves. It returns
// ErrNotFound for an organisation not in the region and a *ValidationError
// (field "units", validation.scope_unit) when any unit is not in the region;
// then nothing changes.
func (s *OrganisationStore) SetServedUnits(ctx context.Context, tenantID, orgID int64, unitIDs []int64) error {
	return s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		if err := rowExists(ctx, tx, (*Organisation)(nil), tenantID, orgID, "organisation"); err != nil {
			return err
		}
		return setServedUnits(ctx, tx, tenantID, orgID, unitIDs)
	})
}

func setServedUnits(ctx context.Context, tx *Tx, tenantID, orgID int64, unitIDs []int64) error {
	ids := uniqueIDs(unitIDs)
	var v ValidationError
	if err := checkInRegion(ctx, tx, (*Unit)(nil), tenantID, ids, "units", "validation.scope_unit", &v); err != nil {
		return err
	}
	if err := v.err(); err != nil {
		return err
	}
	if _, err := tx.NewDelete().Model((*organisationUnit)(nil)).
		Where("tenant_id = ? AND organisation_id = ?", tenantID, orgID).Exec(ctx); err != nil {
		return translate(err, "clear served units")
	}
	if len(ids) == 0 {
		return nil
	}
	rows := make([]organisationUnit, len(ids))
	for i, id := range ids {
		rows[i] = organisationUnit{TenantID: tenantID, OrganisationID: orgID, UnitID: id}
	}
	_, err := tx.NewInsert().Model(&rows).Exec(ctx)
	return translate(err, "set served units")
}

// ServedUnits lists the units the organisation serves, by name. It returns
// ErrNotFound for an organisation not in the region.
func (s *OrganisationStore) ServedUnits(ctx context.Context, tenantID, orgID int64) ([]Unit, error) {
	var list []Unit
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		if err := rowExists(ctx, tx, (*Organisation)(nil), tenantID, orgID, "organisation"); err != nil {
			return err
		}
		return translate(tx.NewSelect().Model(&list).
			Where("tenant_id = ?", tenantID).
			Where("id IN (SELECT unit_id FROM organisation_units WHERE tenant_id = ? AND organisation_id = ?)", tenantID, orgID).
			Order("name", "id").Scan(ctx), "list served units")
	})
	return list, err
}
