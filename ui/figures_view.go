package ui

import (
	"html/template"
	"strconv"

	"github.com/kamrat/kamrat/tenants"
)

// figureDoc is a Publication written out in one language: every output of
// aggregates — the HTML page, the CSV, XLSX and PDF exports — renders this
// one value, so an export carries exactly the figures the page shows.
type figureDoc struct {
	// Legend explains "<k" (see suppress: it also stands for figures
	// withheld to protect a small one).
	Legend string
	Tables []figureTableView
}

type figureTableView struct {
	ID, Caption, LabelHeading string
	Columns                   []string
	// Span is the number of columns with the label column.
	Span  int
	Rows  []figureRowView
	Total *figureRowView
	Note  string
	// Chart is the table drawn as an accessible SVG; empty without one.
	Chart template.HTML
}

type figureRowView struct {
	Label string
	Cells []figureCellView
}

// figureCellView is one written figure. Number is the value for a
// spreadsheet: nil for a hidden, absent or text figure.
type figureCellView struct {
	Text   string
	Number *float64
	Kind   tenants.FigureKind
	Hidden bool
}

// figureDocOf writes pub out in lang.
func (s *server) figureDocOf(lang string, pub tenants.Publication) figureDoc {
	k := pubThreshold(pub)
	doc := figureDoc{Legend: s.translator.Translate(lang, "figures.legend", map[string]any{"K": k})}
	text := func(t tenants.Text) string {
		if t.Key == "" {
			return t.Literal
		}
		return s.translator.Translate(lang, t.Key, t.Args)
	}
	row := func(r tenants.FigureRow) figureRowView {
		v := figureRowView{Label: text(r.Label), Cells: make([]figureCellView, len(r.Cells))}
		for i, f := range r.Cells {
			v.Cells[i] = s.figureCell(lang, k, f, text)
		}
		return v
	}
	for _, t := range pub.Tables {
		tv := figureTableView{ID: t.ID, Caption: text(t.Caption), LabelHeading: text(t.LabelHeading), Span: len(t.Columns) + 1}
		for _, c := range t.Columns {
			tv.Columns = append(tv.Columns, text(c))
		}
		for _, r := range t.Rows {
			tv.Rows = append(tv.Rows, row(r))
		}
		if t.Total != nil {
			total := row(*t.Total)
			tv.Total = &total
		}
		if t.Note != nil {
			tv.Note = text(*t.Note)
		}
		if t.Chart != nil {
			tv.Chart = s.chartOf(lang, tv, *t.Chart, text)
		}
		if len(tv.Rows) == 0 {
			// A table without rows says so, in a row of its own (without
			// figures) that every output writes like the page.
			tv.Rows = []figureRowView{{Label: s.translator.Translate(lang, "figures.empty", nil)}}
		}
		doc.Tables = append(doc.Tables, tv)
	}
	return doc
}

// pubThreshold is the k a publication was suppressed with.
func pubThreshold(pub tenants.Publication) int {
	if pub.K == 0 {
		return tenants.DefaultSmallCountThreshold
	}
	return pub.K
}

// figureCell writes one figure: "<k" when hidden, a dash when absent.
func (s *server) figureCell(lang string, k int, f tenants.Figure, text func(tenants.Text) string) figureCellView {
	v := figureCellView{Kind: f.Kind, Hidden: f.Hidden}
	if f.K != 0 {
		k = f.K // suppressed with a threshold of its own (the national view)
	}
	switch {
	case f.Hidden:
		v.Text = "<" + strconv.Itoa(k)
		return v
	case f.Kind == tenants.FigureText:
		v.Text = text(f.Text)
		return v
	case f.Absent:
		v.Text = s.translator.Translate(lang, "reports.no_value", nil)
		return v
	}
	value := f.Value
	switch f.Kind {
	case tenants.FigureCount:
		v.Text = formatInt(lang, int64(value))
	case tenants.FigurePercent:
		value = float64(int64(value*1000+0.5)) / 10 // one decimal of a percent
		v.Text = formatDecimalOne(lang, value) + percentSign(lang)
	default:
		v.Text = formatDecimal(lang, value)
	}
	v.Number = &value
	return v
}
