package ui

import (
	"bytes"
	"encoding/csv"
	"strings"
)

// utf8BOM starts the CSV so that Excel reads it as UTF-8 (å, ä, ö).
const utf8BOM = "\ufeff"

// exportCSV writes e as CSV for spreadsheets: UTF-8 with a byte order
// mark, separated by semicolons in Swedish (where the comma is the decimal
// sign) and commas in English. Each cell is the text the page shows ("1 234",
// "12,5 %", "<5", "–"). The file is the title and its subtitle lines, the
// legend, then each table: its caption, the header row, the rows, the total
// row and the note, followed by an empty line.
func (s *server) exportCSV(lang string, e figureExport) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(utf8BOM)
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	if lang == langEnglish {
		w.Comma = ','
	}
	w.UseCRLF = true
	line := func(fields ...string) {
		for i, f := range fields {
			fields[i] = csvText(f)
		}
		_ = w.Write(fields) // errors stick in w and are returned by w.Error
	}
	row := func(r figureRowView) {
		fields := []string{csvText(r.Label)}
		for _, cell := range r.Cells {
			if cell.Number != nil {
				fields = append(fields, cell.Text) // a number as written
			} else {
				fields = append(fields, csvText(cell.Text))
			}
		}
		_ = w.Write(fields)
	}
	line(e.Title)
	for _, sub := range e.Subtitle {
		line(sub)
	}
	line(e.Doc.Legend)
	line()
	for _, t := range e.Doc.Tables {
		line(t.Caption)
		line(append([]string{t.LabelHeading}, t.Columns...)...)
		for _, r := range t.Rows {
			row(r)
		}
		if t.Total != nil {
			row(*t.Total)
		}
		if t.Note != "" {
			line(t.Note)
		}
		line()
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// csvText keeps a text a spreadsheet would take for a formula (a name that
// starts with "=", "+", "-" or "@") as text by putting an apostrophe before
// it, as OWASP advises against CSV injection. Figures are not touched.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
