package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/seed"
)

// seedDashboardBench seeds the benchmark's region with exactly meetings
// meetings through tenants/seed, whose package comment describes the
// data, and builds its dashboard counts. The region's structure is the
// same at every size — 24 clinics, 8 organisations of 25 peers each — so
// that only the pathway grows: about one referral per 8.5 meetings, over
// twelve quarters up to today. owner is the schema owner's handle (the
// application's on SQLite), which lets PostgreSQL analyse the tables as
// they fill (see seed.CanAnalyze).
func seedDashboardBench(b *testing.B, owner *tenants.DB, meetings int) seed.Result {
	b.Helper()
	res, err := seed.Seed(context.Background(), owner, seed.Region{
		Slug: fmt.Sprintf("bench-%d", meetings), Name: fmt.Sprintf("Region Bench %d", meetings), CountyCode: "12",
		Participants: max(100, meetings*2/17), Meetings: meetings, Quarters: tenants.MaxDashboardQuarters,
		Organisations: 8, PeersPerOrganisation: 25,
	}, seed.Options{Progress: func(p seed.Progress) {
		if p.Took > time.Second {
			b.Logf("  %s: %d rows in %s", p.Step, p.Rows, p.Took.Round(time.Millisecond))
		}
	}})
	if err != nil {
		b.Fatalf("seed: %v", err)
	}
	return res
}

// benchSummary counts the rows seeded, for the log.
func benchSummary(ctx context.Context, b *testing.B, db *tenants.DB, tenantID int64) string {
	var parts []string
	err := db.InTenantReadOnly(ctx, tenantID, func(tx *tenants.Tx) error {
		for _, table := range []string{"referrals", "referral_events", "matches", "meetings", "follow_ups", "follow_up_scores",
			"peers", "supervision_attendance", "offer_tallies", "dashboard_counts", "referral_milestones"} {
			var n int
			if err := tx.NewRaw("SELECT count(*) FROM "+table+" WHERE tenant_id = ?", tenantID).Scan(ctx, &n); err != nil {
				return err
			}
			parts = append(parts, fmt.Sprintf("%s %d", table, n))
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return strings.Join(parts, ", ")
}

// referredIn counts the referrals sent in the filter's period, from the
// rows (sent between 08:00 and 12:00 UTC, so on the same day in Sweden).
func referredIn(ctx context.Context, b *testing.B, db *tenants.DB, tenantID int64, f tenants.DashboardFilter) int {
	var n int
	err := db.InTenantReadOnly(ctx, tenantID, func(tx *tenants.Tx) error {
		from := f.From.Time()
		to := tenants.QuarterEnd(f.To).AddDays(1).Time()
		return tx.NewRaw("SELECT count(*) FROM referrals WHERE tenant_id = ? AND created_at >= ? AND created_at < ?",
			tenantID, from.UTC(), to.UTC()).Scan(ctx, &n)
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}
