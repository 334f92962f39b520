// Package suppress is Kamrat's one implementation of small-count suppression.
// Every aggregate that leaves the system — dashboards, quarterly reports,
// exports, the API — passes its counts through here, so that a region's
// threshold k means the same thing everywhere.
//
// # The rules
//
//   - Primary suppression: a count 1…k−1 is hidden and published as "<k".
//   - Zero is published as 0. A true zero describes nobody and, as in
//     Swedish official statistics practice, is not treated as sensitive;
//     hiding zeros would also make almost every small table unreadable. The price is that a reader knows every hidden figure is at
//     least 1; the method accounts for that (see below).
//   - Totals are published: a row total, a column total and the grand total
//     describe many people. A total that is itself 1…k−1 is hidden like any
//     other small count, and that can force further suppression.
//   - Complementary suppression: a hidden figure must not be computable from
//     what is published. Each row of a table is an equation (its cells add
//     up to its total), so is each column, and so are the row of column
//     totals and the column of row totals (both add up to the grand total).
//     While some equation has exactly one hidden figure, that figure could be
//     solved for, so a second one is hidden: the smallest visible non-zero
//     cell of that row or column — except that a cell whose own column (or
//     row) needs a second hidden figure too is taken first, so that one
//     suppression serves both — and its total only when no such cell is
//     left. A small figure can still be worked out by combining several
//     equations, and because zeros are published a reader also knows that
//     every hidden figure is at least 1: two hidden cells that must add up
//     to 2 are both 1, and a bridge between two separately suppressed blocks
//     is fixed outright. So after the row and column rule, every hidden
//     small figure is checked for whether the published figures leave it
//     any room (a search for a way round the table along which it could move
//     by one, described at state.pinned); if not, the smallest visible figure
//     that opens such a way is hidden as well. All this is repeated, across rows, columns and
//     margins, until nothing changes.
//   - The result is then thinned: a complementary figure whose suppression
//     turned out to be unnecessary (later choices protect its equations
//     anyway) is published again. Small figures are never published.
//
// Percentages and other ratios follow their parts: see Ratio.
//
// # Rendering
//
// Every hidden figure, small or complementary, is rendered the same way, as
// "<k" (Cell.String). This is deliberate. If complementary figures carried a
// different mark, a reader would know they are at least k, and that alone is
// often enough to pin a small figure: a hidden pair that adds up to 6 with
// k = 5 is 1 and 5 once the reader knows which one is the large one. Never
// render Cell.Primary differently on a published page; it is there for tests,
// audits and the region's own staff. Since "<k" then also stands for some
// figures that are k or more, a published table should say in its legend
// that "<k" means "withheld: fewer than k, or withheld so that a figure
// below k cannot be worked out".
//
// The method is a greedy heuristic, not an optimisation: it does not promise
// the fewest hidden figures, only that none can be worked out and that each
// complementary one is needed.
package suppress

import (
	"fmt"
	"strconv"
)

// Thresholds, mirroring tenants.DefaultSmallCountThreshold and
// tenants.MinSmallCountThreshold (this package does not import tenants so
// that tenants may use it).
const (
	DefaultK = 5
	MinK     = 3
)

// Threshold is the k actually applied for a region's setting: 0 (not set)
// means DefaultK, and anything below MinK is raised to MinK. Every function
// in this package applies it, so a careless k can only make suppression
// stricter, never switch it off.
func Threshold(k int) int {
	switch {
	case k == 0:
		return DefaultK
	case k < MinK:
		return MinK
	}
	return k
}

// Cell is one published figure: a count and whether it may be shown.
type Cell struct {
	// Value is the true count. It is never to be published when Hidden.
	Value int
	// Hidden: the figure is replaced by "<k".
	Hidden bool
	// Primary: hidden because it is 1…k−1. A hidden cell that is not
	// Primary was hidden to protect another one (complementary suppression)
	// and is at least k.
	Primary bool
}

// Count suppresses a single figure that is published without margins, such
// as a headline count: it is hidden when 1 ≤ v < k. Do not use Count for
// figures that are published together with a total or with other figures
// that add up to something published; use a Table or Suppress1D.
func Count(v, k int) Cell {
	if v < 0 {
		panic(fmt.Sprintf("suppress: negative count %d", v))
	}
	small := v >= 1 && v < Threshold(k)
	return Cell{Value: v, Hidden: small, Primary: small}
}

// String renders the cell: "<k" when hidden, otherwise format(Value), or the
// plain decimal number when format is nil. Pass the same k as to Suppress.
func (c Cell) String(k int, format func(int) string) string {
	if c.Hidden {
		return "<" + strconv.Itoa(Threshold(k))
	}
	if format == nil {
		return strconv.Itoa(c.Value)
	}
	return format(c.Value)
}

// Ratio reports whether a ratio num/den (a percentage, a rate, a mean) may be
// shown: only when both cells are published and den is not zero. A
// percentage of a hidden cell, or of a hidden total, would give the hidden
// count back to anyone who knows the other figure.
func Ratio(num, den Cell) (ok bool) {
	return !num.Hidden && !den.Hidden && den.Value != 0
}

// Table is a two-dimensional table of counts that is published together with
// its row totals, column totals and grand total.
type Table struct {
	counts [][]int
	cols   int
}

// NewTable makes a table of counts[row][column]. Every row must have the same
// length and no count may be negative; anything else is a programming error
// and panics. The table keeps its own copy.
func NewTable(counts [][]int) Table {
	t := Table{counts: make([][]int, len(counts))}
	if len(counts) > 0 {
		t.cols = len(counts[0])
	}
	for i, row := range counts {
		if len(row) != t.cols {
			panic(fmt.Sprintf("suppress: row %d has %d columns, row 0 has %d", i, len(row), t.cols))
		}
		for j, v := range row {
			if v < 0 {
				panic(fmt.Sprintf("suppress: negative count %d at row %d, column %d", v, i, j))
			}
		}
		t.counts[i] = append([]int(nil), row...)
	}
	return t
}

// Published is a suppressed table: what may be shown, with the same shape as
// the table, its margins and its grand total.
type Published struct {
	Cells     [][]Cell
	RowTotals []Cell
	ColTotals []Cell
	Total     Cell
}

// Suppress applies primary and complementary suppression with threshold k
// (see Threshold) to the table and its margins. Publish all of the result or
// recompute: leaving out a total, or publishing a subset of the cells next to
// a total, is safe, but adding a figure that is not in the result (a subtotal
// of two rows, say) is not covered.
func (t Table) Suppress(k int) Published {
	s := newState(t.counts, t.cols, Threshold(k))
	s.run()
	return s.published()
}

// Suppress1D suppresses a list of counts, such as the steps of a funnel or a
// list of clinics. With withTotal, the list is published with its total and
// complementary suppression protects the hidden items against it; the total
// returned is then the published total. Without it each item is suppressed on
// its own, and the returned total is the zero Cell, not to be published.
func Suppress1D(counts []int, withTotal bool, k int) (items []Cell, total Cell) {
	if !withTotal {
		items = make([]Cell, len(counts))
		for i, v := range counts {
			items[i] = Count(v, k)
		}
		return items, Cell{}
	}
	p := NewTable([][]int{counts}).Suppress(k)
	return p.Cells[0], p.RowTotals[0]
}

// pos is a place in the extended grid: the counts, with the row totals as an
// extra column (j == cols), the column totals as an extra row (i == rows) and
// the grand total in the corner.
type pos struct{ i, j int }

// state is the extended grid during suppression. Its "lines" are the
// equations a reader can use: lines 0…rows are the rows of the grid (the last
// one is the column totals adding up to the grand total) and lines
// rows+1…rows+cols+1 are its columns. The last entry of each line is the
// line's total.
type state struct {
	rows, cols int
	k          int
	v          [][]int
	hidden     [][]bool
	primary    [][]bool
	comp       []pos // complementary suppressions, in the order made
}

func newState(counts [][]int, cols, k int) *state {
	rows := len(counts)
	s := &state{rows: rows, cols: cols, k: k}
	s.v = make([][]int, rows+1)
	s.hidden = make([][]bool, rows+1)
	s.primary = make([][]bool, rows+1)
	for i := range s.v {
		s.v[i] = make([]int, cols+1)
		s.hidden[i] = make([]bool, cols+1)
		s.primary[i] = make([]bool, cols+1)
	}
	for i, row := range counts {
		for j, x := range row {
			s.v[i][j] = x
			s.v[i][cols] += x
			s.v[rows][j] += x
			s.v[rows][cols] += x
		}
	}
	for i := range s.v {
		for j, x := range s.v[i] {
			if x >= 1 && x < k {
				s.hidden[i][j] = true
				s.primary[i][j] = true
			}
		}
	}
	return s
}

func (s *state) lines() int { return s.rows + 1 + s.cols + 1 }

// line returns the entries of line l, its total last.
func (s *state) line(l int) []pos {
	if l <= s.rows {
		out := make([]pos, s.cols+1)
		for j := range out {
			out[j] = pos{l, j}
		}
		return out
	}
	j := l - s.rows - 1
	out := make([]pos, s.rows+1)
	for i := range out {
		out[i] = pos{i, j}
	}
	return out
}

// exposed reports whether line l gives a hidden figure away on its own: it
// has exactly one.
func (s *state) exposed(l int) bool {
	n := 0
	for _, p := range s.line(l) {
		if s.hidden[p.i][p.j] {
			n++
		}
	}
	return n == 1
}

// crossing is the other line through p than l.
func (s *state) crossing(p pos, l int) int {
	if l <= s.rows {
		return s.rows + 1 + p.j
	}
	return p.i
}

// candidate picks the figure to hide in exposed line l: a visible non-zero
// cell whose other line is exposed too, if there is one (one suppression then
// mends both lines, which closes a rectangle instead of starting a chain
// through the table), otherwise the smallest visible non-zero cell; the
// line's total only when no cell qualifies. An exposed line always has a
// candidate: its one hidden figure is not zero, so neither is the sum of the
// others.
func (s *state) candidate(l int) pos {
	entries := s.line(l)
	best, found, bestBoth := pos{}, false, false
	for _, p := range entries[:len(entries)-1] {
		if s.hidden[p.i][p.j] || s.v[p.i][p.j] == 0 {
			continue
		}
		both := s.exposed(s.crossing(p, l))
		if !found || (both && !bestBoth) ||
			(both == bestBoth && s.v[p.i][p.j] < s.v[best.i][best.j]) {
			best, found, bestBoth = p, true, both
		}
	}
	if found {
		return best
	}
	total := entries[len(entries)-1]
	if s.hidden[total.i][total.j] || s.v[total.i][total.j] == 0 {
		panic("suppress: exposed line without a candidate") // cannot happen: the line's sums forbid it
	}
	return total
}

func (s *state) hide(p pos) {
	s.hidden[p.i][p.j] = true
	s.comp = append(s.comp, p)
}

// Combining equations. Nodes of the suppression graph are the lines: row
// lines 0…rows and column lines rows+1…rows+cols+1. Every hidden figure is
// an edge between its row line and its column line. A reader who knows the
// published figures can change the hidden ones only by moving a unit round
// a cycle of that graph: up, down, up, … for cells, and with the sign
// turned for the row and column totals (a total rises with its cells). Such
// a move is open to the reader as long as nothing on the cycle falls below 1
// (zeros are published, so the reader knows each hidden figure is at least
// 1). A hidden small figure is pinned, and so given away, when no such cycle
// passes through it in either direction. That covers a figure alone in its
// line, a bridge between two separately suppressed blocks, and chains of
// hidden 1s and 2s that only fit one way.

// sign is the figure's coefficient in both of its equations once the
// equations of the margins are turned round: +1 for cells and the grand
// total, −1 for row and column totals.
func (s *state) sign(p pos) int {
	if (p.i == s.rows) != (p.j == s.cols) {
		return -1
	}
	return 1
}

// open reports whether the unit move that walks edge p from its row line to
// its column line (forward) or back keeps p at least 1.
func (s *state) open(p pos, forward bool) bool {
	d := s.sign(p)
	if !forward {
		d = -d
	}
	return d > 0 || s.v[p.i][p.j] >= 2
}

// reach returns the nodes reachable from start (or, with backward, those
// from which start is reachable) by open moves over hidden figures other
// than skip.
func (s *state) reach(start int, skip pos, backward bool) []bool {
	seen := make([]bool, s.lines())
	seen[start] = true
	queue := []int{start}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, p := range s.line(n) {
			if p == skip || !s.hidden[p.i][p.j] {
				continue
			}
			// Leaving a row line walks p forward; with backward the walk
			// arrives at n instead, so it is the other way round.
			if !s.open(p, (n <= s.rows) != backward) {
				continue
			}
			m := s.crossing(p, n)
			if !seen[m] {
				seen[m] = true
				queue = append(queue, m)
			}
		}
	}
	return seen
}

// ends returns the start and end of the way round that would raise p by
// one: walking p forward raises it when its sign is +1, so the way back
// leads from its column line to its row line; otherwise the other way.
func (s *state) ends(p pos, up bool) (from, to int) {
	row, col := p.i, s.rows+1+p.j
	if (s.sign(p) > 0) == up {
		return col, row
	}
	return row, col
}

// movable reports whether a reader could raise (up) or lower p by one.
func (s *state) movable(p pos, up bool) bool {
	if !up && s.v[p.i][p.j] < 2 {
		return false
	}
	from, to := s.ends(p, up)
	return s.reach(from, p, false)[to]
}

// pinned returns a hidden small figure that the published figures fix: one
// that can move neither up nor down by one.
func (s *state) pinned() (pos, bool) {
	for i := range s.v {
		for j := range s.v[i] {
			p := pos{i, j}
			if s.primary[i][j] && !s.movable(p, true) && !s.movable(p, false) {
				return p, true
			}
		}
	}
	return pos{}, false
}

// unpin picks the figure to hide for pinned figure p: the smallest visible
// non-zero figure that closes a way round raising p (it joins what can be
// reached from one end with what reaches the other; a newly hidden figure is
// at least k, so it can be walked either way), else the smallest visible
// non-zero figure touching either side, else any. Hiding every non-zero
// figure pins nothing (each can rise with its row total, its column total
// and the grand total), so repeating this ends.
func (s *state) unpin(p pos) pos {
	from, to := s.ends(p, true)
	f := s.reach(from, p, false)
	b := s.reach(to, p, true)
	best, rank := pos{}, 0
	for i := range s.v {
		for j := range s.v[i] {
			if s.hidden[i][j] || s.v[i][j] == 0 {
				continue
			}
			r, c := i, s.rows+1+j
			n := 1
			switch {
			case (f[r] && b[c]) || (f[c] && b[r]):
				n = 3
			case f[r] || f[c] || b[r] || b[c]:
				n = 2
			}
			if n > rank || (n == rank && s.v[i][j] < s.v[best.i][best.j]) {
				best, rank = pos{i, j}, n
			}
		}
	}
	if rank == 0 {
		panic("suppress: pinned figure with everything hidden") // cannot happen, see above
	}
	return best
}

// firstExposed returns the first exposed line.
func (s *state) firstExposed() (int, bool) {
	for l := range s.lines() {
		if s.exposed(l) {
			return l, true
		}
	}
	return 0, false
}

// safe reports whether no hidden figure can be solved for.
func (s *state) safe() bool {
	if _, ok := s.firstExposed(); ok {
		return false
	}
	_, ok := s.pinned()
	return !ok
}

// run suppresses until safe, then publishes again every complementary figure
// that is not needed. Each step hides one more figure and hiding every
// non-zero figure is safe, so the loop ends.
func (s *state) run() {
	for {
		if l, ok := s.firstExposed(); ok {
			s.hide(s.candidate(l))
			continue
		}
		if p, ok := s.pinned(); ok {
			s.hide(s.unpin(p))
			continue
		}
		break
	}
	// Thin out, latest first: a figure hidden late was chosen with the most
	// information. Publishing a figure only makes the others more needed,
	// so one pass leaves every remaining complementary figure needed.
	var kept []pos
	for n := len(s.comp) - 1; n >= 0; n-- {
		p := s.comp[n]
		s.hidden[p.i][p.j] = false
		if !s.safe() {
			s.hidden[p.i][p.j] = true
			kept = append(kept, p)
		}
	}
	for l, r := 0, len(kept)-1; l < r; l, r = l+1, r-1 {
		kept[l], kept[r] = kept[r], kept[l]
	}
	s.comp = kept
}

func (s *state) cell(i, j int) Cell {
	return Cell{Value: s.v[i][j], Hidden: s.hidden[i][j], Primary: s.primary[i][j]}
}

func (s *state) published() Published {
	p := Published{
		Cells:     make([][]Cell, s.rows),
		RowTotals: make([]Cell, s.rows),
		ColTotals: make([]Cell, s.cols),
		Total:     s.cell(s.rows, s.cols),
	}
	for i := range s.rows {
		p.Cells[i] = make([]Cell, s.cols)
		for j := range s.cols {
			p.Cells[i][j] = s.cell(i, j)
		}
		p.RowTotals[i] = s.cell(i, s.cols)
	}
	for j := range s.cols {
		p.ColTotals[j] = s.cell(s.rows, j)
	}
	return p
}
