package ui

import (
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/suppress"
)

// svgNode is an element of a parsed chart.
type svgNode struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []svgNode  `xml:",any"`
}

func (n svgNode) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

func (n svgNode) num(t *testing.T, name string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(n.attr(name), 64)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", n.XMLName.Local, name, n.attr(name), err)
	}
	return f
}

func (n svgNode) hasClass(c string) bool {
	for _, f := range strings.Fields(n.attr("class")) {
		if f == c {
			return true
		}
	}
	return false
}

// all is every element under n (n included) for which keep is true, in
// document order.
func (n svgNode) all(keep func(svgNode) bool) []svgNode {
	var out []svgNode
	if keep(n) {
		out = append(out, n)
	}
	for _, c := range n.Nodes {
		out = append(out, c.all(keep)...)
	}
	return out
}

func (n svgNode) byClass(c string) []svgNode {
	return n.all(func(e svgNode) bool { return e.hasClass(c) })
}

// chartFixture draws pub's tables in lang through figureDocOf, as a page
// does, and returns the written tables.
func chartFixture(t *testing.T, lang string, pub tenants.Publication) []figureTableView {
	t.Helper()
	tr, err := NewTranslator()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{translator: tr}
	return s.figureDocOf(lang, pub).Tables
}

// parseChart checks that a chart is well-formed XML without inline styles
// and returns its root.
func parseChart(t *testing.T, chart string) svgNode {
	t.Helper()
	if chart == "" {
		t.Fatal("no chart drawn")
	}
	var root svgNode
	d := xml.NewDecoder(strings.NewReader(chart))
	d.Strict = true
	if err := d.Decode(&root); err != nil {
		t.Fatalf("the chart is not well-formed XML: %v\n%s", err, chart)
	}
	if root.XMLName.Local != "svg" || root.XMLName.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root element %v, want svg in the SVG namespace", root.XMLName)
	}
	if n := root.all(func(e svgNode) bool { return e.XMLName.Local == "style" || e.attr("style") != "" }); len(n) > 0 {
		t.Errorf("the chart has %d inline style(s), which the CSP blocks", len(n))
	}
	return root
}

// chartRows are the chart's row groups.
func chartRows(root svgNode) []svgNode { return root.byClass("chart-row") }

func rowBar(row svgNode) (svgNode, bool) {
	for _, e := range row.byClass("chart-bar") {
		if e.XMLName.Local == "rect" {
			return e, true
		}
	}
	return svgNode{}, false
}

func rowText(t *testing.T, row svgNode, class string) string {
	t.Helper()
	ts := row.byClass(class)
	if len(ts) != 1 {
		t.Fatalf("row has %d .%s, want 1", len(ts), class)
	}
	return ts[0].Text
}

func chartCount(n int) tenants.Figure { return tenants.CountFigure(suppress.Cell{Value: n}) }
func chartHidden(n int) tenants.Figure {
	return tenants.CountFigure(suppress.Cell{Value: n, Hidden: true, Primary: true})
}
func chartShare(num, den int) tenants.Figure {
	return tenants.RatioFigure(suppress.Cell{Value: num}, suppress.Cell{Value: den})
}
func chartRow(label string, cells ...tenants.Figure) tenants.FigureRow {
	return tenants.FigureRow{Label: tenants.Literal(label), Cells: cells}
}

// TestChartAccessibleName: the chart is an image named by its title and
// description, both inside it with ids of its own.
func TestChartAccessibleName(t *testing.T) {
	t.Parallel()
	pub := tenants.Publication{K: 5, Tables: []tenants.FigureTable{
		{ID: "peers", Caption: tenants.Literal("Kamratstödjare"), LabelHeading: tenants.Literal("Organisation"),
			Columns: []tenants.Text{tenants.Literal("Aktiva"), tenants.Literal("Budgeterade")},
			Rows:    []tenants.FigureRow{chartRow("Positiva gruppen Syd", tenants.PlainCount(3), tenants.PlainCount(4))},
			Chart: &tenants.ChartSpec{Kind: tenants.ChartBars, Column: 0, Compare: 1,
				Title: tenants.Literal("Aktiva kamratstödjare"), Description: tenants.Literal("Aktiva mot budget per organisation.")}},
		{ID: "funnel", Caption: tenants.Literal("Flödet under kvartalet"), LabelHeading: tenants.Literal("Steg"),
			Columns: []tenants.Text{tenants.Literal("Antal")},
			Rows:    []tenants.FigureRow{chartRow("Remitterade", chartCount(12)), chartRow("Matchade", chartHidden(3))},
			Chart:   &tenants.ChartSpec{Kind: tenants.ChartBars, Column: 0, Compare: -1}},
	}}
	tables := chartFixture(t, "sv", pub)

	for _, tc := range []struct {
		table       figureTableView
		title, desc string
	}{
		{tables[0], "Aktiva kamratstödjare", "Aktiva mot budget per organisation."},
		// Without a title the caption names it; the description is said
		// from the headings, and says that a hidden figure has no bar.
		{tables[1], "Flödet under kvartalet", "Liggande stapeldiagram: Antal per Steg. Samma uppgifter finns i tabellen under diagrammet. En uppgift som inte visas (<5) har ingen stapel."},
	} {
		root := parseChart(t, string(tc.table.Chart))
		if root.attr("role") != "img" {
			t.Errorf("%s: role=%q, want img", tc.table.ID, root.attr("role"))
		}
		ids := strings.Fields(root.attr("aria-labelledby"))
		wantIDs := []string{"chart-" + tc.table.ID + "-title", "chart-" + tc.table.ID + "-desc"}
		if strings.Join(ids, " ") != strings.Join(wantIDs, " ") {
			t.Fatalf("%s: aria-labelledby=%q, want %q", tc.table.ID, root.attr("aria-labelledby"), strings.Join(wantIDs, " "))
		}
		got := map[string]string{}
		for _, e := range root.Nodes {
			if e.attr("id") != "" {
				got[e.attr("id")] = e.XMLName.Local + ":" + e.Text
			}
		}
		if want := "title:" + tc.title; got[ids[0]] != want {
			t.Errorf("%s: #%s is %q, want %q", tc.table.ID, ids[0], got[ids[0]], want)
		}
		if want := "desc:" + tc.desc; got[ids[1]] != want {
			t.Errorf("%s: #%s is %q, want %q", tc.table.ID, ids[1], got[ids[1]], want)
		}
		if root.attr("viewBox") == "" || root.attr("width") != "" || root.attr("height") != "" {
			t.Errorf("%s: viewBox=%q width=%q height=%q, want a viewBox and no fixed size", tc.table.ID, root.attr("viewBox"), root.attr("width"), root.attr("height"))
		}
		if g := root.byClass("chart-grid"); len(g) != 1 || g[0].attr("aria-hidden") != "true" {
			t.Errorf("%s: the grid is not one aria-hidden group", tc.table.ID)
		}
	}

	en := chartFixture(t, "en", pub)[1]
	if d := parseChart(t, string(en.Chart)).Nodes[1].Text; !strings.HasPrefix(d, "Horizontal bar chart: Antal by Steg.") {
		t.Errorf("English description %q", d)
	}
}

// TestChartBars: one bar per row (not the total), as long as its value on
// an axis to a round number; a hidden value draws no bar and shows "<k"
// where it would be, an absent one a dash; each value reads as its cell.
func TestChartBars(t *testing.T) {
	t.Parallel()
	pub := tenants.Publication{K: 5, Tables: []tenants.FigureTable{{
		ID: "clinics", Caption: tenants.Literal("Per mottagning"), LabelHeading: tenants.Literal("Mottagning"),
		Columns: []tenants.Text{tenants.Literal("Remitterade")},
		Rows: []tenants.FigureRow{
			chartRow("A", chartCount(10)), chartRow("B", chartHidden(2)), chartRow("C", chartCount(1234)), chartRow("D", tenants.AbsentFigure(tenants.FigureCount)), chartRow("E", chartCount(617)),
		},
		Total: &tenants.FigureRow{Label: tenants.Literal("Totalt"), Cells: []tenants.Figure{chartCount(1900)}},
		Chart: &tenants.ChartSpec{Kind: tenants.ChartBars, Column: 0, Compare: -1},
	}}}
	table := chartFixture(t, "sv", pub)[0]
	root := parseChart(t, string(table.Chart))
	rows := chartRows(root)
	if len(rows) != len(table.Rows) {
		t.Fatalf("%d rows drawn, want %d (the total is not drawn)", len(rows), len(table.Rows))
	}
	widths := map[string]float64{}
	var zero float64
	for i, r := range rows {
		label, cell := table.Rows[i].Label, table.Rows[i].Cells[0]
		if got := rowText(t, r, "chart-text"); got != label {
			t.Errorf("row %d is labelled %q, want %q", i, got, label)
		}
		if got := rowText(t, r, "chart-value"); got != cell.Text {
			t.Errorf("row %s reads %q, the table %q", label, got, cell.Text)
		}
		bar, ok := rowBar(r)
		if ok != (cell.Number != nil) {
			t.Errorf("row %s (%q): bar drawn %v, want %v", label, cell.Text, ok, cell.Number != nil)
		}
		if ok {
			widths[label] = bar.num(t, "width")
			zero = bar.num(t, "x")
		}
	}
	if got := rowText(t, rows[1], "chart-value"); got != "<5" || !rows[1].byClass("chart-value")[0].hasClass("chart-hidden") {
		t.Errorf("the hidden row reads %q (class %q), want <5 marked hidden", got, rows[1].byClass("chart-value")[0].attr("class"))
	}
	if got := rowText(t, rows[3], "chart-value"); got != "–" {
		t.Errorf("the absent row reads %q, want a dash", got)
	}
	if got, want := rowText(t, rows[2], "chart-value"), "1\u202f234"; got != want {
		t.Errorf("1234 reads %q, want Swedish %q", got, want)
	}
	// Where the bar would start: the hidden value is written at the axis.
	if x := rows[1].byClass("chart-value")[0].num(t, "x"); x < zero || x > zero+10 {
		t.Errorf("the hidden value is written at x=%v, the axis is at %v", x, zero)
	}

	// Widths in proportion to the values, on an axis from 0 to 1 250.
	ticks := root.byClass("chart-tick")
	var labels []string
	for _, tk := range ticks {
		labels = append(labels, tk.Text)
	}
	if got, want := strings.Join(labels, " "), "0 250 500 750 1\u202f000 1\u202f250"; got != want {
		t.Errorf("axis %q, want %q", got, want)
	}
	grid := root.byClass("chart-gridline")
	plot := grid[len(grid)-1].num(t, "x1") - grid[0].num(t, "x1")
	for label, v := range map[string]float64{"A": 10, "C": 1234, "E": 617} {
		if want := v / 1250 * plot; math.Abs(widths[label]-want) > 0.1 {
			t.Errorf("bar %s (%v) is %v long, want %v of a plot %v long", label, v, widths[label], want, plot)
		}
	}
	if r := widths["C"] / widths["E"]; math.Abs(r-2) > 0.001 {
		t.Errorf("1234 and 617 are drawn %v:1, want 2:1", r)
	}
}

// TestChartPercent: shares run on an axis to 100 %, further when one is
// above; a share built on a hidden count is hidden in the chart too.
func TestChartPercent(t *testing.T) {
	t.Parallel()
	rate := func(label string, cells ...tenants.Figure) tenants.FigureTable {
		return tenants.FigureTable{ID: label, Caption: tenants.Literal(label), LabelHeading: tenants.Literal("Mottagning"),
			Columns: []tenants.Text{tenants.Literal("Andel")}, Rows: func() []tenants.FigureRow {
				var rs []tenants.FigureRow
				for i, c := range cells {
					rs = append(rs, chartRow("M"+strconv.Itoa(i), c))
				}
				return rs
			}(),
			Chart: &tenants.ChartSpec{Kind: tenants.ChartBars, Column: 0, Compare: -1}}
	}
	hiddenShare := tenants.RatioFigure(suppress.Cell{Value: 3, Hidden: true}, suppress.Cell{Value: 40})
	pub := tenants.Publication{K: 5, Tables: []tenants.FigureTable{
		rate("low", chartShare(1, 4), chartShare(1, 2), hiddenShare),
		rate("over", chartShare(13, 10), chartShare(1, 2)),
	}}
	tables := chartFixture(t, "sv", pub)
	for _, tc := range []struct {
		table figureTableView
		axis  string
		max   float64
	}{
		{tables[0], "0\u00a0% 20\u00a0% 40\u00a0% 60\u00a0% 80\u00a0% 100\u00a0%", 100},
		{tables[1], "0\u00a0% 50\u00a0% 100\u00a0% 150\u00a0%", 150},
	} {
		root := parseChart(t, string(tc.table.Chart))
		var labels []string
		for _, tk := range root.byClass("chart-tick") {
			labels = append(labels, tk.Text)
		}
		if got := strings.Join(labels, " "); got != tc.axis {
			t.Errorf("%s: axis %q, want %q", tc.table.ID, got, tc.axis)
		}
		grid := root.byClass("chart-gridline")
		plot := grid[len(grid)-1].num(t, "x1") - grid[0].num(t, "x1")
		for i, r := range chartRows(root) {
			cell := tc.table.Rows[i].Cells[0]
			bar, ok := rowBar(r)
			if cell.Hidden {
				if ok || rowText(t, r, "chart-value") != "<5" {
					t.Errorf("%s: the hidden share has a bar (%v) or reads %q", tc.table.ID, ok, rowText(t, r, "chart-value"))
				}
				continue
			}
			if !ok {
				t.Fatalf("%s: no bar for %s", tc.table.ID, cell.Text)
			}
			if want := *cell.Number / tc.max * plot; math.Abs(bar.num(t, "width")-want) > 0.1 {
				t.Errorf("%s: %s is drawn %v long, want %v", tc.table.ID, cell.Text, bar.num(t, "width"), want)
			}
			if got := rowText(t, r, "chart-value"); got != cell.Text {
				t.Errorf("%s: reads %q, the table %q", tc.table.ID, got, cell.Text)
			}
		}
	}
}

// TestChartCompare: the comparison column is a mark at its value on each
// bar's row, with a legend naming both columns; a row without a
// comparison value has no mark.
func TestChartCompare(t *testing.T) {
	t.Parallel()
	pub := tenants.Publication{K: 5, Tables: []tenants.FigureTable{{
		ID: "peers", Caption: tenants.Literal("Kamratstödjare"), LabelHeading: tenants.Literal("Organisation"),
		Columns: []tenants.Text{tenants.Literal("Aktiva"), tenants.Literal("Budgeterade tjänster")},
		Rows: []tenants.FigureRow{
			chartRow("Syd", tenants.PlainCount(3), tenants.PlainCount(8)),
			chartRow("Norr", tenants.PlainCount(6), tenants.AbsentFigure(tenants.FigureCount)),
			chartRow("Väst", tenants.PlainCount(5), tenants.PlainCount(5)),
		},
		Chart: &tenants.ChartSpec{Kind: tenants.ChartBars, Column: 0, Compare: 1},
	}}}
	root := parseChart(t, string(chartFixture(t, "sv", pub)[0].Chart))
	var legend []string
	for _, g := range root.byClass("chart-legend") {
		for _, e := range g.byClass("chart-text") {
			legend = append(legend, e.Text)
		}
	}
	if got := strings.Join(legend, "|"); got != "Aktiva|Budgeterade tjänster" {
		t.Errorf("legend %q", got)
	}
	rows := chartRows(root)
	marks := rows[0].all(func(e svgNode) bool { return e.hasClass("chart-mark") })
	if len(marks) != 1 {
		t.Fatalf("the row with a budget has %d marks, want 1", len(marks))
	}
	bar, _ := rowBar(rows[0])
	// Axis 0…8: the bar ends at 3/8 of the plot, the mark at 8/8.
	if got, want := marks[0].num(t, "x1")-bar.num(t, "x"), bar.num(t, "width")*8/3; math.Abs(got-want) > 0.2 {
		t.Errorf("the mark is %v from the axis, want %v", got, want)
	}
	// The value is written just past its bar, or past the mark when that
	// is where the text would go.
	if v, end := rows[0].byClass("chart-value")[0].num(t, "x"), bar.num(t, "x")+bar.num(t, "width"); v <= end || v > end+10 {
		t.Errorf("3 is written at %v, want just past its bar's end %v (the mark is at %v)", v, end, marks[0].num(t, "x1"))
	}
	if n := len(rows[1].byClass("chart-mark")); n != 0 {
		t.Errorf("the row without a budget has %d marks", n)
	}
	mark := rows[2].byClass("chart-mark")[0].num(t, "x1")
	if v := rows[2].byClass("chart-value")[0].num(t, "x"); v <= mark || v > mark+10 {
		t.Errorf("5 of 5 is written at %v, want just past the mark at %v", v, mark)
	}
}

// TestChartNegative: a decimal below zero (a change in score) is a bar
// left of the zero line.
func TestChartNegative(t *testing.T) {
	t.Parallel()
	down, up := -4.5, 12.0
	pub := tenants.Publication{K: 5, Tables: []tenants.FigureTable{{
		ID: "who5", Caption: tenants.Literal("WHO-5"), LabelHeading: tenants.Literal("Grupp"),
		Columns: []tenants.Text{tenants.Literal("Förändring")},
		Rows: []tenants.FigureRow{
			chartRow("Ned", tenants.DecimalFigure(&down, suppress.Cell{Value: 9})),
			chartRow("Upp", tenants.DecimalFigure(&up, suppress.Cell{Value: 9})),
		},
		Chart: &tenants.ChartSpec{Kind: tenants.ChartBars, Column: 0, Compare: -1},
	}}}
	root := parseChart(t, string(chartFixture(t, "sv", pub)[0].Chart))
	zero := root.byClass("chart-zero")[0].num(t, "x1")
	rows := chartRows(root)
	neg, _ := rowBar(rows[0])
	pos, _ := rowBar(rows[1])
	if end := neg.num(t, "x") + neg.num(t, "width"); math.Abs(end-zero) > 0.1 || neg.num(t, "x") >= zero {
		t.Errorf("the negative bar runs %v…%v, want it to end at the zero line %v", neg.num(t, "x"), end, zero)
	}
	if math.Abs(pos.num(t, "x")-zero) > 0.1 {
		t.Errorf("the positive bar starts at %v, want the zero line %v", pos.num(t, "x"), zero)
	}
	if r := pos.num(t, "width") / neg.num(t, "width"); math.Abs(r-12/4.5) > 0.01 {
		t.Errorf("12 and −4,5 are drawn %v:1, want %v:1", r, 12/4.5)
	}
	if got := rowText(t, rows[0], "chart-value"); got != "\u22124,5" {
		t.Errorf("−4,5 reads %q", got)
	}
}

// TestChartEscapes: names from the data are text in the chart, never
// markup.
func TestChartEscapes(t *testing.T) {
	t.Parallel()
	name := `<script>alert("x")</script> Mott & Co`
	caption := `Rubrik <b>fet</b> & "citat"`
	pub := tenants.Publication{K: 5, Tables: []tenants.FigureTable{{
		ID: "clinics", Caption: tenants.Literal(caption), LabelHeading: tenants.Literal("Mottagning"),
		Columns: []tenants.Text{tenants.Literal(`Antal <i>&</i>`)},
		Rows:    []tenants.FigureRow{chartRow(name, chartCount(7))},
		Chart:   &tenants.ChartSpec{Kind: tenants.ChartBars, Column: 0, Compare: -1},
	}}}
	chart := string(chartFixture(t, "sv", pub)[0].Chart)
	for _, raw := range []string{"<script", "<b>", "<i>", "& "} {
		if strings.Contains(chart, raw) {
			t.Errorf("the chart has %q unescaped:\n%s", raw, chart)
		}
	}
	root := parseChart(t, chart)
	if got := rowText(t, chartRows(root)[0], "chart-text"); got != name {
		t.Errorf("the label reads %q, want %q", got, name)
	}
	if got := root.Nodes[0].Text; got != caption {
		t.Errorf("the title reads %q, want %q", got, caption)
	}
	if got := root.byClass("chart-legend")[0].byClass("chart-text")[0].Text; got != `Antal <i>&</i>` {
		t.Errorf("the legend reads %q", got)
	}
}

// TestChartNone: no chart for another kind, a column that is not there,
// or a table without rows.
func TestChartNone(t *testing.T) {
	t.Parallel()
	table := func(spec tenants.ChartSpec, rows ...tenants.FigureRow) tenants.FigureTable {
		return tenants.FigureTable{ID: "x", Caption: tenants.Literal("x"), LabelHeading: tenants.Literal("x"),
			Columns: []tenants.Text{tenants.Literal("a")}, Rows: rows, Chart: &spec}
	}
	pub := tenants.Publication{K: 5, Tables: []tenants.FigureTable{
		table(tenants.ChartSpec{Kind: "pie", Compare: -1}, chartRow("r", chartCount(5))),
		table(tenants.ChartSpec{Kind: tenants.ChartBars, Column: 1, Compare: -1}, chartRow("r", chartCount(5))),
		table(tenants.ChartSpec{Kind: tenants.ChartBars, Compare: -1}),
	}}
	for i, tv := range chartFixture(t, "sv", pub) {
		if tv.Chart != "" {
			t.Errorf("table %d: got a chart %s", i, tv.Chart)
		}
	}
}

// TestChartAxis: an axis ends at a round number, in whole steps for
// counts, at 100 % or beyond for shares.
func TestChartAxis(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind         tenants.FigureKind
		lo, hi       float64
		wantLo, want float64
		step         float64
	}{
		{tenants.FigureCount, 0, 0, 0, 1, 1},
		{tenants.FigureCount, 0, 3, 0, 3, 1},
		{tenants.FigureCount, 0, 37, 0, 40, 10},
		{tenants.FigureCount, 0, 1234, 0, 1250, 250},
		{tenants.FigurePercent, 0, 12, 0, 100, 20},
		{tenants.FigurePercent, 0, 130, 0, 150, 50},
		{tenants.FigureDecimal, 0, 2.3, 0, 2.5, 0.5},
		{tenants.FigureDecimal, -4.5, 12, -5, 15, 5},
	} {
		a := chartAxisOf(tc.kind, tc.lo, tc.hi)
		if math.Abs(a.lo-tc.wantLo) > 1e-9 || math.Abs(a.hi-tc.want) > 1e-9 || math.Abs(a.step-tc.step) > 1e-9 {
			t.Errorf("%s %v…%v: axis %v…%v by %v, want %v…%v by %v", tc.kind, tc.lo, tc.hi, a.lo, a.hi, a.step, tc.wantLo, tc.want, tc.step)
		}
	}
}
