package jobs

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/kamrat/kamrat/tenants"
)

// Reminder jobs: one kind per reminder, whose arguments name the region and
// the thing by id (and, where one thing can be late more than once, the
// day that makes this time distinct) and carry nothing about a participant.
// A reminder job re-checks, in one transaction of the region, that the
// thing is still late — it may have been put right since the scan — and
// then notifies each recipient with a dedupe key naming the thing, so that
// a person is reminded once however often River runs the job.

// reminderUniqueStates are the states in which a reminder job blocks a
// second one with the same arguments: while it waits, runs or retries, and
// while River keeps it as completed. A cancelled or discarded one does not,
// so the next scan tries again; and once River has pruned a completed job,
// the dedupe keys still keep a second notification out.
var reminderUniqueStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStateCompleted, rivertype.JobStatePending,
	rivertype.JobStateRetryable, rivertype.JobStateRunning, rivertype.JobStateScheduled,
}

// reminderInsertOpts make a reminder unique by its arguments.
func reminderInsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: reminderUniqueStates}}
}

// reminderArgs is a reminder job's arguments.
type reminderArgs interface {
	river.JobArgs
	region() int64
	// notifications re-checks in r's transaction whether the thing is
	// still late and returns the notifications to send: none when it is
	// not.
	notifications(ctx context.Context, r reminderRun) ([]tenants.Notification, error)
}

// reminderRun is what a reminder checks and notifies with.
type reminderRun struct {
	tx     *tenants.Tx
	store  *tenants.ReminderStore
	now    time.Time
	region tenants.Tenant
}

// link returns a path in the region.
func (r reminderRun) link(format string, args ...any) string {
	return "/r/" + r.region.Slug + fmt.Sprintf(format, args...)
}

// to returns one notification per user.
func to(users []int64, n tenants.Notification) []tenants.Notification {
	out := make([]tenants.Notification, 0, len(users))
	for _, u := range users {
		n.UserID = u
		out = append(out, n)
	}
	return out
}

// reminderWorker works the reminders of one kind.
type reminderWorker[T reminderArgs] struct {
	river.WorkerDefaults[T]
	deps *Deps
}

func (w *reminderWorker[T]) Work(ctx context.Context, job *river.Job[T]) error {
	d := w.deps
	if d.DB == nil {
		return river.JobCancel(fmt.Errorf("jobs: %s has no database (jobs.Deps.DB is nil)", job.Kind))
	}
	run := reminderRun{store: tenants.NewReminderStore(d.DB), now: d.now()}
	err := d.DB.InTenant(ctx, job.Args.region(), func(tx *tenants.Tx) error {
		run.tx = tx
		var err error
		if run.region, err = run.store.Region(ctx, tx); err != nil {
			return err
		}
		list, err := job.Args.notifications(ctx, run)
		if err != nil {
			return err
		}
		for _, n := range list {
			n.CreatedAt = run.now
			if _, err := d.Notify(ctx, tx, n); err != nil {
				return fmt.Errorf("notify user %d: %w", n.UserID, err)
			}
		}
		return nil
	})
	if errors.Is(err, tenants.ErrNoTenant) || errors.Is(err, tenants.ErrNotFound) && run.region.ID == 0 {
		// No such region: trying again cannot help.
		return river.JobCancel(err)
	}
	return err
}

// ReferralNotContactedArgs reminds the organisation's coordinators of a
// referral still without first contact after the region's deadline.
type ReferralNotContactedArgs struct {
	TenantID   int64 `json:"tenant_id"`
	ReferralID int64 `json:"referral_id"`
}

func (ReferralNotContactedArgs) Kind() string                 { return "reminder_referral_not_contacted" }
func (ReferralNotContactedArgs) InsertOpts() river.InsertOpts { return reminderInsertOpts() }
func (a ReferralNotContactedArgs) region() int64              { return a.TenantID }

func (a ReferralNotContactedArgs) notifications(ctx context.Context, r reminderRun) ([]tenants.Notification, error) {
	late, ok, err := r.store.LateReferral(ctx, r.tx, a.ReferralID, r.now)
	if err != nil || !ok {
		return nil, err
	}
	users, err := r.store.Coordinators(ctx, r.tx, late.OrganisationID)
	return to(users, tenants.Notification{
		Kind: tenants.NotifyReferralNotContacted, DedupeKey: "referral_not_contacted:" + itoa(a.ReferralID),
		Link: r.link("/org/referrals/%d", a.ReferralID),
		Args: map[string]string{tenants.NotifyArgDays: strconv.Itoa(late.WorkingDaysWaited)},
	}), err
}

// ReferralEscalatedArgs tells the region's administrators of a referral
// still without first contact at twice the deadline.
type ReferralEscalatedArgs struct {
	TenantID   int64 `json:"tenant_id"`
	ReferralID int64 `json:"referral_id"`
}

func (ReferralEscalatedArgs) Kind() string                 { return "reminder_referral_escalated" }
func (ReferralEscalatedArgs) InsertOpts() river.InsertOpts { return reminderInsertOpts() }
func (a ReferralEscalatedArgs) region() int64              { return a.TenantID }

func (a ReferralEscalatedArgs) notifications(ctx context.Context, r reminderRun) ([]tenants.Notification, error) {
	late, ok, err := r.store.LateReferral(ctx, r.tx, a.ReferralID, r.now)
	if err != nil || !ok || !late.Escalate {
		return nil, err
	}
	users, err := r.store.RegionAdmins(ctx, r.tx)
	// Administrators do not open referrals; the organisation is what they
	// follow up with.
	return to(users, tenants.Notification{
		Kind: tenants.NotifyReferralEscalated, DedupeKey: "referral_escalated:" + itoa(a.ReferralID),
		Link: r.link("/admin/organisations"),
		Args: map[string]string{tenants.NotifyArgOrganisation: late.OrganisationName, tenants.NotifyArgDays: strconv.Itoa(late.WorkingDaysWaited)},
	}), err
}

// FollowUpDueArgs reminds the peer supporter of the running match of a
// follow-up whose day has come.
type FollowUpDueArgs struct {
	TenantID   int64 `json:"tenant_id"`
	FollowUpID int64 `json:"follow_up_id"`
}

func (FollowUpDueArgs) Kind() string                 { return "reminder_follow_up_due" }
func (FollowUpDueArgs) InsertOpts() river.InsertOpts { return reminderInsertOpts() }
func (a FollowUpDueArgs) region() int64              { return a.TenantID }

func (a FollowUpDueArgs) notifications(ctx context.Context, r reminderRun) ([]tenants.Notification, error) {
	f, ok, err := r.store.DueFollowUp(ctx, r.tx, a.FollowUpID, r.now)
	if err != nil || !ok || f.PeerUserID == 0 {
		return nil, err
	}
	return to([]int64{f.PeerUserID}, tenants.Notification{
		Kind: tenants.NotifyFollowUpDue, DedupeKey: "follow_up_due:" + itoa(a.FollowUpID),
		Link: r.link("/my/matches/%d", f.MatchID),
		Args: map[string]string{tenants.NotifyArgDate: f.DueOn.String()},
	}), nil
}

// FollowUpOverdueArgs tells the organisation's coordinators of a
// follow-up still due tenants.FollowUpOverdueDays after its day.
type FollowUpOverdueArgs struct {
	TenantID   int64 `json:"tenant_id"`
	FollowUpID int64 `json:"follow_up_id"`
}

func (FollowUpOverdueArgs) Kind() string                 { return "reminder_follow_up_overdue" }
func (FollowUpOverdueArgs) InsertOpts() river.InsertOpts { return reminderInsertOpts() }
func (a FollowUpOverdueArgs) region() int64              { return a.TenantID }

func (a FollowUpOverdueArgs) notifications(ctx context.Context, r reminderRun) ([]tenants.Notification, error) {
	f, ok, err := r.store.DueFollowUp(ctx, r.tx, a.FollowUpID, r.now)
	if err != nil || !ok || !f.Overdue {
		return nil, err
	}
	users, err := r.store.Coordinators(ctx, r.tx, f.OrganisationID)
	return to(users, tenants.Notification{
		Kind: tenants.NotifyFollowUpOverdue, DedupeKey: "follow_up_overdue:" + itoa(a.FollowUpID),
		Link: r.link("/org/referrals/%d", f.ReferralID),
		Args: map[string]string{tenants.NotifyArgDate: f.DueOn.String()},
	}), err
}

// SupervisionOverdueArgs tells the coordinators of an active peer
// supporter's organisation that the peer's supervision is overdue. DueOn,
// the day the session was due, tells one overdue spell from the next.
type SupervisionOverdueArgs struct {
	TenantID int64  `json:"tenant_id"`
	PeerID   int64  `json:"peer_id"`
	DueOn    string `json:"due_on"`
}

func (SupervisionOverdueArgs) Kind() string                 { return "reminder_supervision_overdue" }
func (SupervisionOverdueArgs) InsertOpts() river.InsertOpts { return reminderInsertOpts() }
func (a SupervisionOverdueArgs) region() int64              { return a.TenantID }

func (a SupervisionOverdueArgs) notifications(ctx context.Context, r reminderRun) ([]tenants.Notification, error) {
	s, ok, err := r.store.OverdueSupervision(ctx, r.tx, a.PeerID, r.now)
	if err != nil || !ok || s.DueOn.String() != a.DueOn {
		return nil, err
	}
	users, err := r.store.Coordinators(ctx, r.tx, s.OrganisationID)
	return to(users, tenants.Notification{
		Kind: tenants.NotifySupervisionOverdue, DedupeKey: "supervision_overdue:" + itoa(a.PeerID) + ":" + a.DueOn,
		Link: r.link("/org/peers/%d", a.PeerID),
		Args: map[string]string{tenants.NotifyArgDays: strconv.Itoa(s.DaysWithout)},
	}), err
}

// CertificationExpiringArgs tells the coordinators of a peer supporter's
// organisation that the peer's certification runs out within
// tenants.CertificationReminderDays. ExpiresOn tells one certification
// from its renewal.
type CertificationExpiringArgs struct {
	TenantID  int64  `json:"tenant_id"`
	PeerID    int64  `json:"peer_id"`
	ExpiresOn string `json:"expires_on"`
}

func (CertificationExpiringArgs) Kind() string                 { return "reminder_certification_expiring" }
func (CertificationExpiringArgs) InsertOpts() river.InsertOpts { return reminderInsertOpts() }
func (a CertificationExpiringArgs) region() int64              { return a.TenantID }

func (a CertificationExpiringArgs) notifications(ctx context.Context, r reminderRun) ([]tenants.Notification, error) {
	c, ok, err := r.store.ExpiringCertification(ctx, r.tx, a.PeerID, r.now)
	if err != nil || !ok || c.ExpiresOn.String() != a.ExpiresOn {
		return nil, err
	}
	users, err := r.store.Coordinators(ctx, r.tx, c.OrganisationID)
	return to(users, tenants.Notification{
		Kind: tenants.NotifyCertificationExpiring, DedupeKey: "certification_expiring:" + itoa(a.PeerID) + ":" + a.ExpiresOn,
		Link: r.link("/org/peers/%d", a.PeerID),
		Args: map[string]string{tenants.NotifyArgDate: a.ExpiresOn},
	}), err
}

// AgreementEndingArgs tells the region's administrators that an IOP
// agreement ends in Days (one of tenants.AgreementReminderDays) days or
// fewer; EndsOn tells an extended agreement's new end from the old.
type AgreementEndingArgs struct {
	TenantID    int64  `json:"tenant_id"`
	AgreementID int64  `json:"agreement_id"`
	EndsOn      string `json:"ends_on"`
	Days        int    `json:"days"`
}

func (AgreementEndingArgs) Kind() string                 { return "reminder_agreement_ending" }
func (AgreementEndingArgs) InsertOpts() river.InsertOpts { return reminderInsertOpts() }
func (a AgreementEndingArgs) region() int64              { return a.TenantID }

func (a AgreementEndingArgs) notifications(ctx context.Context, r reminderRun) ([]tenants.Notification, error) {
	e, ok, err := r.store.EndingAgreement(ctx, r.tx, a.AgreementID, r.now)
	if err != nil || !ok || e.EndsOn.String() != a.EndsOn || e.DaysLeft > a.Days {
		return nil, err
	}
	users, err := r.store.RegionAdmins(ctx, r.tx)
	return to(users, tenants.Notification{
		Kind:      tenants.NotifyAgreementEnding,
		DedupeKey: "agreement_ending:" + itoa(a.AgreementID) + ":" + a.EndsOn + ":" + strconv.Itoa(a.Days),
		Link:      r.link("/admin/agreements/%d", a.AgreementID),
		Args:      map[string]string{tenants.NotifyArgAgreement: e.Title, tenants.NotifyArgDate: a.EndsOn},
	}), err
}

// CommitmentMissedArgs tells the region's administrators that commitments
// of an IOP agreement were not met in the quarter starting on PeriodStart,
// by the quarter's built report.
type CommitmentMissedArgs struct {
	TenantID    int64  `json:"tenant_id"`
	AgreementID int64  `json:"agreement_id"`
	PeriodStart string `json:"period_start"`
}

func (CommitmentMissedArgs) Kind() string                 { return "reminder_commitment_missed" }
func (CommitmentMissedArgs) InsertOpts() river.InsertOpts { return reminderInsertOpts() }
func (a CommitmentMissedArgs) region() int64              { return a.TenantID }

func (a CommitmentMissedArgs) notifications(ctx context.Context, r reminderRun) ([]tenants.Notification, error) {
	period, err := tenants.ParseDate(a.PeriodStart)
	if err != nil {
		return nil, river.JobCancel(err)
	}
	m, ok, err := r.store.MissedCommitments(ctx, r.tx, a.AgreementID, period)
	if err != nil || !ok {
		return nil, err
	}
	users, err := r.store.RegionAdmins(ctx, r.tx)
	return to(users, tenants.Notification{
		Kind: tenants.NotifyCommitmentMissed, DedupeKey: "commitment_missed:" + itoa(a.AgreementID) + ":" + a.PeriodStart,
		Link: r.link("/admin/reports/%d", m.ReportID),
		Args: map[string]string{
			tenants.NotifyArgAgreement: m.AgreementName,
			tenants.NotifyArgPeriod:    fmt.Sprintf("%d Q%d", period.Year(), tenants.QuarterNumber(period)),
		},
	}), err
}

// ReportReadyArgs tells the region's administrators that a quarter's
// reports are built and wait for their approval.
type ReportReadyArgs struct {
	TenantID    int64  `json:"tenant_id"`
	PeriodStart string `json:"period_start"`
}

func (ReportReadyArgs) Kind() string                 { return "reminder_report_ready" }
func (ReportReadyArgs) InsertOpts() river.InsertOpts { return reminderInsertOpts() }
func (a ReportReadyArgs) region() int64              { return a.TenantID }

func (a ReportReadyArgs) notifications(ctx context.Context, r reminderRun) ([]tenants.Notification, error) {
	period, err := tenants.ParseDate(a.PeriodStart)
	if err != nil {
		return nil, river.JobCancel(err)
	}
	waiting, err := r.store.AwaitsApproval(ctx, r.tx, period)
	if err != nil || !waiting {
		return nil, err
	}
	users, err := r.store.RegionAdmins(ctx, r.tx)
	return to(users, tenants.Notification{
		Kind: tenants.NotifyReportReady, DedupeKey: "report_ready:" + a.PeriodStart,
		Link: r.link("/admin/reports"),
		Args: map[string]string{tenants.NotifyArgPeriod: fmt.Sprintf("%d Q%d", period.Year(), tenants.QuarterNumber(period))},
	}), err
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
