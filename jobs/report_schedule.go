package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/kamrat/kamrat/tenants"
)

// ReportScheduleInterval is how often the schedule looks for a quarter
// that ended without reports. An hour is soon enough after midnight on the
// first day of a quarter, and the look is a few cheap queries.
const ReportScheduleInterval = time.Hour

// registerReportWorkers adds the workers that build quarterly reports.
func registerReportWorkers(w *river.Workers, deps *Deps) error {
	return errors.Join(
		river.AddWorkerSafely(w, &ReportScheduleWorker{deps: deps}),
		river.AddWorkerSafely(w, &ReportBuildWorker{deps: deps}),
	)
}

// reportPeriodicJobs look for quarters that ended without a report.
func reportPeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(ReportScheduleInterval),
			func() (river.JobArgs, *river.InsertOpts) { return ReportScheduleArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true, ID: "report_schedule"}),
	}
}

// ReportScheduleArgs finds, for every region, the last quarter that has
// ended (by Deps.Now, in Swedish time) and enqueues its report_build when
// it has not been built.
type ReportScheduleArgs struct{}

func (ReportScheduleArgs) Kind() string { return "report_schedule" }

// ReportScheduleWorker enqueues report builds. Running it twice enqueues
// nothing more: a built quarter is skipped, and a build already waiting or
// done is a duplicate River does not insert again (ReportBuildArgs are
// unique by their arguments).
type ReportScheduleWorker struct {
	river.WorkerDefaults[ReportScheduleArgs]
	deps *Deps
}

func (w *ReportScheduleWorker) Work(ctx context.Context, job *river.Job[ReportScheduleArgs]) error {
	reports := tenants.NewReportStore(w.deps.DB)
	return eachRegion(ctx, w.deps, "report schedule", func(ctx context.Context, region int64, now time.Time) error {
		period := tenants.LastEndedQuarter(now)
		built, err := reports.Built(ctx, region, period)
		if err != nil || built {
			return err
		}
		return w.deps.DB.InTenant(ctx, region, func(tx *tenants.Tx) error {
			_, err := w.deps.client.InsertTx(ctx, tx, ReportBuildArgs{TenantID: region, PeriodStart: period.String()}, nil)
			return err
		})
	})
}
