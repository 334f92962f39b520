package tenants

import (
	"context"
	"time"
)

// PlacementStore keeps where a region's peers are placed, scoped to one
// organisation like PeerStore.
type PlacementStore struct {
	db  *DB
	now func() time.Time
}

// NewPlacementStore returns a PlacementStore on db.
func NewPlacementStore(db *DB) *PlacementStore {
	return &PlacementStore{db: db, now: time.Now}
}

// Create places a peer of the organisation at a unit of the region. The
// placement is made even when the unit is not ready for peers or no IOP
// agreement budgets a position there: those come back as warnings, for the
// coordinator to follow up (see the Warn… keys). It returns a
// *ValidationError for bad fields (an end before the start:
// validation.end_before_start; a unit not in the region:
// validation.scope_unit) and ErrNotFound for a peer not in the
// organisation.
func (s *PlacementStore) Create(ctx context.Context, tenantID, orgID int64, p Placement) (Placement, []Warning, error) {
	verr := p.validate()
	now := s.now().UTC()
	p.ID, p.TenantID, p.OrganisationID, p.CreatedAt, p.UpdatedAt = 0, tenantID, orgID, now, now
	var warnings []Warning
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		if err := peerExists(ctx, tx, tenantID, orgID, p.PeerID); err != nil {
			return err
		}
		if err := checkPlacementUnit(ctx, tx, tenantID, p.UnitID, verr); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(&p).Returning("id").Exec(ctx); err != nil {
			return translate(err, "create placement")
		}
		var err error
		warnings, err = placementWarnings(ctx, tx, p)
		return err
	})
	if err != nil {
		return Placement{}, nil, err
	}
	return p, warnings, nil
}

// Update changes a placement's unit, employer, share of full time and
// period (to end a placement, set EndsOn), and returns its warnings as
// Create does. The peer stays the same. It returns Create's errors, and
// ErrNotFound for a placement not in the organisation.
func (s *PlacementStore) Update(ctx context.Context, tenantID, orgID int64, p Placement) (Placement, []Warning, error) {
	verr := p.validate()
	p.UpdatedAt = s.now().UTC()
	var out Placement
	var warnings []Warning
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		if err := checkPlacementUnit(ctx, tx, tenantID, p.UnitID, verr); err != nil {
			return err
		}
		res, err := tx.NewUpdate().Model(&p).Column("unit_id", "employer", "fte_percent", "starts_on", "ends_on", "updated_at").
			Where("tenant_id = ? AND organisation_id = ? AND id = ?", tenantID, orgID, p.ID).Exec(ctx)
		if err := translate(err, "update placement"); err != nil {
			return err
		}
		if err := requireRows(res, "update placement"); err != nil {
			return err
		}
		if out, err = loadPlacement(ctx, tx, tenantID, orgID, p.ID); err != nil {
			return err
		}
		warnings, err = placementWarnings(ctx, tx, out)
		return err
	})
	if err != nil {
		return Placement{}, nil, err
	}
	return out, warnings, nil
}

// Placement returns one placement of the organisation's peers, or
// ErrNotFound.
func (s *PlacementStore) Placement(ctx context.Context, tenantID, orgID, id int64) (Placement, error) {
	var p Placement
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		var err error
		p, err = loadPlacement(ctx, tx, tenantID, orgID, id)
		return err
	})
	return p, err
}

// Placements lists the placements of the organisation's peers, latest
// start first.
func (s *PlacementStore) Placements(ctx context.Context, tenantID, orgID int64) ([]Placement, error) {
	var list []Placement
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&list).Where("tenant_id = ? AND organisation_id = ?", tenantID, orgID).
			Order("starts_on DESC", "id DESC").Scan(ctx), "list placements")
	})
	return list, err
}

// PeerPlacements lists one peer's placements, latest start first, or
// returns ErrNotFound for a peer not in the organisation.
func (s *PlacementStore) PeerPlacements(ctx context.Context, tenantID, orgID, peerID int64) ([]Placement, error) {
	var list []Placement
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		if err := peerExists(ctx, tx, tenantID, orgID, peerID); err != nil {
			return err
		}
		return translate(tx.NewSelect().Model(&list).Where("tenant_id = ? AND peer_id = ?", tenantID, peerID).
			Order("starts_on DESC", "id DESC").Scan(ctx), "list placements")
	})
	return list, err
}

// PlacementWithWarnings returns a placement with its warnings as they
// stand now (the unit may have become ready since, or an agreement come
// into force), in one read, or ErrNotFound.
func (s *PlacementStore) PlacementWithWarnings(ctx context.Context, tenantID, orgID, id int64) (Placement, []Warning, error) {
	var p Placement
	var warnings []Warning
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		var err error
		if p, err = loadPlacement(ctx, tx, tenantID, orgID, id); err != nil {
			return err
		}
		warnings, err = placementWarnings(ctx, tx, p)
		return err
	})
	return p, warnings, err
}

// Remove deletes a placement recorded by mistake (one that has ended is
// kept, with its EndsOn). It returns ErrNotFound when the organisation has
// no such placement.
func (s *PlacementStore) Remove(ctx context.Context, tenantID, orgID, id int64) error {
	return s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		res, err := tx.NewDelete().Model((*Placement)(nil)).
			Where("tenant_id = ? AND organisation_id = ? AND id = ?", tenantID, orgID, id).Exec(ctx)
		if err != nil {
			return translate(err, "remove placement")
		}
		return requireRows(res, "remove placement")
	})
}

// EndingPlacement is a placement with the names a list shows.
type EndingPlacement struct {
	Placement
	PeerName string `bun:"peer_name"`
	UnitName string `bun:"unit_name"`
}

// PlacementsEnding lists the organisation's placements whose last day
// falls from from to to, both included, soonest first.
func (s *PlacementStore) PlacementsEnding(ctx context.Context, tenantID, orgID int64, from, to Date) ([]EndingPlacement, error) {
	var list []EndingPlacement
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		var err error
		list, err = placementsEnding(ctx, tx, tenantID, orgID, from, to)
		return err
	})
	return list, err
}

func placementsEnding(ctx context.Context, tx *Tx, tenantID, orgID int64, from, to Date) ([]EndingPlacement, error) {
	var list []EndingPlacement
	err := tx.NewSelect().Model((*Placement)(nil)).
		ColumnExpr("placement.*, p.display_name AS peer_name, u.name AS unit_name").
		Join("JOIN peers AS p ON p.tenant_id = placement.tenant_id AND p.id = placement.peer_id").
		Join("JOIN units AS u ON u.tenant_id = placement.tenant_id AND u.id = placement.unit_id").
		Where("placement.tenant_id = ? AND placement.organisation_id = ?", tenantID, orgID).
		Where("placement.ends_on >= ? AND placement.ends_on <= ?", from, to).
		Order("placement.ends_on", "p.display_name", "placement.id").Scan(ctx, &list)
	return list, translate(err, "list placements ending")
}

func loadPlacement(ctx context.Context, tx *Tx, tenantID, orgID, id int64) (Placement, error) {
	var p Placement
	err := tx.NewSelect().Model(&p).Where("tenant_id = ? AND organisation_id = ? AND id = ?", tenantID, orgID, id).Scan(ctx)
	return p, translate(err, "placement")
}

// checkPlacementUnit adds to verr (the result of validate) a unit that is
// not the region's, and returns the whole *ValidationError, or nil.
func checkPlacementUnit(ctx context.Context, tx *Tx, tenantID, unitID int64, verr error) error {
	v := collectValidation(verr)
	if unitID > 0 {
		if err := checkInRegion(ctx, tx, (*Unit)(nil), tenantID, []int64{unitID}, "unit_id", "validation.scope_unit", v); err != nil {
			return err
		}
	}
	return v.err()
}

// placementWarnings returns what a coordinator should know about a stored
// placement: the unit is not ready for peers; no IOP agreement in force
// (active, or ending under notice) during the placement budgets a position
// at the unit — a position without a unit counts for every unit the
// agreement covers; the peer's placements exceed full time.
func placementWarnings(ctx context.Context, tx *Tx, p Placement) ([]Warning, error) {
	warnings := []Warning{}
	readiness, err := loadReadiness(ctx, tx, p.TenantID, p.UnitID)
	if err != nil {
		return nil, err
	}
	var unitName string
	if err := tx.NewSelect().Model((*Unit)(nil)).Column("name").
		Where("tenant_id = ? AND id = ?", p.TenantID, p.UnitID).Scan(ctx, &unitName); err != nil {
		return nil, translate(err, "unit")
	}
	if !readiness.Ready() {
		warnings = append(warnings, Warning{Key: WarnUnitNotReady, Args: map[string]any{"Unit": unitName, "Missing": readiness.Missing()}})
	}

	q := tx.NewSelect().TableExpr("agreement_positions AS pos").
		Join("JOIN agreements AS a ON a.tenant_id = pos.tenant_id AND a.id = pos.agreement_id").
		Join("JOIN agreement_units AS au ON au.tenant_id = pos.tenant_id AND au.agreement_id = pos.agreement_id").
		Where("pos.tenant_id = ? AND au.unit_id = ? AND (pos.unit_id IS NULL OR pos.unit_id = au.unit_id)", p.TenantID, p.UnitID).
		Where("a.status IN (?, ?) AND a.ends_on >= ?", AgreementActive, AgreementEnding, p.StartsOn)
	if !p.EndsOn.IsZero() {
		q = q.Where("a.starts_on <= ?", p.EndsOn)
	}
	positions, err := q.Count(ctx)
	if err != nil {
		return nil, translate(err, "budgeted positions")
	}
	if positions == 0 {
		warnings = append(warnings, Warning{Key: WarnNoBudgetedPosition, Args: map[string]any{"Unit": unitName}})
	}

	var peers []Placement
	if err := tx.NewSelect().Model(&peers).Where("tenant_id = ? AND peer_id = ?", p.TenantID, p.PeerID).Scan(ctx); err != nil {
		return nil, translate(err, "list placements")
	}
	if most := mostConcurrentPercent(p, peers); most > 100 {
		warnings = append(warnings, Warning{Key: WarnOverFullTime, Args: map[string]any{"Percent": most}})
	}
	return warnings, nil
}

// mostConcurrentPercent returns the highest total share of full time of
// the placements (p among them) on any day of p. Totals change only where
// a placement starts, so those days are the ones to look at.
func mostConcurrentPercent(p Placement, all []Placement) int {
	most := 0
	for _, start := range all {
		day := start.StartsOn
		if !start.overlaps(p) || day.Before(p.StartsOn) {
			day = p.StartsOn
		}
		total := 0
		for _, q := range all {
			if q.ActiveOn(day) {
				total += q.FTEPercent
			}
		}
		most = max(most, total)
	}
	return most
}
