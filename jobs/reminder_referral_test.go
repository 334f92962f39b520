package jobs_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/jobs"
	"github.com/kamrat/kamrat/jobs/jobstest"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestReferralReminderAcrossEaster: a referral on Thursday 2 April 2026
// with the default deadline of 5 working days. Långfredagen (3 April) and
// annandag påsk (6 April) are holidays, so the five working days are 7, 8,
// 9, 10 and 13 April: the referral is not late on Friday 10 or on Monday
// 13 April, and late on Tuesday 14 April, when organisation A's enabled
// coordinators — Kim and Lo, not disabled Dan, not B's Ola, not the
// administrators — are reminded once, by the real workers, with an e-mail
// in Swedish carrying the link and nothing of the participant. Scanning
// and running the job again reminds nobody twice. At twice the deadline
// (ten working days: late from Tuesday 21 April) the region's
// administrators are told once.
func TestReferralReminderAcrossEaster(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		w := newReminderWorld(t, db, swedish(2026, time.April, 2, 12))
		p, r := w.referral(t, swedish(2026, time.April, 2, 9))
		link := fmt.Sprintf("/r/%s/org/referrals/%d", w.region.Slug, r.ID)
		key := fmt.Sprintf("referral_not_contacted:%d", r.ID)

		for _, at := range []time.Time{swedish(2026, time.April, 3, 12), swedish(2026, time.April, 10, 20), swedish(2026, time.April, 13, 23)} {
			w.scan(t, at)
			w.wantNotified(t, tenants.NotifyReferralNotContacted, "", "")
		}

		w.scan(t, swedish(2026, time.April, 14, 8))
		got := w.wantNotified(t, tenants.NotifyReferralNotContacted, link, key, w.kim, w.lo)
		for _, n := range got {
			if n.Args[tenants.NotifyArgDays] != "6" {
				t.Errorf("days waited %q, want 6 (7–14 April less annandag påsk)", n.Args[tenants.NotifyArgDays])
			}
			if !n.CreatedAt.Equal(swedish(2026, time.April, 14, 8)) {
				t.Errorf("created at %v, want the injected clock", n.CreatedAt)
			}
		}
		w.wantNotified(t, tenants.NotifyReferralEscalated, "", "")

		// The e-mails: one each, in Swedish, with the link, nothing of the
		// participant.
		mails := referralMails(t, w, 2)
		var to []string
		for _, m := range mails {
			to = append(to, m.To...)
			parsed, err := m.Parse()
			if err != nil {
				t.Fatal(err)
			}
			if parsed.Subject != referralMailSubject {
				t.Errorf("subject %q", parsed.Subject)
			}
			text := normalizeNewlines(parsed.Text)
			if !strings.HasPrefix(text, "En remiss har väntat på första kontakt i 6 arbetsdagar.\n") ||
				!strings.Contains(text, "Öppna i Kamrat: "+reminderPublicURL+link+"\n") {
				t.Errorf("text part %q, want the Swedish sentence and the link", text)
			}
			if !strings.Contains(parsed.HTML, `<html lang="sv">`) || !strings.Contains(parsed.HTML, `href="`+reminderPublicURL+link+`"`) {
				t.Errorf("HTML part lacks the language or the link:\n%s", parsed.HTML)
			}
			assertNoParticipantIn(t, "the e-mail", string(m.Data)+parsed.Text+parsed.HTML, p.Code)
		}
		if strings.Join(to, ",") != w.kim.Email+","+w.lo.Email && strings.Join(to, ",") != w.lo.Email+","+w.kim.Email {
			t.Errorf("mail went to %v, want Kim and Lo", to)
		}
		for _, j := range reminderJobRows(t, w) {
			assertNoParticipantIn(t, "a reminder job", j.Args+j.Errors, p.Code)
		}

		// Again: the scan an hour later, and the job itself once its
		// completed row is gone (as River's cleaner does) — nobody twice.
		w.scan(t, swedish(2026, time.April, 14, 9))
		w.exec(t, "DELETE FROM river_job WHERE kind = ?", jobs.ReferralNotContactedArgs{}.Kind())
		w.insert(t, jobs.ReferralNotContactedArgs{TenantID: w.region.ID, ReferralID: r.ID})
		w.settle(t)
		w.wantNotified(t, tenants.NotifyReferralNotContacted, link, key, w.kim, w.lo)
		w.scan(t, swedish(2026, time.April, 20, 23))
		w.wantNotified(t, tenants.NotifyReferralEscalated, "", "")
		time.Sleep(300 * time.Millisecond)
		if n := len(referralMails(t, w, 2)); n != 2 {
			t.Errorf("SMTP server has %d messages about the referral, want still 2", n)
		}

		// Twice the deadline: escalated to the region, once.
		w.scan(t, swedish(2026, time.April, 21, 8))
		w.scan(t, swedish(2026, time.April, 22, 8))
		esc := w.wantNotified(t, tenants.NotifyReferralEscalated, "/r/"+w.region.Slug+"/admin/organisations",
			fmt.Sprintf("referral_escalated:%d", r.ID), w.ada, w.bea)
		for _, n := range esc {
			if n.Args[tenants.NotifyArgOrganisation] != w.orgA.Name || n.Args[tenants.NotifyArgDays] != "11" {
				t.Errorf("escalation args %v, want organisation A and 11 working days", n.Args)
			}
		}
		w.wantNotified(t, tenants.NotifyReferralNotContacted, link, key, w.kim, w.lo)
	})
}

// TestReferralReminderPutRight: a referral contacted after its deadline
// but before its reminders run gets none — the job re-checks — and a
// referral contacted in time is never reminded of.
func TestReferralReminderPutRight(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		w := newReminderWorld(t, db, swedish(2026, time.March, 1, 12))
		_, late := w.referral(t, swedish(2026, time.March, 2, 9))
		_, inTime := w.referral(t, swedish(2026, time.March, 2, 10))
		for i, r := range []tenants.ClinicReferral{late, inTime} {
			if _, err := w.refs.Accept(w.ctx, w.region.ID, w.orgA.ID, w.kim.ID, r.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := w.refs.RecordContactAttempt(w.ctx, w.region.ID, w.orgA.ID, w.kim.ID, r.ID, tenants.ContactAttempt{
				AttemptedOn: tenants.NewDate(2026, time.March, 4+20*(1-i)), Method: tenants.ContactPhone, Reached: true,
			}); err != nil {
				t.Fatal(err)
			}
		}
		// The reminders a scan on 24 March would have enqueued before the
		// contact was recorded (late: the contact came on 24 March).
		w.setClock(swedish(2026, time.March, 31, 8))
		w.insert(t, jobs.ReferralNotContactedArgs{TenantID: w.region.ID, ReferralID: late.ID})
		w.insert(t, jobs.ReferralEscalatedArgs{TenantID: w.region.ID, ReferralID: late.ID})
		w.settle(t)
		w.scan(t, swedish(2026, time.March, 31, 9))
		w.wantNotified(t, tenants.NotifyReferralNotContacted, "", "")
		w.wantNotified(t, tenants.NotifyReferralEscalated, "", "")
	})
}

// assertNoParticipantIn fails when s holds the participant's code, alias
// or phone number.
func assertNoParticipantIn(t *testing.T, what, s, code string) {
	t.Helper()
	for _, secret := range []string{code, "Zlatan", "Deltagare", "070-987", "987 65 43"} {
		if strings.Contains(s, secret) {
			t.Errorf("%s holds the participant's %q:\n%s", what, secret, s)
		}
	}
}

// reminderJobRows are the stored reminder jobs, their arguments and
// errors as text.
func reminderJobRows(t *testing.T, w *reminderWorld) []storedJob {
	t.Helper()
	query := `SELECT id, state, json(args) AS args, coalesce(json(errors), '[]') AS errors FROM river_job WHERE kind LIKE 'reminder%' ORDER BY id`
	if w.db.Dialect() == tenants.Postgres {
		query = `SELECT id, state::text AS state, args::text AS args, coalesce(array_to_json(errors)::text, '[]') AS errors
			FROM river_job WHERE kind LIKE 'reminder%' ORDER BY id`
	}
	var rows []storedJob
	if err := w.db.Bun().NewRaw(query).Scan(w.ctx, &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatal("no reminder jobs stored")
	}
	return rows
}

// referralMailSubject is the subject of the reminder of a referral without
// first contact.
const referralMailSubject = "Kamrat: en remiss väntar på kontakt"

// referralMails waits until the SMTP server has at least n e-mails about
// referrals and returns them all; the world's other e-mail (the quarterly
// report its workers build, announced to the administrators) is left out.
func referralMails(t *testing.T, w *reminderWorld, n int) []jobstest.ReceivedMail {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var out []jobstest.ReceivedMail
		for _, m := range w.smtp.Messages() {
			if p, err := m.Parse(); err == nil && p.Subject == referralMailSubject {
				out = append(out, m)
			}
		}
		if len(out) >= n || time.Now().After(deadline) {
			return out
		}
		time.Sleep(50 * time.Millisecond)
	}
}
