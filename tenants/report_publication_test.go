package tenants_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/kamrat/kamrat/tenants"
)

// pubCell finds a figure of a publication: row -1 is the table's total.
func pubCell(t *testing.T, pub tenants.Publication, table string, row, col int) tenants.Figure {
	t.Helper()
	for _, tb := range pub.Tables {
		if tb.ID != table {
			continue
		}
		r := tb.Total
		if row >= 0 {
			if row >= len(tb.Rows) {
				t.Fatalf("table %s has %d rows, not %d", table, len(tb.Rows), row+1)
			}
			r = &tb.Rows[row]
		}
		if r == nil {
			t.Fatalf("table %s has no total", table)
		}
		if col >= len(r.Cells) {
			t.Fatalf("table %s row %d has %d cells, not %d", table, row, len(r.Cells), col+1)
		}
		return r.Cells[col]
	}
	t.Fatalf("no table %s", table)
	return tenants.Figure{}
}

func hasTable(pub tenants.Publication, id string) bool {
	for _, tb := range pub.Tables {
		if tb.ID == id {
			return true
		}
	}
	return false
}

// figureString writes a figure for failure messages and comparisons:
// "<k" when hidden, "-" when absent, the word's key for a text.
func figureString(f tenants.Figure, k int) string {
	switch {
	case f.Hidden:
		return fmt.Sprintf("<%d", k)
	case f.Absent:
		return "-"
	case f.Kind == tenants.FigureText:
		return f.Text.Key
	case f.Kind == tenants.FigurePercent:
		return fmt.Sprintf("%.4f", f.Value)
	}
	return fmt.Sprintf("%g", f.Value)
}

// rowStrings writes a row of a table.
func rowStrings(t *testing.T, pub tenants.Publication, table string, row int) string {
	t.Helper()
	for _, tb := range pub.Tables {
		if tb.ID != table {
			continue
		}
		r := tb.Total
		if row >= 0 {
			r = &tb.Rows[row]
		}
		var out []string
		for _, f := range r.Cells {
			out = append(out, figureString(f, pub.K))
		}
		return strings.Join(out, " ")
	}
	t.Fatalf("no table %s", table)
	return ""
}

// workedReport is an agreement's quarter with a few small counts.
func workedReport() tenants.Report {
	mean, median, medianWork := 4.5, 6.0, 4.0
	return tenants.Report{Scope: tenants.ReportAgreement, Figures: tenants.ReportFigures{
		Offer: &tenants.OfferFigures{
			Clinics: []tenants.ClinicFunnel{
				{UnitName: "Infektion Lund", Funnel: tenants.OfferFunnel{NewDiagnoses: 2, MissingDiagnosisMonths: 1, Met: 3, Informed: 2}},
				{UnitName: "Infektion Malmö", Funnel: tenants.OfferFunnel{NewDiagnoses: 20, Met: 30, Informed: 15, Offered: 12,
					Accepted: 6, Declined: 6, Referred: 7}},
			},
			Total: tenants.OfferFunnel{NewDiagnoses: 22, MissingDiagnosisMonths: 1, Met: 33, Informed: 17, Offered: 12,
				Accepted: 6, Declined: 6, Referred: 7},
		},
		Referrals: tenants.ReferralFigures{Created: 7, Accepted: 6, Declined: 1, Contacted: 12, Matched: 9, Closed: 15,
			ClosedByReason: []tenants.ReasonCount{{Reason: "goals_met", Count: 2}, {Reason: "moved", Count: 6}, {Reason: "other", Count: 7}}},
		FirstContact: tenants.FirstContactFigures{Count: 12, MedianDays: &median, MedianWorkingDays: &medianWork, WithinDeadline: 10, DeadlineWorkingDays: 5},
		Peers: tenants.PeerFigures{Active: 2, BudgetedPositions: 3, BudgetedFTE: 1.5, WithMeetings: 1,
			Organisations: []tenants.OrganisationPeers{{Name: "Positiva gruppen", Active: 2, BudgetedPositions: 3}}},
		Supervision: tenants.SupervisionFigures{IntervalWeeks: 6, ActivePeers: 2, Supervised: 1},
		Outcomes:    tenants.OutcomeFigures{Compared: 9, MeanChange: &mean, Improved: 3, Worsened: 0, Due: 4, Completed: 4},
		Commitments: []tenants.CommitmentFigure{
			{Indicator: "informed_rate_percent", Comparison: "at_least", Target: 70, Value: fp(77.27), Met: bp(true)},
			{Indicator: "contact_within_deadline_percent", Comparison: "at_least", Target: 80, Value: fp(83.33), Met: bp(true)},
			{Indicator: "median_days_to_first_contact", Comparison: "at_most", Target: 5, Value: fp(4), Met: bp(true)},
			{Indicator: "follow_up_rate_percent", Comparison: "at_least", Target: 90, Value: fp(100), Met: bp(true)},
			{Indicator: "active_peers", Comparison: "at_least", Target: 2, Value: fp(1), Met: bp(false)},
			{Indicator: "supervision_interval_days", Comparison: "at_most", Target: 42},
		},
	}}
}

func TestReportPublicationWorkedExample(t *testing.T) {
	t.Parallel()
	pub := tenants.ReportPublication(workedReport(), 5)
	if pub.K != 5 {
		t.Fatalf("K = %d, want 5", pub.K)
	}
	var ids []string
	for _, tb := range pub.Tables {
		ids = append(ids, tb.ID)
	}
	if got, want := strings.Join(ids, " "), "offer referrals closures first_contact peers peer_work supervision follow_ups outcomes commitments"; got != want {
		t.Fatalf("tables %q, want %q", got, want)
	}
	for _, c := range []struct {
		name, table string
		row         int
		want        string
	}{
		// Lund's 2 new diagnoses, 3 met and 2 informed are small; each
		// column then hides Malmö's figure too, or the total (published)
		// would give Lund's back. Both rates are hidden with them. Lund's
		// missing month is not a count of people.
		{"Lund", "offer", 0, "<5 <5 <5 0 0 0 0 0 <5 1"},
		{"Malmö", "offer", 1, "<5 <5 <5 12 6 6 0 7 <5 0"},
		{"offer total", "offer", -1, "22 33 17 12 6 6 0 7 0.7727 1"},
		// 2 closures for goals met are hidden, and 6 moves (the smallest
		// other) so that the 15 closed cannot give the 2 back.
		{"closures goals met", "closures", 0, "<5"},
		{"closures moved", "closures", 1, "<5"},
		{"closures other", "closures", 2, "7"},
		{"closures total", "closures", -1, "15"},
		// 2 of 12 contacted after the deadline: the 10 within is hidden, or
		// 12 − 10 would publish the 2; the share goes with it. The medians
		// rest on the 12.
		{"contacted", "first_contact", 0, "12"},
		{"median days", "first_contact", 1, "6"},
		{"median working days", "first_contact", 2, "4"},
		{"within deadline", "first_contact", 3, "<5"},
		{"within deadline share", "first_contact", 4, "<5"},
		// Peer supporters are staff: shown as they are.
		{"peers", "peers", 0, "2 3"},
		{"peers total", "peers", -1, "2 3"},
		{"peer work FTE", "peer_work", 0, "1.5"},
		{"peer work meetings", "peer_work", 1, "1"},
		{"supervision interval", "supervision", 0, "6"},
		{"supervision active", "supervision", 1, "2"},
		{"supervision supervised", "supervision", 2, "1"},
		{"supervision share", "supervision", 3, "0.5000"},
		// 4 due, 4 completed: both small, and the rate with them.
		{"due", "follow_ups", 0, "<5"},
		{"completed", "follow_ups", 1, "<5"},
		{"completion rate", "follow_ups", 2, "<5"},
		{"compared", "follow_ups", 3, "9"},
		{"mean change", "follow_ups", 4, "4.5"},
		// 3 improved of 9 compared: hidden, and the 6 unchanged with it.
		{"improved", "outcomes", 0, "<5"},
		{"unchanged", "outcomes", 1, "<5"},
		{"worsened", "outcomes", 2, "0"},
		{"outcomes total", "outcomes", -1, "9"},
		// A commitment's value follows the figures it is built on, and
		// whether it is met goes with it.
		{"informed rate", "commitments", 0, "agreements.comparison.at_least 0.7000 0.7727 reports.commitment.met.yes"},
		{"within deadline", "commitments", 1, "agreements.comparison.at_least 0.8000 <5 <5"},
		{"median", "commitments", 2, "agreements.comparison.at_most 5 4 reports.commitment.met.yes"},
		{"follow-up rate", "commitments", 3, "agreements.comparison.at_least 0.9000 <5 <5"},
		{"active peers", "commitments", 4, "agreements.comparison.at_least 2 1 reports.commitment.met.no"},
		{"not measured", "commitments", 5, "agreements.comparison.at_most 42 - reports.commitment.not_measured"},
	} {
		if got := rowStrings(t, pub, c.table, c.row); got != c.want {
			t.Errorf("%s (%s row %d) = %q, want %q", c.name, c.table, c.row, got, c.want)
		}
	}
	// The referrals created are the offer table's referred total; the 1
	// declined is small; closed is the closures' total.
	var referrals []string
	for i := range 6 {
		referrals = append(referrals, rowStrings(t, pub, "referrals", i))
	}
	if got, want := strings.Join(referrals, " "), "7 6 <5 12 9 15"; got != want {
		t.Errorf("referrals %q, want %q", got, want)
	}
	// A hidden figure carries no value.
	for _, tb := range pub.Tables {
		for _, r := range append(tb.Rows, *orEmpty(tb.Total)) {
			for _, f := range r.Cells {
				if f.Hidden && (f.Value != 0 || f.Text.Key != "" || f.Text.Literal != "") {
					t.Errorf("%s: hidden figure carries %v %v", tb.ID, f.Value, f.Text)
				}
			}
		}
	}
	// Labels are message keys, or the data's names.
	offer := pub.Tables[0]
	if offer.Rows[0].Label.Literal != "Infektion Lund" || offer.Total.Label.Key != "reports.total" || offer.Columns[8].Key != "reports.offer.rate" {
		t.Errorf("offer labels: %+v, %+v, %+v", offer.Rows[0].Label, offer.Total.Label, offer.Columns[8])
	}
	if offer.Chart == nil || offer.Chart.Kind != tenants.ChartBars || offer.Chart.Column != tenants.OfferColRate {
		t.Errorf("offer chart %+v, want bars on the rate", offer.Chart)
	}
	if n := pub.Tables[4].Note; n == nil || n.Key != "reports.peers.note" {
		t.Errorf("peers note %+v, want reports.peers.note", n)
	}
}

func orEmpty(r *tenants.FigureRow) *tenants.FigureRow {
	if r == nil {
		return &tenants.FigureRow{}
	}
	return r
}

func TestReportPublicationThresholdAndScopes(t *testing.T) {
	t.Parallel()
	r := workedReport()
	// k is the region's setting: unset means 5, below 3 means 3.
	if got := tenants.ReportPublication(r, 0).K; got != 5 {
		t.Errorf("k 0 published with %d, want 5", got)
	}
	pub := tenants.ReportPublication(r, 2)
	if pub.K != 3 {
		t.Errorf("k 2 published with %d, want 3", pub.K)
	}
	// With k = 3, Lund's 3 met is shown and its 2 new diagnoses are not.
	if got, want := rowStrings(t, pub, "offer", 0), "<3 3 <3 0 0 0 0 0 <3 1"; got != want {
		t.Errorf("Lund with k 3 = %q, want %q", got, want)
	}
	// With k = 10, the 7 referred hide the referrals created with them.
	pub = tenants.ReportPublication(r, 10)
	if got := figureString(pubCell(t, pub, "referrals", 0, 0), 10); got != "<10" {
		t.Errorf("created with k 10 = %q, want <10", got)
	}
	// An organisation's report has no offer table and no commitments; a
	// quarter without closures no closures table.
	r.Figures.Offer, r.Figures.Commitments, r.Figures.Referrals.ClosedByReason, r.Figures.Referrals.Closed = nil, nil, nil, 0
	pub = tenants.ReportPublication(r, 5)
	for _, id := range []string{"offer", "commitments", "closures"} {
		if hasTable(pub, id) {
			t.Errorf("table %s published without its figures", id)
		}
	}
	if got := figureString(pubCell(t, pub, "referrals", 0, 0), 5); got != "7" {
		t.Errorf("created without an offer table = %q, want 7", got)
	}
	// A quarter without tallies: an offer table without clinics, and a
	// rate that is absent, not zero.
	r = workedReport()
	r.Figures.Offer = &tenants.OfferFigures{}
	pub = tenants.ReportPublication(r, 5)
	if got, want := rowStrings(t, pub, "offer", -1), "0 0 0 0 0 0 0 0 - 0"; got != want {
		t.Errorf("empty offer total = %q, want %q", got, want)
	}
	if n := pub.Tables[0].Note; n == nil || n.Key != "reports.offer.empty" {
		t.Errorf("empty offer note %+v", n)
	}
}

// randomFigures makes a report's figures that hold together as computed
// ones do, with many small counts.
func randomFigures(rng *rand.Rand, agreement bool) tenants.ReportFigures {
	n := func() int {
		switch rng.IntN(4) {
		case 0:
			return 0
		case 1:
			return 1 + rng.IntN(3)
		}
		return rng.IntN(15)
	}
	fptr := func(ok bool) *float64 {
		if !ok {
			return nil
		}
		v := float64(rng.IntN(400)) / 4
		return &v
	}
	var f tenants.ReportFigures
	if agreement || rng.IntN(2) == 0 {
		f.Offer = &tenants.OfferFigures{}
		for i := range rng.IntN(5) {
			c := tenants.OfferFunnel{NewDiagnoses: n(), MissingDiagnosisMonths: rng.IntN(4), Accepted: n(), Declined: n(), Undecided: n(), Referred: n()}
			c.Offered = c.Accepted + c.Declined + c.Undecided
			c.Informed = c.Offered + n()
			c.Met = c.Informed + n()
			f.Offer.Clinics = append(f.Offer.Clinics, tenants.ClinicFunnel{UnitID: int64(i + 1), UnitName: fmt.Sprintf("Klinik %d", i), Funnel: c})
			f.Offer.Total.Add(c)
		}
		f.Referrals.Created = f.Offer.Total.Referred
	} else {
		f.Referrals.Created = n()
	}
	f.Referrals.Accepted, f.Referrals.Declined, f.Referrals.Contacted, f.Referrals.Matched = n(), n(), n(), n()
	for _, reason := range []string{"goals_met", "moved", "no_contact", "other"} {
		if rng.IntN(3) > 0 {
			c := n()
			f.Referrals.ClosedByReason = append(f.Referrals.ClosedByReason, tenants.ReasonCount{Reason: reason, Count: c})
			f.Referrals.Closed += c
		}
	}
	fc := &f.FirstContact
	fc.Count = n()
	fc.WithinDeadline = rng.IntN(fc.Count + 1)
	fc.MedianDays, fc.MedianWorkingDays, fc.DeadlineWorkingDays = fptr(fc.Count > 0), fptr(fc.Count > 0), 5
	f.Peers = tenants.PeerFigures{Active: n(), BudgetedPositions: n(), BudgetedFTE: 1.25, WithMeetings: n(),
		Organisations: []tenants.OrganisationPeers{{Name: "Org", Active: n(), BudgetedPositions: n()}}}
	f.Supervision = tenants.SupervisionFigures{IntervalWeeks: 6, ActivePeers: n(), Supervised: n()}
	oc := &f.Outcomes
	oc.Improved, oc.Worsened = n(), n()
	oc.Compared = oc.Improved + oc.Worsened + n()
	oc.MeanChange = fptr(oc.Compared > 0)
	oc.Due = n()
	oc.Completed = rng.IntN(oc.Due + 1)
	if agreement {
		for _, spec := range tenants.Indicators {
			if rng.IntN(3) == 0 {
				continue
			}
			c := tenants.CommitmentFigure{Indicator: string(spec.Indicator), Comparison: string(spec.Usual), Target: spec.Min}
			if spec.Indicator != tenants.IndicatorSupervisionIntervalDays && spec.Indicator != tenants.IndicatorIntroSessionsPerUnit && rng.IntN(4) > 0 {
				c.Value, c.Met = fptr(true), bp(rng.IntN(2) == 0)
			}
			f.Commitments = append(f.Commitments, c)
		}
	}
	return f
}

// ref names a figure: row -1 is a table's total.
type ref struct {
	table    string
	row, col int
}

// sources lists, for each figure about participants, the true counts it is
// built from, so that the test can tell which figures must be hidden.
func sources(f tenants.ReportFigures) map[ref][]int {
	out := map[ref][]int{}
	if o := f.Offer; o != nil {
		row := func(r int, c tenants.OfferFunnel) {
			for col, v := range []int{c.NewDiagnoses, c.Met, c.Informed, c.Offered, c.Accepted, c.Declined, c.Undecided, c.Referred} {
				out[ref{"offer", r, col}] = []int{v}
			}
			out[ref{"offer", r, tenants.OfferColRate}] = []int{c.Informed, c.NewDiagnoses}
		}
		for i, c := range o.Clinics {
			row(i, c.Funnel)
		}
		row(-1, o.Total)
	}
	rf := f.Referrals
	for i, v := range []int{rf.Created, rf.Accepted, rf.Declined, rf.Contacted, rf.Matched, rf.Closed} {
		out[ref{"referrals", i, 0}] = []int{v}
	}
	if len(rf.ClosedByReason) > 0 {
		for i, c := range rf.ClosedByReason {
			out[ref{"closures", i, 0}] = []int{c.Count}
		}
		out[ref{"closures", -1, 0}] = []int{rf.Closed}
	}
	fc := f.FirstContact
	for i, s := range [][]int{{fc.Count}, {fc.Count}, {fc.Count}, {fc.WithinDeadline}, {fc.WithinDeadline, fc.Count}} {
		out[ref{"first_contact", i, 0}] = s
	}
	oc := f.Outcomes
	for i, s := range [][]int{{oc.Due}, {oc.Completed}, {oc.Completed, oc.Due}, {oc.Compared}, {oc.Compared}} {
		out[ref{"follow_ups", i, 0}] = s
	}
	for i, v := range []int{oc.Improved, oc.Compared - oc.Improved - oc.Worsened, oc.Worsened} {
		out[ref{"outcomes", i, 0}] = []int{v}
	}
	out[ref{"outcomes", -1, 0}] = []int{oc.Compared}
	for i, c := range f.Commitments {
		var s []int
		switch tenants.Indicator(c.Indicator) {
		case tenants.IndicatorMedianDaysToFirstContact:
			s = []int{fc.Count}
		case tenants.IndicatorContactWithinDeadlinePercent:
			s = []int{fc.WithinDeadline, fc.Count}
		case tenants.IndicatorInformedRatePercent:
			s = []int{f.Offer.Total.Informed, f.Offer.Total.NewDiagnoses}
		case tenants.IndicatorOfferRatePercent:
			s = []int{f.Offer.Total.Offered, f.Offer.Total.NewDiagnoses}
		case tenants.IndicatorFollowUpRatePercent:
			s = []int{oc.Completed, oc.Due}
		}
		out[ref{"commitments", i, 2}], out[ref{"commitments", i, 3}] = s, s
	}
	return out
}

// term is one side of a sum a reader knows: a published figure, or a
// count that is not published (and so unknown) with its true value.
type term struct {
	at          *ref
	unpublished int
}

func (tm term) String() string {
	if tm.at == nil {
		return fmt.Sprintf("unpublished %d", tm.unpublished)
	}
	return fmt.Sprintf("%s[%d][%d]", tm.at.table, tm.at.row, tm.at.col)
}

// equations are the sums a reader of the publication can use: each list
// adds up to zero with its last term subtracted (parts, then whole).
func equations(f tenants.ReportFigures) [][]term {
	at := func(table string, row, col int) term { return term{at: &ref{table, row, col}} }
	var out [][]term
	if o := f.Offer; o != nil {
		for col := range tenants.OfferColRate {
			var eq []term
			for i := range o.Clinics {
				eq = append(eq, at("offer", i, col))
			}
			out = append(out, append(eq, at("offer", -1, col)))
		}
		for i := -1; i < len(o.Clinics); i++ {
			out = append(out, []term{at("offer", i, tenants.OfferColAccepted), at("offer", i, tenants.OfferColDeclined),
				at("offer", i, tenants.OfferColUndecided), at("offer", i, tenants.OfferColOffered)})
		}
	}
	if n := len(f.Referrals.ClosedByReason); n > 0 {
		var eq []term
		for i := range n {
			eq = append(eq, at("closures", i, 0))
		}
		out = append(out, append(eq, at("closures", -1, 0)))
	}
	fc, oc := f.FirstContact, f.Outcomes
	out = append(out,
		[]term{at("first_contact", 3, 0), {unpublished: fc.Count - fc.WithinDeadline}, at("first_contact", 0, 0)},
		[]term{at("follow_ups", 1, 0), {unpublished: oc.Due - oc.Completed}, at("follow_ups", 0, 0)},
		[]term{at("outcomes", 0, 0), at("outcomes", 1, 0), at("outcomes", 2, 0), at("outcomes", -1, 0)},
	)
	return out
}

// TestReportPublicationNeverShowsSmallCounts: for random figures and
// thresholds, no figure built on a count 1…k−1 is visible, a visible
// count is the true one, and no sum a reader knows has a single unknown
// that is small.
func TestReportPublicationNeverShowsSmallCounts(t *testing.T) {
	t.Parallel()
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	for run := range 3000 {
		k := []int{0, 2, 3, 4, 5, 7, 10}[rng.IntN(7)]
		f := randomFigures(rng, rng.IntN(2) == 0)
		pub := tenants.ReportPublication(tenants.Report{Figures: f}, k)
		small := func(v int) bool { return v >= 1 && v < pub.K }
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("run %d (seed %d, k %d): %s\nfigures %+v", run, seed, pub.K, fmt.Sprintf(format, args...), f)
		}
		src := sources(f)
		for r, counts := range src {
			fig := pubCell(t, pub, r.table, r.row, r.col)
			for _, v := range counts {
				if small(v) && !fig.Hidden {
					fail("%v built on %d is shown as %s", r, v, figureString(fig, pub.K))
				}
			}
			if !fig.Hidden && !fig.Absent && fig.Kind == tenants.FigureCount && len(counts) == 1 && fig.Value != float64(counts[0]) {
				fail("%v is %g, want %d", r, fig.Value, counts[0])
			}
		}
		// Every figure of a table about participants is accounted for.
		for _, tb := range pub.Tables {
			switch tb.ID {
			case "peers", "peer_work", "supervision":
				continue
			}
			for i, row := range append(tb.Rows, *orEmpty(tb.Total)) {
				ri := i
				if i == len(tb.Rows) {
					ri = -1
				}
				for j, fig := range row.Cells {
					_, known := src[ref{tb.ID, ri, j}]
					plain := (tb.ID == "offer" && j == tenants.OfferColMissing) || (tb.ID == "commitments" && j < 2)
					if !known && !plain && fig.Kind != tenants.FigureText && !fig.Absent && !fig.Hidden && !isActivePeers(f, tb.ID, ri) {
						fail("%s row %d col %d (%s) is not checked", tb.ID, ri, j, figureString(fig, pub.K))
					}
				}
			}
		}
		for _, eq := range equations(f) {
			var unknown []int
			for _, tm := range eq {
				switch {
				case tm.at == nil:
					unknown = append(unknown, tm.unpublished)
				case pubCell(t, pub, tm.at.table, tm.at.row, tm.at.col).Hidden:
					unknown = append(unknown, src[*tm.at][0])
				}
			}
			if len(unknown) == 1 && small(unknown[0]) {
				fail("the small %d can be worked out from %v", unknown[0], eq)
			}
		}
		// A figure shown in two tables is the same cell.
		if f.Offer != nil {
			if a, b := pubCell(t, pub, "referrals", 0, 0), pubCell(t, pub, "offer", -1, tenants.OfferColReferred); !reflect.DeepEqual(a, b) {
				fail("referrals created %v, offer referred total %v", a, b)
			}
		}
		if len(f.Referrals.ClosedByReason) > 0 {
			if a, b := pubCell(t, pub, "referrals", 5, 0), pubCell(t, pub, "closures", -1, 0); !reflect.DeepEqual(a, b) {
				fail("referrals closed %v, closures total %v", a, b)
			}
		}
		if a, b := pubCell(t, pub, "follow_ups", 3, 0), pubCell(t, pub, "outcomes", -1, 0); !reflect.DeepEqual(a, b) {
			fail("compared %v in follow-ups, %v in outcomes", a, b)
		}
	}
}

// isActivePeers: the active peers commitment counts peer supporters.
func isActivePeers(f tenants.ReportFigures, table string, row int) bool {
	return table == "commitments" && row >= 0 && f.Commitments[row].Indicator == string(tenants.IndicatorActivePeers)
}
