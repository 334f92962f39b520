package ui

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// exportGet fetches path as c's browser session in lang.
func (sb *signInBundle) exportGet(t *testing.T, c caller, path, lang string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.AddCookie(c.cookie)
	req.AddCookie(&http.Cookie{Name: cookieLanguage, Value: lang})
	resp, err := sb.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// exportOfferFixture enters a quarter's offer tallies for three clinics: a
// large one (thousands), a middling one and a small one whose counts are
// below k=5, so the report has figures written with a thousands separator
// and figures withheld.
func exportOfferFixture(t *testing.T, sb *signInBundle, quarter tenants.Date) {
	t.Helper()
	ctx := context.Background()
	units := tenants.NewUnitStore(sb.db)
	list, err := units.Units(ctx, sb.region.ID)
	if err != nil || len(list) == 0 {
		t.Fatalf("units: %v", err)
	}
	middling, err := units.Create(ctx, sb.region.ID, tenants.Unit{Name: "Hälsoväxten Åre", HSAID: "SE2321000016-INF2", Kind: tenants.UnitInfectionClinic, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	small, err := units.Create(ctx, sb.region.ID, tenants.Unit{Name: "Mottagningen Öst", HSAID: "SE2321000016-INF3", Kind: tenants.UnitInfectionClinic, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	tallies := []struct {
		unit   int64
		nd     int
		counts tenants.OfferCounts
	}{
		{list[0].ID, 1500, tenants.OfferCounts{Met: 1400, Informed: 1250, Offered: 1100, Accepted: 600, Declined: 300, Undecided: 200}},
		{middling.ID, 40, tenants.OfferCounts{Met: 38, Informed: 30, Offered: 25, Accepted: 12, Declined: 8, Undecided: 5}},
		{small.ID, 3, tenants.OfferCounts{Met: 3, Informed: 2, Offered: 2, Accepted: 1, Declined: 1}},
	}
	if err := sb.db.InTenant(ctx, sb.region.ID, func(tx *tenants.Tx) error {
		for _, tl := range tallies {
			nd := tl.nd
			if _, err := tx.NewInsert().Model(&tenants.OfferTally{TenantID: sb.region.ID, UnitID: tl.unit, Month: quarter, NewDiagnoses: &nd, OfferCounts: tl.counts}).Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// pageTitle is a page's h1.
func pageTitle(page string) string {
	m := regexp.MustCompile(`(?s)<h1>(.*?)</h1>`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(html.UnescapeString(m[1]))
}

// pageExportLinks are the download links of a report page.
func pageExportLinks(page string) []string {
	block := regexp.MustCompile(`(?s)<ul class="exports"[^>]*>.*?</ul>`).FindString(page)
	var out []string
	for _, m := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(block, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

// TestReportExports: a report with large and small counts is read from its
// page (every table[data-figures] cell) and downloaded through the page's
// links as CSV, XLSX and PDF, in Swedish and in English; each file is opened
// with a real reader and must carry every figure of the page — numbers as
// the same numbers, "<5" as "<5" — and seeded figures are checked by value
// so that a blind comparison would not pass. A viewer cannot export the
// draft (404) until the quarter is approved; an unknown format is 404.
func TestReportExports(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		callers := callersFor(t, sb)
		admin, viewer := reportCaller(t, callers, tenants.RoleRegionAdmin), reportCaller(t, callers, tenants.RoleViewer)
		quarter := tenants.LastEndedQuarter(time.Now())
		exportOfferFixture(t, sb, quarter)
		id := buildReports(t, sb, quarter)
		show := "/r/" + sb.region.Slug + "/admin/reports/" + itoa(id)

		types := map[string]string{"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}
		for _, lang := range []string{langSwedish, langEnglish} {
			resp, body := sb.exportGet(t, admin, show, lang)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s report page: %d", lang, resp.StatusCode)
			}
			page := string(body)
			legend, grids := pageFigures(t, page)
			title := pageTitle(page)
			if legend == "" || title == "" || len(grids) < 3 {
				t.Fatalf("%s page: legend %q, title %q, %d figure tables", lang, legend, title, len(grids))
			}

			// The seeded figures are on the page, so the comparisons below
			// cover a thousands figure and a withheld one.
			thousand, total, withheld := "1\u202f500", "1\u202f543", "<5"
			if lang == langEnglish {
				thousand, total = "1,500", "1,543"
			}
			offer := grids[0]
			var large, smallRow, totalRow []string
			for _, r := range offer.Rows {
				switch r[0] {
				case "Infektion":
					large = r
				case "Mottagningen Öst":
					smallRow = r
				}
			}
			totalRow = offer.Rows[len(offer.Rows)-1]
			if len(large) < 2 || large[1] != thousand || len(smallRow) < 2 || smallRow[1] != withheld || totalRow[1] != total {
				t.Fatalf("%s page offer table: large %q, small %q, total %q", lang, large, smallRow, totalRow)
			}

			links := pageExportLinks(page)
			if len(links) != 3 {
				t.Fatalf("%s page export links: %q", lang, links)
			}
			for _, link := range links {
				format := link[strings.LastIndex(link, "/")+1:]
				if link != show+"/export/"+format || types[format] == "" {
					t.Fatalf("export link %q", link)
				}
				resp, body := sb.exportGet(t, admin, link, lang)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s %s export: %d %s", lang, format, resp.StatusCode, body)
				}
				if got := resp.Header.Get("Content-Type"); got != types[format] {
					t.Errorf("%s %s Content-Type %q", lang, format, got)
				}
				disposition := resp.Header.Get("Content-Disposition")
				name := map[string]string{langSwedish: "rapport", langEnglish: "report"}[lang] + "-" + sb.region.Slug + "-" + quarter.String() + "-region." + format
				if !strings.HasPrefix(disposition, `attachment; filename="`+name+`"; filename*=UTF-8''`) {
					t.Errorf("%s %s Content-Disposition %q, want the file %s", lang, format, disposition, name)
				}
				t.Logf("%s %s: %d bytes", lang, format, len(body))
				dumpExport(t, "report-"+lang+"."+format, body)
				if format == "csv" && lang == langSwedish && !strings.Contains(string(body), "Status: Utkast") {
					t.Errorf("the CSV of the draft does not say it is a draft:\n%s", body)
				}

				problems := exportProblems(t, format, body, lang, title, legend, grids)
				if len(problems) > 0 {
					t.Errorf("the %s %s export differs from the page:\n%s", lang, format, strings.Join(problems, "\n"))
				}
				// A page that showed another figure would not match.
				tampered := append([]figureGrid(nil), grids...)
				tampered[0].Rows = append([][]string(nil), offer.Rows...)
				for i, r := range tampered[0].Rows {
					if r[0] == "Infektion" {
						changed := append([]string(nil), r...)
						changed[1] = strings.Replace(changed[1], "500", "501", 1)
						tampered[0].Rows[i] = changed
					}
				}
				if problems := exportProblems(t, format, body, lang, title, legend, tampered); len(problems) == 0 {
					t.Errorf("the %s %s export matches a page with another figure", lang, format)
				}
			}
		}

		// The draft is not the viewer's to export; an unknown format is
		// not found.
		for format := range types {
			if resp, _ := sb.exportGet(t, viewer, show+"/export/"+format, langSwedish); resp.StatusCode != http.StatusNotFound {
				t.Errorf("a viewer exports the draft as %s: %d, want 404", format, resp.StatusCode)
			}
		}
		for _, format := range []string{"docx", "html", ""} {
			if resp, _ := sb.exportGet(t, admin, show+"/export/"+format, langSwedish); resp.StatusCode != http.StatusNotFound {
				t.Errorf("export as %q: %d, want 404", format, resp.StatusCode)
			}
		}
		if resp, _ := sb.exportGet(t, admin, "/r/"+sb.region.Slug+"/admin/reports/999999/export/csv", langSwedish); resp.StatusCode != http.StatusNotFound {
			t.Errorf("export of an unknown report: %d, want 404", resp.StatusCode)
		}

		// Approved, the report is the viewer's to read and to export.
		if resp := sb.postAs(t, admin, show+"/approve"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d", resp.StatusCode)
		}
		for format := range types {
			resp, body := sb.exportGet(t, viewer, show+"/export/"+format, langSwedish)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("a viewer exports the approved report as %s: %d", format, resp.StatusCode)
			}
			if format == "csv" && !strings.Contains(string(body), "Godkänd och låst") {
				t.Errorf("the CSV of the approved report does not say so:\n%s", body)
			}
		}
	})
}

// exportProblems lists where a download in format differs from the page's
// title, legend and figure tables (see csvProblems, xlsxProblems and
// pdfProblems).
func exportProblems(t *testing.T, format string, body []byte, lang, title, legend string, grids []figureGrid) []string {
	t.Helper()
	switch format {
	case "csv":
		return csvProblems(body, lang, title, legend, grids)
	case "xlsx":
		return xlsxProblems(body, lang, title, legend, grids)
	case "pdf":
		return pdfProblems(pdfToText(t, body), lang, title, grids)
	}
	t.Fatalf("no reader for the format %q", format)
	return nil
}
