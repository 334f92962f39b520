package tenants

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// GatheringKind says what an organisation gathered its peers for.
type GatheringKind string

const (
	// GatheringContinuingEducation is further training (fortbildning).
	GatheringContinuingEducation GatheringKind = "continuing_education"
	// GatheringReunion is a reunion (återträff) of a course's peers, to
	// keep the group together and share what happens in the work.
	GatheringReunion GatheringKind = "reunion"
)

// GatheringKinds lists every kind, in the order forms show them.
var GatheringKinds = []GatheringKind{GatheringContinuingEducation, GatheringReunion}

// Gathering is a continuing-education day or a reunion an organisation
// holds for its peers, with who attended.
type Gathering struct {
	bun.BaseModel `bun:"table:peer_gatherings"`

	ID             int64         `bun:"id,pk,autoincrement"`
	TenantID       int64         `bun:"tenant_id,notnull"`
	OrganisationID int64         `bun:"organisation_id,notnull"`
	Kind           GatheringKind `bun:"kind,notnull"`
	Title          string        `bun:"title,notnull"`
	// HeldOn may lie ahead: gatherings are planned. Attendance can be
	// recorded once the day has come.
	HeldOn    Date      `bun:"held_on,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull"`

	// PeerIDs are the peers who attended, in id order.
	PeerIDs []int64 `bun:"-"`
}

// validate checks the gathering's own fields and, against today (in
// Sweden), that attendance is recorded only for a day that has come.
func (g *Gathering) validate(today Date) error {
	var v ValidationError
	if !slices.Contains(GatheringKinds, g.Kind) {
		v.add("kind", "validation.choice", nil)
	}
	g.Title = strings.TrimSpace(g.Title)
	checkText(&v, "title", g.Title, true, 200)
	if g.HeldOn.IsZero() {
		v.add("held_on", "validation.required", nil)
	}
	g.PeerIDs = uniqueIDs(g.PeerIDs)
	if len(g.PeerIDs) > 0 && g.HeldOn.After(today) {
		v.add("peers", "validation.attendance_future", nil)
	}
	return v.err()
}

type gatheringAttendance struct {
	bun.BaseModel `bun:"table:peer_gathering_attendance"`

	TenantID       int64 `bun:"tenant_id,pk"`
	GatheringID    int64 `bun:"gathering_id,pk"`
	OrganisationID int64 `bun:"organisation_id,notnull"`
	PeerID         int64 `bun:"peer_id,pk"`
}

// GatheringStore keeps the continuing education and reunions of a region's
// partner organisations, scoped to one organisation like PeerStore.
type GatheringStore struct {
	db  *DB
	now func() time.Time
}

// NewGatheringStore returns a GatheringStore on db.
func NewGatheringStore(db *DB) *GatheringStore {
	return &GatheringStore{db: db, now: time.Now}
}

// Create records a gathering, with its attendance if it has been held. It
// returns a *ValidationError for bad fields — field "peers" with
// validation.attendance_future or validation.scope_peer among them — and
// ErrNotFound for an organisation not in the region.
func (s *GatheringStore) Create(ctx context.Context, tenantID, orgID int64, g Gathering) (Gathering, error) {
	verr := g.validate(today(s.now()))
	g.ID, g.TenantID, g.OrganisationID, g.CreatedAt = 0, tenantID, orgID, s.now().UTC()
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		if err := rowExists(ctx, tx, (*Organisation)(nil), tenantID, orgID, "organisation"); err != nil {
			return err
		}
		v := &ValidationError{}
		if verr != nil {
			v = verr.(*ValidationError)
		}
		if err := checkPeersInOrganisation(ctx, tx, tenantID, orgID, g.PeerIDs, "peers", v); err != nil {
			return err
		}
		if err := v.err(); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(&g).Returning("id").Exec(ctx); err != nil {
			return translate(err, "create gathering")
		}
		return insertGatheringAttendance(ctx, tx, g)
	})
	if err != nil {
		return Gathering{}, err
	}
	return g, nil
}

// SetAttendance replaces who attended a gathering of the organisation. It
// returns a *ValidationError (field "peers": validation.attendance_future,
// validation.scope_peer) and ErrNotFound for a gathering not in the
// organisation; then nothing changes.
func (s *GatheringStore) SetAttendance(ctx context.Context, tenantID, orgID, gatheringID int64, peerIDs []int64) (Gathering, error) {
	var out Gathering
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		g, err := loadGathering(ctx, tx, tenantID, orgID, gatheringID)
		if err != nil {
			return err
		}
		g.PeerIDs = peerIDs
		v := &ValidationError{}
		if err := g.validate(today(s.now())); err != nil {
			v = err.(*ValidationError)
		}
		if err := checkPeersInOrganisation(ctx, tx, tenantID, orgID, g.PeerIDs, "peers", v); err != nil {
			return err
		}
		if err := v.err(); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*gatheringAttendance)(nil)).
			Where("tenant_id = ? AND gathering_id = ?", tenantID, gatheringID).Exec(ctx); err != nil {
			return translate(err, "clear attendance")
		}
		if err := insertGatheringAttendance(ctx, tx, g); err != nil {
			return err
		}
		out = g
		return nil
	})
	return out, err
}

// Gathering returns one gathering of the organisation with its attendance,
// or ErrNotFound.
func (s *GatheringStore) Gathering(ctx context.Context, tenantID, orgID, id int64) (Gathering, error) {
	var g Gathering
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		var err error
		g, err = loadGathering(ctx, tx, tenantID, orgID, id)
		return err
	})
	return g, err
}

// Gatherings lists the organisation's gatherings with their attendance,
// latest first.
func (s *GatheringStore) Gatherings(ctx context.Context, tenantID, orgID int64) ([]Gathering, error) {
	var list []Gathering
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		if err := tx.NewSelect().Model(&list).Where("tenant_id = ? AND organisation_id = ?", tenantID, orgID).
			Order("held_on DESC", "id DESC").Scan(ctx); err != nil {
			return translate(err, "list gatherings")
		}
		return loadGatheringAttendance(ctx, tx, tenantID, list)
	})
	return list, err
}

// PeerGatherings lists the gatherings a peer of the organisation attended,
// latest first, with PeerIDs holding only the peer. It returns ErrNotFound
// for a peer not in the organisation.
func (s *GatheringStore) PeerGatherings(ctx context.Context, tenantID, orgID, peerID int64) ([]Gathering, error) {
	var list []Gathering
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		if err := peerExists(ctx, tx, tenantID, orgID, peerID); err != nil {
			return err
		}
		return translate(tx.NewSelect().Model(&list).
			Where("tenant_id = ? AND organisation_id = ?", tenantID, orgID).
			Where("id IN (SELECT gathering_id FROM peer_gathering_attendance WHERE tenant_id = ? AND peer_id = ?)", tenantID, peerID).
			Order("held_on DESC", "id DESC").Scan(ctx), "list gatherings")
	})
	for i := range list {
		list[i].PeerIDs = []int64{peerID}
	}
	return list, err
}

// Remove deletes a gathering with its attendance. It returns ErrNotFound
// when the organisation has no such gathering.
func (s *GatheringStore) Remove(ctx context.Context, tenantID, orgID, id int64) error {
	return s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		res, err := tx.NewDelete().Model((*Gathering)(nil)).
			Where("tenant_id = ? AND organisation_id = ? AND id = ?", tenantID, orgID, id).Exec(ctx)
		if err != nil {
			return translate(err, "remove gathering")
		}
		return requireRows(res, "remove gathering")
	})
}

func loadGathering(ctx context.Context, tx *Tx, tenantID, orgID, id int64) (Gathering, error) {
	var g Gathering
	if err := tx.NewSelect().Model(&g).
		Where("tenant_id = ? AND organisation_id = ? AND id = ?", tenantID, orgID, id).Scan(ctx); err != nil {
		return Gathering{}, translate(err, "gathering")
	}
	list := []Gathering{g}
	if err := loadGatheringAttendance(ctx, tx, tenantID, list); err != nil {
		return Gathering{}, err
	}
	return list[0], nil
}

// loadGatheringAttendance fills in the gatherings' PeerIDs with one query.
func loadGatheringAttendance(ctx context.Context, tx *Tx, tenantID int64, list []Gathering) error {
	if len(list) == 0 {
		return nil
	}
	index := make(map[int64]int, len(list))
	ids := make([]int64, len(list))
	for i := range list {
		index[list[i].ID], ids[i] = i, list[i].ID
		list[i].PeerIDs = []int64{}
	}
	var rows []gatheringAttendance
	if err := tx.NewSelect().Model(&rows).Where("tenant_id = ? AND gathering_id IN (?)", tenantID, bun.In(ids)).
		Order("gathering_id", "peer_id").Scan(ctx); err != nil {
		return translate(err, "gathering attendance")
	}
	for _, r := range rows {
		g := &list[index[r.GatheringID]]
		g.PeerIDs = append(g.PeerIDs, r.PeerID)
	}
	return nil
}

func insertGatheringAttendance(ctx context.Context, tx *Tx, g Gathering) error {
	if len(g.PeerIDs) == 0 {
		return nil
	}
	rows := make([]gatheringAttendance, len(g.PeerIDs))
	for i, id := range g.PeerIDs {
		rows[i] = gatheringAttendance{TenantID: g.TenantID, GatheringID: g.ID, OrganisationID: g.OrganisationID, PeerID: id}
	}
	_, err := tx.NewInsert().Model(&rows).Exec(ctx)
	return translate(err, "record attendance")
}
