package ui

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kamrat/kamrat/tenants"
)

// exportFixture is a figure document made by hand, written out in lang
// through figureDocOf as a page writes it: a thousands figure, a withheld
// one ("<5"), an absent share ("–"), a share and a median with decimals, a
// word, Swedish letters, a name a spreadsheet would take for a formula, a
// total row, and a table long enough to run over a PDF page.
func exportFixture(t *testing.T, lang string) (*server, figureExport) {
	t.Helper()
	tr, err := NewTranslator()
	if err != nil {
		t.Fatal(err)
	}
	s := &server{translator: tr}
	median := 2.3333
	pub := tenants.Publication{K: 5, Tables: []tenants.FigureTable{
		{
			ID: "clinics", Caption: tenants.Literal("Information och erbjudande per mottagning"), LabelHeading: tenants.Literal("Mottagning"),
			Columns: []tenants.Text{tenants.Literal("Nya diagnoser"), tenants.Literal("Informerade"), tenants.Literal("Andel informerade"), tenants.Literal("Median väntetid (dagar)"), tenants.Literal("Mål nått")},
			Rows: []tenants.FigureRow{
				{Label: tenants.Literal("Infektionskliniken Malmö"), Cells: []tenants.Figure{tenants.PlainCount(1234), tenants.PlainCount(1000), {Kind: tenants.FigurePercent, Value: 0.125}, {Kind: tenants.FigureDecimal, Value: median}, tenants.TextFigure(tenants.Literal("Ja, uppnått"))}},
				{Label: tenants.Literal("Hälsoväxten Åre"), Cells: []tenants.Figure{{Kind: tenants.FigureCount, Hidden: true}, {Kind: tenants.FigureCount, Hidden: true}, {Kind: tenants.FigurePercent, Hidden: true}, {Kind: tenants.FigureDecimal, Hidden: true}, tenants.TextFigure(tenants.Literal("Nej"))}},
				{Label: tenants.Literal("=Öppenvården"), Cells: []tenants.Figure{tenants.PlainCount(0), tenants.PlainCount(0), tenants.AbsentFigure(tenants.FigurePercent), tenants.AbsentFigure(tenants.FigureDecimal), tenants.TextFigure(tenants.Literal("–"))}},
			},
			Total: &tenants.FigureRow{Label: tenants.Literal("Totalt"), Cells: []tenants.Figure{tenants.PlainCount(1237), tenants.PlainCount(1002), {Kind: tenants.FigurePercent, Value: 1002.0 / 1237}, {Kind: tenants.FigureDecimal, Value: 3}, tenants.TextFigure(tenants.Literal("Delvis"))}},
			Note:  &tenants.Text{Literal: "Andelen är informerade genom nya diagnoser."},
		},
	}}
	long := tenants.FigureTable{ID: "weeks", Caption: tenants.Literal("Träffar per vecka"), LabelHeading: tenants.Literal("Vecka"), Columns: []tenants.Text{tenants.Literal("Träffar"), tenants.Literal("Andel")}}
	for w := 1; w <= 70; w++ {
		cells := []tenants.Figure{tenants.PlainCount(w * 17), {Kind: tenants.FigurePercent, Value: float64(w) / 70}}
		if w%9 == 0 {
			cells = []tenants.Figure{{Kind: tenants.FigureCount, Hidden: true}, {Kind: tenants.FigurePercent, Hidden: true}}
		}
		long.Rows = append(long.Rows, tenants.FigureRow{Label: tenants.Literal(fmt.Sprintf("Vecka %d", w)), Cells: cells})
	}
	long.Total = &tenants.FigureRow{Label: tenants.Literal("Totalt"), Cells: []tenants.Figure{tenants.PlainCount(41965), {Kind: tenants.FigurePercent, Value: 1}}}
	pub.Tables = append(pub.Tables, long)
	return s, figureExport{
		Filename: "rapport-skåne", Title: "Hela regionen — Kvartal 1 2026",
		Subtitle: []string{"Region Skåne", "Period: 2026-01-01 – 2026-03-31"},
		Doc:      s.figureDocOf(lang, pub), Lang: lang,
	}
}

// dumpExport keeps an export for a look when KAMRAT_EXPORT_DUMP names a
// directory.
func dumpExport(t *testing.T, name string, body []byte) {
	if dir := os.Getenv("KAMRAT_EXPORT_DUMP"); dir != "" {
		if err := os.WriteFile(dir+"/"+name, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestExportWritersFixture: the written fixture has what the tests below
// rely on, so that they cannot pass by testing less.
func TestExportWritersFixture(t *testing.T) {
	_, e := exportFixture(t, langSwedish)
	got := wantTables(e.Doc)
	var texts []string
	for _, tb := range got {
		for _, r := range tb.Rows {
			texts = append(texts, r...)
		}
	}
	all := strings.Join(texts, "|")
	for _, want := range []string{"1\u202f234", "<5", "–", "12,5\u00a0%", "2,33", "81,0\u00a0%", "Hälsoväxten Åre", "=Öppenvården", "Totalt"} {
		if !strings.Contains(all, want) {
			t.Errorf("the fixture lacks %q: %s", want, all)
		}
	}
	var buf bytes.Buffer
	for _, tb := range got {
		fmt.Fprintln(&buf, tb.Caption, tb.Header)
	}
	if !strings.Contains(buf.String(), "Median väntetid (dagar)") {
		t.Errorf("headings: %s", buf.String())
	}
}

// TestExportCSV: the CSV opens with encoding/csv and has the page's title,
// legend and tables cell for cell, separated by semicolons in Swedish and
// commas in English, with a byte order mark; a name that starts with "="
// is kept as text.
func TestExportCSV(t *testing.T) {
	for _, lang := range []string{langSwedish, langEnglish} {
		s, e := exportFixture(t, lang)
		body, err := s.exportCSV(lang, e)
		if err != nil {
			t.Fatal(err)
		}
		dumpExport(t, "fixture-"+lang+".csv", body)
		if problems := csvProblems(body, lang, e.Title, e.Doc.Legend, wantTables(e.Doc)); len(problems) > 0 {
			t.Errorf("%s CSV differs from the page:\n%s", lang, strings.Join(problems, "\n"))
		}
		text := string(body)
		if !strings.HasPrefix(text, "\ufeffHela regionen") || !strings.Contains(text, "\r\n") {
			t.Errorf("%s CSV does not start with the byte order mark and the title, or lacks CRLF", lang)
		}
		contains(t, lang+" CSV", text, "'=Öppenvården", "Hälsoväxten Åre")
		if lang == langSwedish {
			contains(t, "Swedish CSV", text, "Infektionskliniken Malmö;1\u202f234;1\u202f000;12,5\u00a0%;2,33;Ja, uppnått\r\n",
				"Hälsoväxten Åre;<5;<5;<5;<5;Nej\r\n", "'=Öppenvården;0;0;–;–;–\r\n", "Totalt;1\u202f237;1\u202f002;81,0\u00a0%;3;Delvis\r\n")
		} else {
			contains(t, "English CSV", text, `Infektionskliniken Malmö,"1,234","1,000",12.5%,2.33,"Ja, uppnått"`+"\r\n")
		}
	}
}

// TestExportXLSX: the workbook opens with excelize; every figure the page
// writes as a number is a numeric cell of that value, a withheld one the
// text "<5", an absent one the dash.
func TestExportXLSX(t *testing.T) {
	for _, lang := range []string{langSwedish, langEnglish} {
		s, e := exportFixture(t, lang)
		body, err := s.exportXLSX(lang, e)
		if err != nil {
			t.Fatal(err)
		}
		dumpExport(t, "fixture-"+lang+".xlsx", body)
		if problems := xlsxProblems(body, lang, e.Title, e.Doc.Legend, wantTables(e.Doc)); len(problems) > 0 {
			t.Errorf("%s XLSX differs from the page:\n%s", lang, strings.Join(problems, "\n"))
		}
	}
	// The cells themselves, where the fixture puts them: title, two
	// subtitle lines, legend, a blank row, the caption (row 6), the header.
	s, e := exportFixture(t, langSwedish)
	body, err := s.exportXLSX(langSwedish, e)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) != 1 || sheets[0] != "Siffror" {
		t.Errorf("sheets: %v", sheets)
	}
	raw := func(cell string) string {
		v, err := f.GetCellValue("Siffror", cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for cell, want := range map[string]string{"A6": "Information och erbjudande per mottagning", "A8": "Infektionskliniken Malmö",
		"B8": "1234", "D8": "0.125", "E8": "2.33", "F8": "Ja, uppnått", "B9": "<5", "D9": "<5", "D10": "–", "B11": "1237"} {
		if got := raw(cell); got != want {
			t.Errorf("%s: %q, want %q", cell, got, want)
		}
	}
	for _, cell := range []string{"B8", "D8", "E8", "B11"} {
		if kind, _ := f.GetCellType("Siffror", cell); kind == excelize.CellTypeSharedString || kind == excelize.CellTypeInlineString {
			t.Errorf("%s is text, want a number", cell)
		}
	}
	if !xlsxPercentFormat(f, "Siffror", "D8") || xlsxPercentFormat(f, "Siffror", "B8") {
		t.Error("the share is not formatted as a percentage, or the count is")
	}
	if shown, _ := f.GetCellValue("Siffror", "D8"); shown != "12.5%" {
		t.Errorf("D8 shows %q, want 12.5%% (excelize formats in English)", shown)
	}
}

// TestExportPDF: the PDF's text, extracted by pdftotext, has the title,
// the Swedish letters and every table row with the page's figures; the long
// table runs over two pages, each numbered.
func TestExportPDF(t *testing.T) {
	for _, lang := range []string{langSwedish, langEnglish} {
		s, e := exportFixture(t, lang)
		body, err := s.exportPDF(lang, e)
		if err != nil {
			t.Fatal(err)
		}
		dumpExport(t, "fixture-"+lang+".pdf", body)
		if !bytes.HasPrefix(body, []byte("%PDF-")) {
			t.Fatalf("not a PDF: %q", body[:min(len(body), 16)])
		}
		text := pdfToText(t, body)
		if problems := pdfProblems(text, lang, e.Title, wantTables(e.Doc)); len(problems) > 0 {
			t.Errorf("%s PDF differs from the page:\n%s\n%s", lang, strings.Join(problems, "\n"), text)
		}
		contains(t, lang+" PDF", text, "Hälsoväxten Åre", "Infektionskliniken Malmö", "Andelen är informerade")
		page := map[string]string{langSwedish: "Sida %d av %d", langEnglish: "Page %d of %d"}[lang]
		var pages int
		at := strings.Index(text, page[:4])
		if at < 0 {
			t.Fatalf("%s PDF: no page numbers", lang)
		}
		if _, err := fmt.Sscanf(text[at:], page, new(int), &pages); err != nil || pages < 2 {
			t.Fatalf("%s PDF: %d pages (%v), want the long table to run over", lang, pages, err)
		}
		for n := 1; n <= pages; n++ {
			contains(t, lang+" PDF", text, fmt.Sprintf(page, n, pages))
		}
		// The long table's header is repeated on the next page.
		if strings.Count(text, "Träffar") < 3 {
			t.Errorf("%s PDF: the header of the long table is not repeated", lang)
		}
	}
}

// TestExportCheckersCatchADifference: the readers above are not blind — an
// export of other figures than the page's is reported, in each format.
func TestExportCheckersCatchADifference(t *testing.T) {
	s, e := exportFixture(t, langSwedish)
	csvBody, err := s.exportCSV(langSwedish, e)
	if err != nil {
		t.Fatal(err)
	}
	xlsxBody, err := s.exportXLSX(langSwedish, e)
	if err != nil {
		t.Fatal(err)
	}
	pdfBody, err := s.exportPDF(langSwedish, e)
	if err != nil {
		t.Fatal(err)
	}
	pdf := pdfToText(t, pdfBody)
	tampers := map[string]func(g []figureGrid){
		"a count":          func(g []figureGrid) { g[0].Rows[0][1] = "1\u202f235" },
		"a withheld count": func(g []figureGrid) { g[0].Rows[1][1] = "3" },
		"a share":          func(g []figureGrid) { g[0].Rows[0][3] = "12,6\u00a0%" },
		"a total":          func(g []figureGrid) { g[1].Rows[len(g[1].Rows)-1][1] = "41\u202f966" },
		"a label":          func(g []figureGrid) { g[0].Rows[1][0] = "Halsovaxten Are" },
	}
	for what, tamper := range tampers {
		page := wantTables(e.Doc)
		tamper(page)
		if len(csvProblems(csvBody, langSwedish, e.Title, e.Doc.Legend, page)) == 0 {
			t.Errorf("the CSV check misses %s that differs", what)
		}
		if len(xlsxProblems(xlsxBody, langSwedish, e.Title, e.Doc.Legend, page)) == 0 {
			t.Errorf("the XLSX check misses %s that differs", what)
		}
		if len(pdfProblems(pdf, langSwedish, e.Title, page)) == 0 {
			t.Errorf("the PDF check misses %s that differs", what)
		}
	}
}

// TestExportFilename: the download's name is plain ASCII in filename and
// written out in filename*.
func TestExportFilename(t *testing.T) {
	got := contentDisposition("rapport-skåne-2026-01-01-Hälsa & Sjöbo/Öst", "pdf")
	want := `attachment; filename="rapport-skane-2026-01-01-Halsa-Sjobo-Ost.pdf"; filename*=UTF-8''rapport-sk%C3%A5ne-2026-01-01-H%C3%A4lsa%20&%20Sj%C3%B6bo-%C3%96st.pdf`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := contentDisposition("\"\n", "csv"); got != `attachment; filename="export.csv"; filename*=UTF-8''-.csv` {
		t.Errorf("nothing usable: %s", got)
	}
}
