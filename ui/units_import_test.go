package ui

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// badUnitsCSV has one good row and one row for each kind of problem.
const badUnitsCSV = "Namn;HSA-id;Typ;Kommun;Aktiv\n" +
	"Infektion Lund;SE2321000016-IL1;Infektionsmottagning;Lund;ja\n" + // 2: good
	"Fel id;SE123;Primärvård;Lund;ja\n" + // 3
	"Dubblett;SE2321000016-IL1;Primärvård;Lund;ja\n" + // 4
	"Tagen;SE2321000016-INF1;Primärvård;Lund;ja\n" + // 5: setupSignIn's unit has it
	"Utan typ;;;Lund;ja\n" + // 6
	"Kanske;;Annan;Lund;kanske\n" + // 7
	"Kort;;Annan\n" // 8

// badUnitsProblems are the Swedish problems of badUnitsCSV, by line.
var badUnitsProblems = map[int]string{
	3: "HSA-id: Ange ett giltigt HSA-id, till exempel SE2321000016-1234.",
	4: "HSA-id: Samma HSA-id finns redan på rad 2 i filen.",
	5: "HSA-id: Regionen har redan en enhet med det här HSA-id:t.",
	6: "Typ: Måste fyllas i.",
	7: "Aktiv: Ange ja eller nej.",
	8: "Antal fält: Raden har 3 fält men rubrikraden har 5.",
}

// manyUnitsCSV is a good file of n units, in the kind names a Swedish
// spreadsheet would use.
func manyUnitsCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("Namn;HSA-id;Typ;Kommun;Aktiv\n")
	for i := range n {
		fmt.Fprintf(&b, "Vårdcentralen %d;SE2321000016-VC%d;Vårdcentral;Malmö;ja\n", i, i)
	}
	return b.Bytes()
}

// upload posts a file as the import form does (multipart, with the CSRF
// token); an empty name sends no file.
func (sb *signInBundle) upload(t *testing.T, target, name string, content []byte, session *http.Cookie) *http.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("_csrf", sb.policy.CSRF.Token(tenants.HashToken(session.Value))); err != nil {
		t.Fatal(err)
	}
	if name != "" {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(content)
	}
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, target, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(session)
	resp, err := sb.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

var hiddenField = regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)" />`)

// confirmForm reads the confirm form's hidden fields from a preview page.
func confirmForm(t *testing.T, body string) url.Values {
	t.Helper()
	form := url.Values{}
	for _, m := range hiddenField.FindAllStringSubmatch(body, -1) {
		if m[1] != "_csrf" {
			form.Set(m[1], html.UnescapeString(m[2]))
		}
	}
	if form.Get("signature") == "" || form.Get("content") == "" {
		t.Fatalf("the preview has no confirm form:\n%s", body)
	}
	return form
}

// TestUnitImportRefusesBadRows: a file with bad rows is shown row by row
// with each problem and its line, there is nothing to confirm, and nothing
// is written; a file that cannot be read at all is refused as a whole.
func TestUnitImportRefusesBadRows(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		admin := sb.adminSession(t)
		path := "/r/" + sb.region.Slug + "/admin/units/import"
		before := unitCount(t, sb)

		show := sb.send(t, http.MethodGet, path, admin)
		contains(t, "the upload page", readAll(t, show), `enctype="multipart/form-data"`, "högst 5 MB", "<q>Infektionsmottagning</q>")

		resp := sb.upload(t, path, "enheter.csv", []byte(badUnitsCSV), admin)
		body := readAll(t, resp)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad rows: %d\n%s", resp.StatusCode, body)
		}
		checkWellFormed(t, body)
		contains(t, "the preview", body, "Rader som behöver rättas: 6", "Inget har sparats.", `id="line-2"`, "Infektion Lund")
		for line, problem := range badUnitsProblems {
			contains(t, "the preview", body, `<a href="#line-`+itoa(int64(line))+`">Rad `+itoa(int64(line))+`</a>`, html.EscapeString(problem))
		}
		if strings.Contains(body, `name="signature"`) {
			t.Error("a preview with bad rows offers to confirm")
		}

		for _, tc := range []struct {
			name    string
			file    string
			content []byte
			want    string
		}{
			{"no file", "", nil, "Fil: Måste fyllas i."},
			{"empty file", "tom.csv", []byte(" \n"), "Fil: Filen är tom."},
			{"no kind column", "x.csv", []byte("Namn;Kommun\nA;Lund\n"), "Fil: Kolumnen Typ (kind) saknas i rubrikraden."},
			{"too large", "stor.csv", bytes.Repeat([]byte("a"), tenants.MaxUnitImportBytes+1), "Fil: Filen är för stor. Den får vara högst 5 MB."},
		} {
			resp := sb.upload(t, path, tc.file, tc.content, admin)
			body := readAll(t, resp)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%s: %d", tc.name, resp.StatusCode)
			}
			contains(t, tc.name, html.UnescapeString(body), tc.want)
		}
		if got := unitCount(t, sb); got != before {
			t.Fatalf("refused files changed the units: %d → %d", before, got)
		}
	})
}

// TestUnitImportPreviewConfirmProgress: a good file is previewed (nothing
// written), then confirmed; the confirm page streams progress per batch
// and the outcome, and every unit is written. The same preview cannot be
// confirmed twice, by another session, or altered.
func TestUnitImportPreviewConfirmProgress(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		admin := sb.adminSession(t)
		path := "/r/" + sb.region.Slug + "/admin/units/import"
		before := unitCount(t, sb)

		preview := sb.upload(t, path, "vårdcentraler.csv", manyUnitsCSV(600), admin)
		body := readAll(t, preview)
		if preview.StatusCode != http.StatusOK {
			t.Fatalf("preview: %d\n%s", preview.StatusCode, body)
		}
		checkWellFormed(t, body)
		contains(t, "the preview", body, "Alla rader kan importeras. Antal enheter: 600.", `id="line-601"`, "Vårdcentralen 599", "Primärvård")
		if got := unitCount(t, sb); got != before {
			t.Fatalf("the preview wrote units: %d → %d", before, got)
		}
		form := confirmForm(t, body)
		if form.Get("file_name") != "vårdcentraler.csv" {
			t.Errorf("file name %q", form.Get("file_name"))
		}

		for name, change := range map[string]func(url.Values){
			"altered content":   func(f url.Values) { f.Set("content", strings.Replace(f.Get("content"), "A", "B", 1)) },
			"extended expiry":   func(f url.Values) { f.Set("expires", f.Get("expires")+"0") },
			"renamed":           func(f url.Values) { f.Set("file_name", "annan.csv") },
			"without signature": func(f url.Values) { f.Del("signature") },
		} {
			altered := url.Values{}
			for k, v := range form {
				altered[k] = slices.Clone(v)
			}
			change(altered)
			resp := sb.post(t, path+"/confirm", altered, admin)
			if body := readAll(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Förhandsgranskningen har gått ut eller hör till en annan inloggning.") {
				t.Errorf("%s: %d", name, resp.StatusCode)
			}
		}
		other := sb.adminSession(t)
		if resp := sb.post(t, path+"/confirm", form, other); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("another session confirmed the preview: %d", resp.StatusCode)
		}
		if got := unitCount(t, sb); got != before {
			t.Fatalf("refused confirmations wrote units: %d → %d", before, got)
		}

		run := sb.post(t, path+"/confirm", form, admin)
		body = readAll(t, run)
		if run.StatusCode != http.StatusOK || !slices.Contains(run.TransferEncoding, "chunked") {
			t.Fatalf("confirm: %d %v\n%s", run.StatusCode, run.TransferEncoding, body)
		}
		checkWellFormed(t, body)
		// The store writes 250 units a batch; each batch is reported.
		contains(t, "the import page", body, "250 av 600 enheter behandlade", "500 av 600 enheter behandlade", "600 av 600 enheter behandlade",
			"Klart. Antal importerade enheter: 600.")
		if got := unitCount(t, sb); got != before+600 {
			t.Fatalf("after the import: %d units, want %d", got, before+600)
		}
		entries, err := sb.policy.Audit.Search(context.Background(), sb.region.ID, tenants.AuditFilter{Action: "unit.import"})
		if err != nil || len(entries) != 1 || strings.Count(entries[0].ObjectID, ",") != 599 || *entries[0].UserID != sb.users[tenants.RoleRegionAdmin].ID {
			t.Fatalf("the import is not in the audit log as one entry naming its 600 units: %v", err)
		}

		again := sb.post(t, path+"/confirm", form, admin)
		body = readAll(t, again)
		if again.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Regionen har redan en enhet med det här HSA-id:t.") {
			t.Fatalf("confirming twice: %d", again.StatusCode)
		}
		if got := unitCount(t, sb); got != before+600 {
			t.Fatalf("confirming twice wrote units: %d", got)
		}
	})
}

// TestUnitImportWindows1252: a file as Excel saves it on Swedish Windows is
// read, and the preview says it was converted.
func TestUnitImportWindows1252(t *testing.T) {
	t.Parallel()
	sb := setupSignIn(t, nil)
	admin := sb.adminSession(t)
	content, err := charmap.Windows1252.NewEncoder().Bytes([]byte("Namn;Typ;Kommun\nVårdcentralen Höör;Primärvård;Höör\n"))
	if err != nil {
		t.Fatal(err)
	}
	resp := sb.upload(t, "/r/"+sb.region.Slug+"/admin/units/import", "excel.csv", content, admin)
	body := readAll(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("preview: %d\n%s", resp.StatusCode, body)
	}
	contains(t, "the preview", body, "Vårdcentralen Höör", "lästes som Windows-1252")
}

// TestUnitKindLabelsImport: every kind's name, as the upload page lists it
// in either language, is a kind a file may use.
func TestUnitKindLabelsImport(t *testing.T) {
	t.Parallel()
	tr, err := NewTranslator()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("Namn;Typ\n")
	var want []tenants.UnitKind
	for _, lang := range []string{langSwedish, langEnglish} {
		for _, k := range tenants.UnitKinds {
			fmt.Fprintf(&b, "%s;%s\n", k, tr.Translate(lang, "unit_kind."+string(k), nil))
			want = append(want, k)
		}
	}
	p, err := tenants.ParseUnitCSV(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range p.Rows {
		if !r.OK() || r.Unit.Kind != want[i] {
			t.Errorf("line %d (%s): %+v", r.Line, r.Unit.Name, r.Problems)
		}
	}
}
