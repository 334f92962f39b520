package tenants

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// SupervisionStore keeps the supervision sessions of a region's partner
// organisations. Like PeerStore, every method is scoped to one
// organisation: another organisation's session is ErrNotFound, another
// organisation's peer is refused as an attendee.
type SupervisionStore struct {
	db  *DB
	now func() time.Time
}

// NewSupervisionStore returns a SupervisionStore on db.
func NewSupervisionStore(db *DB) *SupervisionStore {
	return &SupervisionStore{db: db, now: time.Now}
}

// Create records a session held for the organisation's peers. It returns a
// *ValidationError for bad fields — among them field "peers" with
// validation.attendees_required, validation.individual_one_peer or
// validation.scope_peer (a peer not of the organisation) — and ErrNotFound
// for an organisation not in the region. Nothing is written on an error.
func (s *SupervisionStore) Create(ctx context.Context, tenantID, orgID int64, sess SupervisionSession) (SupervisionSession, error) {
	verr := sess.validate(today(s.now()))
	sess.ID, sess.TenantID, sess.OrganisationID, sess.CreatedAt = 0, tenantID, orgID, s.now().UTC()
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		if err := rowExists(ctx, tx, (*Organisation)(nil), tenantID, orgID, "organisation"); err != nil {
			return err
		}
		if err := checkAttendees(ctx, tx, tenantID, orgID, sess.PeerIDs, verr); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(&sess).Returning("id").Exec(ctx); err != nil {
			return translate(err, "create supervision session")
		}
		return supervisionAttendance.record(ctx, tx, tenantID, orgID, sess.ID, sess.PeerIDs)
	})
	if err != nil {
		return SupervisionSession{}, err
	}
	return sess, nil
}

// Session returns one session of the organisation with its attendees, or
// ErrNotFound.
func (s *SupervisionStore) Session(ctx context.Context, tenantID, orgID, id int64) (SupervisionSession, error) {
	var sess SupervisionSession
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		if err := tx.NewSelect().Model(&sess).
			Where("tenant_id = ? AND organisation_id = ? AND id = ?", tenantID, orgID, id).Scan(ctx); err != nil {
			return translate(err, "supervision session")
		}
		return supervisionAttendance.fill(ctx, tx, tenantID, 1, func(int) (int64, *[]int64) { return sess.ID, &sess.PeerIDs })
	})
	if err != nil {
		return SupervisionSession{}, err
	}
	return sess, nil
}

// Sessions lists the organisation's sessions with their attendees, latest
// first.
func (s *SupervisionStore) Sessions(ctx context.Context, tenantID, orgID int64) ([]SupervisionSession, error) {
	var list []SupervisionSession
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		if err := tx.NewSelect().Model(&list).Where("tenant_id = ? AND organisation_id = ?", tenantID, orgID).
			Order("held_on DESC", "id DESC").Scan(ctx); err != nil {
			return translate(err, "list supervision sessions")
		}
		return supervisionAttendance.fill(ctx, tx, tenantID, len(list), func(i int) (int64, *[]int64) { return list[i].ID, &list[i].PeerIDs })
	})
	return list, err
}

// PeerSessions lists the sessions a peer of the organisation attended,
// latest first — the peer's own view of their supervision. PeerIDs holds
// only the peer: who else was in a group is not theirs to see. It returns
// ErrNotFound for a peer not in the organisation.
func (s *SupervisionStore) PeerSessions(ctx context.Context, tenantID, orgID, peerID int64) ([]SupervisionSession, error) {
	var list []SupervisionSession
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		if err := peerExists(ctx, tx, tenantID, orgID, peerID); err != nil {
			return err
		}
		q := tx.NewSelect().Model(&list).Where("tenant_id = ? AND organisation_id = ?", tenantID, orgID)
		return translate(supervisionAttendance.attendedBy(q, tenantID, peerID).
			Order("held_on DESC", "id DESC").Scan(ctx), "list supervision sessions")
	})
	for i := range list {
		list[i].PeerIDs = []int64{peerID}
	}
	return list, err
}

// Remove deletes a session recorded by mistake, with its attendance. It
// returns ErrNotFound when the organisation has no such session.
func (s *SupervisionStore) Remove(ctx context.Context, tenantID, orgID, id int64) error {
	return s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		res, err := tx.NewDelete().Model((*SupervisionSession)(nil)).
			Where("tenant_id = ? AND organisation_id = ? AND id = ?", tenantID, orgID, id).Exec(ctx)
		if err != nil {
			return translate(err, "remove supervision session")
		}
		return requireRows(res, "remove supervision session")
	})
}

// OverdueSupervision lists the organisation's active peers whose
// supervision is overdue on asOf, most overdue first. A peer's next
// session is due the region's SupervisionIntervalWeeks after the later of
// their last session (held on or before asOf) and the day they last became
// active, so that a peer who has just started or come back from a pause is
// not overdue at once. On the due day itself the peer is not yet overdue.
func (s *SupervisionStore) OverdueSupervision(ctx context.Context, tenantID, orgID int64, asOf Date) ([]OverduePeer, error) {
	var list []OverduePeer
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		weeks, err := supervisionIntervalWeeks(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		list, err = overdueSupervision(ctx, tx, tenantID, orgID, asOf, weeks)
		return err
	})
	return list, err
}

func supervisionIntervalWeeks(ctx context.Context, tx *Tx, tenantID int64) (int, error) {
	settings, err := regionSettings(ctx, tx, tenantID)
	return settings.SupervisionIntervalWeeks, err
}

func overdueSupervision(ctx context.Context, tx *Tx, tenantID, orgID int64, asOf Date, weeks int) ([]OverduePeer, error) {
	var peers []Peer
	if err := tx.NewSelect().Model(&peers).Column("id", "display_name", "status_changed_at").
		Where("tenant_id = ? AND organisation_id = ? AND status = ?", tenantID, orgID, PeerActive).Scan(ctx); err != nil {
		return nil, translate(err, "list active peers")
	}
	if len(peers) == 0 {
		return nil, nil
	}
	var lasts []struct {
		PeerID int64 `bun:"peer_id"`
		HeldOn Date  `bun:"held_on"`
	}
	if err := tx.NewSelect().TableExpr("supervision_attendance AS a").
		Join("JOIN supervision_sessions AS s ON s.tenant_id = a.tenant_id AND s.id = a.session_id").
		ColumnExpr("a.peer_id, MAX(s.held_on) AS held_on").
		Where("a.tenant_id = ? AND a.organisation_id = ? AND s.held_on <= ?", tenantID, orgID, asOf).
		Group("a.peer_id").Scan(ctx, &lasts); err != nil {
		return nil, translate(err, "last supervision sessions")
	}
	last := make(map[int64]Date, len(lasts))
	for _, l := range lasts {
		last[l.PeerID] = l.HeldOn
	}
	var out []OverduePeer
	for _, p := range peers {
		o := OverduePeer{PeerID: p.ID, DisplayName: p.DisplayName, LastSession: last[p.ID], ActiveSince: today(p.StatusChangedAt)}
		from := o.ActiveSince
		if o.LastSession.After(from) {
			from = o.LastSession
		}
		o.DueOn = from.AddDays(7 * weeks)
		if asOf.After(o.DueOn) {
			o.DaysOverdue = asOf.DaysSince(o.DueOn)
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b OverduePeer) int {
		return cmp.Or(cmp.Compare(b.DaysOverdue, a.DaysOverdue), cmp.Compare(a.DisplayName, b.DisplayName), cmp.Compare(a.PeerID, b.PeerID))
	})
	return out, nil
}
