package tenants_test

import (
	"context"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestPurgeNeverReferred: a participant registered but never referred is
// kept while their consent holds, and erased once the retention period
// has passed since they withdrew it or it ran out; the region's other
// participants and another region's are untouched.
func TestPurgeNeverReferred(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newPathwayFixture(t, db)
		withdrawn := f.participant(t, ahmed())
		if _, err := f.refs.WithdrawConsentAtUnit(ctx, f.a.ID, f.clinic.ID, f.nurse, withdrawn.ID); err != nil {
			t.Fatal(err)
		}
		n := ahmed()
		n.Consent.ExpiresOn = tenants.SwedishDay(time.Now()).AddMonths(3)
		expiring := f.participant(t, n)
		holding := f.participant(t, ahmed()) // consent for 12 months
		store := tenants.NewRetentionStore(db)

		purged := func(at time.Time) []int64 {
			t.Helper()
			list, err := store.PurgeRetained(ctx, f.a.ID, at)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, p := range list {
				ids = append(ids, p.ParticipantID)
			}
			return ids
		}
		now := time.Now()
		if ids := purged(now.AddDate(0, 23, 0)); len(ids) != 0 {
			t.Fatalf("purged %v 23 months on, want none (retention 24 months)", ids)
		}
		if ids := purged(now.AddDate(0, 25, 0)); len(ids) != 1 || ids[0] != withdrawn.ID {
			t.Fatalf("purged %v 25 months on, want the withdrawn participant %d", ids, withdrawn.ID)
		}
		if ids := purged(now.AddDate(0, 28, 0)); len(ids) != 1 || ids[0] != expiring.ID {
			t.Fatalf("purged %v 28 months on, want the participant whose consent ran out at 3 months (%d)", ids, expiring.ID)
		}
		if ids := purged(now.AddDate(0, 35, 0)); len(ids) != 0 {
			t.Fatalf("purged %v 35 months on, want none: the last consent ran out at 12 months", ids)
		}
		if ids := purged(now.AddDate(0, 37, 0)); len(ids) != 1 || ids[0] != holding.ID {
			t.Fatalf("purged %v 37 months on, want %d", ids, holding.ID)
		}
		var left int
		f.raw(t, &left, "SELECT count(*) FROM participants")
		if left != 0 {
			t.Errorf("%d participants left", left)
		}
		var audit int
		f.raw(t, &audit, "SELECT count(*) FROM audit_log WHERE action = ?", tenants.AuditParticipantPurge)
		if audit != 3 {
			t.Errorf("%d purge audit entries, want 3", audit)
		}
	})
}
