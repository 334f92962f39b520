package tenants

import (
	"context"
)

// Horizons of the coordinator's overview, in days from its day.
const (
	OverviewCertificationDays = 60
	OverviewPlacementDays     = 30
)

// StatusCount is how many peers have one status.
type StatusCount struct {
	Status PeerStatus
	Count  int
}

// CoordinatorOverview is what an organisation's coordinator needs to see
// first: who they have, whether there is room for new participants, and
// what needs doing soon.
type CoordinatorOverview struct {
	OrganisationID int64
	AsOf           Date
	// PeersByStatus has every status, in lifecycle order, zeros included.
	PeersByStatus []StatusCount
	// ActiveCapacity is the sum of the active peers' capacity;
	// CurrentMatches the participants they support now; FreeCapacity the
	// room left, counted per peer (a peer over capacity adds nothing).
	ActiveCapacity int
	CurrentMatches int
	FreeCapacity   int
	// SupervisionIntervalWeeks is the region's setting the overdue list
	// was computed with.
	SupervisionIntervalWeeks int
	SupervisionOverdue       []OverduePeer
	// CertificationsExpiring are those that expire within
	// OverviewCertificationDays of AsOf, or have expired.
	CertificationsExpiring []ExpiringCertification
	// PlacementsEnding are those whose last day is within
	// OverviewPlacementDays of AsOf.
	PlacementsEnding []EndingPlacement
}

// Overview returns the organisation's coordinator overview on asOf,
// read in one transaction. It returns ErrNotFound for an organisation not
// in the region.
func (s *PeerStore) Overview(ctx context.Context, tenantID, orgID int64, asOf Date) (CoordinatorOverview, error) {
	o := CoordinatorOverview{OrganisationID: orgID, AsOf: asOf}
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		if err := rowExists(ctx, tx, (*Organisation)(nil), tenantID, orgID, "organisation"); err != nil {
			return err
		}
		var peers []Peer
		if err := tx.NewSelect().Model(&peers).Column("id", "status", "capacity").
			Where("tenant_id = ? AND organisation_id = ?", tenantID, orgID).Scan(ctx); err != nil {
			return translate(err, "list peers")
		}
		matches, err := runningMatches(ctx, tx, tenantID, orgID)
		if err != nil {
			return err
		}
		counts := map[PeerStatus]int{}
		for _, p := range peers {
			counts[p.Status]++
			if p.Status == PeerActive {
				o.ActiveCapacity += p.Capacity
				o.CurrentMatches += matches[p.ID]
				o.FreeCapacity += max(0, p.Capacity-matches[p.ID])
			}
		}
		for _, st := range PeerStatuses {
			o.PeersByStatus = append(o.PeersByStatus, StatusCount{Status: st, Count: counts[st]})
		}
		if o.SupervisionIntervalWeeks, err = supervisionIntervalWeeks(ctx, tx, tenantID); err != nil {
			return err
		}
		if o.SupervisionOverdue, err = overdueSupervision(ctx, tx, tenantID, orgID, asOf, o.SupervisionIntervalWeeks); err != nil {
			return err
		}
		if o.CertificationsExpiring, err = expiringCertifications(ctx, tx, tenantID, orgID, asOf.AddDays(OverviewCertificationDays+1)); err != nil {
			return err
		}
		o.PlacementsEnding, err = placementsEnding(ctx, tx, tenantID, orgID, asOf, asOf.AddDays(OverviewPlacementDays))
		return err
	})
	return o, err
}
