package tenants

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Reminders: what is late because time passed. ReminderStore only reads;
// the jobs package turns what it finds into notifications. Each kind has a
// scan over the whole region (Due) and a check of one subject in the
// caller's transaction, which a reminder job runs just before notifying,
// since what was late may have been put right since the scan.

// Reminder thresholds that are not region settings.
const (
	// FollowUpOverdueDays: a follow-up still due this many days after its
	// day is overdue, and the organisation's coordinators are told.
	FollowUpOverdueDays = 14
	// CertificationReminderDays: a peer's certification that runs out
	// within this many days is reminded of.
	CertificationReminderDays = 30
)

// AgreementReminderDays are the days before an IOP agreement's last day on
// which the region's administrators are reminded, one notification each,
// longest first.
var AgreementReminderDays = []int{90, 30}

// ReminderStore finds reminders that are due.
type ReminderStore struct {
	db *DB
}

// NewReminderStore returns a ReminderStore on db.
func NewReminderStore(db *DB) *ReminderStore { return &ReminderStore{db: db} }

// SwedishDay is the calendar day in Sweden at now: the day every reminder
// deadline is counted in.
func SwedishDay(now time.Time) Date { return today(now) }

// LateReferral is a referral still waiting for first contact after the
// region's deadline.
type LateReferral struct {
	ReferralID       int64
	OrganisationID   int64
	OrganisationName string
	// ReferredOn is the day the referral was made, in Sweden.
	ReferredOn Date
	// DeadlineOn is the last working day of the deadline; the referral is
	// late from the day after.
	DeadlineOn Date
	// EscalationOn is the last working day of twice the deadline; after it
	// the referral is escalated to the region.
	EscalationOn Date
	// WorkingDaysWaited counts the working days after ReferredOn up to the
	// day looked at.
	WorkingDaysWaited int
	// Escalate is set once the day is past EscalationOn.
	Escalate bool
}

// DueFollowUp is a follow-up whose day has come and that is still due.
type DueFollowUp struct {
	FollowUpID     int64
	ReferralID     int64
	OrganisationID int64
	DueOn          Date
	// MatchID is the referral's running match, and PeerUserID the account
	// of its peer supporter while that account is an active member; 0 when
	// there is no such match or account (nobody to remind but the
	// coordinators, once it is overdue).
	MatchID    int64
	PeerUserID int64
	// Overdue is set once the follow-up is FollowUpOverdueDays past its day.
	Overdue bool
}

// SupervisionReminder is an active peer supporter whose supervision is
// overdue.
type SupervisionReminder struct {
	OrganisationID int64
	OverduePeer
	// DaysWithout counts the days since the last session, or since the
	// peer became active when there was none since.
	DaysWithout int
}

// CertificationReminder is a peer supporter whose certification runs out
// within CertificationReminderDays (and has not yet).
type CertificationReminder struct {
	OrganisationID int64
	ExpiringCertification
}

// EndingAgreement is an IOP agreement in force that ends within one of the
// AgreementReminderDays.
type EndingAgreement struct {
	AgreementID int64
	Title       string
	EndsOn      Date
	DaysLeft    int
	// Notice is the reminder this is: the smallest of AgreementReminderDays
	// that DaysLeft is within (90 while more than 30 days are left, then 30).
	Notice int
}

// MissedCommitments is an IOP agreement with commitments not met in a
// quarter, by its built report.
type MissedCommitments struct {
	AgreementID   int64
	AgreementName string
	ReportID      int64
	PeriodStart   Date
	// Missed counts the commitments measured and not met.
	Missed int
}

// DueReminders are everything a region's reminders are due for on a day.
type DueReminders struct {
	Day            Date
	Referrals      []LateReferral
	FollowUps      []DueFollowUp
	Supervision    []SupervisionReminder
	Certifications []CertificationReminder
	Agreements     []EndingAgreement
	// Commitments are those of the last ended quarter's agreement reports.
	Commitments []MissedCommitments
	// Unapproved are the quarters whose reports are built and wait for a
	// regional administrator's approval.
	Unapproved []Date
}

// Due scans the region, as of now, for every reminder that is due, in one
// read-only transaction.
func (s *ReminderStore) Due(ctx context.Context, tenantID int64, now time.Time) (DueReminders, error) {
	out := DueReminders{Day: today(now)}
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		region, err := s.Region(ctx, tx)
		if err != nil {
			return err
		}
		settings := region.Settings.Effective()
		if out.Referrals, err = lateReferrals(ctx, tx, tenantID, out.Day, settings.ContactDeadlineDays, 0); err != nil {
			return err
		}
		if out.FollowUps, err = dueFollowUps(ctx, tx, tenantID, out.Day, 0); err != nil {
			return err
		}
		if out.Supervision, err = supervisionReminders(ctx, tx, tenantID, out.Day, settings.SupervisionIntervalWeeks, 0); err != nil {
			return err
		}
		if out.Certifications, err = certificationReminders(ctx, tx, tenantID, out.Day, 0); err != nil {
			return err
		}
		if out.Agreements, err = endingAgreements(ctx, tx, tenantID, out.Day, 0); err != nil {
			return err
		}
		if out.Commitments, err = missedCommitments(ctx, tx, tenantID, LastEndedQuarter(now), 0); err != nil {
			return err
		}
		out.Unapproved, err = unapprovedQuarters(ctx, tx, tenantID, time.Time{})
		return err
	})
	return out, err
}

// AwaitsApproval checks in tx whether the quarter starting on period is
// built and not yet approved.
func (s *ReminderStore) AwaitsApproval(ctx context.Context, tx *Tx, period Date) (bool, error) {
	list, err := unapprovedQuarters(ctx, tx, tx.TenantID(), period.Time())
	return len(list) > 0, err
}

// unapprovedQuarters lists the region's built, unapproved quarters (only
// the one starting at only, if not zero).
func unapprovedQuarters(ctx context.Context, tx *Tx, tenantID int64, only time.Time) ([]Date, error) {
	var rows []struct {
		PeriodStart Date `bun:"period_start"`
	}
	q := tx.NewSelect().Table("report_periods").Column("period_start").
		Where("tenant_id = ? AND built_at IS NOT NULL AND approved_at IS NULL", tenantID)
	if !only.IsZero() {
		q = q.Where("period_start = ?", DateOf(only))
	}
	if err := q.Order("period_start").Scan(ctx, &rows); err != nil {
		return nil, translate(err, "quarters awaiting approval")
	}
	periods := make([]Date, len(rows))
	for i, r := range rows {
		periods[i] = r.PeriodStart
	}
	return periods, nil
}

// Region returns the region of tx, with its settings.
func (s *ReminderStore) Region(ctx context.Context, tx *Tx) (Tenant, error) {
	var t Tenant
	if tx.TenantID() <= 0 {
		return t, ErrNoTenant
	}
	err := tx.NewSelect().Model(&t).Where("id = ?", tx.TenantID()).Scan(ctx)
	return t, translate(err, "region")
}

// LateReferral checks one referral in tx as of now: ok is false when it is
// not (or no longer) waiting for first contact past the deadline.
func (s *ReminderStore) LateReferral(ctx context.Context, tx *Tx, referralID int64, now time.Time) (LateReferral, bool, error) {
	region, err := s.Region(ctx, tx)
	if err != nil {
		return LateReferral{}, false, err
	}
	list, err := lateReferrals(ctx, tx, region.ID, today(now), region.Settings.Effective().ContactDeadlineDays, referralID)
	return firstOf(list, err)
}

// DueFollowUp checks one follow-up in tx as of now: ok is false when it
// is done, declined, cancelled or not yet due.
func (s *ReminderStore) DueFollowUp(ctx context.Context, tx *Tx, followUpID int64, now time.Time) (DueFollowUp, bool, error) {
	list, err := dueFollowUps(ctx, tx, tx.TenantID(), today(now), followUpID)
	return firstOf(list, err)
}

// OverdueSupervision checks one peer supporter in tx as of now: ok is
// false when the peer is not active or not overdue.
func (s *ReminderStore) OverdueSupervision(ctx context.Context, tx *Tx, peerID int64, now time.Time) (SupervisionReminder, bool, error) {
	region, err := s.Region(ctx, tx)
	if err != nil {
		return SupervisionReminder{}, false, err
	}
	list, err := supervisionReminders(ctx, tx, region.ID, today(now), region.Settings.Effective().SupervisionIntervalWeeks, peerID)
	return firstOf(list, err)
}

// ExpiringCertification checks one peer supporter in tx as of now: ok is
// false unless the certification runs out within CertificationReminderDays.
func (s *ReminderStore) ExpiringCertification(ctx context.Context, tx *Tx, peerID int64, now time.Time) (CertificationReminder, bool, error) {
	list, err := certificationReminders(ctx, tx, tx.TenantID(), today(now), peerID)
	return firstOf(list, err)
}

// EndingAgreement checks one agreement in tx as of now: ok is false when
// it is not in force or does not end within the AgreementReminderDays.
func (s *ReminderStore) EndingAgreement(ctx context.Context, tx *Tx, agreementID int64, now time.Time) (EndingAgreement, bool, error) {
	list, err := endingAgreements(ctx, tx, tx.TenantID(), today(now), agreementID)
	return firstOf(list, err)
}

// MissedCommitments checks one agreement's report of the quarter starting
// on period in tx: ok is false when there is no report or every measured
// commitment was met.
func (s *ReminderStore) MissedCommitments(ctx context.Context, tx *Tx, agreementID int64, period Date) (MissedCommitments, bool, error) {
	list, err := missedCommitments(ctx, tx, tx.TenantID(), period, agreementID)
	return firstOf(list, err)
}

// Coordinators returns the user ids of the organisation's coordinators who
// may be reached: neither their membership nor their account disabled.
func (s *ReminderStore) Coordinators(ctx context.Context, tx *Tx, orgID int64) ([]int64, error) {
	return activeMembers(ctx, tx, RoleOrgCoordinator, orgID)
}

// RegionAdmins returns the user ids of the region's administrators who
// may be reached.
func (s *ReminderStore) RegionAdmins(ctx context.Context, tx *Tx) ([]int64, error) {
	return activeMembers(ctx, tx, RoleRegionAdmin, 0)
}

func firstOf[T any](list []T, err error) (T, bool, error) {
	var zero T
	if err != nil || len(list) == 0 {
		return zero, false, err
	}
	return list[0], true, nil
}

// activeMembers lists, in id order, the users with role in tx's region
// (in the organisation, when orgID is not 0) whose membership and account
// are both enabled.
func activeMembers(ctx context.Context, tx *Tx, role Role, orgID int64) ([]int64, error) {
	q := tx.NewSelect().TableExpr("memberships AS m").
		Join("JOIN users AS u ON u.id = m.user_id").
		ColumnExpr("m.user_id").
		Where("m.tenant_id = ? AND m.role = ? AND m.disabled_at IS NULL AND u.disabled_at IS NULL", tx.TenantID(), role).
		OrderExpr("m.user_id")
	if orgID != 0 {
		q = q.Where("m.organisation_id = ?", orgID)
	}
	ids := []int64{}
	if err := q.Scan(ctx, &ids); err != nil {
		return nil, translate(err, "list "+string(role)+" members")
	}
	return ids, nil
}

// lateReferrals lists the referrals (only one, when only is not 0) still
// received or accepted without first contact whose deadline of deadline
// working days has passed on day.
func lateReferrals(ctx context.Context, tx *Tx, tenantID int64, day Date, deadline int, only int64) ([]LateReferral, error) {
	var rows []struct {
		ID               int64     `bun:"id"`
		OrganisationID   int64     `bun:"organisation_id"`
		OrganisationName string    `bun:"organisation_name"`
		CreatedAt        time.Time `bun:"created_at"`
	}
	q := tx.NewSelect().TableExpr("referrals AS r").
		Join("JOIN organisations AS o ON o.tenant_id = r.tenant_id AND o.id = r.organisation_id").
		ColumnExpr("r.id, r.organisation_id, o.name AS organisation_name, r.created_at").
		Where("r.tenant_id = ? AND r.status IN (?, ?) AND r.first_contact_on IS NULL", tenantID, ReferralReceived, ReferralAccepted).
		OrderExpr("r.id")
	if only != 0 {
		q = q.Where("r.id = ?", only)
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, translate(err, "list referrals waiting for contact")
	}
	var out []LateReferral
	for _, r := range rows {
		referred := today(r.CreatedAt)
		l := LateReferral{
			ReferralID: r.ID, OrganisationID: r.OrganisationID, OrganisationName: r.OrganisationName,
			ReferredOn: referred, DeadlineOn: AddWorkingDays(referred, deadline), EscalationOn: AddWorkingDays(referred, 2*deadline),
		}
		if !day.After(l.DeadlineOn) {
			continue
		}
		l.WorkingDaysWaited = WorkingDaysBetween(referred, day)
		l.Escalate = day.After(l.EscalationOn)
		out = append(out, l)
	}
	return out, nil
}

// dueFollowUps lists the follow-ups (only one, when only is not 0) of
// running referrals that are still due on day.
func dueFollowUps(ctx context.Context, tx *Tx, tenantID int64, day Date, only int64) ([]DueFollowUp, error) {
	var rows []struct {
		ID             int64 `bun:"id"`
		ReferralID     int64 `bun:"referral_id"`
		OrganisationID int64 `bun:"organisation_id"`
		DueOn          Date  `bun:"due_on"`
		MatchID        int64 `bun:"match_id"`
		PeerUserID     int64 `bun:"peer_user_id"`
	}
	q := tx.NewSelect().TableExpr("follow_ups AS f").
		Join("JOIN referrals AS r ON r.tenant_id = f.tenant_id AND r.id = f.referral_id").
		Join("LEFT JOIN matches AS m ON m.tenant_id = f.tenant_id AND m.referral_id = f.referral_id AND m.ended_at IS NULL").
		Join("LEFT JOIN peers AS p ON p.tenant_id = m.tenant_id AND p.id = m.peer_id").
		// The peer's account counts only while it is an active member.
		Join("LEFT JOIN memberships AS pm ON pm.tenant_id = p.tenant_id AND pm.user_id = p.user_id AND pm.disabled_at IS NULL").
		Join("LEFT JOIN users AS pu ON pu.id = pm.user_id AND pu.disabled_at IS NULL").
		ColumnExpr("f.id, f.referral_id, r.organisation_id, f.due_on").
		ColumnExpr("COALESCE(m.id, 0) AS match_id, COALESCE(pu.id, 0) AS peer_user_id").
		Where("f.tenant_id = ? AND f.status = ? AND f.due_on <= ?", tenantID, FollowUpDue, day).
		Where("r.status NOT IN (?, ?)", ReferralDeclined, ReferralClosed).
		OrderExpr("f.due_on, f.id")
	if only != 0 {
		q = q.Where("f.id = ?", only)
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, translate(err, "list due follow-ups")
	}
	out := make([]DueFollowUp, 0, len(rows))
	for _, r := range rows {
		out = append(out, DueFollowUp{
			FollowUpID: r.ID, ReferralID: r.ReferralID, OrganisationID: r.OrganisationID, DueOn: r.DueOn,
			MatchID: r.MatchID, PeerUserID: r.PeerUserID,
			Overdue: !day.Before(r.DueOn.AddDays(FollowUpOverdueDays)),
		})
	}
	return out, nil
}

// peerOrganisations maps the organisations to scan for peer reminders: the
// organisation of the one peer when only is not 0, else every one.
func peerOrganisations(ctx context.Context, tx *Tx, tenantID, only int64) ([]int64, error) {
	var ids []int64
	var err error
	if only != 0 {
		err = tx.NewSelect().Model((*Peer)(nil)).Column("organisation_id").Where("tenant_id = ? AND id = ?", tenantID, only).Scan(ctx, &ids)
	} else {
		err = tx.NewSelect().Model((*Organisation)(nil)).Column("id").Where("tenant_id = ?", tenantID).Order("id").Scan(ctx, &ids)
	}
	return ids, translate(err, "list organisations")
}

func supervisionReminders(ctx context.Context, tx *Tx, tenantID int64, day Date, weeks int, only int64) ([]SupervisionReminder, error) {
	orgs, err := peerOrganisations(ctx, tx, tenantID, only)
	if err != nil {
		return nil, err
	}
	var out []SupervisionReminder
	for _, org := range orgs {
		overdue, err := overdueSupervision(ctx, tx, tenantID, org, day, weeks)
		if err != nil {
			return nil, err
		}
		for _, o := range overdue {
			if only != 0 && o.PeerID != only {
				continue
			}
			out = append(out, SupervisionReminder{OrganisationID: org, OverduePeer: o, DaysWithout: o.DaysOverdue + 7*weeks})
		}
	}
	return out, nil
}

func certificationReminders(ctx context.Context, tx *Tx, tenantID int64, day Date, only int64) ([]CertificationReminder, error) {
	orgs, err := peerOrganisations(ctx, tx, tenantID, only)
	if err != nil {
		return nil, err
	}
	var out []CertificationReminder
	for _, org := range orgs {
		expiring, err := expiringCertifications(ctx, tx, tenantID, org, day.AddDays(CertificationReminderDays+1))
		if err != nil {
			return nil, err
		}
		for _, c := range expiring {
			// One that has already run out is the overview's to show; the
			// reminder is for what can still be renewed in time.
			if c.ExpiresOn.Before(day) || only != 0 && c.PeerID != only {
				continue
			}
			out = append(out, CertificationReminder{OrganisationID: org, ExpiringCertification: c})
		}
	}
	return out, nil
}

func endingAgreements(ctx context.Context, tx *Tx, tenantID int64, day Date, only int64) ([]EndingAgreement, error) {
	longest := slices.Max(AgreementReminderDays)
	var list []Agreement
	q := tx.NewSelect().Model(&list).Column("id", "title", "ends_on").
		Where("tenant_id = ? AND status IN (?, ?) AND ends_on >= ? AND ends_on <= ?", tenantID, AgreementActive, AgreementEnding, day, day.AddDays(longest)).
		Order("ends_on", "id")
	if only != 0 {
		q = q.Where("id = ?", only)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(err, "list ending agreements")
	}
	out := make([]EndingAgreement, 0, len(list))
	for _, a := range list {
		e := EndingAgreement{AgreementID: a.ID, Title: a.Title, EndsOn: a.EndsOn, DaysLeft: a.EndsOn.DaysSince(day)}
		for _, d := range AgreementReminderDays {
			if e.DaysLeft <= d && (e.Notice == 0 || d < e.Notice) {
				e.Notice = d
			}
		}
		out = append(out, e)
	}
	return out, nil
}

func missedCommitments(ctx context.Context, tx *Tx, tenantID int64, period Date, only int64) ([]MissedCommitments, error) {
	var reports []Report
	q := tx.NewSelect().Model(&reports).
		Where("tenant_id = ? AND period_start = ? AND scope = ?", tenantID, period, ReportAgreement).Order("scope_id")
	if only != 0 {
		q = q.Where("scope_id = ?", only)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(err, fmt.Sprintf("agreement reports of %s", period))
	}
	var out []MissedCommitments
	for _, r := range reports {
		m := MissedCommitments{AgreementID: r.ScopeID, AgreementName: r.ScopeName, ReportID: r.ID, PeriodStart: r.PeriodStart}
		for _, c := range r.Figures.Commitments {
			if c.Met != nil && !*c.Met {
				m.Missed++
			}
		}
		if m.Missed > 0 {
			out = append(out, m)
		}
	}
	return out, nil
}
