package ui

import (
	"context"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
)

// peerPageExamples are the peer pages for TestEveryPageRendersInEveryLanguage.
func peerPageExamples(base basePage) map[string]page {
	checks := func(name string) checkGroup {
		return checkGroup{Name: name, Legend: "Språk", Hint: "Språk som kamratstödjaren kan ge stöd på.",
			Options: []checkOption{{Value: "sv", Label: "svenska", Checked: true}, {Value: "ar", Label: "arabiska"}}}
	}
	newForm := peerFormPage{
		basePage: base, Heading: "Registrera kamratstödjare", Action: "/r/skane/org/peers", CancelURL: "/r/skane/org/peers",
		Form: form{Values: map[string]string{"status": "recruited"}}, Languages: checks("languages"), Experience: checks("experience"),
		Genders: []option{{Value: "unspecified", Label: "Anges inte"}}, AgeBands: []option{{Value: "", Label: "Anges inte"}},
		Statuses: []option{{Value: "recruited", Label: "Rekryterad"}}, MaxCapacity: 20,
	}
	changeForm := newForm
	changeForm.Heading, changeForm.Statuses = "Ändra Sara <A>", nil
	changeForm.Form = refusedForm("capacity", "Kapacitet: Måste vara mellan 0 och 20.")
	changeForm.Languages.Error = "Välj språk ur listan."
	view := peerView{Name: "Sara Ali", Phone: "070-123 45 67", Email: "sara@example.se", Status: "active", StatusLabel: "Aktiv",
		StatusSince: "sedan 2026-10-01", Languages: "svenska, arabiska", Experience: "Psykos", Gender: "Kvinna", AgeBand: "30–44 år", Capacity: "3", Account: "Sara A"}
	cert := certificationView{Certified: true, CertifiedOn: "2026-03-01", RenewedOn: "2026-03-01", ExpiresOn: "2028-03-01", RefresherDue: "2027-03-01", Months: 24, RefresherMonths: 12}
	trainings := []trainingRow{{ID: 1, Kind: "Grundutbildning", Started: "2026-01-26", Completed: "2026-03-01"}, {ID: 2, Kind: "Annan utbildning", Title: "Motiverande samtal", Started: "2026-11-01", Ongoing: true}}
	empty := func() formSection { return formSection{basePage: base, Form: form{Values: map[string]string{}}} }
	show := peerPage{
		basePage: base, ListURL: "/r/skane/org/peers", URL: "/r/skane/org/peers/7", Peer: view,
		Status: empty(), Training: empty(), Account: empty(),
		Next:          []transition{{Status: "paused", Label: "Pausa"}, {Status: "left", Label: "Avsluta uppdraget"}},
		History:       []peerEventRow{{At: "2026-10-01 10:00", By: "Kim", Change: "Under utbildning → Aktiv", Reason: "Klar med kursen"}, {At: "2026-01-20 09:00", By: "Kim", Change: "Registrerad som Rekryterad"}},
		Trainings:     trainings,
		Certification: cert,
		TrainingKinds: []option{{Value: "base_course", Label: "Grundutbildning"}},
		Accounts:      []option{{Value: "", Label: "Inget konto"}, {Value: "4", Label: "Sara A (sara@example.se)"}},
	}
	refusedShow := show
	refusedShow.Peer.Status, refusedShow.Peer.StatusLabel, refusedShow.Peer.Final, refusedShow.Peer.Account = "left", "Avslutad", true, ""
	refusedShow.Next, refusedShow.Trainings = nil, nil
	refusedShow.Status = formSection{basePage: base, Form: refusedForm("status", "Status: Statusen kan inte ändras så.")}
	refusedShow.Training = formSection{basePage: base, Form: refusedForm("training_completed_on", "Slutförd: Slutdatumet får inte vara före startdatumet.")}
	refusedShow.Account = formSection{basePage: base, Form: refusedForm("user_id", "Användare: Kontot är redan kopplat.")}
	refusedShow.Certification = certificationView{Months: 24, RefresherMonths: 12}
	expired := show
	expired.Certification.Expired = true
	overdue := show
	overdue.Certification.RefresherOverdue = true
	return map[string]page{
		"peers": peersPage{basePage: base, NewURL: "/r/skane/org/peers/new", Peers: []peerRow{
			{URL: "/r/skane/org/peers/7", Name: "Sara <Ali>", Status: "active", StatusLabel: "Aktiv", Languages: "svenska, arabiska", Capacity: "3", CertifiedUntil: "2028-03-01"},
			{URL: "/r/skane/org/peers/8", Name: "Olle", Status: "recruited", StatusLabel: "Rekryterad", Languages: "svenska", Capacity: "0"},
			{URL: "/r/skane/org/peers/9", Name: "Kim", Status: "paused", StatusLabel: "Pausad", Languages: "finska", Capacity: "1", CertifiedUntil: "2025-01-01", Expired: true},
		}},
		"peers empty":                     peersPage{basePage: base, NewURL: "/r/skane/org/peers/new"},
		"peer form":                       newForm,
		"peer form refused":               changeForm,
		"peer":                            show,
		"peer refused":                    refusedShow,
		"peer certification expired":      expired,
		"peer refresher overdue":          overdue,
		"own profile":                     profilePage{basePage: base, Found: true, Peer: view, Trainings: trainings, Certification: cert, Supervision: []attendedSession{{HeldOn: "2026-10-15", Kind: "Grupp", Supervisor: "Maja", Duration: "90 min"}}},
		"own profile without supervision": profilePage{basePage: base, Found: true, Peer: view, Certification: certificationView{}},
		"own profile missing":             profilePage{basePage: base},
	}
}

// peerFixtures adds a peer (and what its :id routes need) of sb's
// coordinator's organisation to ids, for the route walk: the peer has a
// training for the API's DELETE, and a second peer is the peer
// supporter's own record, so that their profile exists.
func peerFixtures(t *testing.T, sb *signInBundle, ids map[string]int64) {
	t.Helper()
	ctx := context.Background()
	peers := tenants.NewPeerStore(sb.db, testSealer(t))
	coordinator := sb.membership(t, tenants.RoleOrgCoordinator)
	orgID := *coordinator.OrganisationID
	p, err := peers.Create(ctx, sb.region.ID, orgID, coordinator.UserID, fixturePeer("Fixturkamraten"))
	if err != nil {
		t.Fatal(err)
	}
	ids["peers"] = p.ID
	tr, err := peers.AddTraining(ctx, sb.region.ID, orgID, p.ID, tenants.Training{
		Kind: tenants.TrainingBaseCourse, StartedOn: tenants.DateOf(time.Now().AddDate(0, -3, 0)), CompletedOn: tenants.DateOf(time.Now().AddDate(0, -2, 0)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ids["trainings"] = tr.ID
	own, err := peers.Create(ctx, sb.region.ID, orgID, coordinator.UserID, fixturePeer("Egen profil"))
	if err != nil {
		t.Fatal(err)
	}
	supporter := sb.users[tenants.RolePeerSupporter].ID
	if _, err := peers.SetUser(ctx, sb.region.ID, orgID, own.ID, &supporter); err != nil {
		t.Fatal(err)
	}
}

// fixturePeer is a valid peer with contact data.
func fixturePeer(name string) tenants.Peer {
	return tenants.Peer{
		DisplayName: name, Phone: "070-123 45 67", Email: "kamrat@example.se", Languages: []string{"sv", "ar"},
		Experience: []tenants.ExperienceArea{tenants.ExperiencePsychosis}, Capacity: 2,
	}
}
