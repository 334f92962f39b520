package seed_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/seed"
)

// TestCounties: the 21 regions, each a county of tenants.Counties once,
// with a slug a region may have, and populations adding up to Sweden's
// (10 587 710 on 31 December 2024) within a thousand per county.
func TestCounties(t *testing.T) {
	if len(seed.Counties) != len(tenants.Counties) {
		t.Fatalf("%d counties, tenants has %d", len(seed.Counties), len(tenants.Counties))
	}
	seen := map[string]bool{}
	total := 0
	for _, c := range seed.Counties {
		r := tenants.Tenant{Slug: c.Slug, Name: c.Name(), CountyCode: c.Code}
		if err := r.Validate(); err != nil || seen[c.Code] {
			t.Errorf("%+v: %v (seen before: %v)", c, err, seen[c.Code])
		}
		seen[c.Code] = true
		total += c.Population
	}
	if d := total - 10_587_710; d < -21_000 || d > 21_000 {
		t.Errorf("the populations add up to %d", total)
	}
}

// TestSplit: the shares add up exactly and each is its exact share
// rounded down or up.
func TestSplit(t *testing.T) {
	weights := []int{2_473_307, 405_000, 302_000, 61_000}
	sum := 0
	for _, w := range weights {
		sum += w
	}
	for _, total := range []int{0, 1, 7, 400, 3000, 120_000, 1_000_000} {
		got := seed.Split(total, weights)
		n := 0
		for i, g := range got {
			exact := float64(total) * float64(weights[i]) / float64(sum)
			if float64(g) < exact-1 || float64(g) > exact+1 {
				t.Errorf("Split(%d): share %d is %d, exactly %.2f", total, i, g, exact)
			}
			n += g
		}
		if n != total {
			t.Errorf("Split(%d) = %v adds up to %d", total, got, n)
		}
	}
	if got := seed.Split(3, []int{1, 1, 1, 1}); !slices.Equal(got, []int{1, 1, 1, 0}) {
		t.Errorf("ties go to the earlier weights: %v", got)
	}
}

// TestNationalPlan: the regions in county code order with their shares,
// more organisations and peers for the larger, and the flags' mistakes
// named.
func TestNationalPlan(t *testing.T) {
	regions, err := seed.National{Regions: 21, Participants: 120_000, Meetings: 1_000_000, Quarters: 12}.Plan()
	if err != nil {
		t.Fatal(err)
	}
	p, m := 0, 0
	for i, r := range regions {
		c := seed.Counties[i]
		if r.Slug != c.Slug || r.CountyCode != c.Code || r.Name != c.Name() || r.Quarters != 12 {
			t.Errorf("region %d: %+v", i, r)
		}
		p += r.Participants
		m += r.Meetings
	}
	if p != 120_000 || m != 1_000_000 {
		t.Errorf("%d participants, %d meetings", p, m)
	}
	sthlm, gotland := regions[0], regions[7]
	if sthlm.Organisations <= gotland.Organisations || sthlm.PeersPerOrganisation <= gotland.PeersPerOrganisation ||
		gotland.Organisations < seed.MinOrganisations || sthlm.Participants < 20*gotland.Participants {
		t.Errorf("Stockholm %+v, Gotland %+v", sthlm, gotland)
	}
	b, err := seed.National{Regions: 2, Participants: 100, Meetings: 10, Quarters: 4, SlugSuffix: "b2"}.Plan()
	if err != nil || b[1].Slug != "uppsala-b2" || b[1].Name != "Region Uppsala (b2)" {
		t.Errorf("with a suffix: %+v, %v", b, err)
	}

	for _, c := range []struct {
		n    seed.National
		want string
	}{
		{seed.National{Regions: 0, Participants: 100, Quarters: 12}, "--regions: 0 is not between 1 and 21"},
		{seed.National{Regions: 22, Participants: 100, Quarters: 12}, "--regions: 22"},
		{seed.National{Regions: 3, Participants: 100, Quarters: 1}, "--quarters: 1 is not between 2 and 40"},
		{seed.National{Regions: 3, Participants: 0, Quarters: 12}, "--participants: 0 is not a positive number"},
		{seed.National{Regions: 3, Participants: 100, Meetings: -1, Quarters: 12}, "--meetings: -1 is negative"},
		{seed.National{Regions: 21, Participants: 1000, Quarters: 12}, "--participants: 1000 gives Region Gotland 6; each region needs at least 10, so at least 1653 over 21 regions"},
		{seed.National{Regions: 3, Participants: 100, Quarters: 12, SlugSuffix: "Two"}, `--slug-suffix: "Two"`},
	} {
		if _, err := c.n.Plan(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.n, err, c.want)
		}
	}
}
