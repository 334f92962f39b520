package ui

import (
	"context"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
)

// peerWorkPageExamples are the supervision, gathering, placement and
// overview pages for TestEveryPageRendersInEveryLanguage.
func peerWorkPageExamples(base basePage) map[string]page {
	nav := []workNavLink{{Label: "Översikt", URL: "/r/skane/org/overview", Current: true}, {Label: "Handledning", URL: "/r/skane/org/supervision"}}
	peers := []attendeeBox{{ID: 1, Name: "Sara", Checked: true}, {ID: 2, Name: "Omar"}}
	kinds := []option{{Value: "group", Label: "Grupp"}}
	return map[string]page{
		"overview": overviewPage{basePage: base, Nav: nav, AsOf: "2026-05-04",
			Statuses: []overviewStatus{{Label: "Aktiva", Count: 3}}, Capacity: 9, Free: 9, Weeks: 4,
			Overdue:        []overdueRow{{Name: "Sara", LastSession: "2026-03-01", DueOn: "2026-03-29", DaysOverdue: 36}, {Name: "Omar", DueOn: "2026-04-01", DaysOverdue: 33}},
			Certificates:   []certificateRow{{Name: "Sara", ExpiresOn: "2026-05-01", Expired: true}},
			Ending:         []endingRow{{ID: 1, Peer: "Omar", Unit: "Psykiatrisk öppenvård", EndsOn: "2026-05-31"}},
			SupervisionURL: "/r/skane/org/supervision", PlacementsURL: "/r/skane/org/placements", CertificationDays: 60, PlacementDays: 30},
		"overview empty": overviewPage{basePage: base, Nav: nav, AsOf: "2026-05-04", Weeks: 4},
		"supervision list": supervisionListPage{basePage: base, Nav: nav, BaseURL: "/r/skane/org/supervision", AsOf: "2026-05-04", Weeks: 4,
			Overdue:  []overdueRow{{Name: "Omar", DueOn: "2026-04-01", DaysOverdue: 33}},
			Sessions: []supervisionRow{{ID: 1, HeldOn: "2026-05-01", Kind: "Grupp", Supervisor: "Mary-Anne", LivedExperience: true, Minutes: 90, Peers: "Sara, Omar"}}},
		"supervision list empty": supervisionListPage{basePage: base, Nav: nav, BaseURL: "/r/skane/org/supervision", Weeks: 4},
		"supervision form": supervisionFormPage{basePage: base, Nav: nav, Action: "/r/skane/org/supervision", CancelURL: "/r/skane/org/supervision",
			Form: form{Values: map[string]string{"kind": "group"}}, Kinds: kinds, Peers: peers, Min: 15, Max: 480},
		"supervision form refused": supervisionFormPage{basePage: base, Nav: nav, Action: "/x", CancelURL: "/y",
			Form: refusedForm("peers", "Välj minst en kamratstödjare som deltog."), Kinds: kinds, Min: 15, Max: 480},
		"supervision session": supervisionPage{basePage: base, Nav: nav, URL: "/r/skane/org/supervision/1", ListURL: "/r/skane/org/supervision",
			Session: supervisionRow{ID: 1, HeldOn: "2026-05-01", Kind: "Grupp", Supervisor: "Mary-Anne", LivedExperience: true, Minutes: 90}, Peers: []string{"Sara", "Omar"}},
		"gatherings": gatheringsPage{basePage: base, Nav: nav, BaseURL: "/r/skane/org/gatherings", Gatherings: []gatheringRow{
			{ID: 1, HeldOn: "2026-04-01", Kind: "Återträff", Title: "Vårträff", Attended: 5}, {ID: 2, HeldOn: "2026-09-01", Kind: "Fortbildning", Title: "Suicidprevention", Planned: true}}},
		"gatherings empty": gatheringsPage{basePage: base, Nav: nav, BaseURL: "/r/skane/org/gatherings"},
		"gathering form": gatheringFormPage{basePage: base, Nav: nav, Action: "/r/skane/org/gatherings", CancelURL: "/r/skane/org/gatherings",
			Form: refusedForm("gathering_title", "Måste fyllas i."), Kinds: []option{{Value: "reunion", Label: "Återträff"}}},
		"gathering held": gatheringPage{basePage: base, Nav: nav, URL: "/r/skane/org/gatherings/1", ListURL: "/r/skane/org/gatherings",
			Gathering: gatheringRow{ID: 1, HeldOn: "2026-04-01", Kind: "Återträff", Title: "Vårträff", Attended: 1}, Form: form{Values: map[string]string{}}, Peers: peers, Saved: true},
		"gathering refused": gatheringPage{basePage: base, Nav: nav, URL: "/x", ListURL: "/y",
			Gathering: gatheringRow{ID: 1, HeldOn: "2026-04-01", Title: "Vårträff"}, Form: refusedForm("peers", "Välj kamratstödjare i den egna organisationen.")},
		"gathering planned": gatheringPage{basePage: base, Nav: nav, URL: "/x", ListURL: "/y",
			Gathering: gatheringRow{ID: 2, HeldOn: "2026-09-01", Title: "Suicidprevention", Planned: true}},
		"placements": placementsPage{basePage: base, Nav: nav, BaseURL: "/r/skane/org/placements", Placements: []placementRow{
			{ID: 1, Peer: "Sara", Unit: "Psykiatrisk öppenvård", Employer: "Regionen", Percent: 50, StartsOn: "2026-01-01", Current: true},
			{ID: 2, Peer: "Omar", Unit: "ACT-teamet", Employer: "Kommunen", Percent: 25, StartsOn: "2025-01-01", EndsOn: "2025-12-31"}}},
		"placements empty": placementsPage{basePage: base, Nav: nav, BaseURL: "/r/skane/org/placements"},
		"placement new": placementFormPage{basePage: base, Nav: nav, Heading: "Ny placering", Action: "/x", CancelURL: "/y",
			Form: refusedForm("ends_on", "Slutdatumet får inte vara före startdatumet."), Peers: []option{{Value: "1", Label: "Sara"}},
			Units: []option{{Value: "1", Label: "Psykiatrisk öppenvård"}}, Employers: []option{{Value: "region", Label: "Regionen"}}},
		"placement edit": placementFormPage{basePage: base, Nav: nav, Heading: "Ändra placeringen för Sara", Action: "/x", CancelURL: "/y",
			Form: form{Values: map[string]string{"unit_id": "1"}}, PeerName: "Sara", Units: []option{{Value: "1", Label: "Psykiatrisk öppenvård"}}},
		"placement with warnings": placementPage{basePage: base, Nav: nav, URL: "/r/skane/org/placements/1", ListURL: "/r/skane/org/placements",
			Placement: placementRow{ID: 1, Peer: "Sara", Unit: "Psykiatrisk öppenvård", Employer: "Regionen", Percent: 50, StartsOn: "2026-01-01"},
			Warnings:  []string{"Psykiatrisk öppenvård har inte gjort klart förberedelserna."}, Saved: true},
		"placement": placementPage{basePage: base, Nav: nav, URL: "/x", ListURL: "/y",
			Placement: placementRow{ID: 1, Peer: "Sara", Unit: "Psykiatrisk öppenvård", Percent: 50, StartsOn: "2026-01-01", EndsOn: "2026-06-30"}},
	}
}

// peerWorkFixtures adds a supervision session, a gathering and a placement
// of sb's coordinator's organisation to ids, for the route walk.
func peerWorkFixtures(t *testing.T, sb *signInBundle, ids map[string]int64) {
	t.Helper()
	ctx := context.Background()
	orgID := *sb.membership(t, tenants.RoleOrgCoordinator).OrganisationID
	peer := workPeer(t, sb, orgID, "Fixturkamraten")
	held := tenants.DateOf(time.Now().AddDate(0, 0, -7))
	supervision := tenants.NewSupervisionStore(sb.db)
	for _, key := range []string{"supervision", "supervision_sessions"} {
		sess, err := supervision.Create(ctx, sb.region.ID, orgID, tenants.SupervisionSession{
			Kind: tenants.SupervisionIndividual, SupervisorName: "Handledaren", HeldOn: held, DurationMinutes: 60, PeerIDs: []int64{peer.ID},
		})
		if err != nil {
			t.Fatal(err)
		}
		ids[key] = sess.ID
	}
	g, err := tenants.NewGatheringStore(sb.db).Create(ctx, sb.region.ID, orgID, tenants.Gathering{
		Kind: tenants.GatheringReunion, Title: "Återträff", HeldOn: held, PeerIDs: []int64{peer.ID},
	})
	if err != nil {
		t.Fatal(err)
	}
	ids["gatherings"] = g.ID
	units, err := tenants.NewUnitStore(sb.db).Units(ctx, sb.region.ID)
	if err != nil || len(units) == 0 {
		t.Fatalf("units: %v", err)
	}
	p, _, err := tenants.NewPlacementStore(sb.db).Create(ctx, sb.region.ID, orgID, tenants.Placement{
		PeerID: peer.ID, UnitID: units[0].ID, Employer: tenants.EmployerRegion, FTEPercent: 50, StartsOn: held,
	})
	if err != nil {
		t.Fatal(err)
	}
	ids["placements"] = p.ID
}

// workPeer registers an active peer of the organisation.
func workPeer(t *testing.T, sb *signInBundle, orgID int64, name string) tenants.Peer {
	t.Helper()
	p, err := tenants.NewPeerStore(sb.db, testSealer(t)).Create(context.Background(), sb.region.ID, orgID, 0, tenants.Peer{
		DisplayName: name, Languages: []string{"sv"}, Experience: []tenants.ExperienceArea{tenants.ExperiencePsychosis}, Capacity: 3, Status: tenants.PeerActive,
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}
