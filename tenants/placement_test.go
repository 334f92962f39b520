package tenants_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

func warningKeys(ws []tenants.Warning) []string {
	out := []string{}
	for _, w := range ws {
		out = append(out, w.Key)
	}
	return out
}

// makeReady takes a unit through every readiness step.
func makeReady(t *testing.T, units *tenants.UnitStore, tenantID, unitID int64) {
	t.Helper()
	ctx := context.Background()
	if _, err := units.SetReadiness(ctx, tenantID, unitID, tenants.ReadinessDecisions{
		BudgetDecided: true, BudgetDecidedOn: day("2024-01-15"), ManagementAnchored: true, ManagementAnchoredOn: day("2024-01-20"),
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := units.AddIntroSession(ctx, tenantID, unitID, tenants.IntroSession{HeldOn: day("2024-02-01")}); err != nil {
		t.Fatal(err)
	}
}

// TestPlacements: bad placements are refused and change nothing; a
// placement at a unit that is not ready, or that no IOP agreement in force
// budgets a position at, is made with warnings.
func TestPlacements(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newPeerFixture(t, db)
		units := tenants.NewUnitStore(db)
		lund := mustUnit(t, units, f.a.ID, tenants.Unit{Name: "Psykiatri Lund"})
		malmo := mustUnit(t, units, f.a.ID, tenants.Unit{Name: "Socialpsykiatri Malmö"})
		far := mustUnit(t, units, f.b.ID, tenants.Unit{Name: "Psykiatri Umeå"})
		sara := f.mustPeer(t, f.a.ID, f.orgA.ID, "Sara", tenants.PeerActive)
		bo := f.mustPeer(t, f.a.ID, f.orgB.ID, "Bo", tenants.PeerActive)
		valid := tenants.Placement{
			PeerID: sara.ID, UnitID: lund.ID, Employer: tenants.EmployerRegion, FTEPercent: 50,
			StartsOn: day("2025-01-01"), EndsOn: day("2025-12-31"),
		}

		bad := []struct {
			name   string
			change func(*tenants.Placement)
			want   []string
		}{
			{"ends before it starts", func(p *tenants.Placement) { p.EndsOn = day("2024-12-31") }, []string{"ends_on=validation.end_before_start"}},
			{"no share of full time", func(p *tenants.Placement) { p.FTEPercent = 0 }, []string{"fte_percent=validation.range"}},
			{"more than full time", func(p *tenants.Placement) { p.FTEPercent = 101 }, []string{"fte_percent=validation.range"}},
			{"another region's unit", func(p *tenants.Placement) { p.UnitID = far.ID }, []string{"unit_id=validation.scope_unit"}},
			{"no unit, start or employer", func(p *tenants.Placement) { p.UnitID, p.StartsOn, p.Employer = 0, tenants.Date{}, "" },
				[]string{"unit_id=validation.required", "employer=validation.choice", "starts_on=validation.required"}},
		}
		for _, tc := range bad {
			p := valid
			tc.change(&p)
			_, _, err := f.placements.Create(ctx, f.a.ID, f.orgA.ID, p)
			if got := fieldKeys(t, err); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s: problems %q, want %q", tc.name, got, tc.want)
			}
		}
		theirs := valid
		theirs.PeerID = bo.ID
		_, _, err := f.placements.Create(ctx, f.a.ID, f.orgA.ID, theirs)
		wantNotFound(t, "placing organisation B's peer", err)
		if list, err := f.placements.Placements(ctx, f.a.ID, f.orgA.ID); err != nil || len(list) != 0 {
			t.Fatalf("refused placements were stored: %+v (%v)", list, err)
		}

		// Lund has prepared nothing and no agreement covers it.
		p, warnings, err := f.placements.Create(ctx, f.a.ID, f.orgA.ID, valid)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := warningKeys(warnings), []string{tenants.WarnUnitNotReady, tenants.WarnNoBudgetedPosition}; !slices.Equal(got, want) {
			t.Fatalf("warnings %q, want %q", got, want)
		}
		if warnings[0].Args["Unit"] != "Psykiatri Lund" ||
			!reflect.DeepEqual(warnings[0].Args["Missing"], []string{tenants.StepBudget, tenants.StepIntroSessions, tenants.StepManagement}) {
			t.Errorf("not-ready warning %+v", warnings[0])
		}
		if got, err := f.placements.Placement(ctx, f.a.ID, f.orgA.ID, p.ID); err != nil || got.UnitID != lund.ID || got.EndsOn != day("2025-12-31") {
			t.Fatalf("read back %+v (%v)", got, err)
		}

		// Ready, and an agreement budgets a position without a unit for the
		// units it covers — once it is in force.
		makeReady(t, units, f.a.ID, lund.ID)
		agreements := tenants.NewAgreementStore(db)
		iop, err := agreements.Create(ctx, f.a.ID, 0, tenants.Agreement{
			Title: "IOP Peer support", Committee: "Hälso- och sjukvårdsnämnden", Purpose: "Peer support i psykiatrin.",
			StartsOn: day("2024-07-01"), EndsOn: day("2026-06-30"), ReportingCadence: tenants.ReportQuarterly,
			Parties: []int64{f.orgA.ID}, UnitIDs: []int64{lund.ID},
			Positions: []tenants.BudgetedPosition{{Count: 2, FTEPercent: 50}},
		})
		if err != nil {
			t.Fatal(err)
		}
		_, warnings, err = f.placements.PlacementWithWarnings(ctx, f.a.ID, f.orgA.ID, p.ID)
		if err != nil || !slices.Equal(warningKeys(warnings), []string{tenants.WarnNoBudgetedPosition}) {
			t.Fatalf("ready unit, draft agreement: %q (%v)", warningKeys(warnings), err)
		}
		if _, err := agreements.SetStatus(ctx, f.a.ID, 0, iop.ID, tenants.AgreementActive); err != nil {
			t.Fatal(err)
		}
		if _, warnings, err = f.placements.PlacementWithWarnings(ctx, f.a.ID, f.orgA.ID, p.ID); err != nil || len(warnings) != 0 {
			t.Fatalf("ready unit, active agreement: %q (%v), want none", warningKeys(warnings), err)
		}

		// The agreement ends before a later placement starts, and does not
		// cover Malmö.
		later := valid
		later.StartsOn, later.EndsOn = day("2026-07-01"), tenants.Date{}
		_, warnings, err = f.placements.Create(ctx, f.a.ID, f.orgA.ID, later)
		if err != nil || !slices.Equal(warningKeys(warnings), []string{tenants.WarnNoBudgetedPosition}) {
			t.Fatalf("placement after the agreement: %q (%v)", warningKeys(warnings), err)
		}
		makeReady(t, units, f.a.ID, malmo.ID)
		atMalmo := valid
		atMalmo.UnitID, atMalmo.Employer, atMalmo.FTEPercent = malmo.ID, tenants.EmployerMunicipality, 60
		m, warnings, err := f.placements.Create(ctx, f.a.ID, f.orgA.ID, atMalmo)
		if err != nil {
			t.Fatal(err)
		}
		// 50 % in Lund and 60 % in Malmö at the same time.
		if got, want := warningKeys(warnings), []string{tenants.WarnNoBudgetedPosition, tenants.WarnOverFullTime}; !slices.Equal(got, want) {
			t.Fatalf("Malmö warnings %q, want %q", got, want)
		}
		if warnings[1].Args["Percent"] != 110 {
			t.Errorf("over full time %+v, want 110 %%", warnings[1])
		}

		// Moving the Malmö placement after Lund's ends clears the overlap.
		m.StartsOn, m.EndsOn = day("2026-01-01"), day("2026-03-31")
		m.PeerID = bo.ID // ignored: a placement keeps its peer
		moved, warnings, err := f.placements.Update(ctx, f.a.ID, f.orgA.ID, m)
		if err != nil || moved.PeerID != sara.ID || !slices.Equal(warningKeys(warnings), []string{tenants.WarnNoBudgetedPosition}) {
			t.Fatalf("moved %+v: %q (%v)", moved, warningKeys(warnings), err)
		}
		m.EndsOn = day("2025-12-31")
		_, _, err = f.placements.Update(ctx, f.a.ID, f.orgA.ID, m)
		wantFieldKeys(t, err, "ends_on=validation.end_before_start")
		_, _, err = f.placements.Update(ctx, f.a.ID, f.orgB.ID, moved)
		wantNotFound(t, "update through B", err)
		wantNotFound(t, "remove through B", f.placements.Remove(ctx, f.a.ID, f.orgB.ID, moved.ID))
		if got, _ := f.placements.Placement(ctx, f.a.ID, f.orgA.ID, moved.ID); got.EndsOn != day("2026-03-31") {
			t.Errorf("refused updates changed the placement: %+v", got)
		}

		if list, _ := f.placements.PeerPlacements(ctx, f.a.ID, f.orgA.ID, sara.ID); len(list) != 3 {
			t.Errorf("Sara has %d placements, want 3", len(list))
		}
		if list, err := f.placements.Placements(ctx, f.a.ID, f.orgB.ID); err != nil || len(list) != 0 {
			t.Errorf("organisation B lists %+v (%v)", list, err)
		}
		if err := f.placements.Remove(ctx, f.a.ID, f.orgA.ID, moved.ID); err != nil {
			t.Fatal(err)
		}
		wantNotFound(t, "removed placement", func() error { _, err := f.placements.Placement(ctx, f.a.ID, f.orgA.ID, moved.ID); return err }())
	})
}

// TestCoordinatorOverview: peers by status, free capacity, overdue
// supervision, expiring certifications and ending placements of one
// organisation only.
func TestCoordinatorOverview(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newPeerFixture(t, db)
		units := tenants.NewUnitStore(db)
		lund := mustUnit(t, units, f.a.ID, tenants.Unit{Name: "Psykiatri Lund"})
		activeSince := time.Date(2024, 1, 1, 11, 0, 0, 0, time.UTC)
		withCapacity := func(orgID int64, name string, status tenants.PeerStatus, capacity int) tenants.Peer {
			t.Helper()
			p := sara()
			p.DisplayName, p.Status, p.Capacity = name, status, capacity
			got, err := f.peers.Create(ctx, f.a.ID, orgID, 0, p)
			if err != nil {
				t.Fatal(err)
			}
			backdateStatus(t, db, got, activeSince)
			return got
		}
		anna := withCapacity(f.orgA.ID, "Anna", tenants.PeerActive, 3)
		bert := withCapacity(f.orgA.ID, "Bert", tenants.PeerActive, 2)
		withCapacity(f.orgA.ID, "Cilla", tenants.PeerInTraining, 4)
		withCapacity(f.orgA.ID, "Dan", tenants.PeerRecruited, 5)
		withCapacity(f.orgB.ID, "Bo", tenants.PeerActive, 10)
		f.mustSession(t, f.orgA.ID, tenants.SupervisionGroup, "2024-03-01", anna)
		for _, tr := range []struct {
			peer tenants.Peer
			on   string
		}{{anna, "2022-04-01"}, {bert, "2023-01-20"}} {
			if _, err := f.peers.AddTraining(ctx, f.a.ID, f.orgA.ID, tr.peer.ID, tenants.Training{
				Kind: tenants.TrainingBaseCourse, StartedOn: day(tr.on).AddDays(-35), CompletedOn: day(tr.on),
			}); err != nil {
				t.Fatal(err)
			}
		}
		for _, pl := range []tenants.Placement{
			{PeerID: anna.ID, StartsOn: day("2023-04-01"), EndsOn: day("2024-04-09")},
			{PeerID: bert.ID, StartsOn: day("2023-04-01"), EndsOn: day("2024-04-10")},
			{PeerID: bert.ID, StartsOn: day("2024-04-11")},
		} {
			pl.UnitID, pl.Employer, pl.FTEPercent = lund.ID, tenants.EmployerOrganisation, 40
			if _, _, err := f.placements.Create(ctx, f.a.ID, f.orgA.ID, pl); err != nil {
				t.Fatal(err)
			}
		}

		o, err := f.peers.Overview(ctx, f.a.ID, f.orgA.ID, day("2024-03-10"))
		if err != nil {
			t.Fatal(err)
		}
		wantCounts := []tenants.StatusCount{
			{Status: tenants.PeerRecruited, Count: 1}, {Status: tenants.PeerInTraining, Count: 1},
			{Status: tenants.PeerActive, Count: 2}, {Status: tenants.PeerPaused}, {Status: tenants.PeerLeft},
		}
		if !reflect.DeepEqual(o.PeersByStatus, wantCounts) {
			t.Errorf("by status %+v", o.PeersByStatus)
		}
		if o.ActiveCapacity != 5 || o.CurrentMatches != 0 || o.FreeCapacity != 5 || o.SupervisionIntervalWeeks != 4 {
			t.Errorf("capacity %d, matches %d, free %d, interval %d", o.ActiveCapacity, o.CurrentMatches, o.FreeCapacity, o.SupervisionIntervalWeeks)
		}
		// Bert, active since 2024-01-01 and never supervised, was due
		// 2024-01-29; Anna was supervised on 2024-03-01.
		if len(o.SupervisionOverdue) != 1 || o.SupervisionOverdue[0].PeerID != bert.ID || o.SupervisionOverdue[0].DaysOverdue != 41 {
			t.Errorf("overdue %+v", o.SupervisionOverdue)
		}
		// Anna's certification expires 2024-04-01 (within 60 days); Bert's
		// 2025-01-20.
		if len(o.CertificationsExpiring) != 1 || o.CertificationsExpiring[0].PeerID != anna.ID || o.CertificationsExpiring[0].ExpiresOn != day("2024-04-01") {
			t.Errorf("certifications %+v", o.CertificationsExpiring)
		}
		// Anna's placement ends 2024-04-09 (within 30 days), Bert's first
		// 2024-04-10 (the 31st day), his second runs on.
		if len(o.PlacementsEnding) != 1 || o.PlacementsEnding[0].PeerID != anna.ID ||
			o.PlacementsEnding[0].PeerName != "Anna" || o.PlacementsEnding[0].UnitName != "Psykiatri Lund" {
			t.Errorf("placements ending %+v", o.PlacementsEnding)
		}

		// Organisation B's overview has its own peer only.
		ob, err := f.peers.Overview(ctx, f.a.ID, f.orgB.ID, day("2024-03-10"))
		if err != nil || ob.ActiveCapacity != 10 || len(ob.PlacementsEnding) != 0 || len(ob.SupervisionOverdue) != 1 || ob.SupervisionOverdue[0].DisplayName != "Bo" {
			t.Errorf("organisation B's overview %+v (%v)", ob, err)
		}
		_, err = f.peers.Overview(ctx, f.b.ID, f.orgA.ID, day("2024-03-10"))
		wantNotFound(t, "overview of another region's organisation", err)
	})
}
