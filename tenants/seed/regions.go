package seed

import (
	"fmt"
	"strings"

	"github.com/kamrat/kamrat/tenants"
)

// County is one of Sweden's 21 regions as the national seed knows it.
type County struct {
	// Code is the county code (länskod), a key of tenants.Counties.
	Code string
	// Slug is the region's address name: its county's name in lower-case
	// ASCII, words joined by hyphens.
	Slug string
	// Population is the county's population on 31 December 2024, which
	// decides its share of the participants and meetings seeded.
	Population int
}

// Name is the region's display name, e.g. "Region Skåne".
func (c County) Name() string { return tenants.Counties[c.Code] }

// Counties lists the 21 regions in county code order. The populations are
// SCB's figures for 31 December 2024 (Folkmängd i riket, län och kommuner),
// Stockholm as published and the others rounded to the thousand; only
// their proportions matter here.
var Counties = []County{
	{"01", "stockholm", 2_473_307},
	{"03", "uppsala", 405_000},
	{"04", "sormland", 302_000},
	{"05", "ostergotland", 475_000},
	{"06", "jonkoping", 370_000},
	{"07", "kronoberg", 204_000},
	{"08", "kalmar", 246_000},
	{"09", "gotland", 61_000},
	{"10", "blekinge", 156_000},
	{"12", "skane", 1_427_000},
	{"13", "halland", 345_000},
	{"14", "vastra-gotaland", 1_776_000},
	{"17", "varmland", 283_000},
	{"18", "orebro", 307_000},
	{"19", "vastmanland", 280_000},
	{"20", "dalarna", 288_000},
	{"21", "gavleborg", 287_000},
	{"22", "vasternorrland", 243_000},
	{"23", "jamtland-harjedalen", 133_000},
	{"24", "vasterbotten", 278_000},
	{"25", "norrbotten", 248_000},
}

// MinParticipantsPerRegion is the fewest participants a region of a
// national seed may get: fewer make no pathway worth the name.
const MinParticipantsPerRegion = 10

// Split divides total over the weights in proportion, by largest
// remainder: every share is the floor of its exact share or one more, and
// the shares add up to total exactly. Ties go to the earlier weight.
func Split(total int, weights []int) []int {
	out := make([]int, len(weights))
	var sum int64
	for _, w := range weights {
		sum += int64(w)
	}
	if sum <= 0 || total <= 0 {
		return out
	}
	rem := make([]int64, len(weights))
	given := 0
	for i, w := range weights {
		exact := int64(total) * int64(w)
		out[i] = int(exact / sum)
		rem[i] = exact % sum
		given += out[i]
	}
	for ; given < total; given++ {
		best := -1
		for i := range weights {
			if best < 0 || rem[i] > rem[best] {
				best = i
			}
		}
		out[best]++
		rem[best] = -1
	}
	return out
}

// National describes a national seed: the first Regions regions in
// county code order, Participants and Meetings split over them by
// population.
type National struct {
	Regions, Participants, Meetings int
	// Quarters is how many quarters up to today the data spans.
	Quarters int
	// SlugSuffix, when set, is added to every slug ("stockholm-b") and
	// region name, so that a second set can be seeded beside the first.
	SlugSuffix string
}

// Plan returns the regions to seed, or an error naming the first thing
// wrong with n, in terms of the kamrat seed flags.
func (n National) Plan() ([]Region, error) {
	if n.Regions < 1 || n.Regions > len(Counties) {
		return nil, fmt.Errorf("--regions: %d is not between 1 and %d (Sweden's regions)", n.Regions, len(Counties))
	}
	if n.Quarters < MinQuarters || n.Quarters > MaxQuarters {
		return nil, fmt.Errorf("--quarters: %d is not between %d and %d", n.Quarters, MinQuarters, MaxQuarters)
	}
	if n.Participants < 1 {
		return nil, fmt.Errorf("--participants: %d is not a positive number", n.Participants)
	}
	if n.Meetings < 0 {
		return nil, fmt.Errorf("--meetings: %d is negative", n.Meetings)
	}
	if n.SlugSuffix != "" && !suffixOK(n.SlugSuffix) {
		return nil, fmt.Errorf("--slug-suffix: %q is not lower-case letters and digits, at most 10", n.SlugSuffix)
	}
	counties := Counties[:n.Regions]
	weights := make([]int, len(counties))
	for i, c := range counties {
		weights[i] = c.Population
	}
	participants := Split(n.Participants, weights)
	if least := minIndex(participants); participants[least] < MinParticipantsPerRegion {
		need := n.Participants
		for participants := Split(need, weights); participants[minIndex(participants)] < MinParticipantsPerRegion; participants = Split(need, weights) {
			need++
		}
		return nil, fmt.Errorf("--participants: %d gives %s %d; each region needs at least %d, so at least %d over %d regions",
			n.Participants, counties[least].Name(), participants[least], MinParticipantsPerRegion, need, n.Regions)
	}
	meetings := Split(n.Meetings, weights)
	regions := make([]Region, len(counties))
	for i, c := range counties {
		r := Region{Slug: c.Slug, Name: c.Name(), CountyCode: c.Code, Participants: participants[i], Meetings: meetings[i],
			Quarters: n.Quarters}
		if n.SlugSuffix != "" {
			r.Slug += "-" + n.SlugSuffix
			r.Name += " (" + n.SlugSuffix + ")"
		}
		// Larger regions have more organisations (4 to 12), each serving
		// six of the region's clinics (three per organisation).
		r.Organisations = min(12, 4+c.Population/400_000)
		// Enough peers that each active one takes on about one and a half
		// new participants a quarter, so three to four at a time.
		active := max(10, (2*r.Participants+3*n.Quarters*r.Organisations-1)/(3*n.Quarters*r.Organisations))
		r.PeersPerOrganisation = active + inactivePeersPerOrganisation
		regions[i] = r
	}
	return regions, nil
}

// minIndex is the index of the smallest of xs, the first if several.
func minIndex(xs []int) int {
	m := 0
	for i, x := range xs {
		if x < xs[m] {
			m = i
		}
	}
	return m
}

func suffixOK(s string) bool {
	if len(s) > 10 {
		return false
	}
	return strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789") == ""
}
