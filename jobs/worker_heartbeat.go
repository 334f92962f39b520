package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// HeartbeatInterval is how often a worker process proves it is alive by
// running a job; operators watch the age of the latest beat.
const HeartbeatInterval = 30 * time.Second

// WorkerHeartbeatArgs is a periodic job that records which River client ran
// it and when. A stale heartbeat means no process is working the queue.
type WorkerHeartbeatArgs struct{}

func (WorkerHeartbeatArgs) Kind() string { return "worker_heartbeat" }

// WorkerHeartbeatWorker records the beat.
type WorkerHeartbeatWorker struct {
	river.WorkerDefaults[WorkerHeartbeatArgs]
	deps *Deps
}

func (w *WorkerHeartbeatWorker) Work(ctx context.Context, job *river.Job[WorkerHeartbeatArgs]) error {
	worker := "unknown"
	if n := len(job.AttemptedBy); n > 0 {
		worker = job.AttemptedBy[n-1]
	}
	return w.deps.Heartbeats.Record(ctx, worker, time.Now())
}
