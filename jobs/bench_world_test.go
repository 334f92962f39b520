package jobs_test

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
)

// benchRegion is the region the job benchmark's reminders run against,
// made through the stores as the application makes it: a clinic referring
// to benchOrgs organisations (two coordinators each), two regional
// administrators, and for followUps follow-ups (a round's reminders)
// followUps/3 referrals matched in turn with followUps/9 peer supporters
// who have accounts (three matches each, their capacity), every referral
// with its three planned follow-ups (baseline, 3 and 6 months). Beside
// them, followUps/6 referrals wait unanswered, so that the follow-up
// check's joins see more than the matched ones.
type benchRegion struct {
	region tenants.Tenant
	sealer *tenants.Sealer
	// followUps maps each follow-up to the account of its match's peer
	// supporter: the one user its reminder must notify.
	followUps map[int64]int64
	// followUpIDs are the keys of followUps in the order the reminder
	// scan finds them (due day, then id): consecutive ones belong to
	// different peers.
	followUpIDs []int64
}

// benchOrgs is the number of organisations in the benchmark's region.
const benchOrgs = 4

func newBenchRegion(tb testing.TB, ctx context.Context, db *tenants.DB, region tenants.Tenant, followUps int) *benchRegion {
	tb.Helper()
	sealer, err := tenants.NewSealer(bytes.Repeat([]byte{9}, tenants.KeySize))
	if err != nil {
		tb.Fatal(err)
	}
	br := &benchRegion{region: region, sealer: sealer, followUps: map[int64]int64{}}
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	ids := tenants.NewIdentityStore(db)
	member := func(name string, role tenants.Role, org, unit *int64) tenants.User {
		tb.Helper()
		u, err := ids.CreateUser(ctx, tenants.User{Email: name + "." + region.Slug + "@example.se", DisplayName: name})
		must(err)
		_, err = ids.SetMembership(ctx, region.ID, tenants.Membership{UserID: u.ID, Role: role, OrganisationID: org, UnitID: unit})
		must(err)
		return u
	}

	clinic, err := tenants.NewUnitStore(db).Create(ctx, region.ID, tenants.Unit{Name: "Infektionskliniken", Kind: tenants.UnitInfectionClinic, Active: true})
	must(err)
	nurse := member("nurse", tenants.RoleClinicStaff, nil, &clinic.ID)
	member("admin-1", tenants.RoleRegionAdmin, nil, nil)
	member("admin-2", tenants.RoleRegionAdmin, nil, nil)
	type org struct {
		tenants.Organisation
		coordinator tenants.User
	}
	orgs := make([]org, benchOrgs)
	orgStore := tenants.NewOrganisationStore(db)
	for i := range orgs {
		orgs[i].Organisation, err = orgStore.Save(ctx, region.ID, tenants.Organisation{
			Name: fmt.Sprintf("Förening %d", i+1), Kind: tenants.OrgPatient, Focus: []tenants.TargetGroup{tenants.TargetHIV}, Active: true,
		}, []int64{clinic.ID})
		must(err)
		orgs[i].coordinator = member(fmt.Sprintf("coordinator-%d-a", i+1), tenants.RoleOrgCoordinator, &orgs[i].ID, nil)
		member(fmt.Sprintf("coordinator-%d-b", i+1), tenants.RoleOrgCoordinator, &orgs[i].ID, nil)
	}

	refs := tenants.NewReferralStore(db, sealer)
	peers := tenants.NewPeerStore(db, sealer)
	support := tenants.NewSupportStore(db, sealer)
	today := tenants.SwedishDay(time.Now())
	refer := func(o org) tenants.ClinicReferral {
		tb.Helper()
		_, r, err := refs.RegisterAndRefer(ctx, region.ID, clinic.ID, nurse.ID, tenants.NewParticipant{
			TargetGroup: tenants.TargetHIV, Language: "sv",
			Contact: tenants.ParticipantContact{Alias: "Deltagare", Method: tenants.ContactPhone, Details: "070-123 45 67"},
			Consent: tenants.ConsentScopes{ShareContact: true, FollowUp: true, ExpiresOn: today.AddMonths(24)},
		}, o.ID)
		must(err)
		return r
	}

	// The peers first, each with an account, then the referrals matched
	// with them in turn, so that the follow-ups of one peer are spread
	// out: a region's follow-ups fall due on the days their supports
	// started, not one peer's all at once.
	type peer struct {
		tenants.Peer
		org     org
		account tenants.User
	}
	matched := (followUps + 2) / 3
	list := make([]peer, (matched+2)/3)
	for i := range list {
		o := orgs[i%len(orgs)]
		p, err := peers.Create(ctx, region.ID, o.ID, o.coordinator.ID, tenants.Peer{
			DisplayName: fmt.Sprintf("Kamrat %d", i+1), Languages: []string{"sv"}, Experience: []tenants.ExperienceArea{tenants.ExperienceHIV},
			Gender: tenants.GenderWoman, AgeBand: tenants.Age30to44, Capacity: 3, Status: tenants.PeerActive,
		})
		must(err)
		account := member(fmt.Sprintf("peer-%d", i+1), tenants.RolePeerSupporter, &o.ID, nil)
		p, err = peers.SetUser(ctx, region.ID, o.ID, p.ID, &account.ID)
		must(err)
		list[i] = peer{Peer: p, org: o, account: account}
	}
	var all []tenants.FollowUp
	for i := range matched {
		p := list[i%len(list)]
		r := refer(p.org)
		_, err := refs.Accept(ctx, region.ID, p.org.ID, p.org.coordinator.ID, r.ID)
		must(err)
		_, err = refs.RecordContactAttempt(ctx, region.ID, p.org.ID, p.org.coordinator.ID, r.ID, tenants.ContactAttempt{
			AttemptedOn: today, Method: tenants.ContactPhone, Reached: true,
		})
		must(err)
		_, err = support.Match(ctx, region.ID, p.org.ID, p.org.coordinator.ID, r.ID, p.ID)
		must(err)
		rec, err := refs.Record(ctx, region.ID, p.org.ID, r.ID)
		must(err)
		if len(rec.Support.FollowUps) != 3 {
			tb.Fatalf("referral %d has %d follow-ups, want 3", r.ID, len(rec.Support.FollowUps))
		}
		for _, f := range rec.Support.FollowUps {
			br.followUps[f.ID] = p.account.ID
		}
		all = append(all, rec.Support.FollowUps...)
	}
	// The scan's order (by due day, then id), as many as a round takes.
	slices.SortFunc(all, func(a, b tenants.FollowUp) int {
		return cmp.Or(a.DueOn.Time().Compare(b.DueOn.Time()), cmp.Compare(a.ID, b.ID))
	})
	for _, f := range all[followUps:] {
		delete(br.followUps, f.ID)
	}
	for _, f := range all[:followUps] {
		br.followUpIDs = append(br.followUpIDs, f.ID)
	}
	for i := range followUps / 6 {
		refer(orgs[i%len(orgs)])
	}
	return br
}
