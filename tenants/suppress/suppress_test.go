package suppress

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

// grid is a published table as the test sees it: the cells, the row totals
// as an extra column, the column totals as an extra row and the grand total
// in the corner. Written independently of the implementation's state.
type grid [][]Cell

func extend(p Published) grid {
	rows := len(p.Cells)
	g := make(grid, rows+1)
	for i := range rows {
		g[i] = append(append([]Cell(nil), p.Cells[i]...), p.RowTotals[i])
	}
	g[rows] = append(append([]Cell(nil), p.ColTotals...), p.Total)
	return g
}

type at struct{ i, j int }

// equations are the lines a reader can add up: every row of the grid (the
// last one is the column totals against the grand total) and every column.
// Each is listed with its total last.
func (g grid) equations() [][]at {
	var eqs [][]at
	for i := range g {
		var e []at
		for j := range g[i] {
			e = append(e, at{i, j})
		}
		eqs = append(eqs, e)
	}
	for j := range g[0] {
		var e []at
		for i := range g {
			e = append(e, at{i, j})
		}
		eqs = append(eqs, e)
	}
	return eqs
}

func (g grid) hidden() []at {
	var h []at
	for i := range g {
		for j := range g[i] {
			if g[i][j].Hidden {
				h = append(h, at{i, j})
			}
		}
	}
	return h
}

func (g grid) String() string {
	var b strings.Builder
	for _, row := range g {
		for _, c := range row {
			mark := " "
			switch {
			case c.Primary:
				mark = "p"
			case c.Hidden:
				mark = "c"
			}
			fmt.Fprintf(&b, "%5d%s", c.Value, mark)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// exposedLine returns an equation that gives a hidden figure away on its
// own: it has exactly one hidden figure.
func (g grid) exposedLine() ([]at, bool) {
	for _, e := range g.equations() {
		n := 0
		for _, a := range e {
			if g[a.i][a.j].Hidden {
				n++
			}
		}
		if n == 1 {
			return e, true
		}
	}
	return nil, false
}

// determined reports, for every hidden figure, whether the published figures
// fix its value through the linear equations alone: whether its unit vector
// lies in the row space of the equations over the hidden figures. Exact
// Gauss–Jordan elimination over the rationals; an audit independent of the
// graph argument the implementation uses.
func (g grid) determined() map[at]bool {
	h := g.hidden()
	col := map[at]int{}
	for n, a := range h {
		col[a] = n
	}
	var m [][]*big.Rat
	for _, e := range g.equations() {
		row := make([]*big.Rat, len(h))
		for n := range row {
			row[n] = new(big.Rat)
		}
		any := false
		for n, a := range e {
			if c, ok := col[a]; ok {
				sign := int64(1)
				if n == len(e)-1 {
					sign = -1
				}
				row[c].SetInt64(sign)
				any = true
			}
		}
		if any {
			m = append(m, row)
		}
	}
	pivotRow := map[int]int{}
	r := 0
	for c := 0; c < len(h) && r < len(m); c++ {
		p := -1
		for i := r; i < len(m); i++ {
			if m[i][c].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		m[r], m[p] = m[p], m[r]
		inv := new(big.Rat).Inv(m[r][c])
		for j := range m[r] {
			m[r][j].Mul(m[r][j], inv)
		}
		for i := range m {
			if i == r || m[i][c].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(m[i][c])
			for j := range m[i] {
				m[i][j].Sub(m[i][j], new(big.Rat).Mul(f, m[r][j]))
			}
		}
		pivotRow[c] = r
		r++
	}
	out := map[at]bool{}
	for c, a := range h {
		pr, ok := pivotRow[c]
		if !ok {
			continue
		}
		alone := true
		for j, x := range m[pr] {
			if j != c && x.Sign() != 0 {
				alone = false
				break
			}
		}
		out[a] = alone
	}
	return out
}

// leak returns a hidden small figure that a reader can work out, if any.
func (g grid) leak() (at, string, bool) {
	if e, ok := g.exposedLine(); ok {
		return e[0], fmt.Sprintf("equation %v gives a hidden figure away", e), true
	}
	for a, det := range g.determined() {
		if det && g[a.i][a.j].Primary {
			return a, "determined by combining equations", true
		}
	}
	if a, ok := g.pinned(); ok {
		return a, "pinned by combining equations with hidden figures ≥ 1", true
	}
	return at{}, "", false
}

// pinned returns a hidden small figure that cannot be moved by one, up or
// down, in any assignment of the hidden figures that keeps every equation
// and every hidden figure ≥ 1. The feasible values of one figure form an
// interval (the equations of a table with margins are totally unimodular),
// so a figure that cannot move by one is given away. A move by one, if there
// is one, can be taken along a simple cycle, whose changes are all −1, 0 or
// +1; the search enumerates such change vectors, propagating every equation
// with one unknown left.
func (g grid) pinned() (at, bool) {
	h := g.hidden()
	idx := map[at]int{}
	for n, a := range h {
		idx[a] = n
	}
	type eq struct{ vars, signs []int }
	var eqs []eq
	for _, e := range g.equations() {
		var q eq
		for n, a := range e {
			if v, ok := idx[a]; ok {
				sign := 1
				if n == len(e)-1 {
					sign = -1
				}
				q.vars = append(q.vars, v)
				q.signs = append(q.signs, sign)
			}
		}
		if len(q.vars) > 0 {
			eqs = append(eqs, q)
		}
	}
	const unset = 9
	var search func(d []int) bool
	search = func(d []int) bool {
		d = append([]int(nil), d...)
		for changed := true; changed; {
			changed = false
			for _, q := range eqs {
				free, nfree, sum := 0, 0, 0
				for m, v := range q.vars {
					if d[v] == unset {
						free, nfree = m, nfree+1
					} else {
						sum += q.signs[m] * d[v]
					}
				}
				switch {
				case nfree == 0 && sum != 0:
					return false
				case nfree == 1:
					val := -sum * q.signs[free]
					v := q.vars[free]
					if val < -1 || val > 1 || g[h[v].i][h[v].j].Value+val < 1 {
						return false
					}
					d[v] = val
					changed = true
				}
			}
		}
		for n, v := range d {
			if v == unset {
				for _, val := range []int{0, 1, -1} {
					if g[h[n].i][h[n].j].Value+val < 1 {
						continue
					}
					d[n] = val
					if search(d) {
						return true
					}
				}
				return false
			}
		}
		return true
	}
	for n, a := range h {
		if !g[a.i][a.j].Primary {
			continue
		}
		moves := false
		for _, dir := range []int{1, -1} {
			if g[a.i][a.j].Value+dir < 1 {
				continue
			}
			d := make([]int, len(h))
			for m := range d {
				d[m] = unset
			}
			d[n] = dir
			if search(d) {
				moves = true
				break
			}
		}
		if !moves {
			return a, true
		}
	}
	return at{}, false
}

// checkRules checks properties (1) and (2) and the bookkeeping.
func checkRules(t *testing.T, counts [][]int, k int, p Published) grid {
	t.Helper()
	k = Threshold(k)
	g := extend(p)
	rows := len(counts)
	for i := range g {
		for j := range g[i] {
			want := 0
			switch {
			case i < rows && j < len(counts[i]):
				want = counts[i][j]
			case i < rows:
				for _, v := range counts[i] {
					want += v
				}
			default:
				for r := range counts {
					for c, v := range counts[r] {
						if j == len(counts[r]) || c == j {
							want += v
						}
					}
				}
			}
			c := g[i][j]
			if c.Value != want {
				t.Fatalf("value at %d,%d is %d, want %d\n%v", i, j, c.Value, want, g)
			}
			small := want >= 1 && want < k
			if small != c.Primary {
				t.Fatalf("k=%d: figure %d at %d,%d: primary %v\n%v", k, want, i, j, c.Primary, g)
			}
			if small && !c.Hidden {
				t.Fatalf("k=%d: small figure %d at %d,%d is published\n%v", k, want, i, j, g)
			}
			if want == 0 && c.Hidden {
				t.Fatalf("zero at %d,%d is hidden\n%v", i, j, g)
			}
		}
	}
	if a, why, ok := g.leak(); ok {
		t.Fatalf("k=%d: %s (%d,%d)\n%v", k, why, a.i, a.j, g)
	}
	return g
}

// checkNeeded is property (3): publishing any one complementary figure
// again would give a hidden figure away.
func checkNeeded(t *testing.T, g grid) {
	t.Helper()
	for _, a := range g.hidden() {
		if g[a.i][a.j].Primary {
			continue
		}
		g[a.i][a.j].Hidden = false
		_, _, leaks := g.leak()
		g[a.i][a.j].Hidden = true
		if !leaks {
			t.Fatalf("complementary figure at %d,%d is not needed\n%v", a.i, a.j, g)
		}
	}
}

// shape renders the hidden pattern: "p" primary, "c" complementary, "." shown.
func shape(g grid) string {
	var rows []string
	for _, row := range g {
		var b strings.Builder
		for _, c := range row {
			switch {
			case c.Primary:
				b.WriteByte('p')
			case c.Hidden:
				b.WriteByte('c')
			default:
				b.WriteByte('.')
			}
		}
		rows = append(rows, b.String())
	}
	return strings.Join(rows, " ")
}

func TestWorkedExamples(t *testing.T) {
	for _, tc := range []struct {
		name   string
		counts [][]int
		k      int
		// want is the hidden pattern of the extended grid, row by row, the
		// row total last in each row and the column totals as the last row.
		want string
	}{{
		// The 2 needs a partner in its row (the 10) and in its column; the
		// 10 needs one in its column (the 7), and the 7's row is closed by
		// the 30, which also serves the 2's column: a rectangle of four.
		name:   "one small cell",
		counts: [][]int{{10, 2, 12}, {20, 15, 9}, {7, 30, 25}},
		k:      5,
		want:   "cp.. .... cc.. ....",
	}, {
		// Row 0 adds up to 3: its cells and its total are small. The total
		// needs a partner among the row totals (row 2's 32), the 1 and the 2
		// need partners in their columns: row 2's 8 and 9.
		name:   "row total below k",
		counts: [][]int{{1, 2, 0}, {10, 20, 30}, {8, 9, 15}},
		k:      5,
		want:   "pp.p .... cc.c ....",
	}, {
		name:   "all zeros",
		counts: [][]int{{0, 0}, {0, 0}},
		k:      5,
		want:   "... ... ...",
	}, {
		name:   "k=3",
		counts: [][]int{{1, 2, 3}, {3, 4, 5}},
		k:      3,
		want:   "pp.. cc.. ....",
	}, {
		// Everything but row 1's total (12) and the grand total (18) is
		// below 10; row 1's total must go too, or row 0's would be 18 − 12.
		name:   "k=10",
		counts: [][]int{{1, 2, 3}, {3, 4, 5}},
		k:      10,
		want:   "pppp pppc ppp.",
	}, {
		// Two hidden cells that must add up to 2 are both 1: a third goes.
		name:   "hidden pair of ones",
		counts: [][]int{{1, 1, 10, 20}},
		k:      5,
		want:   "ppc.. ppc..",
	}, {
		name:   "no small counts",
		counts: [][]int{{5, 6}, {7, 8}},
		k:      5,
		want:   "... ... ...",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			p := NewTable(tc.counts).Suppress(tc.k)
			g := checkRules(t, tc.counts, tc.k, p)
			checkNeeded(t, g)
			if got := shape(g); got != tc.want {
				t.Errorf("hidden pattern %q, want %q\n%v", got, tc.want, g)
			}
		})
	}
}

func TestWorkedExampleRendering(t *testing.T) {
	p := NewTable([][]int{{10, 2, 12}, {20, 15, 9}, {7, 30, 25}}).Suppress(5)
	var got []string
	for i, row := range p.Cells {
		var s []string
		for _, c := range row {
			s = append(s, c.String(5, nil))
		}
		s = append(s, p.RowTotals[i].String(5, nil))
		got = append(got, strings.Join(s, " "))
	}
	want := []string{"<5 <5 12 24", "20 15 9 44", "<5 <5 25 62"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("rendered %q, want %q", got, want)
	}
	if p.Total.String(5, func(v int) string { return fmt.Sprintf("%d st", v) }) != "130 st" {
		t.Errorf("total rendered %q", p.Total.String(5, nil))
	}
}

func TestSuppress1D(t *testing.T) {
	funnel := []int{40, 12, 3, 0}
	items, total := Suppress1D(funnel, true, 5)
	var got []string
	for _, c := range items {
		got = append(got, c.String(5, nil))
	}
	if g := strings.Join(got, " "); g != "40 <5 <5 0" || total.Hidden || total.Value != 55 {
		t.Errorf("with total: %q, total %+v", g, total)
	}
	if !items[2].Primary || items[1].Primary {
		t.Errorf("primary marks wrong: %+v", items)
	}

	items, total = Suppress1D(funnel, false, 5)
	got = got[:0]
	for _, c := range items {
		got = append(got, c.String(5, nil))
	}
	if g := strings.Join(got, " "); g != "40 12 <5 0" || total != (Cell{}) {
		t.Errorf("without total: %q, total %+v", g, total)
	}

	// A total below k hides everything non-zero.
	items, total = Suppress1D([]int{2, 0, 1}, true, 5)
	if !items[0].Hidden || items[1].Hidden || !items[2].Hidden || !total.Hidden || !total.Primary {
		t.Errorf("small total: %+v %+v", items, total)
	}
}

func TestCountStringRatioThreshold(t *testing.T) {
	for _, tc := range []struct {
		v, k int
		want string
	}{
		{0, 5, "0"}, {1, 5, "<5"}, {4, 5, "<5"}, {5, 5, "5"},
		{2, 3, "<3"}, {3, 3, "3"}, {9, 10, "<10"}, {10, 10, "10"},
		{4, 0, "<5"},  // unset: the default 5
		{2, 1, "<3"},  // below the minimum: raised to 3
		{2, -4, "<3"}, // nonsense: raised to 3
		{120, 5, "120"},
	} {
		if got := Count(tc.v, tc.k).String(tc.k, nil); got != tc.want {
			t.Errorf("Count(%d, %d) renders %q, want %q", tc.v, tc.k, got, tc.want)
		}
	}
	if c := Count(3, 5); !c.Primary || !c.Hidden {
		t.Errorf("Count(3, 5) = %+v", c)
	}
	shown, hidden, zero := Count(40, 5), Count(3, 5), Count(0, 5)
	if !Ratio(shown, Count(80, 5)) {
		t.Error("ratio of two published counts refused")
	}
	if Ratio(hidden, shown) || Ratio(shown, hidden) {
		t.Error("ratio with a hidden count allowed")
	}
	if Ratio(shown, zero) {
		t.Error("ratio over zero allowed")
	}
	complementary := Cell{Value: 40, Hidden: true}
	if Ratio(complementary, Count(80, 5)) {
		t.Error("ratio of a complementary-hidden count allowed")
	}
}

func TestNewTablePanics(t *testing.T) {
	for name, counts := range map[string][][]int{
		"ragged":   {{1, 2}, {3}},
		"negative": {{1, -2}},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			NewTable(counts)
		})
	}
	// Degenerate shapes are fine.
	p := NewTable(nil).Suppress(5)
	if p.Total.Value != 0 || p.Total.Hidden || len(p.Cells) != 0 {
		t.Errorf("empty table: %+v", p)
	}
	orig := [][]int{{3, 9}}
	tab := NewTable(orig)
	orig[0][0] = 100
	if got := tab.Suppress(5).Cells[0][0]; got.Value != 3 {
		t.Errorf("table shares the caller's slice: %+v", got)
	}
}

// randomTable draws a table rich in zeros and small counts.
func randomTable(r *rand.Rand, maxRows, maxCols, maxV, k int) [][]int {
	rows, cols := 1+r.IntN(maxRows), 1+r.IntN(maxCols)
	counts := make([][]int, rows)
	for i := range counts {
		counts[i] = make([]int, cols)
		for j := range counts[i] {
			switch r.IntN(3) {
			case 0:
				counts[i][j] = r.IntN(k + 1) // zero or small, or just k
			default:
				counts[i][j] = r.IntN(maxV + 1)
			}
		}
	}
	return counts
}

// TestProperties runs the rules over random tables: (1) small figures are
// hidden, zeros shown; (2) no hidden small figure can be worked out from the
// published ones, neither from one equation nor by combining them; (3) every
// complementary figure is needed for (2).
func TestProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(2024, 5))
	hiddenTotal, compTotal := 0, 0
	for n := range 2000 {
		k := 3 + r.IntN(8)
		counts := randomTable(r, 6, 6, 30, k)
		p := NewTable(counts).Suppress(k)
		ok := t.Run(fmt.Sprint(n), func(t *testing.T) {
			g := checkRules(t, counts, k, p)
			checkNeeded(t, g)
			for _, a := range g.hidden() {
				hiddenTotal++
				if !g[a.i][a.j].Primary {
					compTotal++
				}
			}
		})
		if !ok {
			t.Fatalf("table %d, k=%d: %v", n, k, counts)
		}
	}
	t.Logf("%d hidden figures, %d of them complementary", hiddenTotal, compTotal)
}

// TestIntervals is the attacker's audit by brute force, for tables small
// enough to search: knowing every published figure and that every hidden one
// is a whole number ≥ 1 (zeros are published), the feasible values of each
// hidden small figure must not be a single value below k.
func TestIntervals(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for n := range 400 {
		k := 3 + r.IntN(4)
		counts := randomTable(r, 3, 3, 9, k)
		g := extend(NewTable(counts).Suppress(k))
		lo, hi := feasible(g, k)
		for a, l := range lo {
			if !g[a.i][a.j].Primary {
				continue
			}
			if h := hi[a]; h == l && h < k {
				t.Fatalf("table %d, k=%d: hidden %d at %d,%d can only be %d\n%v", n, k, g[a.i][a.j].Value, a.i, a.j, l, g)
			}
		}
	}
}

// feasible searches every assignment of whole numbers ≥ 1 to the hidden
// figures that satisfies all equations, and returns each hidden figure's
// least and greatest value. Values are capped at the grand total plus k,
// which is enough: the feasible values of one figure form an interval that
// contains the true value, and reaching the cap already means "can be ≥ k".
// The search stops early once every figure has been seen with two values or
// with one ≥ k.
func feasible(g grid, k int) (lo, hi map[at]int) {
	h := g.hidden()
	idx := map[at]int{}
	for n, a := range h {
		idx[a] = n
	}
	type eq struct {
		vars  []int
		signs []int
		rhs   int
	}
	var eqs []eq
	for _, e := range g.equations() {
		var q eq
		for n, a := range e {
			sign := 1
			if n == len(e)-1 {
				sign = -1
			}
			if v, ok := idx[a]; ok {
				q.vars = append(q.vars, v)
				q.signs = append(q.signs, sign)
			} else {
				q.rhs -= sign * g[a.i][a.j].Value
			}
		}
		if len(q.vars) > 0 {
			eqs = append(eqs, q)
		}
	}
	limit := g[len(g)-1][len(g[0])-1].Value + k
	minv := make([]int, len(h))
	maxv := make([]int, len(h))
	for n := range h {
		minv[n], maxv[n] = limit+1, 0
	}
	done := func() bool {
		for n := range h {
			if maxv[n] < k && minv[n] == maxv[n] || minv[n] > limit {
				return false
			}
		}
		return true
	}
	var search func(x []int) bool
	search = func(x []int) bool {
		x = append([]int(nil), x...)
		for changed := true; changed; {
			changed = false
			for _, q := range eqs {
				free, sum := -1, 0
				nfree := 0
				for m, v := range q.vars {
					if x[v] == 0 {
						free, nfree = m, nfree+1
					} else {
						sum += q.signs[m] * x[v]
					}
				}
				switch nfree {
				case 0:
					if sum != q.rhs {
						return false
					}
				case 1:
					val := (q.rhs - sum) * q.signs[free]
					if val < 1 || val > limit {
						return false
					}
					x[q.vars[free]] = val
					changed = true
				}
			}
		}
		for n, v := range x {
			if v == 0 {
				for val := 1; val <= limit; val++ {
					x[n] = val
					if search(x) {
						return true
					}
				}
				return false
			}
		}
		for n, v := range x {
			minv[n] = min(minv[n], v)
			maxv[n] = max(maxv[n], v)
		}
		return done()
	}
	search(make([]int, len(h)))
	lo, hi = map[at]int{}, map[at]int{}
	for n, a := range h {
		lo[a], hi[a] = minv[n], maxv[n]
	}
	return lo, hi
}
