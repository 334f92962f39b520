package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestThreeProcessesBuildAQuarterOnce: three kamrat processes on one
// PostgreSQL database start at once; the last ended quarter's report of a
// region is built by exactly one job, once, and each scope has one report.
func TestThreeProcessesBuildAQuarterOnce(t *testing.T) {
	t.Parallel()
	appURL, ownerURL := tenanttest.URL(t, tenants.Postgres)
	env := []string{"KAMRAT_DATABASE_URL=" + appURL, "KAMRAT_MIGRATION_DATABASE_URL=" + ownerURL, "KAMRAT_ENCRYPTION_KEY=" + testKey}
	if out, errOut, code := runKamrat(t, env, "migrate", "up"); code != 0 {
		t.Fatalf("migrate: %d\n%s\n%s", code, out, errOut)
	}
	if out, errOut, code := runKamrat(t, env, "tenant", "create", "--slug", "skane", "--name", "Region Skåne", "--county", "12"); code != 0 {
		t.Fatalf("tenant create: %d\n%s\n%s", code, out, errOut)
	}
	var procs []*process
	for range 3 {
		procs = append(procs, startServe(t, env))
	}

	ctx := context.Background()
	db := tenanttest.OpenURL(t, appURL)
	region, err := tenants.NewTenantStore(db).BySlug(ctx, "skane")
	if err != nil {
		t.Fatal(err)
	}
	var jobs []struct {
		State   string `bun:"state"`
		Attempt int    `bun:"attempt"`
	}
	deadline := time.Now().Add(90 * time.Second)
	for {
		jobs = jobs[:0]
		if err := db.Bun().NewRaw("SELECT state, attempt FROM river_job WHERE kind = 'report_build' ORDER BY id").Scan(ctx, &jobs); err != nil {
			t.Fatal(err)
		}
		if len(jobs) > 0 && jobs[0].State == "completed" {
			break
		}
		if time.Now().After(deadline) {
			var logs strings.Builder
			for _, p := range procs {
				logs.WriteString(p.Log.String())
			}
			t.Fatalf("no report was built within 90 s (jobs %+v):\n%s", jobs, logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	// Give the other two processes time to do the same work, were they to.
	time.Sleep(3 * time.Second)
	jobs = jobs[:0]
	if err := db.Bun().NewRaw("SELECT state, attempt FROM river_job WHERE kind = 'report_build' ORDER BY id").Scan(ctx, &jobs); err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].State != "completed" || jobs[0].Attempt != 1 {
		t.Errorf("report_build jobs = %+v, want one, completed at the first attempt", jobs)
	}
	var reports []struct {
		Scope   string `bun:"scope"`
		ScopeID int64  `bun:"scope_id"`
		N       int    `bun:"n"`
	}
	if err := db.InTenantReadOnly(ctx, region.ID, func(tx *tenants.Tx) error {
		return tx.NewRaw("SELECT scope, scope_id, COUNT(*) AS n FROM reports WHERE tenant_id = ? GROUP BY scope, scope_id", region.ID).Scan(ctx, &reports)
	}); err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 || reports[0].Scope != "region" || reports[0].N != 1 {
		t.Errorf("reports = %+v, want the region's one report", reports)
	}
	for _, p := range procs {
		if code := p.stop(t); code != 0 {
			t.Errorf("exit %d after SIGTERM", code)
		}
	}
}
