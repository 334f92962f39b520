package jobs_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/kamrat/kamrat/jobs"
	"github.com/kamrat/kamrat/jobs/jobstest"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestOperatorView: a job that fails for good is discarded, one with
// attempts left waits as retryable, each with its error; the counts per
// kind and state say so; retrying the discarded one makes it available and
// (the worker now succeeding) completed; cancelling a scheduled job
// cancels it; a finished job is neither retried nor cancelled; an unknown
// one is not found — on both databases.
func TestOperatorView(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		region := tenanttest.Tenant(t, db)
		flaky := &jobstest.FlakyWorker{}
		flaky.Fail.Store(true)
		client, err := jobs.NewClient(db, jobs.Deps{Heartbeats: tenants.NewHeartbeatStore(db)}, jobs.Config{
			Work: true, PollInterval: 100 * time.Millisecond,
			Register: func(w *river.Workers) { river.AddWorker(w, flaky) },
		})
		if err != nil {
			t.Fatal(err)
		}
		insert := func(label string, opts *river.InsertOpts) int64 {
			t.Helper()
			var id int64
			err := db.InTenant(ctx, region.ID, func(tx *tenants.Tx) error {
				res, err := client.InsertTx(ctx, tx, jobstest.FlakyArgs{Label: label}, opts)
				if err == nil {
					id = res.Job.ID
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		once := insert("once", &river.InsertOpts{MaxAttempts: 1})
		twice := insert("twice", &river.InsertOpts{MaxAttempts: 2})
		later := insert("later", &river.InsertOpts{ScheduledAt: time.Now().Add(24 * time.Hour)})

		events, unsubscribe := client.Subscribe(river.EventKindJobFailed, river.EventKindJobCompleted)
		defer unsubscribe()
		if err := client.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer jobstest.Stop(t, client)
		waitForJobIDs(t, ctx, events, river.EventKindJobFailed, once, twice)

		byID := func(f jobs.JobFilter) map[int64]jobs.JobView {
			t.Helper()
			f.Kind = jobstest.FlakyArgs{}.Kind()
			list, err := client.Jobs(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			out := map[int64]jobs.JobView{}
			for i, j := range list {
				if i > 0 && list[i-1].ID < j.ID {
					t.Errorf("jobs not newest first: %d before %d", list[i-1].ID, j.ID)
				}
				if j.Kind != (jobstest.FlakyArgs{}).Kind() {
					t.Errorf("kind filter let through %s", j.Kind)
				}
				out[j.ID] = j
			}
			return out
		}
		failed := byID(jobs.JobFilter{States: []rivertype.JobState{rivertype.JobStateRetryable, rivertype.JobStateDiscarded}})
		if len(failed) != 2 {
			t.Fatalf("failed jobs: %+v, want the two that ran", failed)
		}
		for id, want := range map[int64]rivertype.JobState{once: rivertype.JobStateDiscarded, twice: rivertype.JobStateRetryable} {
			j := failed[id]
			if j.State != want || j.Attempt != 1 || j.LastError == nil || j.LastError.Attempt != 1 ||
				!strings.Contains(j.LastError.Error, "flaky test worker failed") || j.AttemptedAt == nil || !strings.Contains(j.Args, `"label"`) {
				t.Errorf("job %d: %+v (error %+v), want %s after one failed attempt with its error", id, j, j.LastError, want)
			}
			if !j.CanRetry() {
				t.Errorf("job %d (%s) cannot be retried", id, j.State)
			}
		}
		if failed[once].CanCancel() || !failed[twice].CanCancel() {
			t.Error("a discarded job is cancellable, or a retryable one is not")
		}
		wantCounts(t, ctx, client, map[rivertype.JobState]int{rivertype.JobStateDiscarded: 1, rivertype.JobStateRetryable: 1, rivertype.JobStateScheduled: 1})

		// Retry the discarded job with the worker mended: it runs and completes.
		flaky.Fail.Store(false)
		retried, err := client.RetryJob(ctx, once)
		if err != nil {
			t.Fatal(err)
		}
		if retried.State != rivertype.JobStateAvailable && retried.State != rivertype.JobStateRunning && retried.State != rivertype.JobStateCompleted {
			t.Errorf("retried job is %s, want available", retried.State)
		}
		waitForJobIDs(t, ctx, events, river.EventKindJobCompleted, once)
		if j := byID(jobs.JobFilter{States: []rivertype.JobState{rivertype.JobStateCompleted}})[once]; j.State != rivertype.JobStateCompleted || j.Attempt != 2 || j.FinalizedAt == nil {
			t.Errorf("retried job afterwards: %+v, want completed on its second attempt", j)
		}
		if _, err := client.RetryJob(ctx, once); !errors.Is(err, tenants.ErrConflict) {
			t.Errorf("retry a completed job: %v, want ErrConflict", err)
		}
		if _, err := client.CancelJob(ctx, once); !errors.Is(err, tenants.ErrConflict) {
			t.Errorf("cancel a completed job: %v, want ErrConflict", err)
		}

		// Cancel the scheduled one.
		if j := byID(jobs.JobFilter{States: []rivertype.JobState{rivertype.JobStateScheduled}})[later]; j.State != rivertype.JobStateScheduled || !j.CanCancel() || j.CanRetry() {
			t.Fatalf("scheduled job: %+v", j)
		}
		cancelled, err := client.CancelJob(ctx, later)
		if err != nil {
			t.Fatal(err)
		}
		if cancelled.State != rivertype.JobStateCancelled || cancelled.FinalizedAt == nil {
			t.Errorf("cancelled job: %+v", cancelled)
		}
		if _, err := client.CancelJob(ctx, later); !errors.Is(err, tenants.ErrConflict) {
			t.Errorf("cancel a cancelled job: %v, want ErrConflict", err)
		}
		wantCounts(t, ctx, client, map[rivertype.JobState]int{rivertype.JobStateCompleted: 1, rivertype.JobStateRetryable: 1, rivertype.JobStateCancelled: 1})

		for name, op := range map[string]func(context.Context, int64) (jobs.JobView, error){"retry": client.RetryJob, "cancel": client.CancelJob} {
			if _, err := op(ctx, later+1000); !errors.Is(err, tenants.ErrNotFound) {
				t.Errorf("%s an unknown job: %v, want ErrNotFound", name, err)
			}
		}
		if all := byID(jobs.JobFilter{Limit: 2}); len(all) != 2 {
			t.Errorf("limit 2 listed %d jobs", len(all))
		}
	})
}

// wantCounts checks the queue's counts of the flaky kind.
func wantCounts(t *testing.T, ctx context.Context, client *jobs.Client, want map[rivertype.JobState]int) {
	t.Helper()
	stats, err := client.QueueStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got map[rivertype.JobState]int
	for i, s := range stats {
		if i > 0 && stats[i-1].Kind >= s.Kind {
			t.Errorf("kinds not in order: %s before %s", stats[i-1].Kind, s.Kind)
		}
		if s.Kind == (jobstest.FlakyArgs{}).Kind() {
			got = s.Counts
			if s.Total() != 3 {
				t.Errorf("total %d, want 3", s.Total())
			}
		}
	}
	for _, state := range jobs.OperatorStates() {
		if got[state] != want[state] {
			t.Errorf("%s: %d, want %d (all counts %v)", state, got[state], want[state], got)
		}
	}
}

// waitForJobIDs waits until each of ids has sent an event of kind.
func waitForJobIDs(t *testing.T, ctx context.Context, events <-chan *river.Event, kind river.EventKind, ids ...int64) {
	t.Helper()
	waiting := map[int64]bool{}
	for _, id := range ids {
		waiting[id] = true
	}
	for len(waiting) > 0 {
		select {
		case ev := <-events:
			if ev.Kind == kind {
				delete(waiting, ev.Job.ID)
			}
		case <-ctx.Done():
			t.Fatalf("jobs %v sent no %s event: %v", waiting, kind, ctx.Err())
		}
	}
}
