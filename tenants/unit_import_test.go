package tenants_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// rowProblems summarises a preview as "line: field=key …" per row.
func rowProblems(p tenants.UnitImportPreview) []string {
	var out []string
	for _, r := range p.Rows {
		s := fmt.Sprint(r.Line, ":")
		for _, f := range r.Problems {
			s += " " + f.Field + "=" + f.Key
		}
		out = append(out, s)
	}
	return out
}

func TestParseUnitCSV(t *testing.T) {
	t.Parallel()

	t.Run("Swedish header, semicolons, byte order mark, bad rows", func(t *testing.T) {
		file := "\uFEFFNamn;HSA-id;Typ;Kommun;Aktiv;Telefon\r\n" +
			"Infektionsmottagningen Malmö;SE2321000255-INF1;Infektionsmottagning;Malmö;Ja;040-33 10 00\r\n" +
			"\"Psykiatri Lund; öppenvård\";SE2321000255-PSY1;psychiatric_outpatient;Lund;nej;\r\n" +
			";SE2321000255-X;Annan;;;\r\n" + // no name
			"Vårdcentral Ystad;SE2321000255-INF1;Primärvård;Ystad;;\r\n" + // duplicate HSA-id
			"Felaktig;SE2321000254-1;Klinik;Lund;kanske;\r\n" +
			";;;;;\r\n" + // blank: skipped
			"Kort rad;SE2321000255-K1\r\n" +
			"Utan typ;;;Lund;ja;\r\n"
		p, err := tenants.ParseUnitCSV(strings.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		if p.Separator != ';' || p.Converted {
			t.Fatalf("separator %q converted %v", p.Separator, p.Converted)
		}
		want := []string{
			"2:",
			"3:",
			"4: name=validation.required",
			"5: hsa_id=validation.import_duplicate",
			"6: hsa_id=validation.hsa_id kind=validation.choice active=validation.yes_no",
			"8: row=validation.import_columns kind=validation.required",
			"9: kind=validation.required",
		}
		if got := rowProblems(p); !reflect.DeepEqual(got, want) {
			t.Fatalf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		first := p.Rows[0].Unit
		if first.Name != "Infektionsmottagningen Malmö" || first.HSAID != "SE2321000255-INF1" || first.Kind != tenants.UnitInfectionClinic ||
			first.Municipality != "Malmö" || !first.Active {
			t.Fatalf("first row %+v", first)
		}
		second := p.Rows[1].Unit
		if second.Name != "Psykiatri Lund; öppenvård" || second.Kind != tenants.UnitPsychiatricOutpatient || second.Active {
			t.Fatalf("second row %+v", second)
		}
		if args := p.Rows[3].Problems[0].Args; args["FirstLine"] != 2 {
			t.Fatalf("duplicate names line %v, want 2", args)
		}
		if args := p.Rows[5].Problems[0].Args; args["Want"] != 6 || args["Got"] != 2 {
			t.Fatalf("short row args %v", args)
		}
		if p.OK() || len(p.BadRows()) != 5 {
			t.Fatalf("OK() = %v with %d bad rows, want false with 5", p.OK(), len(p.BadRows()))
		}
	})

	t.Run("English header, commas, quoted line break", func(t *testing.T) {
		file := "name,hsa_id,kind,municipality,active\n" +
			"\"Habilitering\nUmeå\",SE2321000222-HAB1,habilitation,Umeå,true\n" +
			"Primary care Skellefteå,,Primary care,Skellefteå,0\n"
		p, err := tenants.ParseUnitCSV(strings.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		if p.Separator != ',' || len(p.Rows) != 2 {
			t.Fatalf("preview %+v", p)
		}
		// The name keeps its line break, which the unit form refuses; the
		// next row's line number counts it.
		if got := rowProblems(p); !reflect.DeepEqual(got, []string{"2: name=validation.single_line", "4:"}) {
			t.Fatalf("rows %v", got)
		}
		if u := p.Rows[1].Unit; u.Kind != tenants.UnitPrimaryCare || u.Active || u.HSAID != "" || u.Name != "Primary care Skellefteå" {
			t.Fatalf("second row %+v", u)
		}
	})

	t.Run("Windows-1252 from Excel", func(t *testing.T) {
		utf := "Namn;Typ;Kommun\nPsykiatrisk slutenvård Växjö;Psykiatrisk slutenvård;Växjö\n"
		latin, err := charmap.Windows1252.NewEncoder().String(utf)
		if err != nil {
			t.Fatal(err)
		}
		p, err := tenants.ParseUnitCSV(strings.NewReader(latin))
		if err != nil {
			t.Fatal(err)
		}
		if !p.Converted || !p.OK() || p.Rows[0].Unit.Name != "Psykiatrisk slutenvård Växjö" || p.Rows[0].Unit.Kind != tenants.UnitPsychiatricInpatient {
			t.Fatalf("preview %+v", p)
		}
	})

	fileErrors := []struct {
		name, file string
		want       []string
	}{
		{"empty", "", []string{"file=validation.import_empty"}},
		{"header only", "Namn;Typ\r\n", []string{"file=validation.import_empty"}},
		{"required columns missing", "HSA-id;Kommun\nSE2321000016-1;Solna\n", []string{"file=validation.import_missing_column", "file=validation.import_missing_column"}},
		{"column twice", "Namn;Typ;name\na;b;c\n", []string{"file=validation.import_column_twice"}},
		{"stray quote", "Namn;Typ\n\"Öppen\"vård;Annan\n", []string{"file=validation.import_malformed"}},
		{"binary", "Namn;Typ\nA\x00B;Annan\n", []string{"file=validation.import_encoding"}},
	}
	for _, tc := range fileErrors {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tenants.ParseUnitCSV(strings.NewReader(tc.file))
			wantFieldKeys(t, err, tc.want...)
		})
	}

	t.Run("too many rows", func(t *testing.T) {
		var b bytes.Buffer
		b.WriteString("Namn;Typ\n")
		for i := range tenants.MaxUnitImportRows + 1 {
			fmt.Fprintf(&b, "Enhet %d;Annan\n", i)
		}
		_, err := tenants.ParseUnitCSV(&b)
		wantFieldKeys(t, err, "file=validation.import_too_many_rows")
	})

	t.Run("too large", func(t *testing.T) {
		big := "Namn;Typ\n" + strings.Repeat("x", tenants.MaxUnitImportBytes)
		_, err := tenants.ParseUnitCSV(strings.NewReader(big))
		wantFieldKeys(t, err, "file=validation.file_too_large")
	})
}

func unitCount(t *testing.T, store *tenants.UnitStore, tenantID int64) int {
	t.Helper()
	list, err := store.Units(context.Background(), tenantID)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// TestUnitImport: the preview marks HSA-ids the region already has; an
// import with any bad row writes nothing; a good one writes every row in one
// go and reports progress — on both databases.
func TestUnitImport(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		a, b := tenanttest.Tenant(t, db), tenanttest.Tenant(t, db)
		store := tenants.NewUnitStore(db)
		mustUnit(t, store, a.ID, tenants.Unit{Name: "Finns redan", HSAID: "SE2321000255-OLD1"})
		mustUnit(t, store, b.ID, tenants.Unit{Name: "Annan region", HSAID: "SE2321000255-NEW1"})

		file := "Namn;HSA-id;Typ;Kommun\n" +
			"Ny enhet;SE2321000255-NEW1;Annan;Lund\n" +
			"Gammal enhet;SE2321000255-OLD1;Annan;Lund\n"
		p, err := store.PreviewImport(ctx, a.ID, strings.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		// The HSA-id region b has is free in region a.
		if got := rowProblems(p); !reflect.DeepEqual(got, []string{"2:", "3: hsa_id=validation.hsa_id_taken"}) {
			t.Fatalf("preview %v", got)
		}

		// Refused: the bad row stops the good one too.
		_, err = store.Import(ctx, a.ID, p.Rows, nil)
		wantFieldKeys(t, err, "file=validation.import_bad_rows", "hsa_id=validation.hsa_id_taken")
		var v *tenants.ValidationError
		errors.As(err, &v)
		if v.Fields[0].Args["Count"] != 1 || v.Fields[1].Args["Line"] != 3 {
			t.Fatalf("refusal args %+v", v.Fields)
		}
		if n := unitCount(t, store, a.ID); n != 1 {
			t.Fatalf("a refused import left %d units, want the 1 from before", n)
		}

		// Import checks again rather than trusting the rows: a row whose
		// problems were dropped, and duplicates among the rows.
		sneaky := []tenants.UnitImportRow{
			{Line: 2, Unit: tenants.Unit{Name: "Ny enhet", HSAID: "SE2321000255-NEW1", Kind: tenants.UnitOther}},
			{Line: 3, Unit: tenants.Unit{Name: "Gammal enhet", HSAID: "SE2321000255-OLD1", Kind: tenants.UnitOther}},
			{Line: 4, Unit: tenants.Unit{Name: "Kopia", HSAID: "SE2321000255-NEW1", Kind: tenants.UnitOther}},
			{Line: 5, Unit: tenants.Unit{Name: "", Kind: "clinic"}},
		}
		_, err = store.Import(ctx, a.ID, sneaky, nil)
		wantFieldKeys(t, err, "file=validation.import_bad_rows", "hsa_id=validation.hsa_id_taken",
			"hsa_id=validation.import_duplicate", "name=validation.required", "kind=validation.choice")
		if n := unitCount(t, store, a.ID); n != 1 {
			t.Fatalf("a refused import left %d units", n)
		}
		if _, err := store.Import(ctx, a.ID, nil, nil); err == nil {
			t.Fatal("an empty import succeeded")
		}

		// Rows the preview faulted are not faulted twice by the import's
		// own check: one problem per field.
		faulty, err := store.PreviewImport(ctx, a.ID, strings.NewReader("Namn;HSA-id;Typ\nX;SE12-3;\n"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = store.Import(ctx, a.ID, faulty.Rows, nil)
		if !errors.As(err, &v) {
			t.Fatalf("faulty rows: %v", err)
		}
		perField := map[string]int{}
		for _, f := range v.Fields {
			perField[f.Field]++
		}
		if perField["hsa_id"] != 1 || perField["kind"] != 1 {
			t.Errorf("problems per field %v, want one each for hsa_id and kind", perField)
		}

		// A large good file: every row written, progress in order.
		var big strings.Builder
		big.WriteString("name,hsa_id,kind,municipality,active\n")
		const total = 600
		for i := range total {
			fmt.Fprintf(&big, "Enhet %03d,SE2321000255-B%d,other,Lund,yes\n", i, i)
		}
		p, err = store.PreviewImport(ctx, a.ID, strings.NewReader(big.String()))
		if err != nil || !p.OK() || len(p.Rows) != total {
			t.Fatalf("preview of the large file: %d rows, ok %v, %v", len(p.Rows), p.OK(), err)
		}
		var calls [][2]int
		units, err := store.Import(ctx, a.ID, p.Rows, func(done, total int) { calls = append(calls, [2]int{done, total}) })
		if err != nil {
			t.Fatal(err)
		}
		if len(units) != total || units[0].ID == 0 || units[0].TenantID != a.ID || units[total-1].Name != "Enhet 599" {
			t.Fatalf("imported %d units, first %+v", len(units), units[0])
		}
		if len(calls) < 2 || calls[len(calls)-1] != [2]int{total, total} {
			t.Fatalf("progress calls %v, want several ending at %d/%d", calls, total, total)
		}
		for i := 1; i < len(calls); i++ {
			if calls[i][0] <= calls[i-1][0] {
				t.Fatalf("progress went backwards: %v", calls)
			}
		}
		if n := unitCount(t, store, a.ID); n != total+1 {
			t.Fatalf("region has %d units, want %d", n, total+1)
		}
		got, err := store.Unit(ctx, a.ID, units[10].ID)
		if err != nil || got.HSAID != "SE2321000255-B10" || got.Municipality != "Lund" || !got.Active {
			t.Fatalf("imported unit read back as %+v (%v)", got, err)
		}
		if n := unitCount(t, store, b.ID); n != 1 {
			t.Fatalf("region b has %d units, want its 1", n)
		}
	})
}

// BenchmarkUnitImport previews and imports a 10 000-row HSA export, the
// largest file the import takes, on each database.
func BenchmarkUnitImport(b *testing.B) {
	var csv strings.Builder
	csv.WriteString("Namn;HSA-id;Typ;Kommun;Aktiv\n")
	for i := range tenants.MaxUnitImportRows {
		fmt.Fprintf(&csv, "Mottagning %d;SE2321000255-B%d;Primärvård;Lund;ja\n", i, i)
	}
	for _, d := range []tenants.Dialect{tenants.SQLite, tenants.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			db := tenanttest.Open(b, d)
			units := tenants.NewUnitStore(db)
			ctx := context.Background()
			for b.Loop() {
				region := tenanttest.Tenant(b, db)
				preview, err := units.PreviewImport(ctx, region.ID, strings.NewReader(csv.String()))
				if err != nil {
					b.Fatal(err)
				}
				created, err := units.Import(ctx, region.ID, preview.Rows, nil)
				if err != nil || len(created) != tenants.MaxUnitImportRows {
					b.Fatalf("imported %d units: %v", len(created), err)
				}
			}
		})
	}
}
