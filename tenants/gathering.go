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
		if err := checkAttendees(ctx, tx, tenantID, orgID, g.PeerIDs, verr); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(&g).Returning("id").Exec(ctx); err != nil {
			return translate(err, "create gathering")
		}
		return gatheringAttendance.record(ctx, tx, tenantID, orgID, g.ID, g.PeerIDs)
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
		if err := checkAttendees(ctx, tx, tenantID, orgID, g.PeerIDs, g.validate(today(s.now()))); err != nil {
			return err
		}
		if err := gatheringAttendance.clear(ctx, tx, tenantID, gatheringID); err != nil {
			return err
		}
		if err := gatheringAttendance.record(ctx, tx, tenantID, orgID, gatheringID, g.PeerIDs); err != nil {
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
		if g, err = loadGathering(ctx, tx, tenantID, orgID, id); err != nil {
			return err
		}
		return gatheringAttendance.fill(ctx, tx, tenantID, 1, func(int) (int64, *[]int64) { return g.ID, &g.PeerIDs })
	})
	if err != nil {
		return Gathering{}, err
	}
	return g, nil
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
		return gatheringAttendance.fill(ctx, tx, tenantID, len(list), func(i int) (int64, *[]int64) { return list[i].ID, &list[i].PeerIDs })
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
		q := tx.NewSelect().Model(&list).Where("tenant_id = ? AND organisation_id = ?", tenantID, orgID)
		return translate(gatheringAttendance.attendedBy(q, tenantID, peerID).
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

// loadGathering reads one gathering of the organisation, without its
// attendance.
func loadGathering(ctx context.Context, tx *Tx, tenantID, orgID, id int64) (Gathering, error) {
	var g Gathering
	err := tx.NewSelect().Model(&g).Where("tenant_id = ? AND organisation_id = ? AND id = ?", tenantID, orgID, id).Scan(ctx)
	return g, translate(err, "gathering")
}
