package jobs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/kamrat/kamrat/tenants"
)

// ReminderScanInterval is how often the scan looks for what is late.
// Deadlines are counted in days, so an hour is prompt enough, and the scan
// is a few indexed queries per region.
const ReminderScanInterval = time.Hour

// ReminderKindPrefix begins the kind of the scan and of every reminder it
// leads to, so that they can be told apart as a group (tests wait for
// them; an operator filters by it).
const ReminderKindPrefix = "reminder_"

// addReminder registers the worker of one reminder kind, refusing a kind
// not named with ReminderKindPrefix.
func addReminder[T reminderArgs](w *river.Workers, deps *Deps) error {
	var args T
	if !strings.HasPrefix(args.Kind(), ReminderKindPrefix) {
		return fmt.Errorf("jobs: reminder kind %q lacks the prefix %q", args.Kind(), ReminderKindPrefix)
	}
	return river.AddWorkerSafely(w, &reminderWorker[T]{deps: deps})
}

// registerReminderWorkers adds the workers of reminders, escalations and
// notifications, and of consent expiry and retention.
func registerReminderWorkers(w *river.Workers, deps *Deps) error {
	return errors.Join(
		river.AddWorkerSafely(w, &ReminderScanWorker{deps: deps}),
		addReminder[ReferralNotContactedArgs](w, deps),
		addReminder[ReferralEscalatedArgs](w, deps),
		addReminder[FollowUpDueArgs](w, deps),
		addReminder[FollowUpOverdueArgs](w, deps),
		addReminder[SupervisionOverdueArgs](w, deps),
		addReminder[CertificationExpiringArgs](w, deps),
		addReminder[AgreementEndingArgs](w, deps),
		addReminder[CommitmentMissedArgs](w, deps),
		addReminder[ReportReadyArgs](w, deps),
		registerRetentionWorkers(w, deps),
	)
}

// reminderPeriodicJobs are the scans that find what is late, and the
// daily consent expiry and retention.
func reminderPeriodicJobs() []*river.PeriodicJob {
	return append([]*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(ReminderScanInterval),
			func() (river.JobArgs, *river.InsertOpts) { return ReminderScanArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true, ID: "reminder_scan"}),
	}, retentionPeriodicJobs()...)
}

// ReminderScanArgs scans every region, by Deps.Now, for what is late and
// enqueues one reminder job per thing and level.
type ReminderScanArgs struct{}

func (ReminderScanArgs) Kind() string { return "reminder_scan" }

// ReminderScanWorker enqueues reminders. It notifies nobody itself: each
// reminder is its own job, unique by its arguments (see reminderInsertOpts),
// so that a scan running again, or two scans at once, enqueue a reminder
// once, and a failing reminder is retried on its own.
type ReminderScanWorker struct {
	river.WorkerDefaults[ReminderScanArgs]
	deps *Deps
}

func (w *ReminderScanWorker) Work(ctx context.Context, job *river.Job[ReminderScanArgs]) error {
	store := tenants.NewReminderStore(w.deps.DB)
	return eachRegion(ctx, w.deps, "reminder scan", func(ctx context.Context, region int64, now time.Time) error {
		due, err := store.Due(ctx, region, now)
		if err != nil {
			return err
		}
		args := reminderJobs(region, due)
		if len(args) == 0 {
			return nil
		}
		return w.deps.DB.InTenant(ctx, region, func(tx *tenants.Tx) error {
			for _, a := range args {
				if _, err := w.deps.client.InsertTx(ctx, tx, a, nil); err != nil {
					return fmt.Errorf("enqueue %s: %w", a.Kind(), err)
				}
			}
			return nil
		})
	})
}

// reminderJobs turns what a region's scan found into reminder jobs.
func reminderJobs(tenantID int64, due tenants.DueReminders) []river.JobArgs {
	var out []river.JobArgs
	for _, r := range due.Referrals {
		out = append(out, ReferralNotContactedArgs{TenantID: tenantID, ReferralID: r.ReferralID})
		if r.Escalate {
			out = append(out, ReferralEscalatedArgs{TenantID: tenantID, ReferralID: r.ReferralID})
		}
	}
	for _, f := range due.FollowUps {
		if f.PeerUserID != 0 {
			out = append(out, FollowUpDueArgs{TenantID: tenantID, FollowUpID: f.FollowUpID})
		}
		if f.Overdue {
			out = append(out, FollowUpOverdueArgs{TenantID: tenantID, FollowUpID: f.FollowUpID})
		}
	}
	for _, s := range due.Supervision {
		out = append(out, SupervisionOverdueArgs{TenantID: tenantID, PeerID: s.PeerID, DueOn: s.DueOn.String()})
	}
	for _, c := range due.Certifications {
		out = append(out, CertificationExpiringArgs{TenantID: tenantID, PeerID: c.PeerID, ExpiresOn: c.ExpiresOn.String()})
	}
	for _, a := range due.Agreements {
		out = append(out, AgreementEndingArgs{TenantID: tenantID, AgreementID: a.AgreementID, EndsOn: a.EndsOn.String(), Days: a.Notice})
	}
	for _, m := range due.Commitments {
		out = append(out, CommitmentMissedArgs{TenantID: tenantID, AgreementID: m.AgreementID, PeriodStart: m.PeriodStart.String()})
	}
	for _, p := range due.Unapproved {
		out = append(out, ReportReadyArgs{TenantID: tenantID, PeriodStart: p.String()})
	}
	return out
}
