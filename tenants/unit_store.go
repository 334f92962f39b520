package tenants

import (
	"context"
	"errors"
	"io"
	"maps"
	"slices"
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
	if err := u.Validate(); err != nil {
		return Unit{}, err
	}
	// Readiness starts empty; SetReadiness records it.
	u.BudgetDecided, u.BudgetDecidedOn, u.ManagementAnchored, u.ManagementAnchoredOn = false, Date{}, false, Date{}
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

// Update changes a unit's name, HSA-id, kind, municipality and active flag;
// the readiness steps are set with SetReadiness. It returns a
// *ValidationError for bad fields, ErrNotFound for a unit not in the region
// and ErrConflict when the HSA-id belongs to another unit of the region.
func (s *UnitStore) Update(ctx context.Context, tenantID int64, u Unit) (Unit, error) {
	if err := u.Validate(); err != nil {
		return Unit{}, err
	}
	u.TenantID = tenantID
	var out Unit
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		res, err := tx.NewUpdate().Model(&u).
			Column("name", "hsa_id", "kind", "municipality", "active").
			Where("tenant_id = ? AND id = ?", tenantID, u.ID).Exec(ctx)
		if err := translate(err, "update unit"); err != nil {
			return err
		}
		if err := requireRows(res, "update unit"); err != nil {
			return err
		}
		return translate(tx.NewSelect().Model(&out).Where("tenant_id = ? AND id = ?", tenantID, u.ID).Scan(ctx), "unit")
	})
	return out, err
}

// Readiness returns how far the unit has come in preparing for peers, or
// ErrNotFound for a unit not in the region.
func (s *UnitStore) Readiness(ctx context.Context, tenantID, unitID int64) (Readiness, error) {
	var r Readiness
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		var err error
		r, err = loadReadiness(ctx, tx, tenantID, unitID)
		return err
	})
	return r, err
}

// ReadinessByUnit returns the readiness of every unit in the region, keyed
// by unit id.
func (s *UnitStore) ReadinessByUnit(ctx context.Context, tenantID int64) (map[int64]Readiness, error) {
	out := map[int64]Readiness{}
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		var units []Unit
		if err := tx.NewSelect().Model(&units).Where("tenant_id = ?", tenantID).Scan(ctx); err != nil {
			return translate(err, "list units")
		}
		for _, u := range units {
			out[u.ID] = readinessOf(u)
		}
		var sessions []IntroSession
		if err := tx.NewSelect().Model(&sessions).Where("tenant_id = ?", tenantID).
			Order("unit_id", "held_on", "id").Scan(ctx); err != nil {
			return translate(err, "list introduction sessions")
		}
		for _, sess := range sessions {
			r := out[sess.UnitID]
			r.IntroSessions = append(r.IntroSessions, sess)
			out[sess.UnitID] = r
		}
		return nil
	})
	return out, err
}

// SetReadiness records the budget and management decisions of a unit. It
// returns a *ValidationError when a step marked done has no date or a date
// in the future, and ErrNotFound for a unit not in the region.
func (s *UnitStore) SetReadiness(ctx context.Context, tenantID, unitID int64, d ReadinessDecisions) (Readiness, error) {
	if err := d.validate(today(s.now())); err != nil {
		return Readiness{}, err
	}
	var r Readiness
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		u := Unit{
			BudgetDecided: d.BudgetDecided, BudgetDecidedOn: d.BudgetDecidedOn,
			ManagementAnchored: d.ManagementAnchored, ManagementAnchoredOn: d.ManagementAnchoredOn,
		}
		res, err := tx.NewUpdate().Model(&u).
			Column("budget_decided", "budget_decided_on", "management_anchored", "management_anchored_on").
			Where("tenant_id = ? AND id = ?", tenantID, unitID).Exec(ctx)
		if err := translate(err, "set readiness"); err != nil {
			return err
		}
		if err := requireRows(res, "set readiness"); err != nil {
			return err
		}
		r, err = loadReadiness(ctx, tx, tenantID, unitID)
		return err
	})
	return r, err
}

// AddIntroSession records a staff introduction session held at the unit.
// It returns a *ValidationError for a missing or future day or a bad note,
// and ErrNotFound for a unit not in the region.
func (s *UnitStore) AddIntroSession(ctx context.Context, tenantID, unitID int64, sess IntroSession) (IntroSession, error) {
	if err := sess.validate(today(s.now())); err != nil {
		return IntroSession{}, err
	}
	sess.ID, sess.TenantID, sess.UnitID, sess.CreatedAt = 0, tenantID, unitID, s.now().UTC()
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		if err := rowExists(ctx, tx, (*Unit)(nil), tenantID, unitID, "unit"); err != nil {
			return err
		}
		_, err := tx.NewInsert().Model(&sess).Returning("id").Exec(ctx)
		return translate(err, "add introduction session")
	})
	if err != nil {
		return IntroSession{}, err
	}
	return sess, nil
}

// RemoveIntroSession deletes an introduction session recorded by mistake.
// It returns ErrNotFound when the unit has no such session in the region.
func (s *UnitStore) RemoveIntroSession(ctx context.Context, tenantID, unitID, sessionID int64) error {
	return s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		res, err := tx.NewDelete().Model((*IntroSession)(nil)).
			Where("tenant_id = ? AND unit_id = ? AND id = ?", tenantID, unitID, sessionID).Exec(ctx)
		if err != nil {
			return translate(err, "remove introduction session")
		}
		return requireRows(res, "remove introduction session")
	})
}

func readinessOf(u Unit) Readiness {
	return Readiness{
		UnitID:        u.ID,
		BudgetDecided: u.BudgetDecided, BudgetDecidedOn: u.BudgetDecidedOn,
		ManagementAnchored: u.ManagementAnchored, ManagementAnchoredOn: u.ManagementAnchoredOn,
	}
}

func loadReadiness(ctx context.Context, tx *Tx, tenantID, unitID int64) (Readiness, error) {
	var u Unit
	if err := tx.NewSelect().Model(&u).Where("tenant_id = ? AND id = ?", tenantID, unitID).Scan(ctx); err != nil {
		return Readiness{}, translate(err, "unit")
	}
	r := readinessOf(u)
	err := tx.NewSelect().Model(&r.IntroSessions).Where("tenant_id = ? AND unit_id = ?", tenantID, unitID).
		Order("held_on", "id").Scan(ctx)
	return r, translate(err, "list introduction sessions")
}

// PreviewImport reads a file of units as ParseUnitCSV does and also marks
// the rows whose HSA-id the region already has (validation.hsa_id_taken).
// Nothing is written. It returns ParseUnitCSV's errors.
func (s *UnitStore) PreviewImport(ctx context.Context, tenantID int64, r io.Reader) (UnitImportPreview, error) {
	p, err := ParseUnitCSV(r)
	if err != nil {
		return UnitImportPreview{}, err
	}
	err = s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		taken, err := regionHSAIDs(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		for i := range p.Rows {
			if h := p.Rows[i].Unit.HSAID; h != "" && taken[h] {
				p.Rows[i].add("hsa_id", "validation.hsa_id_taken", nil)
			}
		}
		return nil
	})
	if err != nil {
		return UnitImportPreview{}, err
	}
	return p, nil
}

// unitImportBatch is how many units one INSERT writes.
const unitImportBatch = 250

// Import adds the rows' units to the region in one transaction: all of
// them, or none. It checks the rows again — their fields, duplicate HSA-ids
// among them and HSA-ids the region already has — and refuses the whole
// import with a *ValidationError when any row has a problem: the first field
// is "file" with validation.import_bad_rows (Args: Count), followed by each
// problem with the row's line number added to its Args as "Line". It also
// refuses an empty or oversized list. progress, if not nil, is called after
// each batch with the number of units written so far; they are visible to
// others only once Import returns nil.
func (s *UnitStore) Import(ctx context.Context, tenantID int64, rows []UnitImportRow, progress func(done, total int)) ([]Unit, error) {
	switch {
	case len(rows) == 0:
		return nil, fileProblem("validation.import_empty", nil)
	case len(rows) > MaxUnitImportRows:
		return nil, fileProblem("validation.import_too_many_rows", map[string]any{"Max": MaxUnitImportRows})
	}
	now := s.now().UTC()
	units := make([]Unit, len(rows))
	checked := make([]UnitImportRow, len(rows))
	firstLine := map[string]int{}
	for i, row := range rows {
		checked[i] = UnitImportRow{Line: row.Line, Problems: append([]FieldError(nil), row.Problems...)}
		u := row.Unit
		if err := u.Validate(); err != nil {
			// A field the preview already faulted keeps its problem; the
			// same fault is not reported twice in other words.
			var v *ValidationError
			errors.As(err, &v)
			for _, f := range v.Fields {
				if !slices.ContainsFunc(checked[i].Problems, func(p FieldError) bool { return p.Field == f.Field }) {
					checked[i].Problems = append(checked[i].Problems, f)
				}
			}
		}
		if u.HSAID != "" {
			if first, seen := firstLine[u.HSAID]; seen && !hasProblem(checked[i], "validation.import_duplicate") {
				checked[i].add("hsa_id", "validation.import_duplicate", map[string]any{"FirstLine": first})
			} else if !seen {
				firstLine[u.HSAID] = row.Line
			}
		}
		units[i] = Unit{
			TenantID: tenantID, Name: u.Name, HSAID: u.HSAID, Kind: u.Kind,
			Municipality: u.Municipality, Active: u.Active, CreatedAt: now,
		}
	}
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		taken, err := regionHSAIDs(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		for i := range checked {
			if h := units[i].HSAID; h != "" && taken[h] && !hasProblem(checked[i], "validation.hsa_id_taken") {
				checked[i].add("hsa_id", "validation.hsa_id_taken", nil)
			}
		}
		if err := importRefusal(checked); err != nil {
			return err
		}
		for start := 0; start < len(units); start += unitImportBatch {
			if err := ctx.Err(); err != nil {
				return err
			}
			batch := units[start:min(start+unitImportBatch, len(units))]
			if _, err := tx.NewInsert().Model(&batch).Returning("id").Exec(ctx); err != nil {
				return translate(err, "import units")
			}
			if progress != nil {
				progress(start+len(batch), len(units))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return units, nil
}

func hasProblem(r UnitImportRow, key string) bool {
	for _, p := range r.Problems {
		if p.Key == key {
			return true
		}
	}
	return false
}

// importRefusal returns the *ValidationError for rows with problems, or nil.
func importRefusal(rows []UnitImportRow) error {
	v := &ValidationError{}
	bad := 0
	for _, r := range rows {
		if r.OK() {
			continue
		}
		bad++
		for _, p := range r.Problems {
			args := map[string]any{"Line": r.Line}
			maps.Copy(args, p.Args)
			v.add(p.Field, p.Key, args)
		}
	}
	if bad == 0 {
		return nil
	}
	v.Fields = append([]FieldError{{Field: "file", Key: "validation.import_bad_rows", Args: map[string]any{"Count": bad}}}, v.Fields...)
	return v
}

// regionHSAIDs returns the set of HSA-ids the region's units have.
func regionHSAIDs(ctx context.Context, tx *Tx, tenantID int64) (map[string]bool, error) {
	var ids []string
	err := tx.NewSelect().Model((*Unit)(nil)).Column("hsa_id").
		Where("tenant_id = ? AND hsa_id IS NOT NULL", tenantID).Scan(ctx, &ids)
	if err != nil {
		return nil, translate(err, "list HSA-ids")
	}
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return set, nil
}
