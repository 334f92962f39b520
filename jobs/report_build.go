package jobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/riverqueue/river"

	"github.com/kamrat/kamrat/tenants"
)

// ReportBuildMaxAttempts is how often a failing build is tried; with
// River's backoff (attempt⁴ seconds) ten attempts span about four hours,
// after which the job is discarded (visible on the reports page) and the
// next hourly schedule enqueues the quarter again.
const ReportBuildMaxAttempts = 10

// ReportBuildArgs builds one region's reports for one quarter, every scope
// in one transaction. PeriodStart is the quarter's first day, YYYY-MM-DD.
// Rebuild replaces a draft quarter's figures; without it a built quarter
// is left alone.
type ReportBuildArgs struct {
	TenantID    int64  `json:"tenant_id"`
	PeriodStart string `json:"period_start"`
	Rebuild     bool   `json:"rebuild,omitempty"`
}

func (ReportBuildArgs) Kind() string { return tenants.ReportBuildKind }

// InsertOpts make a quarter's build unique: while one is waiting, running,
// retrying or kept as completed, inserting the same arguments again (from
// another process, or the schedule's next run) is skipped as a duplicate.
func (ReportBuildArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: ReportBuildMaxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// ReportBuildWorker builds the reports. It is idempotent: a built quarter
// is not built again (unless Rebuild), and two workers building the same
// quarter at once take turns on the quarter's row, the second finding it
// built. A quarter that cannot be built — approved and locked, not yet
// ended, not a quarter — cancels the job, since trying again cannot help;
// any other failure is returned and River retries with backoff.
type ReportBuildWorker struct {
	river.WorkerDefaults[ReportBuildArgs]
	deps *Deps
}

func (w *ReportBuildWorker) Work(ctx context.Context, job *river.Job[ReportBuildArgs]) error {
	if w.deps.DB == nil {
		return river.JobCancel(errors.New("jobs: the report builder has no database (jobs.Deps.DB is nil)"))
	}
	args := job.Args
	period, err := tenants.ParseDate(args.PeriodStart)
	if err != nil {
		return river.JobCancel(fmt.Errorf("report build for region %d: %w", args.TenantID, err))
	}
	mode := tenants.BuildOnce
	if args.Rebuild {
		mode = tenants.Rebuild
	}
	_, err = tenants.NewReportStore(w.deps.DB).Build(ctx, args.TenantID, period, w.deps.now(), mode)
	var invalid *tenants.ValidationError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, tenants.ErrReportPeriodLocked), errors.Is(err, tenants.ErrReportPeriodNotEnded),
		errors.Is(err, tenants.ErrNoTenant), errors.As(err, &invalid):
		return river.JobCancel(fmt.Errorf("reports of region %d for %s: %w", args.TenantID, period, err))
	}
	return fmt.Errorf("build the reports of region %d for %s: %w", args.TenantID, period, err)
}
