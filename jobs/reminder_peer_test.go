package jobs_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/kamrat/kamrat/jobs"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// peerBo adds a second active peer of A, without an account.
func (w *reminderWorld) peerBo(t *testing.T) tenants.Peer {
	t.Helper()
	bo, err := w.peers.Create(w.ctx, w.region.ID, w.orgA.ID, w.kim.ID, tenants.Peer{
		DisplayName: "Bo Kamrat", Languages: []string{"sv"}, Experience: []tenants.ExperienceArea{tenants.ExperienceHIV},
		Gender: tenants.GenderMan, AgeBand: tenants.Age30to44, Capacity: 2, Status: tenants.PeerActive,
	})
	if err != nil {
		t.Fatal(err)
	}
	return bo
}

func (w *reminderWorld) session(t *testing.T, on tenants.Date, peer tenants.Peer) {
	t.Helper()
	if _, err := tenants.NewSupervisionStore(w.db).Create(w.ctx, w.region.ID, w.orgA.ID, tenants.SupervisionSession{
		Kind: tenants.SupervisionIndividual, SupervisorName: "Handledare", HeldOn: on, DurationMinutes: 60, PeerIDs: []int64{peer.ID},
	}); err != nil {
		t.Fatal(err)
	}
}

// TestSupervisionReminder: Pia, active since 1 March 2026, last supervised
// on 20 March, is due again four weeks later (17 April) and overdue from
// 18 April, when A's coordinators are told, once. Bo, whose stale reminder
// (from before his session on 10 April) runs late, reminds nobody.
func TestSupervisionReminder(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		w := newReminderWorld(t, db, swedish(2026, time.March, 10, 12))
		bo := w.peerBo(t)
		w.exec(t, "UPDATE peers SET status_changed_at = ? WHERE tenant_id = ?", swedish(2026, time.March, 1, 9).UTC(), w.region.ID)
		w.session(t, tenants.NewDate(2026, time.March, 20), w.peer)
		w.session(t, tenants.NewDate(2026, time.April, 10), bo)

		w.scan(t, swedish(2026, time.April, 17, 23))
		w.wantNotified(t, tenants.NotifySupervisionOverdue, "", "")

		link := fmt.Sprintf("/r/%s/org/peers/%d", w.region.Slug, w.peer.ID)
		key := fmt.Sprintf("supervision_overdue:%d:2026-04-17", w.peer.ID)
		for _, day := range []int{18, 19} {
			w.scan(t, swedish(2026, time.April, day, 8))
			for _, n := range w.wantNotified(t, tenants.NotifySupervisionOverdue, link, key, w.kim, w.lo) {
				if n.Args[tenants.NotifyArgDays] != "29" {
					t.Errorf("days without supervision %q, want 29 (20 March to 18 April)", n.Args[tenants.NotifyArgDays])
				}
			}
		}
		w.insert(t, jobs.SupervisionOverdueArgs{TenantID: w.region.ID, PeerID: bo.ID, DueOn: "2026-03-29"})
		w.settle(t)
		w.wantNotified(t, tenants.NotifySupervisionOverdue, link, key, w.kim, w.lo)
	})
}

// TestCertificationReminder: Pia's certification (base course on 1 June
// 2024) runs out on 1 June 2026; A's coordinators are told once, from 30
// days before (2 May), not on 1 May. Bo renewed his before his stale
// reminder ran: nobody is told of it.
func TestCertificationReminder(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		w := newReminderWorld(t, db, swedish(2026, time.April, 1, 12))
		bo := w.peerBo(t)
		for _, tr := range []struct {
			peer      tenants.Peer
			kind      tenants.TrainingKind
			completed tenants.Date
		}{
			{w.peer, tenants.TrainingBaseCourse, tenants.NewDate(2024, time.June, 1)},
			{bo, tenants.TrainingBaseCourse, tenants.NewDate(2024, time.June, 10)},
			{bo, tenants.TrainingRefresher, tenants.NewDate(2026, time.May, 5)},
		} {
			if _, err := w.peers.AddTraining(w.ctx, w.region.ID, w.orgA.ID, tr.peer.ID, tenants.Training{
				Kind: tr.kind, StartedOn: tr.completed.AddDays(-30), CompletedOn: tr.completed,
			}); err != nil {
				t.Fatal(err)
			}
		}
		w.scan(t, swedish(2026, time.May, 1, 23))
		w.wantNotified(t, tenants.NotifyCertificationExpiring, "", "")

		link := fmt.Sprintf("/r/%s/org/peers/%d", w.region.Slug, w.peer.ID)
		key := fmt.Sprintf("certification_expiring:%d:2026-06-01", w.peer.ID)
		for _, day := range []time.Time{swedish(2026, time.May, 2, 8), swedish(2026, time.May, 20, 8), swedish(2026, time.June, 3, 8)} {
			w.scan(t, day)
			for _, n := range w.wantNotified(t, tenants.NotifyCertificationExpiring, link, key, w.kim, w.lo) {
				if n.Args[tenants.NotifyArgDate] != "2026-06-01" {
					t.Errorf("expiry %q", n.Args[tenants.NotifyArgDate])
				}
			}
		}
		w.insert(t, jobs.CertificationExpiringArgs{TenantID: w.region.ID, PeerID: bo.ID, ExpiresOn: "2026-06-10"})
		w.settle(t)
		w.wantNotified(t, tenants.NotifyCertificationExpiring, link, key, w.kim, w.lo)
	})
}
