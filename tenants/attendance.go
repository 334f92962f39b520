package tenants

import (
	"context"

	"github.com/uptrace/bun"
)

// attendance is a table of which of an organisation's peers attended one of
// its events — a gathering or a supervision session. Every such table has
// the columns tenant_id, organisation_id and peer_id besides the event's id
// column, and the database refuses a peer of another organisation.
type attendance struct {
	table       string
	eventColumn string
	what        string
}

var (
	gatheringAttendance   = attendance{table: "peer_gathering_attendance", eventColumn: "gathering_id", what: "gathering attendance"}
	supervisionAttendance = attendance{table: "supervision_attendance", eventColumn: "session_id", what: "supervision attendance"}
)

// checkAttendees adds validation.scope_peer (field "peers") to verr, the
// result of the event's validate, unless every attendee is a peer of the
// organisation, and returns the whole *ValidationError, or nil.
func checkAttendees(ctx context.Context, tx *Tx, tenantID, orgID int64, peerIDs []int64, verr error) error {
	v := collectValidation(verr)
	if err := checkPeersInOrganisation(ctx, tx, tenantID, orgID, peerIDs, "peers", v); err != nil {
		return err
	}
	return v.err()
}

// fill sets the attendees, in peer id order, of n events with one query;
// event(i) returns the i-th event's id and where its attendees go.
func (a attendance) fill(ctx context.Context, tx *Tx, tenantID int64, n int, event func(i int) (id int64, peers *[]int64)) error {
	if n == 0 {
		return nil
	}
	byID := make(map[int64]*[]int64, n)
	ids := make([]int64, n)
	for i := range n {
		id, peers := event(i)
		byID[id], ids[i] = peers, id
		*peers = []int64{}
	}
	var rows []struct {
		EventID int64 `bun:"event_id"`
		PeerID  int64 `bun:"peer_id"`
	}
	if err := tx.NewSelect().Table(a.table).ColumnExpr("? AS event_id, peer_id", bun.Ident(a.eventColumn)).
		Where("tenant_id = ? AND ? IN (?)", tenantID, bun.Ident(a.eventColumn), bun.In(ids)).
		OrderExpr("?, peer_id", bun.Ident(a.eventColumn)).Scan(ctx, &rows); err != nil {
		return translate(err, a.what)
	}
	for _, r := range rows {
		peers := byID[r.EventID]
		*peers = append(*peers, r.PeerID)
	}
	return nil
}

// record writes that the peers attended the event.
func (a attendance) record(ctx context.Context, tx *Tx, tenantID, orgID, eventID int64, peerIDs []int64) error {
	if len(peerIDs) == 0 {
		return nil
	}
	rows := make([][]int64, len(peerIDs))
	for i, id := range peerIDs {
		rows[i] = []int64{tenantID, eventID, orgID, id}
	}
	_, err := tx.NewRaw("INSERT INTO ? (tenant_id, ?, organisation_id, peer_id) VALUES ?",
		bun.Ident(a.table), bun.Ident(a.eventColumn), bun.In(rows)).Exec(ctx)
	return translate(err, "record "+a.what)
}

// clear removes the event's attendance.
func (a attendance) clear(ctx context.Context, tx *Tx, tenantID, eventID int64) error {
	_, err := tx.NewDelete().Table(a.table).
		Where("tenant_id = ? AND ? = ?", tenantID, bun.Ident(a.eventColumn), eventID).Exec(ctx)
	return translate(err, "clear "+a.what)
}

// attendedBy restricts q, a query of the events, to those the peer
// attended.
func (a attendance) attendedBy(q *bun.SelectQuery, tenantID, peerID int64) *bun.SelectQuery {
	return q.Where("id IN (SELECT ? FROM ? WHERE tenant_id = ? AND peer_id = ?)",
		bun.Ident(a.eventColumn), bun.Ident(a.table), tenantID, peerID)
}
