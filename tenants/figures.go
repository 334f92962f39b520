package tenants

import (
	"github.com/kamrat/kamrat/tenants/suppress"
)

// A Publication is a set of figure tables ready to leave the server: the
// one shape in which dashboards, quarterly reports, the national view, the
// API and the CSV, XLSX and PDF exports carry aggregates. Every count about
// participants in it has passed small-count suppression (package suppress)
// with the region's threshold K, and every ratio built on a hidden count is
// hidden too, so an output that renders a Publication cannot publish more
// than the page does.
//
// Labels are message keys (Text), so one Publication renders in Swedish and
// in English alike.
type Publication struct {
	// K is the small-count threshold the figures were suppressed with (the
	// region's effective k).
	K      int
	Tables []FigureTable
}

// FigureTable is one table: a caption, column headings and rows whose first
// column is a label.
type FigureTable struct {
	// ID names the table within its publication ("funnel", "clinics"); it
	// is stable across languages and used for anchors, sheet names and tests.
	ID      string
	Caption Text
	// Columns are the headings of the figure columns; the label column's
	// heading is LabelHeading.
	LabelHeading Text
	Columns      []Text
	Rows         []FigureRow
	// Total, when set, is the table's last row (a footer).
	Total *FigureRow
	// Note explains the table (a definition, a source).
	Note *Text
	// Chart, when set, asks for the table to be drawn as well.
	Chart *ChartSpec
}

// Text is a message key with its arguments, or a literal from the data (a
// clinic's name). Exactly one of Key and Literal is set.
type Text struct {
	Key     string         `json:"key,omitempty"`
	Args    map[string]any `json:"args,omitempty"`
	Literal string         `json:"literal,omitempty"`
}

// Msg returns the Text of a message key.
func Msg(key string, args map[string]any) Text { return Text{Key: key, Args: args} }

// Literal returns a Text that is shown as it is.
func Literal(s string) Text { return Text{Literal: s} }

// FigureRow is a labelled row of figures.
type FigureRow struct {
	Label Text
	Cells []Figure
}

// FigureKind says how a figure is written.
type FigureKind string

const (
	// FigureCount is a whole number of people or things.
	FigureCount FigureKind = "count"
	// FigurePercent is a share 0–1 (or above), written as a percentage.
	FigurePercent FigureKind = "percent"
	// FigureDecimal is a number with up to two decimals (a median, a mean).
	FigureDecimal FigureKind = "decimal"
	// FigureText is a word rather than a number (met / not met).
	FigureText FigureKind = "text"
)

// Figure is one cell. A Hidden figure's Value is zero: suppression happens
// here, before any output sees the number.
type Figure struct {
	Kind  FigureKind
	Value float64
	// Hidden: withheld by small-count suppression (written "<k").
	Hidden bool
	// Absent: there is no value (a rate without a denominator); written
	// as a dash.
	Absent bool
	// Text is the word of a FigureText figure.
	Text Text
	// K, when not zero, is the threshold this figure was suppressed with
	// where it differs from the Publication's: the national view's rows
	// are regions, each suppressed with its own k (see WithThreshold).
	K int
}

// ChartKind is how a table is drawn.
type ChartKind string

const (
	// ChartBars draws one horizontal bar per row for one column.
	ChartBars ChartKind = "bars"
)

// ChartSpec says which column of a table is drawn and how.
type ChartSpec struct {
	Kind ChartKind
	// Column is the index in Columns of the figures drawn.
	Column int
	// Compare, when ≥ 0, is a second column drawn as a mark on each bar (a
	// target, budgeted positions); -1 for none.
	Compare int
	// Title and Description are the chart's accessible name and summary.
	Title       Text
	Description Text
}

// CountFigure publishes a suppressed cell.
func CountFigure(c suppress.Cell) Figure {
	if c.Hidden {
		return Figure{Kind: FigureCount, Hidden: true}
	}
	return Figure{Kind: FigureCount, Value: float64(c.Value)}
}

// PlainCount publishes a count that describes no participant (budgeted
// positions, active peer supporters), which is not suppressed.
func PlainCount(n int) Figure { return Figure{Kind: FigureCount, Value: float64(n)} }

// RatioFigure publishes num ÷ den as a percentage: hidden when either part
// is hidden (suppress.Ratio), absent when den is zero.
func RatioFigure(num, den suppress.Cell) Figure {
	switch {
	case num.Hidden || den.Hidden:
		return Figure{Kind: FigurePercent, Hidden: true}
	case den.Value == 0:
		return Figure{Kind: FigurePercent, Absent: true}
	}
	return Figure{Kind: FigurePercent, Value: float64(num.Value) / float64(den.Value)}
}

// DecimalFigure publishes a statistic (a median, a mean) computed from the
// people counted in basis: hidden when basis is, absent when v is nil.
func DecimalFigure(v *float64, basis suppress.Cell) Figure {
	switch {
	case basis.Hidden:
		return Figure{Kind: FigureDecimal, Hidden: true}
	case v == nil:
		return Figure{Kind: FigureDecimal, Absent: true}
	}
	return Figure{Kind: FigureDecimal, Value: *v}
}

// WithThreshold marks f as suppressed with threshold k rather than the
// Publication's, so that a hidden f is written "<k" with its own k.
func (f Figure) WithThreshold(k int) Figure {
	f.K = k
	return f
}

// TextFigure publishes a word.
func TextFigure(t Text) Figure { return Figure{Kind: FigureText, Text: t} }

// AbsentFigure is a figure with no value, of the given kind.
func AbsentFigure(kind FigureKind) Figure { return Figure{Kind: kind, Absent: true} }
