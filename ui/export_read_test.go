package ui

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Readers of the exports for the tests: each export is opened with a real
// reader (encoding/csv, excelize, poppler's pdftotext) and compared with
// the figures a page shows, read from its HTML.

// figureGrid is a table of figures as text: its caption, its header row
// and its rows (the label first), the total row last.
type figureGrid struct {
	Caption string
	Header  []string
	Rows    [][]string
}

// wantTables is doc's tables as text, as the figures template writes them.
func wantTables(doc figureDoc) []figureGrid {
	var out []figureGrid
	for _, t := range doc.Tables {
		g := figureGrid{Caption: t.Caption, Header: append([]string{t.LabelHeading}, t.Columns...)}
		for _, r := range t.Rows {
			g.Rows = append(g.Rows, rowTexts(r))
		}
		if t.Total != nil {
			g.Rows = append(g.Rows, rowTexts(*t.Total))
		}
		out = append(out, g)
	}
	return out
}

// pageFigures reads the legend and the figure tables (table[data-figures])
// of a page's HTML.
func pageFigures(t *testing.T, page string) (string, []figureGrid) {
	t.Helper()
	legend := ""
	if m := regexp.MustCompile(`(?s)<p class="figures-legend">(.*?)</p>`).FindStringSubmatch(page); m != nil {
		legend = html.UnescapeString(m[1])
	}
	type cell struct {
		XMLName xml.Name
		Inner   string `xml:",innerxml"`
	}
	type row struct {
		Cells []cell `xml:",any"`
	}
	type table struct {
		Caption string `xml:"caption"`
		Head    []row  `xml:"thead>tr"`
		Body    []row  `xml:"tbody>tr"`
		Foot    []row  `xml:"tfoot>tr"`
	}
	tags := regexp.MustCompile(`<[^>]*>`)
	text := func(r row) []string {
		var out []string
		for _, c := range r.Cells {
			out = append(out, strings.TrimSpace(html.UnescapeString(tags.ReplaceAllString(c.Inner, ""))))
		}
		return out
	}
	var grids []figureGrid
	for _, m := range regexp.MustCompile(`(?s)<table data-figures="[^"]*">.*?</table>`).FindAllString(page, -1) {
		var tb table
		d := xml.NewDecoder(strings.NewReader(m))
		d.Strict, d.Entity = false, xml.HTMLEntity
		if err := d.Decode(&tb); err != nil {
			t.Fatalf("a figure table of the page does not parse: %v\n%s", err, m)
		}
		g := figureGrid{Caption: strings.TrimSpace(html.UnescapeString(tb.Caption))}
		if len(tb.Head) == 1 {
			g.Header = text(tb.Head[0])
		}
		for _, r := range append(tb.Body, tb.Foot...) {
			g.Rows = append(g.Rows, text(r))
		}
		grids = append(grids, g)
	}
	return legend, grids
}

// figureNumber reads a figure the page writes as a number in lang
// ("1 234", "12,5 %", "2,33"; "1,234", "12.5%"): ok is false for "<5", the
// dash and words.
func figureNumber(lang, s string) (v float64, percent, ok bool) {
	s = strings.TrimSpace(s)
	if rest, cut := strings.CutSuffix(s, "%"); cut {
		s, percent = rest, true
	}
	s = strings.NewReplacer("\u202f", "", "\u00a0", "", " ", "", "\u2212", "-").Replace(s)
	if lang == langEnglish {
		s = strings.ReplaceAll(s, ",", "")
	} else {
		s = strings.ReplaceAll(s, ",", ".")
	}
	if !regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`).MatchString(s) {
		return 0, false, false
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, percent, err == nil
}

// sameFigure compares a figure read from an export with the page's: numbers
// as numbers, anything else ("<5", "–", a word) as text, spaces of any
// width being spaces.
func sameFigure(lang, want, got string) bool {
	if w, wp, ok := figureNumber(lang, want); ok {
		g, gp, ok := figureNumber(lang, got)
		return ok && wp == gp && math.Abs(w-g) < 1e-9
	}
	return spaces(want) == spaces(got)
}

// spaces writes no-break spaces as spaces.
func spaces(s string) string {
	return strings.NewReplacer("\u202f", " ", "\u00a0", " ").Replace(strings.TrimSpace(s))
}

// csvProblems opens a CSV export with encoding/csv and lists where it
// differs from the page: the title, the legend, and every table's caption,
// header and rows, each cell exactly as the page writes it (a text a
// spreadsheet would take for a formula behind an apostrophe).
func csvProblems(body []byte, lang, title, legend string, grids []figureGrid) []string {
	var problems []string
	rest, ok := bytes.CutPrefix(body, []byte("\ufeff"))
	if !ok {
		problems = append(problems, "no byte order mark")
	}
	r := csv.NewReader(bytes.NewReader(rest))
	r.Comma, r.FieldsPerRecord = ';', -1
	if lang == langEnglish {
		r.Comma = ','
	}
	records, err := r.ReadAll()
	if err != nil {
		return append(problems, "does not parse: "+err.Error())
	}
	one := func(i int, want string) bool {
		return i < len(records) && len(records[i]) == 1 && records[i][0] == want
	}
	if !one(0, title) {
		problems = append(problems, fmt.Sprintf("the first line is not the title %q", title))
	}
	guarded := func(s string) string {
		if s != "" && strings.ContainsAny(s[:1], "=+-@") {
			return "'" + s
		}
		return s
	}
	cursor := 1
	found := false
	for ; cursor < len(records); cursor++ {
		if one(cursor, legend) {
			found = true
			break
		}
	}
	if !found {
		problems = append(problems, "no legend line")
		cursor = 1
	}
	for _, g := range grids {
		at := -1
		for i := cursor; i < len(records); i++ {
			if one(i, guarded(g.Caption)) {
				at = i
				break
			}
		}
		if at < 0 {
			problems = append(problems, fmt.Sprintf("no caption line %q", g.Caption))
			continue
		}
		lines := append([][]string{g.Header}, g.Rows...)
		for j, want := range lines {
			i := at + 1 + j
			if i >= len(records) {
				problems = append(problems, fmt.Sprintf("%s: row %q missing", g.Caption, want))
				continue
			}
			got := records[i]
			if len(got) != len(want) {
				problems = append(problems, fmt.Sprintf("%s: row %q, want %q", g.Caption, got, want))
				continue
			}
			for k := range want {
				w := want[k]
				if k == 0 || j == 0 {
					w = guarded(w)
				} else if _, _, number := figureNumber(lang, w); !number {
					w = guarded(w)
				}
				if got[k] != w {
					problems = append(problems, fmt.Sprintf("%s: row %d column %d is %q, the page shows %q", g.Caption, j, k, got[k], want[k]))
				}
			}
		}
		cursor = at + len(lines)
	}
	return problems
}

// xlsxProblems opens an XLSX export with excelize and lists where it
// differs from the page: a figure the page writes as a number must be a
// numeric cell of the same value (a percentage the fraction, formatted as
// a percentage), anything else a text cell with the page's text.
func xlsxProblems(body []byte, lang, title, legend string, grids []figureGrid) []string {
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		return []string{"does not open: " + err.Error()}
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return []string{"rows: " + err.Error()}
	}
	var problems []string
	first := func(i int) string {
		if i < len(rows) && len(rows[i]) > 0 {
			return rows[i][0]
		}
		return ""
	}
	if first(0) != title {
		problems = append(problems, fmt.Sprintf("A1 is %q, want the title %q", first(0), title))
	}
	cursor := 1
	for cursor < len(rows) && first(cursor) != legend {
		cursor++
	}
	if cursor == len(rows) {
		problems = append(problems, "no legend")
		cursor = 1
	}
	for _, g := range grids {
		at := -1
		for i := cursor; i < len(rows); i++ {
			if first(i) == g.Caption {
				at = i
				break
			}
		}
		if at < 0 {
			problems = append(problems, fmt.Sprintf("no caption %q", g.Caption))
			continue
		}
		lines := append([][]string{g.Header}, g.Rows...)
		for j, want := range lines {
			i := at + 1 + j
			for k, w := range want {
				name, _ := excelize.CoordinatesToCellName(k+1, i+1)
				got := ""
				if i < len(rows) && k < len(rows[i]) {
					got = rows[i][k]
				}
				kind, err := f.GetCellType(sheet, name)
				if err != nil {
					problems = append(problems, name+": "+err.Error())
					continue
				}
				isText := kind == excelize.CellTypeSharedString || kind == excelize.CellTypeInlineString
				v, percent, number := figureNumber(lang, w)
				if j == 0 || k == 0 || !number {
					if !isText || got != w {
						problems = append(problems, fmt.Sprintf("%s %s: %q (type %d), the page shows %q as text", g.Caption, name, got, kind, w))
					}
					continue
				}
				value, err := strconv.ParseFloat(got, 64)
				if isText || err != nil {
					problems = append(problems, fmt.Sprintf("%s %s: %q is not a number, the page shows %q", g.Caption, name, got, w))
					continue
				}
				if percent {
					value *= 100
					if !xlsxPercentFormat(f, sheet, name) {
						problems = append(problems, fmt.Sprintf("%s %s: %q is not formatted as a percentage", g.Caption, name, w))
					}
				}
				if math.Abs(value-v) > 1e-9 {
					problems = append(problems, fmt.Sprintf("%s %s: %v, the page shows %q", g.Caption, name, value, w))
				}
			}
		}
		cursor = at + len(lines)
	}
	return problems
}

// xlsxPercentFormat reports whether a cell's number format is a percentage.
func xlsxPercentFormat(f *excelize.File, sheet, name string) bool {
	id, err := f.GetCellStyle(sheet, name)
	if err != nil {
		return false
	}
	st, err := f.GetStyle(id)
	if err != nil {
		return false
	}
	return st.NumFmt == 9 || st.NumFmt == 10 || st.CustomNumFmt != nil && strings.Contains(*st.CustomNumFmt, "%")
}

// pdfText extracts a PDF's text with poppler's pdftotext, keeping the
// layout (a table row is a line, its columns apart by two spaces or more).
// Without pdftotext the test is skipped, or fails in CI.
func pdfToText(t *testing.T, body []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext (poppler-utils) is not installed")
		}
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	path := filepath.Join(t.TempDir(), "export.pdf")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("pdftotext: %v: %s", err, ee.Stderr)
		}
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// pdfProblems lists where a PDF's text differs from the page: the title
// must be there, and every table's caption and, in order after it, each
// row as a line of its label and its figures (numbers compared as
// numbers, "<5" and words as text). A label wrapped over lines matches by
// its first line.
func pdfProblems(text, lang, title string, grids []figureGrid) []string {
	var problems []string
	if !strings.Contains(spaces(text), spaces(title)) {
		problems = append(problems, fmt.Sprintf("no title %q", title))
	}
	lines := strings.Split(text, "\n")
	columns := regexp.MustCompile(` {2,}`)
	cursor := 0
	for _, g := range grids {
		at := -1
		for i := cursor; i < len(lines); i++ {
			if l := spaces(lines[i]); l != "" && strings.HasPrefix(spaces(g.Caption), l) {
				at = i
				break
			}
		}
		if at < 0 {
			problems = append(problems, fmt.Sprintf("no caption %q", g.Caption))
			continue
		}
		cursor = at + 1
		for _, want := range g.Rows {
			found := -1
			for i := cursor; i < len(lines) && found < 0; i++ {
				fields := columns.Split(strings.TrimSpace(lines[i]), -1)
				label := spaces(fields[0])
				if len(fields) != len(want) || spaces(want[0]) != label && !strings.HasPrefix(spaces(want[0]), label+" ") {
					continue
				}
				same := true
				for k := 1; k < len(want); k++ {
					same = same && sameFigure(lang, want[k], fields[k])
				}
				if same {
					found = i
				}
			}
			if found < 0 {
				problems = append(problems, fmt.Sprintf("%s: no line for the row %q", g.Caption, want))
				continue
			}
			cursor = found + 1
		}
	}
	return problems
}
