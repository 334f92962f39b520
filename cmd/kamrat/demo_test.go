package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
	"github.com/kamrat/kamrat/ui"
)

// TestSetUpDemo: the demo seeds every demo region's peer supporters, also
// when another region's organisation already has peers (which that region
// keeps as they are), and a second start changes nothing.
func TestSetUpDemo(t *testing.T) {
	t.Parallel()
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		sealer, err := tenants.NewSealer(make([]byte, tenants.KeySize))
		if err != nil {
			t.Fatal(err)
		}
		peers := tenants.NewPeerStore(db, sealer)

		// Skåne's peer organisation already has a peer of its own.
		skane, err := tenants.NewTenantStore(db).Create(ctx, tenants.Tenant{Slug: "skane", Name: "Region Skåne", CountyCode: "12"})
		if err != nil {
			t.Fatal(err)
		}
		org, err := tenants.NewOrganisationStore(db).Create(ctx, skane.ID, demoRegions[0].orgs[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := peers.Create(ctx, skane.ID, org.ID, 0, tenants.Peer{DisplayName: "Egen Stödjare", Languages: []string{"sv"}, Experience: []tenants.ExperienceArea{"hiv"}, Capacity: 1, Status: tenants.PeerActive}); err != nil {
			t.Fatal(err)
		}

		// Stockholm's organisation gets the demo's three peer supporters
		// and two more for the year's history.
		wantPeers := map[string]int{"skane": 1, "stockholm": 5}
		// Skåne's organisation had a peer of its own, so the demo peer
		// supporter has no record there and neither example referrals nor
		// a history are made; Stockholm has two examples and forty
		// referrals of history.
		wantReferrals := map[string]int{"skane": 0, "stockholm": 42}
		var firstUsers int
		for run := 1; run <= 2; run++ {
			cfg := &ui.Config{}
			stop, err := setUpDemo(ctx, db, sealer, cfg, "127.0.0.1:8080", slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatalf("run %d: %v", run, err)
			}
			stop()
			national := 0
			for _, d := range cfg.DemoUsers {
				if d.Subject == "demo-national-viewer" {
					national++
				}
			}
			if national != len(demoRegions) {
				t.Errorf("run %d: the national viewer is offered on %d sign-in pages, want every region's (%d)", run, national, len(demoRegions))
			}
			if nv, err := tenants.NewIdentityStore(db).UserByEmail(ctx, "national-viewer@demo.kamrat.example"); err != nil || !nv.NationalViewer {
				t.Errorf("run %d: demo national viewer %+v, %v", run, nv, err)
			}
			if run == 1 {
				firstUsers = len(cfg.DemoUsers)
			} else if len(cfg.DemoUsers) != firstUsers {
				t.Errorf("run %d offers %d demo users, the first %d", run, len(cfg.DemoUsers), firstUsers)
			}
			for slug, want := range wantPeers {
				region, err := tenants.NewTenantStore(db).BySlug(ctx, slug)
				if err != nil {
					t.Fatal(err)
				}
				orgs, err := tenants.NewOrganisationStore(db).Organisations(ctx, region.ID)
				if err != nil {
					t.Fatal(err)
				}
				var got int
				for _, o := range orgs {
					list, err := peers.Peers(ctx, region.ID, o.ID)
					if err != nil {
						t.Fatal(err)
					}
					got += len(list)
				}
				if got != want {
					t.Errorf("run %d: %s has %d peers, want %d", run, slug, got, want)
				}
				page, err := tenants.NewReferralStore(db, sealer).Inbox(ctx, region.ID, orgs[0].ID, 0, tenants.MaxInboxPageSize)
				if err != nil {
					t.Fatal(err)
				}
				if page.Total > len(page.Referrals) {
					t.Fatalf("%s's inbox has %d referrals, more than one page of %d", slug, page.Total, tenants.MaxInboxPageSize)
				}
				inbox := page.Referrals
				matched := 0
				for _, r := range inbox {
					if r.Status == tenants.ReferralMatched {
						matched++
					}
				}
				if len(inbox) != wantReferrals[slug] || (len(inbox) > 0 && matched == 0) {
					t.Errorf("run %d: %s's inbox has %d referrals (%d matched), want %d with some matched", run, slug, len(inbox), matched, wantReferrals[slug])
				}
			}
		}
		// Stockholm's dashboard has a year to show.
		stockholm, err := tenants.NewTenantStore(db).BySlug(ctx, "stockholm")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		d, err := tenants.NewDashboardStore(db).Dashboard(ctx, stockholm.ID, tenants.DefaultDashboardFilter(now), now)
		if err != nil {
			t.Fatal(err)
		}
		if f := d.Funnel; len(d.Clinics) != 1 || f.Informed < 100 || f.Referred < 30 || f.Matched < 20 || f.ThreeMeetings == 0 || f.FollowUpSixMo == 0 ||
			d.Outcomes.Pairs == 0 || len(d.Closures) == 0 {
			t.Errorf("Stockholm's demo dashboard is thin: %+v", d)
		}
		// The regions the demo creates share nationally as it says;
		// Skåne existed before and keeps its own choice.
		for slug, want := range map[string]bool{"skane": false, "stockholm": true, "gotland": false} {
			if region, err := tenants.NewTenantStore(db).BySlug(ctx, slug); err != nil || region.Settings.NationalSharing != want {
				t.Errorf("%s shares nationally: %v (%v), want %v", slug, region.Settings.NationalSharing, err, want)
			}
		}
	})
}
