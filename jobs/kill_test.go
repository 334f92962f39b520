package jobs_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/kamrat/kamrat/jobs"
	"github.com/kamrat/kamrat/jobs/jobstest"
	"github.com/kamrat/kamrat/migrations"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// The kill test runs this test binary a second time as a worker process;
// these variables tell the child what to do.
const (
	envKillDatabase = "KAMRAT_KILLTEST_DATABASE"
	envKillMarker   = "KAMRAT_KILLTEST_MARKER"
	envKillRescue   = "KAMRAT_KILLTEST_RESCUE"
)

// effectArgs is a job whose effect is one e-mail in the outbox, written in
// the job's transaction. Its first attempt stops in the middle of that
// transaction, long enough to be killed there.
type effectArgs struct {
	TenantID int64 `json:"tenant_id"`
}

func (effectArgs) Kind() string { return "test_effect" }

type effectWorker struct {
	river.WorkerDefaults[effectArgs]
	db     *tenants.DB
	marker string
}

func (w *effectWorker) Work(ctx context.Context, job *river.Job[effectArgs]) error {
	return w.db.InTenant(ctx, job.Args.TenantID, func(tx *tenants.Tx) error {
		// Idempotent, as every Kamrat job: the effect is written once
		// whatever the attempt.
		n, err := tx.NewSelect().Model((*tenants.EmailMessage)(nil)).Where("subject = ?", "effect").Count(ctx)
		if err != nil || n > 0 {
			return err
		}
		if _, err := tenants.NewEmailOutbox(w.db).Enqueue(ctx, tx, tenants.EmailMessage{
			ToAddress: "effect@example.se", Subject: "effect", BodyText: "effect", Language: "sv",
		}); err != nil {
			return err
		}
		if err := os.WriteFile(w.marker+"."+strconv.Itoa(job.Attempt), nil, 0o644); err != nil {
			return err
		}
		if job.Attempt == 1 {
			select { // killed here, with the e-mail written but not committed
			case <-time.After(time.Minute):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
}

// TestKillWorkerProcess is the child: a worker process that works jobs
// until its effect job has completed. It does nothing in a normal run.
func TestKillWorkerProcess(t *testing.T) {
	url := os.Getenv(envKillDatabase)
	if url == "" {
		t.Skip("run by TestWorkerKilledMidJob only")
	}
	ctx := context.Background()
	db := tenanttest.OpenURL(t, url)
	rescue, _ := time.ParseDuration(os.Getenv(envKillRescue))
	client, err := jobs.NewClient(db, jobs.Deps{DB: db}, jobs.Config{
		Work: true, PollInterval: 100 * time.Millisecond, RescueAfter: rescue,
		Register: func(w *river.Workers) { river.AddWorker(w, &effectWorker{db: db, marker: os.Getenv(envKillMarker)}) },
	})
	if err != nil {
		t.Fatal(err)
	}
	events, stop := client.Subscribe(river.EventKindJobCompleted)
	defer stop()
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer jobstest.Stop(t, client)
	for e := range events {
		if e.Job.Kind == (effectArgs{}).Kind() {
			return
		}
	}
}

// TestWorkerKilledMidJob: a worker process killed with SIGKILL in the
// middle of a job leaves nothing of it behind; another worker process takes
// the job up as stuck, completes it, and its effect happened once.
func TestWorkerKilledMidJob(t *testing.T) {
	if testing.Short() {
		t.Skip("starts worker processes and waits for River's rescuer (about a minute)")
	}
	for _, d := range []tenants.Dialect{tenants.SQLite, tenants.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			url, ownerURL := tenanttest.URL(t, d)
			ctx := context.Background()
			if _, err := migrations.Up(ctx, tenanttest.OpenURL(t, ownerURL), nil); err != nil {
				t.Fatal(err)
			}
			db := tenanttest.OpenURL(t, url)
			region := tenanttest.Tenant(t, db)
			// This client only inserts; River wants the kind known all the same.
			inserter, err := jobs.NewClient(db, jobs.Deps{}, jobs.Config{
				Register: func(w *river.Workers) { river.AddWorker(w, &effectWorker{db: db}) },
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := db.InTenant(ctx, region.ID, func(tx *tenants.Tx) error {
				_, err := inserter.InsertTx(ctx, tx, effectArgs{TenantID: region.ID}, &river.InsertOpts{MaxAttempts: 3})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			marker := filepath.Join(t.TempDir(), "attempt")
			worker := func(rescue time.Duration) *exec.Cmd {
				cmd := exec.Command(os.Args[0], "-test.run=^TestKillWorkerProcess$", "-test.count=1")
				cmd.Env = append(os.Environ(), envKillDatabase+"="+url, envKillMarker+"="+marker, envKillRescue+"="+rescue.String())
				cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				return cmd
			}
			effects := func() int64 {
				var n int64
				if err := db.InTenantReadOnly(ctx, region.ID, func(tx *tenants.Tx) error {
					var err error
					n, err = tx.NewSelect().Model((*tenants.EmailMessage)(nil)).Where("subject = ?", "effect").Count(ctx)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				return n
			}

			first := worker(time.Hour)
			waitUntil(t, 30*time.Second, "the first attempt to start", func() bool { _, err := os.Stat(marker + ".1"); return err == nil })
			if err := first.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			first.Wait()
			if n := effects(); n != 0 {
				t.Fatalf("the killed attempt left %d effects behind", n)
			}

			second := worker(2 * time.Second)
			done := make(chan error, 1)
			go func() { done <- second.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("the second worker: %v", err)
				}
			case <-time.After(150 * time.Second):
				second.Process.Kill()
				t.Fatal("the stuck job was not completed after the restart")
			}
			if n := effects(); n != 1 {
				t.Errorf("after the restart the effect happened %d times, want once", n)
			}
			if _, err := os.Stat(marker + ".2"); err != nil {
				t.Errorf("the job was not run again after the kill: %v", err)
			}
		})
	}
}

func waitUntil(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
