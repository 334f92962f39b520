package jobstest

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/kamrat/kamrat/jobs"
)

// FlakyArgs is a job kind for tests: its worker fails while told to.
type FlakyArgs struct {
	Label string `json:"label"`
}

func (FlakyArgs) Kind() string { return "test_flaky" }

// FlakyWorker works FlakyArgs, failing while Fail is set.
type FlakyWorker struct {
	river.WorkerDefaults[FlakyArgs]
	Fail atomic.Bool
}

func (w *FlakyWorker) Work(ctx context.Context, job *river.Job[FlakyArgs]) error {
	if w.Fail.Load() {
		return errors.New("flaky test worker failed on " + job.Args.Label)
	}
	return nil
}

// NextRetry keeps a retryable job waiting, so that the test sees it so.
func (w *FlakyWorker) NextRetry(*river.Job[FlakyArgs]) time.Time { return time.Now().Add(time.Hour) }

// Stop stops a job client within 10 seconds (Client.Stop cancels running
// jobs after that), so that a stuck client fails the test instead of
// hanging it.
func Stop(t testing.TB, client *jobs.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := client.Stop(ctx); err != nil {
		t.Errorf("stop the job client: %v", err)
	}
}
