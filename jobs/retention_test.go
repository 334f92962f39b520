package jobs_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/kamrat/kamrat/jobs"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// run runs one job at the given time and waits until every job of its
// kind has ended, failing on one that failed.
func (w *reminderWorld) run(t *testing.T, at time.Time, args river.JobArgs) {
	t.Helper()
	w.settle(t)
	w.waitKind(t, args.Kind()) // its run on start
	w.setClock(at)
	w.insert(t, args)
	w.waitKind(t, args.Kind())
}

func (w *reminderWorld) waitKind(t *testing.T, kind string) {
	t.Helper()
	for {
		var rows []storedJob
		query := `SELECT id, state, coalesce(json(errors), '[]') AS errors FROM river_job WHERE kind = ? AND state <> 'completed'`
		if w.db.Dialect() == tenants.Postgres {
			query = `SELECT id, state::text AS state, coalesce(array_to_json(errors)::text, '[]') AS errors FROM river_job WHERE kind = ? AND state <> 'completed'`
		}
		if err := w.db.Bun().NewRaw(query, kind).Scan(w.ctx, &rows); err != nil {
			t.Fatal(err)
		}
		for _, j := range rows {
			if j.State != "available" && j.State != "running" && j.State != "scheduled" && j.State != "pending" {
				t.Fatalf("%s job %d %s: %s", kind, j.ID, j.State, j.Errors)
			}
		}
		if len(rows) == 0 {
			return
		}
		select {
		case <-time.After(50 * time.Millisecond):
		case <-w.ctx.Done():
			t.Fatalf("%s jobs still under way: %+v", kind, rows)
		}
	}
}

// count counts rows in the region with the query.
func (w *reminderWorld) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := w.db.InTenantReadOnly(w.ctx, w.region.ID, func(tx *tenants.Tx) error {
		return tx.NewRaw(query, args...).Scan(w.ctx, &n)
	}); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// TestConsentExpiry: a matched participant's consent holds through 31 May
// 2026. On 1 June the daily job erases the sealed contact data, closes the
// referral (consent_withdrawn, by the system), ends the match and cancels
// the follow-ups, and logs consent.expire naming the participant by code;
// another participant's consent is untouched, and running it again
// changes nothing more.
func TestConsentExpiry(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		w := newReminderWorld(t, db, swedish(2026, time.April, 1, 12))
		r, m, _ := w.matchedReferral(t)
		var p tenants.Participant
		if err := db.InTenantReadOnly(w.ctx, w.region.ID, func(tx *tenants.Tx) error {
			return tx.NewSelect().Model(&p).Where("id = (SELECT participant_id FROM referrals WHERE id = ?)", r.ID).Scan(w.ctx)
		}); err != nil {
			t.Fatal(err)
		}
		other, otherRef := w.referral(t, swedish(2026, time.April, 2, 9))
		w.exec(t, "UPDATE participants SET consent_expires_on = ? WHERE id = ?", tenants.NewDate(2026, time.May, 31), p.ID)

		w.run(t, swedish(2026, time.May, 31, 23), jobs.ConsentExpiryArgs{})
		if n := w.count(t, "SELECT count(*) FROM participants WHERE contact_enc IS NOT NULL"); n != 2 {
			t.Fatalf("%d participants with contact data on the consent's last day, want both", n)
		}

		for range 2 {
			w.run(t, swedish(2026, time.June, 1, 8), jobs.ConsentExpiryArgs{})
			if n := w.count(t, "SELECT count(*) FROM participants WHERE id = ? AND contact_enc IS NULL AND withdrawn_at IS NULL", p.ID); n != 1 {
				t.Error("the expired participant's contact data is still there")
			}
			if n := w.count(t, "SELECT count(*) FROM participants WHERE id = ? AND contact_enc IS NOT NULL", other.ID); n != 1 {
				t.Error("the other participant's contact data was erased")
			}
			if n := w.count(t, "SELECT count(*) FROM referrals WHERE id = ? AND status = 'closed' AND close_reason = 'consent_withdrawn'", r.ID); n != 1 {
				t.Error("the referral was not closed")
			}
			if n := w.count(t, "SELECT count(*) FROM referrals WHERE id = ? AND status = 'received'", otherRef.ID); n != 1 {
				t.Error("the other referral was changed")
			}
			if n := w.count(t, "SELECT count(*) FROM referral_events WHERE referral_id = ? AND to_status = 'closed' AND user_id IS NULL", r.ID); n != 1 {
				t.Errorf("%d closing events by the system, want 1", n)
			}
			if n := w.count(t, "SELECT count(*) FROM matches WHERE id = ? AND end_reason = 'consent_withdrawn'", m.ID); n != 1 {
				t.Error("the match was not ended")
			}
			if n := w.count(t, "SELECT count(*) FROM follow_ups WHERE referral_id = ? AND status <> 'cancelled'", r.ID); n != 0 {
				t.Errorf("%d follow-ups not cancelled", n)
			}
			if n := w.count(t, "SELECT count(*) FROM audit_log WHERE action = ? AND subject = ? AND object_id = ? AND user_id IS NULL",
				tenants.AuditConsentExpire, p.Code, strconv.FormatInt(p.ID, 10)); n != 1 {
				t.Errorf("%d consent.expire audit entries, want 1", n)
			}
		}
		// The organisation sees the referral without contact now.
		rec, err := w.refs.Record(w.ctx, w.region.ID, w.orgA.ID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Contact != nil {
			t.Errorf("contact %+v shown after expiry", rec.Contact)
		}
	})
}

// TestRetentionPurge: with the default retention of 24 months, a
// participant whose only referral (matched, with meetings and follow-ups)
// was closed on 1 May 2024 is kept on 30 April 2026 and erased on 1 June
// 2026 — participant, referral, history, match, meeting and follow-ups —
// while the audit log keeps its entries about them and gains
// participant.purge. A participant closed recently and one still
// referred are kept.
func TestRetentionPurge(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		w := newReminderWorld(t, db, swedish(2026, time.April, 1, 12))
		old, m, _ := w.matchedReferral(t)
		if _, err := w.support.LogMeeting(w.ctx, w.region.ID, w.peer.ID, w.pia.ID, m.ID, tenants.Meeting{
			HeldOn: tenants.SwedishDay(time.Now()), Format: tenants.MeetingFormat("phone"), DurationMinutes: 30, Topics: []tenants.MeetingTopic{tenants.TopicEverydayLife},
		}); err != nil {
			t.Fatal(err)
		}
		recent, _, _ := w.matchedReferral(t)
		for _, r := range []tenants.ClinicReferral{old, recent} {
			if _, err := w.refs.Close(w.ctx, w.region.ID, w.orgA.ID, w.kim.ID, r.ID, tenants.ClosureGoalsMet); err != nil {
				t.Fatal(err)
			}
		}
		w.exec(t, "UPDATE referrals SET status_changed_at = ? WHERE id = ?", swedish(2024, time.May, 1, 10).UTC(), old.ID)
		w.exec(t, "UPDATE referrals SET status_changed_at = ? WHERE id = ?", swedish(2026, time.January, 10, 10).UTC(), recent.ID)
		running, runningRef := w.referral(t, swedish(2023, time.March, 1, 9))
		var p tenants.Participant
		if err := db.InTenantReadOnly(w.ctx, w.region.ID, func(tx *tenants.Tx) error {
			return tx.NewSelect().Model(&p).Where("id = (SELECT participant_id FROM referrals WHERE id = ?)", old.ID).Scan(w.ctx)
		}); err != nil {
			t.Fatal(err)
		}
		// A reading of the participant, as the pages log it.
		if err := tenants.NewAuditLog(db).Record(w.ctx, tenants.AuditEntry{
			TenantID: w.region.ID, UserID: &w.kim.ID, UserLabel: w.kim.Email, Role: string(tenants.RoleOrgCoordinator),
			Action: "participant.read", ObjectType: "referral", ObjectID: strconv.FormatInt(old.ID, 10), Subject: p.Code, Outcome: tenants.OutcomeOK,
		}); err != nil {
			t.Fatal(err)
		}
		auditBefore := w.count(t, "SELECT count(*) FROM audit_log")

		rows := func() map[string]int {
			return map[string]int{
				"participants":       w.count(t, "SELECT count(*) FROM participants WHERE id = ?", p.ID),
				"participant_events": w.count(t, "SELECT count(*) FROM participant_events WHERE participant_id = ?", p.ID),
				"referrals":          w.count(t, "SELECT count(*) FROM referrals WHERE id = ?", old.ID),
				"referral_events":    w.count(t, "SELECT count(*) FROM referral_events WHERE referral_id = ?", old.ID),
				"contact_attempts":   w.count(t, "SELECT count(*) FROM referral_contact_attempts WHERE referral_id = ?", old.ID),
				"matches":            w.count(t, "SELECT count(*) FROM matches WHERE referral_id = ?", old.ID),
				"meetings":           w.count(t, "SELECT count(*) FROM meetings WHERE match_id = ?", m.ID),
				"follow_ups":         w.count(t, "SELECT count(*) FROM follow_ups WHERE referral_id = ?", old.ID),
			}
		}
		w.run(t, swedish(2026, time.April, 30, 23), jobs.RetentionPurgeArgs{})
		for table, n := range rows() {
			if n == 0 {
				t.Errorf("%s of the participant erased before the retention ended", table)
			}
		}

		for range 2 {
			w.run(t, swedish(2026, time.June, 1, 8), jobs.RetentionPurgeArgs{})
			for table, n := range rows() {
				if n != 0 {
					t.Errorf("%d rows of %s left after the retention ended", n, table)
				}
			}
			if n := w.count(t, "SELECT count(*) FROM referrals WHERE id IN (?)", bun.In([]int64{recent.ID, runningRef.ID})); n != 2 {
				t.Errorf("%d of the recently closed and the running referral left, want both", n)
			}
			if n := w.count(t, "SELECT count(*) FROM participants WHERE id = ?", running.ID); n != 1 {
				t.Error("the running participant was erased")
			}
			if n := w.count(t, "SELECT count(*) FROM audit_log WHERE subject = ? AND action = 'participant.read'", p.Code); n != 1 {
				t.Error("the audit entry about the participant is gone")
			}
			if n := w.count(t, "SELECT count(*) FROM audit_log WHERE subject = ? AND action = ? AND user_id IS NULL", p.Code, tenants.AuditParticipantPurge); n != 1 {
				t.Errorf("%d participant.purge entries, want 1", n)
			}
			if n := w.count(t, "SELECT count(*) FROM audit_log"); n != auditBefore+1 {
				t.Errorf("audit log has %d entries, want the %d before and the purge", n, auditBefore)
			}
		}
	})
}
