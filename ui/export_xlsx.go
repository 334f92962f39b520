package ui

import (
	"bytes"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/kamrat/kamrat/tenants"
)

// exportXLSX writes e as an Excel workbook with one sheet: the title, the
// subtitle lines and the legend, then every table one after the other as
// on the page (caption, header row, rows, total row, note). One sheet
// rather than one per table keeps the legend beside the figures it
// explains, keeps the captions whole (a sheet name has at most 31
// characters) and prints as the page does.
//
// A figure the page shows as a number is a numeric cell whose value is the
// page's number (a percentage is the fraction with a percent format, so
// "12,5 %" is 0.125 shown as 12,5 %; a decimal is rounded to the decimals
// the page shows); a withheld figure is the text "<k", an absent one the
// dash, a word the word.
func (s *server) exportXLSX(lang string, e figureExport) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := s.translator.Translate(lang, "exports.sheet", nil)
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return nil, err
	}
	x := xlsxWriter{f: f, sheet: sheet, styles: map[xlsxStyle]int{}}

	x.text(1, 1, e.Title, xlsxStyle{bold: true, size: 14})
	row := 2
	for _, sub := range e.Subtitle {
		x.text(row, 1, sub, xlsxStyle{})
		row++
	}
	x.text(row, 1, e.Doc.Legend, xlsxStyle{italic: true})
	row += 2

	widths := []int{12}
	width := func(col int, text string) {
		for len(widths) < col {
			widths = append(widths, 10)
		}
		if n := utf8.RuneCountInString(text) + 2; n > widths[col-1] {
			widths[col-1] = n
		}
	}
	for _, t := range e.Doc.Tables {
		x.text(row, 1, t.Caption, xlsxStyle{bold: true, size: 12})
		row++
		header := xlsxStyle{bold: true, wrap: true, border: "bottom"}
		x.text(row, 1, t.LabelHeading, header)
		header.right = true
		for i, heading := range t.Columns {
			x.text(row, i+2, heading, header)
			// A heading wraps; its longest word sets the width.
			width(i+2, longestWord(heading))
		}
		row++
		write := func(r figureRowView, st xlsxStyle) {
			x.text(row, 1, r.Label, st)
			width(1, r.Label)
			for i, cell := range r.Cells {
				x.cell(row, i+2, cell, st)
				width(i+2, cell.Text)
			}
			row++
		}
		for _, r := range t.Rows {
			write(r, xlsxStyle{})
		}
		if t.Total != nil {
			write(*t.Total, xlsxStyle{bold: true, border: "top"})
		}
		if t.Note != "" {
			x.text(row, 1, t.Note, xlsxStyle{italic: true})
			row++
		}
		row++
	}
	for i, w := range widths {
		name, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return nil, err
		}
		x.try(f.SetColWidth(sheet, name, name, float64(min(w, 60))))
	}

	a4, portrait, one, zero, fit := 9, "portrait", 1, 0, true
	x.try(f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &portrait, FitToWidth: &one, FitToHeight: &zero}))
	x.try(f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}))
	x.try(f.SetDocProps(&excelize.DocProperties{Title: e.Title, Creator: "Kamrat", Language: lang}))
	if x.err != nil {
		return nil, x.err
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// xlsxStyle is a cell's look; numFmt is a custom number format.
type xlsxStyle struct {
	bold, italic, wrap, right bool
	size                      float64
	border                    string
	numFmt                    string
}

// xlsxWriter writes cells into one sheet, keeping the first error.
type xlsxWriter struct {
	f      *excelize.File
	sheet  string
	styles map[xlsxStyle]int
	err    error
}

func (x *xlsxWriter) try(err error) {
	if x.err == nil {
		x.err = err
	}
}

func (x *xlsxWriter) style(st xlsxStyle) int {
	if id, ok := x.styles[st]; ok {
		return id
	}
	style := &excelize.Style{Font: &excelize.Font{Bold: st.bold, Italic: st.italic, Size: st.size}}
	if st.wrap || st.right {
		style.Alignment = &excelize.Alignment{WrapText: st.wrap, Vertical: "top"}
		if st.right {
			style.Alignment.Horizontal = "right"
		}
	}
	if st.border != "" {
		style.Border = []excelize.Border{{Type: st.border, Color: "000000", Style: 1}}
	}
	if st.numFmt != "" {
		style.CustomNumFmt = &st.numFmt
	}
	id, err := x.f.NewStyle(style)
	x.try(err)
	x.styles[st] = id
	return id
}

func (x *xlsxWriter) at(row, col int) string {
	name, err := excelize.CoordinatesToCellName(col, row)
	x.try(err)
	return name
}

// text writes a string cell.
func (x *xlsxWriter) text(row, col int, s string, st xlsxStyle) {
	name := x.at(row, col)
	if s != "" {
		x.try(x.f.SetCellStr(x.sheet, name, s))
	}
	if st != (xlsxStyle{}) {
		x.try(x.f.SetCellStyle(x.sheet, name, name, x.style(st)))
	}
}

// cell writes a figure: a number where the page shows one, else its text
// ("<5", "–", a word), right-aligned as numbers are.
func (x *xlsxWriter) cell(row, col int, c figureCellView, st xlsxStyle) {
	st.right = true
	value, format, ok := xlsxNumber(c)
	if !ok {
		x.text(row, col, c.Text, st)
		return
	}
	name := x.at(row, col)
	st.numFmt = format
	x.try(x.f.SetCellFloat(x.sheet, name, value, -1, 64))
	x.try(x.f.SetCellStyle(x.sheet, name, name, x.style(st)))
}

// xlsxNumber is the value and number format of a figure the page shows as
// a number; ok is false for a withheld, absent or text figure.
func xlsxNumber(c figureCellView) (value float64, format string, ok bool) {
	if c.Number == nil || c.Hidden {
		return 0, "", false
	}
	v := *c.Number
	switch c.Kind {
	case tenants.FigureCount:
		return v, "#,##0", true
	case tenants.FigurePercent:
		// Number is already rounded to the page's one decimal.
		return v / 100, "0.0%", true
	}
	// formatDecimal writes at most two decimals, none that are zero: the
	// same rounding (strconv's is correct, like fmt's) gives its value.
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'f', 2, 64), 64)
	switch hundredths := int64(math.Round(math.Abs(v) * 100)); {
	case hundredths%100 == 0:
		return v, "#,##0", true
	case hundredths%10 == 0:
		return v, "#,##0.0", true
	}
	return v, "#,##0.00", true
}

// longestWord is the longest space-separated word of s.
func longestWord(s string) string {
	longest, start := "", 0
	for i, r := range s + " " {
		if r == ' ' {
			if w := s[start:i]; utf8.RuneCountInString(w) > utf8.RuneCountInString(longest) {
				longest = w
			}
			start = i + 1
		}
	}
	return longest
}
