package jobs_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/kamrat/kamrat/jobs"
	"github.com/kamrat/kamrat/jobs/jobstest"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// probeArgs is a job kind used only here: it records each run so the test
// can count them.
type probeArgs struct {
	Label string `json:"label"`
}

func (probeArgs) Kind() string { return "test_probe" }

type probeWorker struct {
	river.WorkerDefaults[probeArgs]
	mu   sync.Mutex
	runs map[string]int
}

func (w *probeWorker) Work(ctx context.Context, job *river.Job[probeArgs]) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.runs[job.Args.Label]++
	return nil
}

func (w *probeWorker) count(label string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.runs[label]
}

// TestInsertTx: a job inserted in a transaction that rolls back never runs;
// one inserted in a transaction that commits runs exactly once — on both
// databases, with the business write in the same transaction.
func TestInsertTx(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		region := tenanttest.Tenant(t, db)
		probe := &probeWorker{runs: map[string]int{}}
		client, err := jobs.NewClient(db, jobs.Deps{Heartbeats: tenants.NewHeartbeatStore(db)}, jobs.Config{
			Work:         true,
			PollInterval: 200 * time.Millisecond,
			Register:     func(w *river.Workers) { river.AddWorker(w, probe) },
		})
		if err != nil {
			t.Fatal(err)
		}

		insertWithUnit := func(label string, fail bool) error {
			return db.InTenant(ctx, region.ID, func(tx *tenants.Tx) error {
				u := tenants.Unit{TenantID: region.ID, Name: label, Kind: tenants.UnitOther, CreatedAt: time.Now()}
				if _, err := tx.NewInsert().Model(&u).Exec(ctx); err != nil {
					return err
				}
				if _, err := client.InsertTx(ctx, tx, probeArgs{Label: label}, nil); err != nil {
					return err
				}
				if fail {
					return errors.New("business rule failed after enqueue")
				}
				return nil
			})
		}
		if err := insertWithUnit("rolled-back", true); err == nil {
			t.Fatal("rolled-back transaction reported success")
		}
		if err := insertWithUnit("committed", false); err != nil {
			t.Fatalf("commit: %v", err)
		}

		events, unsubscribe := client.Subscribe(river.EventKindJobCompleted)
		defer unsubscribe()
		if err := client.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer jobstest.Stop(t, client)

		waitFor(t, ctx, events, "test_probe")
		// Give a wrongly surviving rolled-back job, or a duplicate, time to run.
		drain(events, 500*time.Millisecond)

		if n := probe.count("committed"); n != 1 {
			t.Errorf("committed job ran %d times, want 1", n)
		}
		if n := probe.count("rolled-back"); n != 0 {
			t.Errorf("rolled-back job ran %d times, want 0", n)
		}
		var jobsInTable, units int
		if err := db.Bun().NewRaw("SELECT count(*) FROM river_job WHERE kind = 'test_probe'").Scan(ctx, &jobsInTable); err != nil {
			t.Fatal(err)
		}
		if jobsInTable != 1 {
			t.Errorf("river_job holds %d probe jobs, want 1", jobsInTable)
		}
		got, err := tenants.NewUnitStore(db).Units(ctx, region.ID)
		if err != nil {
			t.Fatal(err)
		}
		units = len(got)
		if units != 1 || got[0].Name != "committed" {
			t.Errorf("units after one commit and one rollback: %+v", got)
		}
	})
}

// TestHeartbeatRunsOnStart: the periodic heartbeat runs when workers start
// and records the River client that ran it.
func TestHeartbeatRunsOnStart(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		heartbeats := tenants.NewHeartbeatStore(db)
		if _, err := heartbeats.Latest(ctx); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("fresh database has a heartbeat: %v", err)
		}
		client, err := jobs.NewClient(db, jobs.Deps{Heartbeats: heartbeats}, jobs.Config{Work: true, PollInterval: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		events, unsubscribe := client.Subscribe(river.EventKindJobCompleted)
		defer unsubscribe()
		start := time.Now()
		if err := client.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer jobstest.Stop(t, client)
		waitFor(t, ctx, events, jobs.WorkerHeartbeatArgs{}.Kind())
		h, err := heartbeats.Latest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if h.WorkerID == "" || h.WorkerID == "unknown" || h.BeatAt.Before(start.Add(-time.Second)) {
			t.Fatalf("heartbeat %+v, want a named worker at or after %v", h, start)
		}
	})
}

func waitFor(t *testing.T, ctx context.Context, events <-chan *river.Event, kind string) {
	t.Helper()
	for {
		select {
		case ev := <-events:
			if ev.Job.Kind == kind {
				return
			}
		case <-ctx.Done():
			t.Fatalf("no %s job completed: %v", kind, ctx.Err())
		}
	}
}

func drain(events <-chan *river.Event, d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case <-events:
		case <-timer.C:
			return
		}
	}
}

// TestStartContextDeadline: a client whose start context ends by its
// deadline stops at once, as when the context is cancelled, and a later
// Stop returns. River itself takes only cancellation as the order to stop:
// after a deadline its notifier reconnected in a loop without pause, at
// full CPU, and Stop never returned (a hung test package).
func TestStartContextDeadline(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		client, err := jobs.NewClient(db, jobs.Deps{Heartbeats: tenants.NewHeartbeatStore(db)}, jobs.Config{Work: true, PollInterval: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := client.Start(ctx); err != nil {
			t.Fatal(err)
		}
		<-ctx.Done()
		time.Sleep(200 * time.Millisecond)

		stopCtx, stopCancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer stopCancel()
		start := time.Now()
		if err := client.Stop(stopCtx); err != nil {
			t.Fatalf("stop after the start context's deadline: %v after %v", err, time.Since(start))
		}
	})
}
