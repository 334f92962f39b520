package ui

import (
	"bytes"
	"strings"
	"time"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// The PDF is A4, in points.
const (
	pdfShort, pdfLong = 595.28, 841.89
	pdfMargin         = 42.0
	pdfFooter         = 14.0 // room for the footer above the bottom margin
	pdfPadX, pdfPadY  = 4.0, 2.5
	pdfLeading        = 1.3
	pdfBodySize       = 9.0
	pdfMinSize        = 6.0
	pdfFigureWidth    = 90.0 // a figure column widens up to this
	// pdfLandscapeBelow: a table that would need a smaller type than this
	// on a portrait page gets a landscape page.
	pdfLandscapeBelow = 8.0
	pdfRegular        = "go"
	pdfBold           = "go-bold"
)

// exportPDF writes e as an A4 document: the title, its subtitle lines and
// the legend, then each table with its caption, a header row repeated on
// every page the table runs over, the rows, the total row and the note;
// each page carries the title and its number. The Go fonts are embedded
// (as subsets), so å, ä and ö print and copy as written on any machine.
// Pages are portrait; a table too wide for one starts a landscape page,
// and one too wide for that too is set in a smaller type, down to 6 pt.
func (s *server) exportPDF(lang string, e figureExport) ([]byte, error) {
	// The layout does not depend on the page numbers, so a first pass
	// counts the pages that the second writes "Page n of N" on.
	first, err := s.renderPDF(lang, e, 0)
	if err != nil {
		return nil, err
	}
	p, err := s.renderPDF(lang, e, first.pages)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := p.gp.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// renderPDF lays e out, numbering the pages of pages.
func (s *server) renderPDF(lang string, e figureExport, pages int) (*pdfWriter, error) {
	p := &pdfWriter{gp: &gopdf.GoPdf{}, title: e.Title}
	p.footer = func(n int) string {
		return s.translator.Translate(lang, "exports.page", map[string]any{"Page": n, "Pages": pages})
	}
	p.gp.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	p.gp.SetInfo(gopdf.PdfInfo{Title: e.Title, Creator: "Kamrat", Producer: "Kamrat", CreationDate: time.Now()})
	// A character the fonts lack prints as a question mark, not as a gap
	// that would read as a different figure.
	substitute := func(r rune) rune { return '?' }
	p.try(p.gp.AddTTFFontDataWithOption(pdfRegular, goregular.TTF, gopdf.TtfOption{OnGlyphNotFoundSubstitute: substitute}))
	p.try(p.gp.AddTTFFontDataWithOption(pdfBold, gobold.TTF, gopdf.TtfOption{OnGlyphNotFoundSubstitute: substitute}))
	if p.err != nil {
		return nil, p.err
	}
	// The first page is landscape when the first table needs it, so that
	// the title does not stand alone on a page.
	p.newPage(len(e.Doc.Tables) > 0 && p.wants(e.Doc.Tables[0]))

	p.paragraph(e.Title, pdfBold, 16, 4)
	for _, sub := range e.Subtitle {
		p.paragraph(sub, pdfRegular, 10, 1)
	}
	p.y += 6
	p.paragraph(e.Doc.Legend, pdfRegular, pdfBodySize, 10)
	for _, t := range e.Doc.Tables {
		p.table(t)
		p.y += 14
	}
	p.finishPage()
	return p, p.err
}

// pdfWriter lays text out top to bottom, keeping the first error.
type pdfWriter struct {
	gp *gopdf.GoPdf
	// w and h are the current page's size, y the top of what comes next.
	w, h, y float64
	// pages is the number of pages begun.
	pages     int
	landscape bool
	// title and footer(n) are written at the foot of page n.
	title  string
	footer func(n int) string
	size   float64
	face   string
	err    error
}

func (p *pdfWriter) try(err error) {
	if p.err == nil && err != nil {
		p.err = err
	}
}

// newPage ends the current page and starts an A4 page, portrait or
// landscape.
func (p *pdfWriter) newPage(landscape bool) {
	p.finishPage()
	p.w, p.h = pdfShort, pdfLong
	if landscape {
		p.w, p.h = pdfLong, pdfShort
	}
	p.gp.AddPageWithOption(gopdf.PageOption{PageSize: &gopdf.Rect{W: p.w, H: p.h}})
	p.pages++
	p.landscape = landscape
	p.y = pdfMargin
}

// finishPage writes the current page's foot: the title and the page's
// number. (gopdf places text by the size of the page last added, so each
// page gets its foot before the next one is added.)
func (p *pdfWriter) finishPage() {
	if p.pages == 0 {
		return
	}
	face, size := p.face, p.size
	p.font(pdfRegular, 8)
	p.gp.SetTextColor(90, 90, 90)
	y := p.h - pdfMargin + 4
	p.gp.SetXY(pdfMargin, y)
	p.try(p.gp.CellWithOption(&gopdf.Rect{W: p.text() * 0.75, H: 10}, pdfText(p.fit(p.title, p.text()*0.75)), gopdf.CellOption{Align: gopdf.Left | gopdf.Top}))
	p.gp.SetXY(pdfMargin, y)
	p.try(p.gp.CellWithOption(&gopdf.Rect{W: p.text(), H: 10}, p.footer(p.pages), gopdf.CellOption{Align: gopdf.Right | gopdf.Top}))
	p.gp.SetTextColor(0, 0, 0)
	if face != "" {
		p.font(face, size)
	}
}

// text is the width text takes on the current page.
func (p *pdfWriter) text() float64 { return p.w - 2*pdfMargin }

// bottom is where the current page's text ends.
func (p *pdfWriter) bottom() float64 { return p.h - pdfMargin - pdfFooter }

func (p *pdfWriter) font(face string, size float64) {
	p.face, p.size = face, size
	p.try(p.gp.SetFont(face, "", size))
}

// pdfText is what is drawn for s: the Go fonts have no narrow no-break
// space (U+202F, Swedish thousands), so the no-break space stands in.
func pdfText(s string) string { return strings.ReplaceAll(s, narrowNoBreakSpace, noBreakSpace) }

func (p *pdfWriter) width(s string) float64 {
	w, err := p.gp.MeasureTextWidth(pdfText(s))
	p.try(err)
	return w
}

// wrap breaks s into lines no wider than w in the current font, at
// spaces, and inside a word only when the word alone is wider.
func (p *pdfWriter) wrap(s string, w float64) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		candidate := word
		if line != "" {
			candidate = line + " " + word
		}
		if p.width(candidate) <= w {
			line = candidate
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		line = word
		for p.width(line) > w && len([]rune(line)) > 1 {
			runes := []rune(line)
			cut := len(runes) - 1
			for cut > 1 && p.width(string(runes[:cut])) > w {
				cut--
			}
			lines = append(lines, string(runes[:cut]))
			line = string(runes[cut:])
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// fit cuts s with an ellipsis to width w (the footer's title).
func (p *pdfWriter) fit(s string, w float64) string {
	if p.width(s) <= w {
		return s
	}
	runes := []rune(s)
	for len(runes) > 1 && p.width(string(runes)+"…") > w {
		runes = runes[:len(runes)-1]
	}
	return string(runes) + "…"
}

func (p *pdfWriter) lineHeight() float64 { return p.size * pdfLeading }

// draw writes one line of text in a box from x of width w, aligned left or
// right.
func (p *pdfWriter) draw(x, y, w float64, s string, right bool) {
	align := gopdf.Left | gopdf.Top
	if right {
		align = gopdf.Right | gopdf.Top
	}
	p.gp.SetXY(x, y)
	p.try(p.gp.CellWithOption(&gopdf.Rect{W: w, H: p.lineHeight()}, pdfText(s), gopdf.CellOption{Align: align}))
}

// paragraph writes s wrapped to the text width, then after of space.
func (p *pdfWriter) paragraph(s, face string, size, after float64) {
	if s == "" {
		return
	}
	p.font(face, size)
	p.gp.SetTextColor(0, 0, 0)
	for _, line := range p.wrap(s, p.text()) {
		if p.y+p.lineHeight() > p.bottom() {
			p.newPage(false)
			p.font(face, size)
		}
		p.draw(pdfMargin, p.y, p.text(), line, false)
		p.y += p.lineHeight()
	}
	p.y += after
}

// pdfRow is a table row laid out: its lines per column and its height.
type pdfRow struct {
	cells  [][]string
	height float64
	bold   bool
}

// table writes one figure table.
func (p *pdfWriter) table(t figureTableView) {
	landscape := p.wants(t)
	widths, size := p.columns(t, pdfShort-2*pdfMargin)
	if landscape {
		widths, size = p.columns(t, pdfLong-2*pdfMargin)
	}
	if landscape != p.landscape && (landscape || p.y > pdfMargin) {
		p.newPage(landscape)
	}
	lineH := size * pdfLeading
	layout := func(texts []string, bold, wrapFigures bool) pdfRow {
		face := pdfRegular
		if bold {
			face = pdfBold
		}
		p.font(face, size)
		r := pdfRow{bold: bold}
		lines := 1
		for i, text := range texts {
			var cell []string
			if i == 0 || wrapFigures {
				cell = p.wrap(text, widths[i]-2*pdfPadX)
			} else {
				cell = []string{text}
			}
			r.cells = append(r.cells, cell)
			lines = max(lines, len(cell))
		}
		r.height = float64(lines)*lineH + 2*pdfPadY
		return r
	}
	header := layout(append([]string{t.LabelHeading}, t.Columns...), true, true)
	var rows []pdfRow
	for _, r := range t.Rows {
		rows = append(rows, layout(rowTexts(r), false, false))
	}
	var total *pdfRow
	if t.Total != nil {
		r := layout(rowTexts(*t.Total), true, false)
		total = &r
	}

	// The caption, the header and the first row stay together.
	p.font(pdfBold, 11)
	caption := p.wrap(t.Caption, p.text())
	need := float64(len(caption))*p.lineHeight() + 4 + header.height
	if len(rows) > 0 {
		need += rows[0].height
	}
	if p.y+need > p.bottom() && p.y > pdfMargin {
		p.newPage(landscape)
	}
	p.paragraph(t.Caption, pdfBold, 11, 4)

	drawRow := func(r pdfRow, fill bool) {
		face := pdfRegular
		if r.bold {
			face = pdfBold
		}
		if fill {
			p.gp.SetFillColor(235, 235, 235)
			p.gp.RectFromUpperLeftWithStyle(pdfMargin, p.y, sumWidths(widths), r.height, "F")
		}
		p.font(face, size)
		p.gp.SetTextColor(0, 0, 0)
		x := pdfMargin
		for i, cell := range r.cells {
			for j, line := range cell {
				p.draw(x+pdfPadX, p.y+pdfPadY+float64(j)*lineH, widths[i]-2*pdfPadX, line, i > 0)
			}
			x += widths[i]
		}
		p.y += r.height
	}
	rule := func(width float64) {
		p.gp.SetStrokeColor(0, 0, 0)
		p.gp.SetLineWidth(width)
		p.gp.Line(pdfMargin, p.y, pdfMargin+sumWidths(widths), p.y)
	}
	drawHeader := func() {
		drawRow(header, true)
		rule(0.75)
	}
	drawHeader()
	body := rows
	if total != nil {
		body = append(body, *total)
	}
	for i, r := range body {
		if p.y+r.height > p.bottom() {
			p.newPage(landscape)
			drawHeader()
		}
		isTotal := total != nil && i == len(body)-1
		if isTotal {
			rule(0.75)
		}
		drawRow(r, false)
		if !isTotal {
			p.gp.SetStrokeColor(200, 200, 200)
			p.gp.SetLineWidth(0.25)
			p.gp.Line(pdfMargin, p.y, pdfMargin+sumWidths(widths), p.y)
		}
	}
	if t.Note != "" {
		p.y += 4
		p.paragraph(t.Note, pdfRegular, 8, 0)
	}
}

// wants reports whether t is better set on a landscape page: on a portrait
// one its type would be smaller than pdfLandscapeBelow, and landscape gives
// it a larger type.
func (p *pdfWriter) wants(t figureTableView) bool {
	_, portrait := p.columns(t, pdfShort-2*pdfMargin)
	if portrait >= pdfLandscapeBelow {
		return false
	}
	_, landscape := p.columns(t, pdfLong-2*pdfMargin)
	return landscape > portrait
}

// columns chooses the columns' widths and the type size for t within
// avail points: the label
// column as wide as its longest label (at most 45 % of the text width,
// wrapping beyond, unless there is room), each figure column as wide as its
// widest figure or the longest word of its heading and then some. When the
// figures do not fit, the type gets smaller.
func (p *pdfWriter) columns(t figureTableView, avail float64) ([]float64, float64) {
	n := len(t.Columns) + 1
	var widths []float64
	var labelWidth float64
	size := pdfBodySize
	for ; ; size -= 0.5 {
		widths = make([]float64, n)
		measure := func(col int, text string, bold bool) {
			face := pdfRegular
			if bold {
				face = pdfBold
			}
			p.font(face, size)
			widths[col] = max(widths[col], p.width(text)+2*pdfPadX)
		}
		measure(0, t.LabelHeading, true)
		for i, heading := range t.Columns {
			measure(i+1, longestWord(heading), true)
		}
		for _, r := range t.Rows {
			measure(0, r.Label, false)
			for i, c := range r.Cells {
				measure(i+1, c.Text, false)
			}
		}
		if t.Total != nil {
			measure(0, t.Total.Label, true)
			for i, c := range t.Total.Cells {
				measure(i+1, c.Text, true)
			}
		}
		labelWidth = widths[0]
		widths[0] = min(widths[0], avail*0.45)
		if sumWidths(widths) <= avail || size <= pdfMinSize {
			break
		}
	}
	extra := avail - sumWidths(widths)
	if extra < 0 {
		// Still too wide at the smallest type: every column gives way.
		scale := avail / sumWidths(widths)
		for i := range widths {
			widths[i] *= scale
		}
		return widths, size
	}
	// The space left first unwraps the labels, then widens the figure
	// columns up to pdfFigureWidth, so headings wrap less.
	grow := min(extra, labelWidth-widths[0])
	widths[0] += grow
	extra -= grow
	for i := 1; i < n && extra > 0; i++ {
		if n > 1 {
			add := min(extra/float64(n-i), max(pdfFigureWidth-widths[i], 0))
			widths[i] += add
			extra -= add
		}
	}
	return widths, size
}

// rowTexts are a row's label and cell texts.
func rowTexts(r figureRowView) []string {
	texts := []string{r.Label}
	for _, c := range r.Cells {
		texts = append(texts, c.Text)
	}
	return texts
}

func sumWidths(xs []float64) float64 {
	var total float64
	for _, x := range xs {
		total += x
	}
	return total
}
