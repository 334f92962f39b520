package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/kamrat/kamrat/tenants"
)

// RetentionInterval is how often consents are expired and participants
// kept past the retention period erased: daily, as both count in days.
const RetentionInterval = 24 * time.Hour

// registerRetentionWorkers adds the consent expiry and retention workers.
func registerRetentionWorkers(w *river.Workers, deps *Deps) error {
	return errors.Join(
		river.AddWorkerSafely(w, &ConsentExpiryWorker{deps: deps}),
		river.AddWorkerSafely(w, &RetentionPurgeWorker{deps: deps}),
	)
}

// retentionPeriodicJobs run both daily, and on start so that a process
// that was down does not wait a day.
func retentionPeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(RetentionInterval),
			func() (river.JobArgs, *river.InsertOpts) { return ConsentExpiryArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true, ID: "consent_expiry"}),
		river.NewPeriodicJob(river.PeriodicInterval(RetentionInterval),
			func() (river.JobArgs, *river.InsertOpts) { return RetentionPurgeArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true, ID: "retention_purge"}),
	}
}

// ConsentExpiryArgs acts, in every region, on the consents that ran out
// before today by Deps.Now (see tenants.RetentionStore.ExpireConsents).
type ConsentExpiryArgs struct{}

func (ConsentExpiryArgs) Kind() string { return "consent_expiry" }

// ConsentExpiryWorker erases expired consents' contact data and closes
// their referrals. Running it again does nothing more.
type ConsentExpiryWorker struct {
	river.WorkerDefaults[ConsentExpiryArgs]
	deps *Deps
}

func (w *ConsentExpiryWorker) Work(ctx context.Context, job *river.Job[ConsentExpiryArgs]) error {
	store := tenants.NewRetentionStore(w.deps.DB)
	return eachRegion(ctx, w.deps, "consent expiry", func(ctx context.Context, region int64, now time.Time) error {
		_, err := store.ExpireConsents(ctx, region, now)
		return err
	})
}

// RetentionPurgeArgs erases, in every region, the participants whose
// support ended longer than the region's retention period before Deps.Now
// (see tenants.RetentionStore.PurgeRetained). The audit log is kept.
type RetentionPurgeArgs struct{}

func (RetentionPurgeArgs) Kind() string { return "retention_purge" }

// RetentionPurgeWorker erases participants kept past the retention period.
// Running it again does nothing more.
type RetentionPurgeWorker struct {
	river.WorkerDefaults[RetentionPurgeArgs]
	deps *Deps
}

func (w *RetentionPurgeWorker) Work(ctx context.Context, job *river.Job[RetentionPurgeArgs]) error {
	store := tenants.NewRetentionStore(w.deps.DB)
	return eachRegion(ctx, w.deps, "retention", func(ctx context.Context, region int64, now time.Time) error {
		_, err := store.PurgeRetained(ctx, region, now)
		return err
	})
}

// eachRegion runs do for every region, each in its own transactions, so
// that one region's failure holds no other back; the failures are
// returned together and River retries the job.
//
// The scans of reminders and reports, and consent expiry and retention,
// all go through it.
func eachRegion(ctx context.Context, d *Deps, what string, do func(ctx context.Context, region int64, now time.Time) error) error {
	if d.DB == nil {
		return river.JobCancel(fmt.Errorf("jobs: %s has no database (jobs.Deps.DB is nil)", what))
	}
	now := d.now()
	regions, err := tenants.NewTenantStore(d.DB).List(ctx)
	if err != nil {
		return fmt.Errorf("list regions: %w", err)
	}
	var errs []error
	for _, region := range regions {
		if err := do(ctx, region.ID, now); err != nil {
			errs = append(errs, fmt.Errorf("%s in region %d: %w", what, region.ID, err))
		}
	}
	return errors.Join(errs...)
}
