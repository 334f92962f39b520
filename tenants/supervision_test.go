package tenants_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// backdateStatus moves the moment a peer's current status began, so that
// compliance can be tested on fixed days.
func backdateStatus(t *testing.T, db *tenants.DB, p tenants.Peer, at time.Time) {
	t.Helper()
	ctx := context.Background()
	err := db.InTenant(ctx, p.TenantID, func(tx *tenants.Tx) error {
		_, err := tx.NewUpdate().Model((*tenants.Peer)(nil)).Set("status_changed_at = ?", at).
			Where("tenant_id = ? AND id = ?", p.TenantID, p.ID).Exec(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (f peerFixture) mustSession(t *testing.T, orgID int64, kind tenants.SupervisionKind, on string, peers ...tenants.Peer) tenants.SupervisionSession {
	t.Helper()
	s := tenants.SupervisionSession{
		Kind: kind, SupervisorName: "Mary-Anne", SupervisorLivedExperience: true, HeldOn: day(on), DurationMinutes: 90,
	}
	for _, p := range peers {
		s.PeerIDs = append(s.PeerIDs, p.ID)
	}
	got, err := f.supervision.Create(context.Background(), f.a.ID, orgID, s)
	if err != nil {
		t.Fatalf("session on %s: %v", on, err)
	}
	return got
}

// TestSupervisionSessions: sessions are checked, their attendees must be
// the organisation's own peers, and another organisation sees none of it.
func TestSupervisionSessions(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newPeerFixture(t, db)
		sara := f.mustPeer(t, f.a.ID, f.orgA.ID, "Sara", tenants.PeerActive)
		sam := f.mustPeer(t, f.a.ID, f.orgA.ID, "Sam", tenants.PeerActive)
		bo := f.mustPeer(t, f.a.ID, f.orgB.ID, "Bo", tenants.PeerActive)
		valid := tenants.SupervisionSession{
			Kind: tenants.SupervisionGroup, SupervisorName: "Thomas", SupervisorLivedExperience: true,
			HeldOn: day("2024-05-02"), DurationMinutes: 120, PeerIDs: []int64{sara.ID, sam.ID},
		}
		tests := []struct {
			name   string
			change func(*tenants.SupervisionSession)
			want   []string
		}{
			{"too short", func(s *tenants.SupervisionSession) { s.DurationMinutes = 10 }, []string{"duration_minutes=validation.range"}},
			{"too long", func(s *tenants.SupervisionSession) { s.DurationMinutes = 481 }, []string{"duration_minutes=validation.range"}},
			{"in the future", func(s *tenants.SupervisionSession) { s.HeldOn = tenants.DateOf(time.Now().Add(48 * time.Hour)) }, []string{"held_on=validation.not_future"}},
			{"nobody attended", func(s *tenants.SupervisionSession) { s.PeerIDs = nil }, []string{"peers=validation.attendees_required"}},
			{"individual with two", func(s *tenants.SupervisionSession) { s.Kind = tenants.SupervisionIndividual },
				[]string{"peers=validation.individual_one_peer"}},
			{"another organisation's peer", func(s *tenants.SupervisionSession) { s.PeerIDs = append(s.PeerIDs, bo.ID) },
				[]string{"peers=validation.scope_peer"}},
			{"no supervisor, no kind", func(s *tenants.SupervisionSession) { s.SupervisorName, s.Kind = "", "" },
				[]string{"kind=validation.choice", "supervisor_name=validation.required"}},
		}
		for _, tc := range tests {
			s := valid
			s.PeerIDs = slices.Clone(valid.PeerIDs)
			tc.change(&s)
			_, err := f.supervision.Create(ctx, f.a.ID, f.orgA.ID, s)
			if got := fieldKeys(t, err); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s: problems %q, want %q", tc.name, got, tc.want)
			}
		}
		if list, err := f.supervision.Sessions(ctx, f.a.ID, f.orgA.ID); err != nil || len(list) != 0 {
			t.Fatalf("refused sessions were stored: %+v (%v)", list, err)
		}

		created, err := f.supervision.Create(ctx, f.a.ID, f.orgA.ID, valid)
		if err != nil {
			t.Fatal(err)
		}
		single := f.mustSession(t, f.orgA.ID, tenants.SupervisionIndividual, "2024-05-20", sam)
		got, err := f.supervision.Session(ctx, f.a.ID, f.orgA.ID, created.ID)
		if err != nil || got.SupervisorName != "Thomas" || !got.SupervisorLivedExperience || got.DurationMinutes != 120 ||
			!slices.Equal(got.PeerIDs, []int64{sara.ID, sam.ID}) {
			t.Fatalf("read back %+v (%v)", got, err)
		}
		list, err := f.supervision.Sessions(ctx, f.a.ID, f.orgA.ID)
		if err != nil || len(list) != 2 || list[0].ID != single.ID || !slices.Equal(list[1].PeerIDs, []int64{sara.ID, sam.ID}) {
			t.Fatalf("sessions %+v (%v)", list, err)
		}
		// A peer sees the sessions they attended, not who else was there.
		own, err := f.supervision.PeerSessions(ctx, f.a.ID, f.orgA.ID, sara.ID)
		if err != nil || len(own) != 1 || own[0].ID != created.ID || !slices.Equal(own[0].PeerIDs, []int64{sara.ID}) {
			t.Fatalf("Sara's sessions %+v (%v)", own, err)
		}

		// Organisation B and region b see nothing of it.
		wantNotFound(t, "session through B", func() error { _, err := f.supervision.Session(ctx, f.a.ID, f.orgB.ID, created.ID); return err }())
		wantNotFound(t, "session from region b", func() error { _, err := f.supervision.Session(ctx, f.b.ID, f.orgFar.ID, created.ID); return err }())
		wantNotFound(t, "remove through B", f.supervision.Remove(ctx, f.a.ID, f.orgB.ID, created.ID))
		if list, err := f.supervision.Sessions(ctx, f.a.ID, f.orgB.ID); err != nil || len(list) != 0 {
			t.Errorf("organisation B lists %+v (%v)", list, err)
		}
		_, err = f.supervision.Create(ctx, f.b.ID, f.orgFar.ID, valid)
		wantFieldKeys(t, err, "peers=validation.scope_peer")

		// The database refuses a session of A attended by B's peer even
		// when the store's check is bypassed.
		err = db.InTenant(ctx, f.a.ID, func(tx *tenants.Tx) error {
			_, err := tx.NewRaw("INSERT INTO supervision_attendance (tenant_id, session_id, organisation_id, peer_id) VALUES (?, ?, ?, ?)",
				f.a.ID, created.ID, f.orgA.ID, bo.ID).Exec(ctx)
			return err
		})
		if err == nil {
			t.Error("the database accepted organisation B's peer at organisation A's session")
		}

		if err := f.supervision.Remove(ctx, f.a.ID, f.orgA.ID, created.ID); err != nil {
			t.Fatal(err)
		}
		if own, err := f.supervision.PeerSessions(ctx, f.a.ID, f.orgA.ID, sara.ID); err != nil || len(own) != 0 {
			t.Errorf("removed session still attended: %+v (%v)", own, err)
		}
	})
}

// TestOverdueSupervision: an active peer is overdue the day after the
// region's interval has passed since the later of their last session and
// their becoming active; not on the due day itself.
func TestOverdueSupervision(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newPeerFixture(t, db)
		activeSince := time.Date(2024, 1, 1, 11, 0, 0, 0, time.UTC) // 12:00 in Sweden
		peer := func(orgID int64, name string) tenants.Peer {
			p := f.mustPeer(t, f.a.ID, orgID, name, tenants.PeerActive)
			backdateStatus(t, db, p, activeSince)
			return p
		}
		never := peer(f.orgA.ID, "Aldrig")
		group := peer(f.orgA.ID, "Grupp")
		twice := peer(f.orgA.ID, "Två gånger")
		paused := peer(f.orgA.ID, "Pausad")
		if _, err := f.peers.SetStatus(ctx, f.a.ID, f.orgA.ID, 0, paused.ID, tenants.PeerPaused, ""); err != nil {
			t.Fatal(err)
		}
		peer(f.orgB.ID, "Annan organisation") // never supervised, but not A's
		f.mustSession(t, f.orgA.ID, tenants.SupervisionGroup, "2024-02-10", group, twice)
		f.mustSession(t, f.orgA.ID, tenants.SupervisionIndividual, "2024-03-01", twice)

		overdue := func(asOf string) []string {
			t.Helper()
			list, err := f.supervision.OverdueSupervision(ctx, f.a.ID, f.orgA.ID, day(asOf))
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, o := range list {
				out = append(out, o.DisplayName)
			}
			return out
		}
		// The default interval is 4 weeks: never supervised since
		// 2024-01-01 → due 2024-01-29.
		if got := overdue("2024-01-29"); got != nil {
			t.Errorf("on the due day: %q, want nobody", got)
		}
		list, err := f.supervision.OverdueSupervision(ctx, f.a.ID, f.orgA.ID, day("2024-01-30"))
		if err != nil {
			t.Fatal(err)
		}
		want := []tenants.OverduePeer{
			{PeerID: never.ID, DisplayName: "Aldrig", ActiveSince: day("2024-01-01"), DueOn: day("2024-01-29"), DaysOverdue: 1},
			{PeerID: group.ID, DisplayName: "Grupp", ActiveSince: day("2024-01-01"), DueOn: day("2024-01-29"), DaysOverdue: 1},
			{PeerID: twice.ID, DisplayName: "Två gånger", ActiveSince: day("2024-01-01"), DueOn: day("2024-01-29"), DaysOverdue: 1},
		}
		if !reflect.DeepEqual(list, want) {
			t.Errorf("the day after:\n got %+v\nwant %+v", list, want)
		}
		// Sessions after the day asked about do not count.
		if got := overdue("2024-02-05"); !slices.Equal(got, []string{"Aldrig", "Grupp", "Två gånger"}) {
			t.Errorf("2024-02-05: %q", got)
		}
		// The group session on 2024-02-10 makes Grupp due 2024-03-09;
		// Två gånger's own session on 2024-03-01 makes it due 2024-03-29.
		if got := overdue("2024-03-09"); !slices.Equal(got, []string{"Aldrig"}) {
			t.Errorf("2024-03-09: %q, want only Aldrig", got)
		}
		list, _ = f.supervision.OverdueSupervision(ctx, f.a.ID, f.orgA.ID, day("2024-03-10"))
		if len(list) != 2 || list[0].DisplayName != "Aldrig" || list[0].DaysOverdue != 41 ||
			list[1].DisplayName != "Grupp" || list[1].DaysOverdue != 1 || list[1].LastSession != day("2024-02-10") {
			t.Errorf("2024-03-10: %+v", list)
		}
		if got := overdue("2024-03-30"); !slices.Equal(got, []string{"Aldrig", "Grupp", "Två gånger"}) {
			t.Errorf("2024-03-30: %q", got)
		}

		// The interval is the region's: two weeks makes Två gånger due
		// 2024-03-15.
		regions := tenants.NewTenantStore(db)
		if _, err := regions.UpdateSettings(ctx, f.a.ID, f.a.Name, tenants.TenantSettings{SupervisionIntervalWeeks: 2}); err != nil {
			t.Fatal(err)
		}
		if got := overdue("2024-03-15"); !slices.Equal(got, []string{"Aldrig", "Grupp"}) {
			t.Errorf("two weeks, 2024-03-15: %q", got)
		}
		if got := overdue("2024-03-16"); !slices.Equal(got, []string{"Aldrig", "Grupp", "Två gånger"}) {
			t.Errorf("two weeks, 2024-03-16: %q", got)
		}

		// Coming back from a pause restarts the clock.
		if _, err := f.peers.SetStatus(ctx, f.a.ID, f.orgA.ID, 0, paused.ID, tenants.PeerActive, ""); err != nil {
			t.Fatal(err)
		}
		soon := tenants.Today(time.Now()).AddDays(1)
		if got := overdue(soon.String()); !slices.Equal(got, []string{"Aldrig", "Grupp", "Två gånger"}) {
			t.Errorf("tomorrow: %q, want all but the peer active again since today", got)
		}
	})
}

// TestGatherings: continuing education and reunions with attendance of the
// organisation's own peers, recorded once the day has come.
func TestGatherings(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newPeerFixture(t, db)
		sara := f.mustPeer(t, f.a.ID, f.orgA.ID, "Sara", tenants.PeerActive)
		sam := f.mustPeer(t, f.a.ID, f.orgA.ID, "Sam", tenants.PeerActive)
		bo := f.mustPeer(t, f.a.ID, f.orgB.ID, "Bo", tenants.PeerActive)
		next := tenants.Today(time.Now()).AddDays(30)

		_, err := f.gatherings.Create(ctx, f.a.ID, f.orgA.ID, tenants.Gathering{Kind: "party", HeldOn: next})
		wantFieldKeys(t, err, "kind=validation.choice", "title=validation.required")
		_, err = f.gatherings.Create(ctx, f.a.ID, f.orgA.ID, tenants.Gathering{
			Kind: tenants.GatheringReunion, Title: "Återträff", HeldOn: next, PeerIDs: []int64{sara.ID},
		})
		wantFieldKeys(t, err, "peers=validation.attendance_future")
		_, err = f.gatherings.Create(ctx, f.a.ID, f.orgA.ID, tenants.Gathering{
			Kind: tenants.GatheringReunion, Title: "Återträff", HeldOn: day("2024-04-12"), PeerIDs: []int64{sara.ID, bo.ID},
		})
		wantFieldKeys(t, err, "peers=validation.scope_peer")
		if list, err := f.gatherings.Gatherings(ctx, f.a.ID, f.orgA.ID); err != nil || len(list) != 0 {
			t.Fatalf("refused gatherings were stored: %+v (%v)", list, err)
		}

		reunion, err := f.gatherings.Create(ctx, f.a.ID, f.orgA.ID, tenants.Gathering{
			Kind: tenants.GatheringReunion, Title: "Återträff vårkursen", HeldOn: day("2024-04-12"), PeerIDs: []int64{sam.ID, sara.ID},
		})
		if err != nil || !slices.Equal(reunion.PeerIDs, []int64{sara.ID, sam.ID}) {
			t.Fatalf("reunion %+v (%v)", reunion, err)
		}
		planned, err := f.gatherings.Create(ctx, f.a.ID, f.orgA.ID, tenants.Gathering{
			Kind: tenants.GatheringContinuingEducation, Title: "Fortbildning: suicidprevention", HeldOn: next,
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.gatherings.SetAttendance(ctx, f.a.ID, f.orgA.ID, planned.ID, []int64{sam.ID})
		wantFieldKeys(t, err, "peers=validation.attendance_future")
		_, err = f.gatherings.SetAttendance(ctx, f.a.ID, f.orgB.ID, reunion.ID, []int64{bo.ID})
		wantNotFound(t, "attendance through B", err)
		_, err = f.gatherings.SetAttendance(ctx, f.a.ID, f.orgA.ID, reunion.ID, []int64{bo.ID})
		wantFieldKeys(t, err, "peers=validation.scope_peer")

		updated, err := f.gatherings.SetAttendance(ctx, f.a.ID, f.orgA.ID, reunion.ID, []int64{sam.ID})
		if err != nil || !slices.Equal(updated.PeerIDs, []int64{sam.ID}) {
			t.Fatalf("attendance %+v (%v)", updated, err)
		}
		list, err := f.gatherings.Gatherings(ctx, f.a.ID, f.orgA.ID)
		if err != nil || len(list) != 2 || list[0].ID != planned.ID || len(list[0].PeerIDs) != 0 || !slices.Equal(list[1].PeerIDs, []int64{sam.ID}) {
			t.Fatalf("gatherings %+v (%v)", list, err)
		}
		if own, err := f.gatherings.PeerGatherings(ctx, f.a.ID, f.orgA.ID, sara.ID); err != nil || len(own) != 0 {
			t.Errorf("Sara attended %+v (%v) after being taken off the list", own, err)
		}
		if own, _ := f.gatherings.PeerGatherings(ctx, f.a.ID, f.orgA.ID, sam.ID); len(own) != 1 || own[0].ID != reunion.ID {
			t.Errorf("Sam attended %+v", own)
		}
		wantNotFound(t, "gathering through B", func() error { _, err := f.gatherings.Gathering(ctx, f.a.ID, f.orgB.ID, reunion.ID); return err }())
		wantNotFound(t, "remove through B", f.gatherings.Remove(ctx, f.a.ID, f.orgB.ID, reunion.ID))
		if err := f.gatherings.Remove(ctx, f.a.ID, f.orgA.ID, reunion.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.gatherings.Gathering(ctx, f.a.ID, f.orgA.ID, reunion.ID); !errors.Is(err, tenants.ErrNotFound) {
			t.Errorf("removed gathering: err = %v", err)
		}
	})
}
