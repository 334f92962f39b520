package jobs_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/kamrat/kamrat/jobs"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// matchedReferral refers a participant to A, which accepts, reaches them
// on 3 April 2026 and matches them with Pia; it returns the match and the
// referral's follow-ups by month.
func (w *reminderWorld) matchedReferral(t *testing.T) (tenants.ClinicReferral, tenants.Match, map[int]tenants.FollowUp) {
	t.Helper()
	_, r := w.referral(t, swedish(2026, time.April, 1, 9))
	if _, err := w.refs.Accept(w.ctx, w.region.ID, w.orgA.ID, w.kim.ID, r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.refs.RecordContactAttempt(w.ctx, w.region.ID, w.orgA.ID, w.kim.ID, r.ID, tenants.ContactAttempt{
		AttemptedOn: tenants.NewDate(2026, time.April, 3), Method: tenants.ContactPhone, Reached: true,
	}); err != nil {
		t.Fatal(err)
	}
	m, err := w.support.Match(w.ctx, w.region.ID, w.orgA.ID, w.kim.ID, r.ID, w.peer.ID)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := w.refs.Record(w.ctx, w.region.ID, w.orgA.ID, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	byMonth := map[int]tenants.FollowUp{}
	for _, f := range rec.Support.FollowUps {
		byMonth[f.Month] = f
	}
	if len(byMonth) != 3 {
		t.Fatalf("follow-ups %+v, want the baseline, 3 and 6 months", rec.Support.FollowUps)
	}
	return r, m, byMonth
}

// TestFollowUpReminders: the baseline follow-up, due on 10 May 2026, is
// reminded to Pia, the peer of the running match, on that day and not
// before, once; 14 days later, still not done, it is overdue and A's
// coordinators are told, once. The 3-month follow-up, also moved into the
// past but declined by the participant before its reminders run, reminds
// nobody.
func TestFollowUpReminders(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		w := newReminderWorld(t, db, swedish(2026, time.May, 1, 12))
		r, m, fu := w.matchedReferral(t)
		w.exec(t, "UPDATE follow_ups SET due_on = ? WHERE id = ?", tenants.NewDate(2026, time.May, 10), fu[0].ID)
		w.exec(t, "UPDATE follow_ups SET due_on = ? WHERE id = ?", tenants.NewDate(2027, time.June, 1), fu[6].ID)
		w.exec(t, "UPDATE follow_ups SET due_on = ? WHERE id = ?", tenants.NewDate(2027, time.March, 1), fu[3].ID)
		dueLink := fmt.Sprintf("/r/%s/my/matches/%d", w.region.Slug, m.ID)
		dueKey := fmt.Sprintf("follow_up_due:%d", fu[0].ID)

		w.scan(t, swedish(2026, time.May, 9, 23))
		w.wantNotified(t, tenants.NotifyFollowUpDue, "", "")

		w.scan(t, swedish(2026, time.May, 10, 7))
		for _, n := range w.wantNotified(t, tenants.NotifyFollowUpDue, dueLink, dueKey, w.pia) {
			if n.Args[tenants.NotifyArgDate] != "2026-05-10" {
				t.Errorf("follow-up date %q", n.Args[tenants.NotifyArgDate])
			}
		}
		w.scan(t, swedish(2026, time.May, 23, 23))
		w.wantNotified(t, tenants.NotifyFollowUpOverdue, "", "")

		// The 3-month follow-up comes due too, and the participant
		// declines it before its reminders (enqueued earlier) run.
		w.exec(t, "UPDATE follow_ups SET due_on = ? WHERE id = ?", tenants.NewDate(2026, time.May, 1), fu[3].ID)
		if _, err := w.support.DeclineFollowUp(w.ctx, w.region.ID, w.peer.ID, w.pia.ID, m.ID, fu[3].ID, tenants.SwedishDay(time.Now())); err != nil {
			t.Fatal(err)
		}
		w.setClock(swedish(2026, time.May, 24, 7))
		w.insert(t, jobs.FollowUpDueArgs{TenantID: w.region.ID, FollowUpID: fu[3].ID})
		w.insert(t, jobs.FollowUpOverdueArgs{TenantID: w.region.ID, FollowUpID: fu[3].ID})
		w.settle(t)

		overdueLink := fmt.Sprintf("/r/%s/org/referrals/%d", w.region.Slug, r.ID)
		overdueKey := fmt.Sprintf("follow_up_overdue:%d", fu[0].ID)
		for _, day := range []int{24, 25} {
			w.scan(t, swedish(2026, time.May, day, 8))
			w.wantNotified(t, tenants.NotifyFollowUpOverdue, overdueLink, overdueKey, w.kim, w.lo)
			w.wantNotified(t, tenants.NotifyFollowUpDue, dueLink, dueKey, w.pia)
		}
	})
}
