package tenants_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
)

func pubTable(t *testing.T, p tenants.Publication, id string) tenants.FigureTable {
	t.Helper()
	for _, tb := range p.Tables {
		if tb.ID == id {
			return tb
		}
	}
	t.Fatalf("no table %s", id)
	return tenants.FigureTable{}
}

// TestDashboardPublicationWorkedExample: with k = 5, the two referrals are
// withheld with the share built on them; the closures' 2 and the 6 that
// would give it back are withheld under a published total; a clinic's rate
// rests on a quarter with 3 informed and is withheld, with the cells that
// would give it back; staff counts show.
func TestDashboardPublicationWorkedExample(t *testing.T) {
	q := tenants.NewDate(2026, time.January, 1)
	d := tenants.Dashboard{
		Quarters: []tenants.Date{q, q.AddMonths(3)},
		Clinics: []tenants.DashboardClinic{
			{Name: "Lund", NewDiagnoses: []int{20, 10}, Informed: []int{18, 9}},
			{Name: "Ystad", NewDiagnoses: []int{8, 6}, Informed: []int{3, 6}},
		},
		Funnel:       tenants.DashboardFunnel{Informed: 36, Offered: 30, Accepted: 12, Referred: 2, Contacted: 0},
		FirstContact: tenants.DashboardFirstContact{},
		Peers:        []tenants.DashboardPeers{{Name: "Org", Active: 2, Budgeted: 3, Supervised: 1}},
		Outcomes:     tenants.DashboardOutcomes{Pairs: 9, ChangeSum: 36, Improved: 6, Worsened: 0},
		Closures:     []tenants.ReasonCount{{Reason: "goals_met", Count: 6}, {Reason: "moved", Count: 2}},
	}
	p := tenants.DashboardPublication(d, 5)

	funnel := pubTable(t, p, tenants.DashboardTableFunnel)
	referred, contacted := funnel.Rows[3], funnel.Rows[4]
	if !referred.Cells[0].Hidden || !referred.Cells[1].Hidden || !contacted.Cells[1].Hidden || contacted.Cells[0].Hidden {
		t.Errorf("funnel referred %+v, contacted %+v: want the 2 and both shares on it withheld, the 0 shown", referred, contacted)
	}
	if got := funnel.Rows[2].Cells[1]; got.Hidden || got.Value != 12.0/30 {
		t.Errorf("accepted's share = %+v, want 12/30", got)
	}

	closures := pubTable(t, p, tenants.DashboardTableClosures)
	if !closures.Rows[0].Cells[0].Hidden || !closures.Rows[1].Cells[0].Hidden || closures.Total.Cells[0].Hidden || closures.Total.Cells[0].Value != 8 {
		t.Errorf("closures %+v total %+v: want 6 and 2 withheld under the published 8", closures.Rows, closures.Total)
	}

	sys := pubTable(t, p, tenants.DashboardTableSystematisation)
	lund, ystad := sys.Rows[0], sys.Rows[1]
	// With two clinics, Ystad's 3 informed takes Lund's 18 with it in
	// its quarter (else 21 − 18 gives it back), and so on round the
	// table; the whole period's rates rest on the published totals.
	if !lund.Cells[0].Hidden || !lund.Cells[1].Hidden || lund.Cells[2].Hidden || lund.Cells[2].Value != 27.0/30 {
		t.Errorf("Lund %+v, want the quarters withheld and the period's 90 %% shown", lund.Cells)
	}
	if !ystad.Cells[0].Hidden {
		t.Errorf("Ystad's first quarter rests on 3 informed and is shown: %+v", ystad.Cells[0])
	}

	outcomes := pubTable(t, p, tenants.DashboardTableOutcomes)
	// Improved 6, unchanged 3, worsened 0: the 3 and the 6 that would
	// give it back are withheld, the 0 is shown, the 9 and the mean too.
	pairs, mean, improved, unchanged, worsened := outcomes.Rows[0], outcomes.Rows[1], outcomes.Rows[2], outcomes.Rows[3], outcomes.Rows[4]
	if pairs.Cells[0].Value != 9 || mean.Cells[0].Hidden || mean.Cells[0].Value != 4 || !improved.Cells[0].Hidden || !unchanged.Cells[0].Hidden ||
		worsened.Cells[0].Hidden {
		t.Errorf("outcomes %+v", outcomes.Rows)
	}

	peers := pubTable(t, p, tenants.DashboardTablePeers)
	if c := peers.Rows[0].Cells; c[0].Hidden || c[0].Value != 2 || c[3].Value != 1 || c[4].Hidden {
		t.Errorf("staff counts are suppressed: %+v", c)
	}
}

// TestDashboardPublicationNeverShowsASmallCount: for random dashboards and
// thresholds, no published participant count is 1…k−1, no rate is shown
// whose counts are, and no table with a published total has exactly one
// withheld figure (it could be computed from the total).
func TestDashboardPublicationNeverShowsASmallCount(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 2026))
	small := func(k int) int {
		if r.IntN(2) == 0 {
			return r.IntN(k + 1)
		}
		return r.IntN(40)
	}
	q := tenants.NewDate(2025, time.January, 1)
	for n := range 3000 {
		k := 3 + r.IntN(6)
		d := tenants.Dashboard{Quarters: []tenants.Date{q, q.AddMonths(3), q.AddMonths(6)}}
		for range 1 + r.IntN(4) {
			c := tenants.DashboardClinic{Name: "x"}
			for range d.Quarters {
				c.NewDiagnoses = append(c.NewDiagnoses, small(k))
				c.Informed = append(c.Informed, small(k))
			}
			d.Clinics = append(d.Clinics, c)
		}
		f := &d.Funnel
		for _, v := range []*int{&f.Informed, &f.Offered, &f.Accepted, &f.Referred, &f.Contacted, &f.Matched, &f.ThreeMeetings, &f.FollowUpSixMo} {
			*v = small(k)
		}
		d.FirstContact.Contacted = f.Contacted
		d.FirstContact.WithinDeadline = r.IntN(f.Contacted + 1)
		m := 2.0
		d.FirstContact.MedianWorkingDays = &m
		d.Outcomes.Improved, d.Outcomes.Worsened = small(k), small(k)
		d.Outcomes.Pairs = d.Outcomes.Improved + d.Outcomes.Worsened + small(k)
		for _, reason := range []string{"goals_met", "moved", "other"} {
			d.Closures = append(d.Closures, tenants.ReasonCount{Reason: reason, Count: small(k)})
		}
		p := tenants.DashboardPublication(d, k)
		for _, tb := range p.Tables {
			if tb.ID == tenants.DashboardTablePeers || tb.ID == tenants.DashboardTableTraining {
				continue // staff, not participants
			}
			rows := tb.Rows
			if tb.Total != nil {
				rows = append(rows, *tb.Total)
			}
			for _, row := range rows {
				for _, c := range row.Cells {
					if c.Kind == tenants.FigureCount && !c.Hidden && c.Value >= 1 && c.Value < float64(k) {
						t.Fatalf("dashboard %d (k=%d): table %s shows the small count %v", n, k, tb.ID, c.Value)
					}
					if c.Hidden && c.Value != 0 {
						t.Fatalf("dashboard %d: a withheld figure carries its value", n)
					}
				}
			}
			if tb.ID == tenants.DashboardTableClosures {
				hidden := 0
				for _, row := range tb.Rows {
					if row.Cells[0].Hidden {
						hidden++
					}
				}
				if hidden == 1 && !tb.Total.Cells[0].Hidden {
					t.Fatalf("dashboard %d: one closure figure withheld under a published total", n)
				}
			}
		}
		sys := pubTable(t, p, tenants.DashboardTableSystematisation)
		for i, c := range d.Clinics {
			for j := range d.Quarters {
				isSmall := func(v int) bool { return v >= 1 && v < k }
				if cell := sys.Rows[i].Cells[j]; !cell.Hidden && !cell.Absent && (isSmall(c.Informed[j]) || isSmall(c.NewDiagnoses[j])) {
					t.Fatalf("dashboard %d (k=%d): a rate of %d ÷ %d is shown", n, k, c.Informed[j], c.NewDiagnoses[j])
				}
			}
		}
	}
}

// TestHistogramMedian: the median read off counts equals the median of the
// listed values.
func TestHistogramMedian(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for range 500 {
		counts := map[int]int{}
		var list []int
		for range r.IntN(30) {
			v, c := r.IntN(15), r.IntN(4)
			counts[v] += c
			for range c {
				list = append(list, v)
			}
		}
		got := tenants.HistogramMedianForTest(counts)
		if len(list) == 0 {
			if got != nil {
				t.Fatalf("median of nothing = %v", *got)
			}
			continue
		}
		slices.Sort(list)
		want := float64(list[len(list)/2])
		if len(list)%2 == 0 {
			want = float64(list[len(list)/2-1]+list[len(list)/2]) / 2
		}
		if got == nil || *got != want {
			t.Fatalf("median of %v = %v, want %v", list, got, want)
		}
	}
}
