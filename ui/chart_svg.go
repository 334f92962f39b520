package ui

import (
	"bytes"
	"html/template"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/kamrat/kamrat/tenants"
)

// Geometry of a bar chart, in viewBox units: the chart scales to the width
// of its column, so these are proportions rather than pixels. Each row's
// label sits above its bar, so a long clinic name needs no margin of its
// own; the room right of the plot is for the value written after a bar.
const (
	chartWidth      = 640.0
	chartPlotLeft   = 20.0 // room for a centred "0 %" under the first grid line
	chartPlotNeg    = 72.0 // … and for a negative value's text left of its bar
	chartValueRoom  = 84.0 // right of the plot: the text after the longest bar
	chartLegendLine = 22.0 // one legend item per line
	chartRowHeight  = 40.0 // label line, bar, gap
	chartLabelBase  = 13.0 // label baseline within a row
	chartBarTop     = 20.0 // bar within a row
	chartBarHeight  = 14.0
	chartMarkOver   = 3.0  // a comparison mark reaches past the bar's edges
	chartAxisRoom   = 26.0 // tick labels under the plot
	chartTextGap    = 6.0  // between a bar (or mark) and its value
	chartCharWidth  = 8.0  // a generous width of a character of a value
	chartLabelRunes = 90   // a longer row label is cut (the table has it whole)
	chartTicksMost  = 5.0  // grid intervals, at most (one more when the axis crosses zero)
)

// chartOf draws a figure table as an accessible SVG chart (the table itself
// follows the chart on the page). ChartBars draws one horizontal bar per
// row (the total row is not drawn) for column spec.Column, with a mark for
// column spec.Compare when that is another column. Values are the view's
// cells, so a hidden cell draws no bar and shows its "<k" where the bar
// would be, an absent one its dash, and every value reads as in the table.
// The chart's accessible name is spec.Title (else the table's caption) and
// its description spec.Description (else one said from the headings).
//
// Colours, fonts and lines come from classes in static/app.css: the
// Content-Security-Policy allows no inline styles.
func (s *server) chartOf(lang string, t figureTableView, spec tenants.ChartSpec, text func(tenants.Text) string) template.HTML {
	if spec.Kind != tenants.ChartBars || spec.Column < 0 || spec.Column >= len(t.Columns) || len(t.Rows) == 0 {
		return ""
	}
	compare := spec.Compare
	if compare < 0 || compare >= len(t.Columns) || compare == spec.Column {
		compare = -1
	}
	v := barChart(lang, t, spec.Column, compare)
	v.Title = text(spec.Title)
	if v.Title == "" {
		v.Title = t.Caption
	}
	v.Desc = text(spec.Description)
	if v.Desc == "" {
		args := map[string]any{"Column": t.Columns[spec.Column], "Label": t.LabelHeading}
		key := "charts.description"
		if compare >= 0 {
			key, args["Compare"] = "charts.description_compare", t.Columns[compare]
		}
		v.Desc = s.translator.Translate(lang, key, args)
	}
	if v.hiddenText != "" {
		v.Desc += " " + s.translator.Translate(lang, "charts.hidden", map[string]any{"Hidden": v.hiddenText})
	}
	var b bytes.Buffer
	if err := chartTemplate.Execute(&b, v); err != nil {
		// The template and its data are ours: this is a bug, not input;
		// the table still carries the figures.
		if s.log != nil {
			s.log.Error("drawing a chart", "table", t.ID, "error", err)
		}
		return ""
	}
	return template.HTML(b.String()) // escaped by html/template above
}

// chartView is what the SVG template draws; coordinates are final.
type chartView struct {
	ID, Title, Desc string
	Width, Height   float64
	Legend          []chartLegendItem
	Ticks           []chartTick
	PlotTop         float64
	PlotBottom      float64
	TickLabelY      float64
	ZeroX           float64
	LabelX          float64
	Rows            []chartRowView
	// hiddenText is a hidden cell's text ("<5") when a row has one.
	hiddenText string
}

type chartLegendItem struct {
	Mark  bool // a comparison mark rather than a bar
	Label string
	// X, Y is the top left of the 12 × 12 swatch; a mark is drawn down
	// its middle, from Y to Y2.
	X, Y, MarkX, Y2 float64
	TextX, TextY    float64
}

type chartTick struct {
	X     float64
	Label string
}

type chartRowView struct {
	Label      string
	LabelY     float64
	Bar        bool
	BarX, BarY float64
	BarW, BarH float64
	// Mark is the comparison mark, when the row has a comparison value.
	Mark                *chartMark
	Value               string
	ValueX, ValueY      float64
	ValueEnd            bool // the text ends at ValueX (a negative bar)
	Hidden, Absent, Neg bool
}

type chartMark struct {
	X, Y1, Y2 float64
}

// barChart lays out the bars of column col (and the marks of column cmp,
// unless it is −1) of t.
func barChart(lang string, t figureTableView, col, cmp int) chartView {
	v := chartView{ID: t.ID, Width: chartWidth}
	kind := columnKind(t, col)
	lo, hi := 0.0, 0.0
	for _, r := range t.Rows {
		for _, c := range []int{col, cmp} {
			if c < 0 || c >= len(r.Cells) || r.Cells[c].Number == nil {
				continue
			}
			lo, hi = math.Min(lo, *r.Cells[c].Number), math.Max(hi, *r.Cells[c].Number)
		}
	}
	axis := chartAxisOf(kind, lo, hi)

	y := 4.0
	v.Legend = append(v.Legend, chartLegendItem{Label: t.Columns[col], X: chartPlotLeft, Y: y + 2})
	if cmp >= 0 {
		y += chartLegendLine
		v.Legend = append(v.Legend, chartLegendItem{Mark: true, Label: t.Columns[cmp], X: chartPlotLeft, Y: y + 2})
	}
	for i := range v.Legend {
		l := &v.Legend[i]
		l.MarkX, l.Y2 = l.X+6, l.Y+12
		l.TextX, l.TextY = l.X+20, l.Y+11
	}
	v.PlotTop = y + chartLegendLine + 4

	left := chartPlotLeft
	if axis.lo < 0 {
		left = chartPlotNeg
	}
	right := chartWidth - chartValueRoom
	x := func(n float64) float64 { return left + (n-axis.lo)/(axis.hi-axis.lo)*(right-left) }
	v.ZeroX, v.LabelX = x(0), chartPlotLeft
	for _, n := range axis.ticks() {
		v.Ticks = append(v.Ticks, chartTick{X: x(n), Label: axisLabel(lang, kind, n)})
	}

	for i, r := range t.Rows {
		top := v.PlotTop + float64(i)*chartRowHeight
		row := chartRowView{Label: cutLabel(r.Label), LabelY: top + chartLabelBase, ValueY: top + chartBarTop + chartBarHeight - 2}
		if col >= len(r.Cells) {
			v.Rows = append(v.Rows, row)
			continue
		}
		cell := r.Cells[col]
		row.Value, row.Hidden = cell.Text, cell.Hidden
		end := v.ZeroX
		if cell.Number != nil {
			n := *cell.Number
			row.Bar, row.BarY, row.BarH = true, top+chartBarTop, chartBarHeight
			row.BarX, row.BarW = math.Min(x(0), x(n)), math.Abs(x(n)-x(0))
			row.Neg = n < 0
			end = x(n)
		} else if !cell.Hidden {
			row.Absent = true
		}
		if cell.Hidden && v.hiddenText == "" {
			v.hiddenText = cell.Text
		}
		if cmp >= 0 && cmp < len(r.Cells) && r.Cells[cmp].Number != nil {
			m := x(*r.Cells[cmp].Number)
			row.Mark = &chartMark{X: m, Y1: top + chartBarTop - chartMarkOver, Y2: top + chartBarTop + chartBarHeight + chartMarkOver}
			// The value is written just past the bar's end (for "<k"
			// and the dash: where the bar would start), unless the
			// mark is in the way; then past the mark.
			room := chartTextGap + chartTextWidth(row.Value) + chartTextGap
			if row.Neg && m <= end+2 && m >= end-room {
				end = m
			} else if !row.Neg && m >= end-2 && m <= end+room {
				end = m
			}
		}
		if row.Neg {
			row.ValueX, row.ValueEnd = end-chartTextGap, true
		} else {
			row.ValueX = end + chartTextGap
		}
		v.Rows = append(v.Rows, row)
	}
	v.PlotBottom = v.PlotTop + float64(len(t.Rows))*chartRowHeight
	v.TickLabelY = v.PlotBottom + 16
	v.Height = v.PlotBottom + chartAxisRoom
	return v
}

// columnKind is the kind of the figures in column col: that of its first
// cell with a number (a hidden cell keeps its kind too).
func columnKind(t figureTableView, col int) tenants.FigureKind {
	for _, r := range t.Rows {
		if col < len(r.Cells) && r.Cells[col].Kind != "" && r.Cells[col].Kind != tenants.FigureText {
			return r.Cells[col].Kind
		}
	}
	return tenants.FigureCount
}

// chartAxis is the range drawn and the step between grid lines.
type chartAxis struct{ lo, hi, step float64 }

func (a chartAxis) ticks() []float64 {
	var out []float64
	n := int(math.Round((a.hi - a.lo) / a.step))
	for i := 0; i <= n; i++ {
		out = append(out, a.lo+float64(i)*a.step)
	}
	return out
}

// chartAxisOf is the axis for values from lo (≤ 0) to hi (≥ 0): percentages
// run to 100 % (further when a value does), counts and other figures to a
// round number above the largest; counts step by whole numbers.
func chartAxisOf(kind tenants.FigureKind, lo, hi float64) chartAxis {
	if kind == tenants.FigurePercent {
		hi = math.Max(hi, 100)
	}
	span := hi - lo
	if span == 0 {
		span = 1
	}
	step := niceStep(span / chartTicksMost)
	if kind == tenants.FigureCount {
		step = math.Max(1, math.Round(step))
	}
	a := chartAxis{lo: step * math.Floor(lo/step), hi: step * math.Ceil(hi/step), step: step}
	if a.hi == a.lo {
		a.hi = a.lo + step
	}
	return a
}

// niceStep is the smallest of 1, 2, 2.5 and 5 times a power of ten that is
// at least x (> 0).
func niceStep(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= x*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// axisLabel writes a grid line's value like the cells of its kind.
func axisLabel(lang string, kind tenants.FigureKind, n float64) string {
	switch kind {
	case tenants.FigurePercent:
		return formatDecimal(lang, n) + percentSign(lang)
	case tenants.FigureCount:
		return formatInt(lang, int64(math.Round(n)))
	}
	return formatDecimal(lang, n)
}

// chartTextWidth is about how wide a value's text is drawn (13px digits).
func chartTextWidth(s string) float64 {
	return float64(utf8.RuneCountInString(s)) * chartCharWidth
}

// cutLabel shortens a row label that would run out of the chart.
func cutLabel(s string) string {
	if utf8.RuneCountInString(s) <= chartLabelRunes {
		return s
	}
	r := []rune(s)
	return string(r[:chartLabelRunes-1]) + "…"
}

// chartNumber writes a coordinate with at most one decimal.
func chartNumber(f float64) string {
	return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64)
}

// chartTemplate draws a chartView. Everything from data (labels, titles)
// goes through html/template's escaping; the ids are the table's ID.
var chartTemplate = template.Must(template.New("chart").Funcs(template.FuncMap{"n": chartNumber}).Parse(
	`<svg xmlns="http://www.w3.org/2000/svg" class="chart-bars" viewBox="0 0 {{n .Width}} {{n .Height}}" role="img" aria-labelledby="chart-{{.ID}}-title chart-{{.ID}}-desc" data-chart="{{.ID}}">` +
		`<title id="chart-{{.ID}}-title">{{.Title}}</title>` +
		`<desc id="chart-{{.ID}}-desc">{{.Desc}}</desc>` +
		`<g class="chart-legend">` +
		`{{range .Legend}}{{if .Mark}}<line class="chart-mark" x1="{{n .MarkX}}" y1="{{n .Y}}" x2="{{n .MarkX}}" y2="{{n .Y2}}"></line>` +
		`{{else}}<rect class="chart-bar" x="{{n .X}}" y="{{n .Y}}" width="12" height="12"></rect>{{end}}` +
		`<text class="chart-text" x="{{n .TextX}}" y="{{n .TextY}}">{{.Label}}</text>{{end}}` +
		`</g>` +
		`<g class="chart-grid" aria-hidden="true">` +
		`{{range .Ticks}}<line class="chart-gridline" x1="{{n .X}}" y1="{{n $.PlotTop}}" x2="{{n .X}}" y2="{{n $.PlotBottom}}"></line>` +
		`<text class="chart-tick" x="{{n .X}}" y="{{n $.TickLabelY}}" text-anchor="middle">{{.Label}}</text>{{end}}` +
		`<line class="chart-zero" x1="{{n .ZeroX}}" y1="{{n .PlotTop}}" x2="{{n .ZeroX}}" y2="{{n .PlotBottom}}"></line>` +
		`</g>` +
		`{{range .Rows}}<g class="chart-row">` +
		`<text class="chart-text chart-label" x="{{n $.LabelX}}" y="{{n .LabelY}}">{{.Label}}</text>` +
		`{{if .Bar}}<rect class="chart-bar" x="{{n .BarX}}" y="{{n .BarY}}" width="{{n .BarW}}" height="{{n .BarH}}"></rect>{{end}}` +
		`{{with .Mark}}<line class="chart-mark-halo" aria-hidden="true" x1="{{n .X}}" y1="{{n .Y1}}" x2="{{n .X}}" y2="{{n .Y2}}"></line>` +
		`<line class="chart-mark" x1="{{n .X}}" y1="{{n .Y1}}" x2="{{n .X}}" y2="{{n .Y2}}"></line>{{end}}` +
		`<text class="chart-value{{if .Hidden}} chart-hidden{{else if .Absent}} chart-absent{{end}}" x="{{n .ValueX}}" y="{{n .ValueY}}"{{if .ValueEnd}} text-anchor="end"{{end}}>{{.Value}}</text>` +
		`</g>{{end}}` +
		`</svg>`))
