package jobs_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/kamrat/kamrat/jobs"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// agreement creates an active IOP agreement with organisation A ending on
// endsOn, with the commitments.
func (w *reminderWorld) agreement(t *testing.T, title string, endsOn tenants.Date, commitments ...tenants.Commitment) tenants.Agreement {
	t.Helper()
	store := tenants.NewAgreementStore(w.db)
	a, err := store.Create(w.ctx, w.region.ID, w.ada.ID, tenants.Agreement{
		Title: title, Committee: "Hälso- och sjukvårdsnämnden", Purpose: "Kamratstöd",
		StartsOn: tenants.NewDate(2025, time.January, 1), EndsOn: endsOn,
		ReportingCadence: tenants.ReportQuarterly, Parties: []int64{w.orgA.ID}, Commitments: commitments,
	})
	if err != nil {
		t.Fatal(err)
	}
	if a, err = store.SetStatus(w.ctx, w.region.ID, w.ada.ID, a.ID, tenants.AgreementActive); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestAgreementEndingReminders: an agreement ending on 30 September 2026
// is reminded to the administrators 90 days before (2 July, not 1 July)
// and again 30 days before (31 August), each once. A second agreement,
// extended before its stale reminder ran, reminds nobody.
func TestAgreementEndingReminders(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		w := newReminderWorld(t, db, swedish(2026, time.June, 1, 12))
		a := w.agreement(t, "IOP hivstöd Syd", tenants.NewDate(2026, time.September, 30))
		extended := w.agreement(t, "IOP kamratstöd psykiatri", tenants.NewDate(2026, time.November, 30))
		link := fmt.Sprintf("/r/%s/admin/agreements/%d", w.region.Slug, a.ID)
		key := func(days int) string { return fmt.Sprintf("agreement_ending:%d:2026-09-30:%d", a.ID, days) }

		w.scan(t, swedish(2026, time.July, 1, 23))
		w.wantNotified(t, tenants.NotifyAgreementEnding, "", "")

		for _, at := range []time.Time{swedish(2026, time.July, 2, 8), swedish(2026, time.August, 30, 23)} {
			w.scan(t, at)
			for _, n := range w.wantNotified(t, tenants.NotifyAgreementEnding, link, key(90), w.ada, w.bea) {
				if n.Args[tenants.NotifyArgAgreement] != a.Title || n.Args[tenants.NotifyArgDate] != "2026-09-30" {
					t.Errorf("args %v", n.Args)
				}
			}
		}
		// The second agreement (ending 30 November) is extended by a year
		// before a reminder enqueued for it, as if by an earlier scan, runs.
		w.exec(t, "UPDATE agreements SET ends_on = ? WHERE id = ?", tenants.NewDate(2027, time.November, 30), extended.ID)
		w.insert(t, jobs.AgreementEndingArgs{TenantID: w.region.ID, AgreementID: extended.ID, EndsOn: "2026-11-30", Days: 90})
		w.settle(t)

		for _, at := range []time.Time{swedish(2026, time.August, 31, 8), swedish(2026, time.September, 29, 8), swedish(2026, time.October, 1, 8)} {
			w.scan(t, at)
			got := w.inboxes(t, tenants.NotifyAgreementEnding)
			for _, u := range []tenants.User{w.ada, w.bea} {
				if len(got[u.ID]) != 2 || got[u.ID][0].DedupeKey != key(30) || got[u.ID][1].DedupeKey != key(90) {
					t.Errorf("%s's agreement notifications %+v, want the 30-day one after the 90-day one", u.DisplayName, got[u.ID])
				}
			}
			if len(got) != 2 {
				t.Errorf("agreement notifications went to %d users, want the two administrators", len(got))
			}
		}
	})
}

// TestCommitmentMissedReminder: an agreement committing to at least five
// peers with meetings has none in Q2 2026; once the quarter's reports are
// built, the administrators are told once, with a link to the agreement's
// report. An agreement whose commitment was met reminds nobody, and
// before the reports are built nothing is said.
func TestCommitmentMissedReminder(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		w := newReminderWorld(t, db, swedish(2026, time.June, 1, 12))
		missed := w.agreement(t, "IOP hivstöd Syd", tenants.NewDate(2027, time.December, 31),
			tenants.Commitment{Indicator: tenants.IndicatorActivePeers, Comparison: tenants.AtLeast, Target: 5, Description: "Minst fem aktiva kamratstödjare"})
		w.agreement(t, "IOP kamratstöd psykiatri", tenants.NewDate(2027, time.December, 31),
			tenants.Commitment{Indicator: tenants.IndicatorActivePeers, Comparison: tenants.AtMost, Target: 5, Description: "Högst fem"})

		w.scan(t, swedish(2026, time.July, 2, 8))
		w.wantNotified(t, tenants.NotifyCommitmentMissed, "", "")

		reports := tenants.NewReportStore(db)
		q2 := tenants.NewDate(2026, time.April, 1)
		if _, err := reports.Build(w.ctx, w.region.ID, q2, swedish(2026, time.July, 2, 9), tenants.BuildOnce); err != nil {
			t.Fatal(err)
		}
		list, err := reports.PeriodReports(w.ctx, w.region.ID, q2)
		if err != nil {
			t.Fatal(err)
		}
		var reportID int64
		for _, r := range list {
			if r.Scope == tenants.ReportAgreement && r.ScopeID == missed.ID {
				reportID = r.ID
			}
		}
		if reportID == 0 {
			t.Fatalf("no report of the agreement among %+v", list)
		}
		link := fmt.Sprintf("/r/%s/admin/reports/%d", w.region.Slug, reportID)
		key := fmt.Sprintf("commitment_missed:%d:2026-04-01", missed.ID)
		for _, at := range []time.Time{swedish(2026, time.July, 2, 10), swedish(2026, time.July, 3, 10)} {
			w.scan(t, at)
			for _, n := range w.wantNotified(t, tenants.NotifyCommitmentMissed, link, key, w.ada, w.bea) {
				if n.Args[tenants.NotifyArgAgreement] != missed.Title || n.Args[tenants.NotifyArgPeriod] != "2026 Q2" {
					t.Errorf("args %v", n.Args)
				}
			}
		}
	})
}

// TestReportReadyReminder: a built quarter waiting for approval tells each
// regional administrator once, however often the scan runs; a quarter
// approved before the scan tells nobody.
func TestReportReadyReminder(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		w := newReminderWorld(t, db, swedish(2026, time.June, 1, 12))
		reports := tenants.NewReportStore(db)
		q1, q2, q3 := tenants.NewDate(2026, time.January, 1), tenants.NewDate(2026, time.April, 1), tenants.NewDate(2026, time.July, 1)
		// The world's workers build the quarter before its clock (Q1) on
		// their own, whenever they get to it; build and approve it here so
		// that it announces nothing, whatever the timing.
		if _, err := reports.Build(w.ctx, w.region.ID, q1, swedish(2026, time.June, 1, 13), tenants.BuildOnce); err != nil {
			t.Fatal(err)
		}
		if err := reports.Approve(w.ctx, w.region.ID, w.ada.ID, q1, swedish(2026, time.June, 1, 14)); err != nil {
			t.Fatal(err)
		}

		w.scan(t, swedish(2026, time.July, 2, 8))
		w.wantNotified(t, tenants.NotifyReportReady, "", "")
		if _, err := reports.Build(w.ctx, w.region.ID, q2, swedish(2026, time.July, 2, 9), tenants.BuildOnce); err != nil {
			t.Fatal(err)
		}
		link := "/r/" + w.region.Slug + "/admin/reports"
		for _, at := range []time.Time{swedish(2026, time.July, 2, 10), swedish(2026, time.July, 3, 10)} {
			w.scan(t, at)
			for _, n := range w.wantNotified(t, tenants.NotifyReportReady, link, "report_ready:2026-04-01", w.ada, w.bea) {
				if n.Args[tenants.NotifyArgPeriod] != "2026 Q2" {
					t.Errorf("args %v", n.Args)
				}
			}
		}

		for _, q := range []tenants.Date{q2, q3} {
			if q == q3 {
				if _, err := reports.Build(w.ctx, w.region.ID, q3, swedish(2026, time.October, 2, 9), tenants.BuildOnce); err != nil {
					t.Fatal(err)
				}
			}
			if err := reports.Approve(w.ctx, w.region.ID, w.ada.ID, q, swedish(2026, time.October, 2, 10)); err != nil {
				t.Fatal(err)
			}
		}
		w.scan(t, swedish(2026, time.October, 2, 11))
		for _, list := range w.inboxes(t, tenants.NotifyReportReady) {
			for _, n := range list {
				if n.DedupeKey != "report_ready:2026-04-01" {
					t.Errorf("an approved quarter was announced: %+v", n)
				}
			}
		}
	})
}
