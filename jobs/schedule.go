package jobs

import (
	"errors"

	"github.com/riverqueue/river"
)

// registerWorkers adds one worker per job kind.
func registerWorkers(w *river.Workers, deps *Deps) error {
	return errors.Join(
		river.AddWorkerSafely(w, &WorkerHeartbeatWorker{deps: deps}),
		river.AddWorkerSafely(w, &EmailSendWorker{deps: deps}),
		registerReminderWorkers(w, deps),
		registerReportWorkers(w, deps),
	)
}

// periodicJobs is the schedule. River's leader election makes each run
// once across all worker processes.
func periodicJobs() []*river.PeriodicJob {
	jobs := []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(HeartbeatInterval),
			func() (river.JobArgs, *river.InsertOpts) { return WorkerHeartbeatArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true, ID: "worker_heartbeat"}),
	}
	jobs = append(jobs, reminderPeriodicJobs()...)
	return append(jobs, reportPeriodicJobs()...)
}
