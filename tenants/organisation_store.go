package tenants

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
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
	var v ValidationError
	o.Name = strings.TrimSpace(o.Name)
	if o.Name == "" || utf8.RuneCountInString(o.Name) > 200 {
		v.add("name", "validation.required", nil)
	}
	if o.OrgNumber != "" {
		n, ok := NormalizeOrganisationNumber(o.OrgNumber)
		if !ok {
			v.add("org_number", "validation.org_number", nil)
		}
		o.OrgNumber = n
	}
	switch o.Kind {
	case OrgPatient, OrgUser, OrgMunicipality, OrgOther:
	default:
		v.add("kind", "validation.choice", nil)
	}
	if err := v.err(); err != nil {
		return Organisation{}, err
	}
	o.ID, o.TenantID, o.CreatedAt = 0, tenantID, s.now().UTC()
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		_, err := tx.NewInsert().Model(&o).Returning("id").Exec(ctx)
		return translate(err, "create organisation")
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
