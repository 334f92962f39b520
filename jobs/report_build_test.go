package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/kamrat/kamrat/jobs"
	"github.com/kamrat/kamrat/jobs/jobstest"
	"github.com/kamrat/kamrat/migrations"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// The clock of the report tests: the second day of Q2 2026, so the last
// ended quarter is Q1.
var (
	reportClock   = time.Date(2026, time.April, 2, 8, 0, 0, 0, time.UTC)
	reportQuarter = tenants.NewDate(2026, time.January, 1)
)

// reportRegion is a region with two organisations and an IOP agreement in
// force: four report scopes.
func reportRegion(t *testing.T, db *tenants.DB) tenants.Tenant {
	t.Helper()
	ctx := context.Background()
	region := tenanttest.Tenant(t, db)
	var orgs []int64
	if err := db.InTenant(ctx, region.ID, func(tx *tenants.Tx) error {
		for _, name := range []string{"Positiva gruppen Syd", "NSPH Skåne"} {
			o := tenants.Organisation{TenantID: region.ID, Name: name, Kind: tenants.OrgPatient, Focus: []tenants.TargetGroup{}, Active: true, CreatedAt: time.Now()}
			if _, err := tx.NewInsert().Model(&o).Returning("id").Exec(ctx); err != nil {
				return err
			}
			orgs = append(orgs, o.ID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	agreements := tenants.NewAgreementStore(db)
	a, err := agreements.Create(ctx, region.ID, 0, tenants.Agreement{
		Title: "IOP hivstöd", Committee: "Hälso- och sjukvårdsnämnden", Purpose: "Stöd",
		StartsOn: tenants.NewDate(2025, time.January, 1), EndsOn: tenants.NewDate(2027, time.December, 31),
		ReportingCadence: tenants.ReportQuarterly, Parties: orgs[:1],
		Positions: []tenants.BudgetedPosition{{Count: 2, FTEPercent: 50}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := agreements.SetStatus(ctx, region.ID, 0, a.ID, tenants.AgreementActive); err != nil {
		t.Fatal(err)
	}
	return region
}

// reportClient starts a working client on db whose clock is reportClock.
func reportClient(t *testing.T, ctx context.Context, db *tenants.DB) (*jobs.Client, *jobEvents) {
	t.Helper()
	client, err := jobs.NewClient(db, jobs.Deps{
		DB: db, Heartbeats: tenants.NewHeartbeatStore(db), Now: func() time.Time { return reportClock },
	}, jobs.Config{Work: true, PollInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	events, unsubscribe := client.Subscribe()
	t.Cleanup(unsubscribe)
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jobstest.Stop(t, client) })
	return client, &jobEvents{ch: events}
}

// jobEvents are a client's job events, read by waitForJobs. River reports
// finished jobs in batches, in no particular order within a batch: the
// builds a report_schedule job enqueued may well be reported before the
// schedule job itself. So an event of another kind than the one waited for
// is kept for a later wait, never dropped.
type jobEvents struct {
	ch   <-chan *river.Event
	kept []*river.Event
}

// waitForJobs waits until n jobs of kind have ended in the wanted event.
func waitForJobs(t *testing.T, ctx context.Context, events *jobEvents, kind string, want river.EventKind, n int) []*river.Event {
	t.Helper()
	var got []*river.Event
	take := func(ev *river.Event) bool {
		if ev.Job.Kind != kind || len(got) == n {
			return false
		}
		if ev.Kind != want {
			t.Fatalf("%s job %d: %s, want %s; errors %+v", kind, ev.Job.ID, ev.Kind, want, ev.Job.Errors)
		}
		got = append(got, ev)
		return true
	}
	var others []*river.Event
	for _, ev := range events.kept {
		if !take(ev) {
			others = append(others, ev)
		}
	}
	events.kept = others
	for len(got) < n {
		select {
		case ev := <-events.ch:
			if !take(ev) {
				events.kept = append(events.kept, ev)
			}
		case <-ctx.Done():
			t.Fatalf("%d of %d %s jobs ended in %s: %v", len(got), n, kind, want, ctx.Err())
		}
	}
	return got
}

// settle lets the client work for d, keeping the events that come.
func (e *jobEvents) settle(d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case ev := <-e.ch:
			e.kept = append(e.kept, ev)
		case <-timer.C:
			return
		}
	}
}

func countRows(t *testing.T, ctx context.Context, db *tenants.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Bun().NewRaw(query, args...).Scan(ctx, &n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// reportRows counts a region's reports per scope and the quarter's build
// time.
func reportRows(t *testing.T, ctx context.Context, db *tenants.DB, regionID int64) (perScope map[string]int, builtAt time.Time) {
	t.Helper()
	perScope = map[string]int{}
	reports := tenants.NewReportStore(db)
	quarters, err := reports.Quarters(ctx, regionID)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range quarters {
		if q.PeriodStart != reportQuarter {
			t.Errorf("region %d has a report quarter %s, want only %s", regionID, q.PeriodStart, reportQuarter)
			continue
		}
		if q.BuiltAt != nil {
			builtAt = *q.BuiltAt
		}
		for _, r := range q.Reports {
			perScope[string(r.Scope)+"/"+r.ScopeName]++
		}
	}
	return perScope, builtAt
}

// TestReportScheduleOncePerRegion: with the clock in Q2, the schedule
// (run on start, then twice more by hand) enqueues exactly one Q1 build per
// region; each builds the region's four scopes once.
func TestReportScheduleOncePerRegion(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		regions := []tenants.Tenant{reportRegion(t, db), reportRegion(t, db)}
		client, events := reportClient(t, ctx, db)

		waitForJobs(t, ctx, events, "report_schedule", river.EventKindJobCompleted, 1)
		waitForJobs(t, ctx, events, tenants.ReportBuildKind, river.EventKindJobCompleted, len(regions))
		for range 2 {
			if err := db.InTenant(ctx, regions[0].ID, func(tx *tenants.Tx) error {
				_, err := client.InsertTx(ctx, tx, jobs.ReportScheduleArgs{}, nil)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			waitForJobs(t, ctx, events, "report_schedule", river.EventKindJobCompleted, 1)
		}
		// A duplicate of a completed build is not inserted at all.
		var skipped bool
		if err := db.InTenant(ctx, regions[0].ID, func(tx *tenants.Tx) error {
			res, err := client.InsertTx(ctx, tx, jobs.ReportBuildArgs{TenantID: regions[0].ID, PeriodStart: reportQuarter.String()}, nil)
			skipped = err == nil && res.UniqueSkippedAsDuplicate
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if !skipped {
			t.Error("a second build of the same quarter was inserted")
		}
		events.settle(500 * time.Millisecond)

		if n := countRows(t, ctx, db, "SELECT count(*) FROM river_job WHERE kind = ?", tenants.ReportBuildKind); n != len(regions) {
			t.Errorf("%d report_build jobs, want one per region (%d)", n, len(regions))
		}
		for _, region := range regions {
			perScope, builtAt := reportRows(t, ctx, db, region.ID)
			if len(perScope) != 4 {
				t.Errorf("region %d: reports %v, want region, two organisations and the agreement", region.ID, perScope)
			}
			for scope, n := range perScope {
				if n != 1 {
					t.Errorf("region %d: %d reports of %s", region.ID, n, scope)
				}
			}
			if !builtAt.Equal(reportClock) {
				t.Errorf("region %d built at %v, want the injected clock %v", region.ID, builtAt, reportClock)
			}
		}
	})
}

// TestReportBuildRunTwice: when River runs a quarter's build again (its
// completed job pruned, or a crash before River recorded the completion),
// the second run builds nothing; a rebuild of an approved quarter is
// cancelled, with its reason kept on the job.
func TestReportBuildRunTwice(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		region := reportRegion(t, db)
		client, events := reportClient(t, ctx, db)
		waitForJobs(t, ctx, events, tenants.ReportBuildKind, river.EventKindJobCompleted, 1)
		_, firstBuilt := reportRows(t, ctx, db, region.ID)

		// Forget the completed job, as River's cleaner does, and run it again.
		if _, err := db.Bun().NewRaw("DELETE FROM river_job WHERE kind = ?", tenants.ReportBuildKind).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		insert := func(args jobs.ReportBuildArgs) {
			t.Helper()
			if err := db.InTenant(ctx, region.ID, func(tx *tenants.Tx) error {
				_, err := client.InsertTx(ctx, tx, args, nil)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		insert(jobs.ReportBuildArgs{TenantID: region.ID, PeriodStart: reportQuarter.String()})
		waitForJobs(t, ctx, events, tenants.ReportBuildKind, river.EventKindJobCompleted, 1)
		perScope, builtAt := reportRows(t, ctx, db, region.ID)
		if !builtAt.Equal(firstBuilt) || len(perScope) != 4 {
			t.Fatalf("after a second run: built at %v (first %v), reports %v", builtAt, firstBuilt, perScope)
		}

		if err := tenants.NewReportStore(db).Approve(ctx, region.ID, 0, reportQuarter, reportClock); err != nil {
			t.Fatal(err)
		}
		insert(jobs.ReportBuildArgs{TenantID: region.ID, PeriodStart: reportQuarter.String(), Rebuild: true})
		waitForJobs(t, ctx, events, tenants.ReportBuildKind, river.EventKindJobCancelled, 1)
		builds, err := tenants.NewReportStore(db).ReportBuilds(ctx, region.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(builds) == 0 || !builds[0].Failed() || builds[0].PeriodStart != reportQuarter || builds[0].LastError == "" {
			t.Fatalf("report builds %+v, want the cancelled rebuild first with its reason", builds)
		}
	})
}

// TestReportBuildFailureRetried: a build that fails is left for River to
// retry, and the reports page can see it failing.
func TestReportBuildFailureRetried(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		region := tenanttest.Tenant(t, db)
		client, events := reportClient(t, ctx, db)
		waitForJobs(t, ctx, events, tenants.ReportBuildKind, river.EventKindJobCompleted, 1)
		// A region that does not exist: storing its quarter fails on the
		// foreign key every time.
		missing := region.ID + 1000
		if err := db.InTenant(ctx, region.ID, func(tx *tenants.Tx) error {
			_, err := client.InsertTx(ctx, tx, jobs.ReportBuildArgs{TenantID: missing, PeriodStart: reportQuarter.String()}, nil)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		waitForJobs(t, ctx, events, tenants.ReportBuildKind, river.EventKindJobFailed, 1)
		builds, err := tenants.NewReportStore(db).ReportBuilds(ctx, missing)
		if err != nil {
			t.Fatal(err)
		}
		// Retryable, or available again once its short first backoff is over.
		if len(builds) != 1 || !builds[0].Pending() || builds[0].Attempt < 1 || builds[0].LastError == "" ||
			builds[0].MaxAttempts != jobs.ReportBuildMaxAttempts {
			t.Fatalf("failed build %+v, want it waiting for another attempt, with its error", builds)
		}
	})
}

// TestReportBuildThreeProcesses: three worker processes on one PostgreSQL
// database, each inserting the same quarter's build while the schedule
// runs on their leader, build each scope's report exactly once.
func TestReportBuildThreeProcesses(t *testing.T) {
	appURL, ownerURL := tenanttest.URL(t, tenants.Postgres)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	open := func(url string) *tenants.DB {
		db, err := tenants.Open(ctx, tenants.Location{Dialect: tenants.Postgres, URL: url}, tenants.OpenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	if _, err := migrations.Up(ctx, open(ownerURL), nil); err != nil {
		t.Fatal(err)
	}
	first := open(appURL)
	region := reportRegion(t, first)

	var (
		wg      sync.WaitGroup
		clients []*jobs.Client
		streams []*jobEvents
	)
	for range 3 {
		db := open(appURL)
		c, events := reportClient(t, ctx, db)
		clients, streams = append(clients, c), append(streams, events)
		wg.Go(func() {
			if err := db.InTenant(ctx, region.ID, func(tx *tenants.Tx) error {
				_, err := c.InsertTx(ctx, tx, jobs.ReportBuildArgs{TenantID: region.ID, PeriodStart: reportQuarter.String()}, nil)
				return err
			}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()

	// Whichever process worked it, the build completes once.
	merged := make(chan *river.Event, 64)
	for _, s := range streams {
		go func() {
			for ev := range s.ch {
				merged <- ev
			}
		}()
	}
	all := &jobEvents{ch: merged}
	waitForJobs(t, ctx, all, tenants.ReportBuildKind, river.EventKindJobCompleted, 1)
	all.settle(time.Second)

	if n := countRows(t, ctx, first, "SELECT count(*) FROM river_job WHERE kind = ?", tenants.ReportBuildKind); n != 1 {
		t.Errorf("%d report_build jobs, want 1", n)
	}
	perScope, builtAt := reportRows(t, ctx, first, region.ID)
	if len(perScope) != 4 || !builtAt.Equal(reportClock) {
		t.Errorf("reports %v built at %v, want four scopes built at %v", perScope, builtAt, reportClock)
	}
	for scope, n := range perScope {
		if n != 1 {
			t.Errorf("%d reports of %s, want 1", n, scope)
		}
	}
}
