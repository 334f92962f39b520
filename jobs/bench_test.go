package jobs_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"github.com/kamrat/kamrat/jobs"
	"github.com/kamrat/kamrat/jobs/jobstest"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
	"github.com/kamrat/kamrat/ui"
)

// BenchmarkJobThroughput compares the throughput of Kamrat's reminder jobs
// with that of River's own no-op jobs, on the same database with the same
// client configuration, on SQLite and (when KAMRAT_TEST_DATABASE_URL is
// set) PostgreSQL. Three rounds of each kind per worker count, about a
// minute per database:
//
//	go test ./jobs -run '^$' -bench BenchmarkJobThroughput -benchtime=3x
//	KAMRAT_TEST_DATABASE_URL='postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable' \
//	    go test ./jobs -run '^$' -bench BenchmarkJobThroughput -benchtime=3x
//
// Each iteration (-benchtime=Nx gives N) is one round of each kind, in
// alternating order, so that both see the same load on a shared machine:
//
//   - noop: benchJobs (500) jobs whose worker returns nil;
//   - reminder: benchJobs reminder_follow_up_due jobs (FollowUpDueArgs),
//     the reminder the scan enqueues most: one for every follow-up of
//     every running match (three per referral), where a late referral,
//     an overdue follow-up or an expiring certification is the
//     exception. Each runs as the real worker does, in one transaction
//     of the region: it loads the region, re-checks the follow-up with
//     its match and peer, adds the peer supporter's notification and
//     queues the e-mail that tells of it (an email_outbox row and an
//     email_send job). The region is newBenchRegion's, with the jobs in
//     the order the scan finds their follow-ups.
//
// A round inserts its jobs with one InsertMany before the client starts,
// and is timed from Client.Start until River has reported the last of them
// completed. The client is jobs.NewClient with Work, one queue and
// River's default fetch settings, and MaxWorkers of:
//
//	workers=10   Kamrat's default (kamrat serve --max-workers). River
//	             fetches at most once per FetchCooldown (100 ms) while
//	             jobs keep coming, so no kind of job exceeds about
//	             10 × workers jobs/s: the no-op's figure is that ceiling.
//	workers=100  a ceiling well above what the reminders reach, so that
//	             their own cost shows.
//
// The client works as a follower: a leadership row that a stand-in holds
// keeps it from running the periodic schedule and River's maintenance, as
// every worker process but the leader does, so that no round also works a
// reminder scan (which would enqueue the same reminders), the report
// schedule or retention.
//
// A round counts only when the database shows every one of its jobs
// completed, and for reminders every follow-up's notification in its peer
// supporter's inbox and every e-mail queued; the e-mail jobs are then
// worked (by a mailer that accepts everything) before the client stops,
// outside the timing, and checked sent. Between rounds the rows a round
// made (jobs, notifications, e-mail) are deleted, so that every round does
// the same work.
//
// It reports noop-jobs/s, reminder-jobs/s and their ratio (reminder/noop)
// over all rounds, and logs each round.
func BenchmarkJobThroughput(b *testing.B) {
	for _, d := range []tenants.Dialect{tenants.SQLite, tenants.Postgres} {
		b.Run(string(d), func(b *testing.B) { benchJobThroughput(b, d) })
	}
}

// benchJobs is the number of jobs in one round of each kind.
const benchJobs = 500

// benchWorkers are the clients' worker counts (see BenchmarkJobThroughput).
var benchWorkers = []int{10, 100}

// benchNoopArgs is the no-op job: its worker does nothing.
type benchNoopArgs struct {
	Seq int `json:"seq"`
}

func (benchNoopArgs) Kind() string { return "bench_noop" }

type benchNoopWorker struct {
	river.WorkerDefaults[benchNoopArgs]
}

func (*benchNoopWorker) Work(context.Context, *river.Job[benchNoopArgs]) error { return nil }

// benchMailer accepts every message.
type benchMailer struct{ sent atomic.Int64 }

func (m *benchMailer) Send(context.Context, string, string, string, string) error {
	m.sent.Add(1)
	return nil
}

// benchEnv is one database's benchmark: the region, the workers' Deps,
// and an insert-only River client for InsertMany.
type benchEnv struct {
	db         *tenants.DB
	region     *benchRegion
	deps       jobs.Deps
	mailer     *benchMailer
	insertMany func(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
}

func benchJobThroughput(b *testing.B, d tenants.Dialect) {
	if d == tenants.Postgres && os.Getenv(tenanttest.EnvDatabaseURL) == "" {
		b.Skipf("PostgreSQL not configured: set %s to a superuser URL to run this benchmark on it", tenanttest.EnvDatabaseURL)
	}
	ctx := context.Background()
	db, owner := tenanttest.OpenWithOwner(b, d)
	region := tenanttest.Tenant(b, db)
	start := time.Now()
	env := &benchEnv{db: db, region: newBenchRegion(b, ctx, db, region, benchJobs), mailer: &benchMailer{}}
	setUp := time.Since(start)
	var vacuumed time.Duration
	if d == tenants.Postgres {
		// What autovacuum would have done by the time a region has this
		// much (the test server runs without it). Without statistics the
		// planner nests the follow-up check's left joins over every
		// running match, and one reminder takes half a second.
		start = time.Now()
		if _, err := owner.Bun().ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
			b.Fatalf("vacuum: %v", err)
		}
		vacuumed = time.Since(start)
	}
	b.Logf("%s: region set up in %s, vacuumed (PostgreSQL) in %s", d, setUp.Round(time.Millisecond), vacuumed.Round(time.Millisecond))

	tr, err := ui.NewTranslator()
	if err != nil {
		b.Fatal(err)
	}
	// Seven months on, all three follow-ups of every match are due.
	now := time.Now().AddDate(0, 7, 0)
	env.deps = jobs.Deps{
		DB: db, Sealer: env.region.sealer, PublicURL: "https://kamrat.example", Now: func() time.Time { return now },
		Heartbeats: tenants.NewHeartbeatStore(db), Outbox: tenants.NewEmailOutbox(db), Mailer: env.mailer,
		Notifications: tenants.NewNotificationStore(db), Notices: ui.NewNotificationMailer(tr),
	}
	switch d {
	case tenants.SQLite:
		rc, err := river.NewClient(riversqlite.New(db.Bun().DB), &river.Config{})
		if err != nil {
			b.Fatal(err)
		}
		env.insertMany = rc.InsertMany
	case tenants.Postgres:
		rc, err := river.NewClient(riverpgxv5.New(db.PgxPool()), &river.Config{})
		if err != nil {
			b.Fatal(err)
		}
		env.insertMany = rc.InsertMany
	}
	env.holdLeadership(b, ctx)
	for _, workers := range benchWorkers {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) { env.measure(b, ctx, workers) })
	}
}

// measure runs b.Loop's rounds with workers and reports the rates.
func (e *benchEnv) measure(b *testing.B, ctx context.Context, workers int) {
	var noop, reminder time.Duration
	rounds := 0
	for b.Loop() {
		order := []string{"noop", "reminder"}
		if rounds%2 == 1 {
			slices.Reverse(order)
		}
		for _, kind := range order {
			took := e.round(b, ctx, kind, workers)
			if kind == "noop" {
				noop += took
			} else {
				reminder += took
			}
			b.Logf("round %d %-8s %5d jobs in %7s: %6.1f jobs/s", rounds+1, kind, benchJobs,
				took.Round(time.Millisecond), float64(benchJobs)/took.Seconds())
		}
		rounds++
	}
	noopRate := float64(rounds*benchJobs) / noop.Seconds()
	reminderRate := float64(rounds*benchJobs) / reminder.Seconds()
	b.ReportMetric(noopRate, "noop-jobs/s")
	b.ReportMetric(reminderRate, "reminder-jobs/s")
	b.ReportMetric(reminderRate/noopRate, "ratio")
}

// holdLeadership puts a leader that never runs into River's leadership
// table, so that the benchmark's clients stay followers.
func (e *benchEnv) holdLeadership(b *testing.B, ctx context.Context) {
	query := `INSERT INTO river_leader (leader_id, elected_at, expires_at)
		VALUES ('kamrat-benchmark', datetime('now', 'subsec'), datetime('now', 'subsec', '+1 day'))`
	if e.db.Dialect() == tenants.Postgres {
		query = `INSERT INTO river_leader (leader_id, elected_at, expires_at)
			VALUES ('kamrat-benchmark', now(), now() + interval '1 day')`
	}
	if _, err := e.db.Bun().ExecContext(ctx, query); err != nil {
		b.Fatalf("hold River's leadership: %v", err)
	}
}

// round inserts benchJobs jobs of the kind ("noop" or "reminder"), starts
// a client, and returns the time from its start until River reported
// every job completed; it fails the benchmark unless the database agrees.
func (e *benchEnv) round(b *testing.B, ctx context.Context, kind string, workers int) time.Duration {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	e.wantIdleQueue(b, ctx)

	params := make([]river.InsertManyParams, benchJobs)
	jobKind := benchNoopArgs{}.Kind()
	for i := range params {
		if kind == "noop" {
			params[i].Args = benchNoopArgs{Seq: i}
		} else {
			params[i].Args = jobs.FollowUpDueArgs{TenantID: e.region.region.ID, FollowUpID: e.region.followUpIDs[i]}
			jobKind = jobs.FollowUpDueArgs{}.Kind()
		}
	}
	res, err := e.insertMany(ctx, params)
	if err != nil {
		b.Fatalf("insert %s jobs: %v", kind, err)
	}
	for _, r := range res {
		if r.UniqueSkippedAsDuplicate {
			b.Fatalf("%s job %d was skipped as a duplicate", kind, r.Job.ID)
		}
	}

	client, err := jobs.NewClient(e.db, e.deps, jobs.Config{
		Work: true, MaxWorkers: workers,
		Register: func(w *river.Workers) { river.AddWorker(w, &benchNoopWorker{}) },
	})
	if err != nil {
		b.Fatal(err)
	}
	events, unsubscribe := client.Subscribe()
	defer unsubscribe()
	stopped := false
	defer func() {
		if !stopped {
			jobstest.Stop(b, client)
		}
	}()

	mailed := e.mailer.sent.Load()
	started := time.Now()
	if err := client.Start(ctx); err != nil {
		b.Fatal(err)
	}
	completed := 0
	check := time.NewTicker(time.Second)
	defer check.Stop()
	for completed < benchJobs {
		select {
		case ev := <-events:
			if ev.Job.Kind != jobKind {
				continue
			}
			if ev.Kind != river.EventKindJobCompleted {
				b.Fatalf("%s job %d: %s: %v", kind, ev.Job.ID, ev.Kind, ev.Job.Errors)
			}
			completed++
		case <-check.C:
			// River drops events a slow subscriber misses; the database
			// has the last word on failures and on completion.
			states := e.jobStates(b, ctx, jobKind)
			for state, n := range states {
				if state != "completed" && state != "available" && state != "running" {
					b.Fatalf("%d %s jobs %s", n, kind, state)
				}
			}
			if states["completed"] == benchJobs && completed < benchJobs {
				b.Logf("%s round: %d completion events missed; timed by the database", kind, benchJobs-completed)
				completed = benchJobs
			}
		case <-ctx.Done():
			b.Fatalf("%s round: %d of %d jobs completed: %v", kind, completed, benchJobs, ctx.Err())
		}
	}
	took := time.Since(started)

	if kind == "reminder" {
		e.wantEmailsSent(b, ctx)
	}
	jobstest.Stop(b, client)
	stopped = true
	// Nothing but the round's jobs (and the reminders' e-mail) ran: no
	// periodic job, no reminder the scan would have enqueued.
	want := map[string]int{jobKind + " completed": benchJobs}
	if kind == "reminder" {
		want[jobs.EmailSendArgs{}.Kind()+" completed"] = benchJobs
	}
	if got := e.allJobs(b, ctx); !maps.Equal(got, want) {
		b.Fatalf("after the %s round river_job holds %v, want %v", kind, got, want)
	}
	if kind == "reminder" {
		e.wantNotified(b, ctx)
		if n := e.mailer.sent.Load() - mailed; n != benchJobs {
			b.Fatalf("the mailer got %d e-mails, want %d", n, benchJobs)
		}
	}
	e.reset(b, ctx)
	return took
}

// jobStates counts the jobs of kind by state.
func (e *benchEnv) jobStates(b *testing.B, ctx context.Context, kind string) map[string]int {
	var rows []struct {
		State string `bun:"state"`
		N     int    `bun:"n"`
	}
	query := `SELECT state, count(*) AS n FROM river_job WHERE kind = ? GROUP BY state`
	if e.db.Dialect() == tenants.Postgres {
		query = `SELECT state::text AS state, count(*) AS n FROM river_job WHERE kind = ? GROUP BY state`
	}
	if err := e.db.Bun().NewRaw(query, kind).Scan(ctx, &rows); err != nil {
		b.Fatalf("count %s jobs: %v", kind, err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.State] = r.N
	}
	return out
}

// allJobs counts every job in river_job by kind and state ("kind state").
func (e *benchEnv) allJobs(b *testing.B, ctx context.Context) map[string]int {
	var rows []struct {
		Kind  string `bun:"kind"`
		State string `bun:"state"`
		N     int    `bun:"n"`
	}
	query := `SELECT kind, state, count(*) AS n FROM river_job GROUP BY kind, state`
	if e.db.Dialect() == tenants.Postgres {
		query = `SELECT kind, state::text AS state, count(*) AS n FROM river_job GROUP BY kind, state`
	}
	if err := e.db.Bun().NewRaw(query).Scan(ctx, &rows); err != nil {
		b.Fatalf("count jobs: %v", err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Kind+" "+r.State] = r.N
	}
	return out
}

// wantIdleQueue fails unless no job waits or runs: a round works its own
// jobs only.
func (e *benchEnv) wantIdleQueue(b *testing.B, ctx context.Context) {
	n, err := e.db.Bun().NewSelect().Table("river_job").Count(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if n != 0 {
		b.Fatalf("%d jobs in river_job before a round, want none", n)
	}
}

// wantEmailsSent waits until the reminders' e-mail jobs are completed.
func (e *benchEnv) wantEmailsSent(b *testing.B, ctx context.Context) {
	kind := jobs.EmailSendArgs{}.Kind()
	for {
		states := e.jobStates(b, ctx, kind)
		if states["completed"] == benchJobs {
			return
		}
		for state, n := range states {
			if state != "completed" && state != "available" && state != "running" {
				b.Fatalf("%d e-mail jobs %s", n, state)
			}
		}
		select {
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
			b.Fatalf("e-mail jobs %v, want %d completed: %v", states, benchJobs, ctx.Err())
		}
	}
}

// wantNotified checks that each follow-up's peer supporter has exactly its
// reminder, and nobody anything else, and that every e-mail went out.
func (e *benchEnv) wantNotified(b *testing.B, ctx context.Context) {
	var notes []struct {
		UserID    int64  `bun:"user_id"`
		Kind      string `bun:"kind"`
		DedupeKey string `bun:"dedupe_key"`
	}
	var sent, unsent int64
	if err := e.db.InTenantReadOnly(ctx, e.region.region.ID, func(tx *tenants.Tx) error {
		if err := tx.NewSelect().Table("notifications").Column("user_id", "kind", "dedupe_key").
			Where("tenant_id = ?", tx.TenantID()).Scan(ctx, &notes); err != nil {
			return err
		}
		var err error
		if sent, err = tx.NewSelect().Table("email_outbox").Where("tenant_id = ? AND sent_at IS NOT NULL", tx.TenantID()).Count(ctx); err != nil {
			return err
		}
		unsent, err = tx.NewSelect().Table("email_outbox").Where("tenant_id = ? AND sent_at IS NULL", tx.TenantID()).Count(ctx)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	if len(notes) != benchJobs || sent != benchJobs || unsent != 0 {
		b.Fatalf("after the reminder round: %d notifications, %d e-mails sent and %d unsent; want %d, %d and 0",
			len(notes), sent, unsent, benchJobs, benchJobs)
	}
	seen := map[int64]bool{}
	for _, n := range notes {
		key, ok := strings.CutPrefix(n.DedupeKey, "follow_up_due:")
		id, err := strconv.ParseInt(key, 10, 64)
		if !ok || err != nil || n.Kind != string(tenants.NotifyFollowUpDue) || e.region.followUps[id] != n.UserID || seen[id] {
			b.Fatalf("unexpected notification %+v", n)
		}
		seen[id] = true
	}
}

// reset deletes what a round made: its jobs and the e-mail jobs, the
// notifications and the e-mail, so that the next round starts alike.
func (e *benchEnv) reset(b *testing.B, ctx context.Context) {
	if _, err := e.db.Bun().NewDelete().Table("river_job").Where("state = 'completed'").Exec(ctx); err != nil {
		b.Fatal(err)
	}
	if err := e.db.InTenant(ctx, e.region.region.ID, func(tx *tenants.Tx) error {
		for _, table := range []string{"notifications", "email_outbox"} {
			if _, err := tx.NewDelete().Table(table).Where("tenant_id = ?", tx.TenantID()).Exec(ctx); err != nil {
				return fmt.Errorf("delete %s: %w", table, err)
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
}
