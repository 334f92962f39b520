package tenants

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzParseUnitCSV reads arbitrary files as a unit import: a file is
// either refused as a whole (a *ValidationError on field "file") or every
// data row comes back, accepted or with its field problems, and the
// accepted rows are units the form would accept.
func FuzzParseUnitCSV(f *testing.F) {
	for _, s := range []string{
		"Namn;HSA-id;Typ;Kommun;Aktiv\nInfektionsmottagningen Solna;SE2321000016-1234;infektionsmottagning;Solna;ja\n",
		"name,kind\nA,primary care\nB,other\n",
		"\uFEFFnamn;typ;aktiv\nVårdcentralen;vårdcentral;nej\n;;\nPsykiatri;psykiatrisk öppenvård;\n",
		"Namn;HSA-id;Typ\nA;SE2321000016-1;annan\nB;SE2321000016-1;annan\nC;SE2321000017-1;annan\n",
		"Namn;Typ\n\"A;B\";annan\n\"line\nbreak\";annan\n",
		"Namn;Typ\nA;annan;extra\nB\n",
		"Namn;Typ;Aktiv\nA;okänd;kanske\n;annan;\n",
		"Namn;Namn;Typ\nA;B;annan\n",
		"HSA-id\nSE2321000016-1\n",
		"Namn;Typ\n",
		"",
		"Namn;Typ\n\"unterminated;annan\n",
		"Namn;Typ\r\nA;annan\r\n",
		"Namn;Typ\nA\x00;annan\n",
		"Namn;Typ\nV\xe5rdcentral;annan\n", // Windows-1252 "å"
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseUnitCSV(bytes.NewReader(data))
		if err != nil {
			var v *ValidationError
			if !errors.As(err, &v) || len(v.Fields) == 0 {
				t.Fatalf("refused with %v; want a *ValidationError", err)
			}
			for _, fe := range v.Fields {
				if fe.Field != "file" || fe.Key == "" {
					t.Fatalf("file refused with problem %+v; want field \"file\" and a key", fe)
				}
			}
			if len(p.Rows) != 0 {
				t.Fatalf("refused file came with %d rows", len(p.Rows))
			}
			return
		}
		// Every row is at least one line after the header line.
		if n := len(p.Rows); n == 0 || n > MaxUnitImportRows || n > bytes.Count(data, []byte("\n")) {
			t.Fatalf("%d rows from a file of %d lines", n, bytes.Count(data, []byte("\n"))+1)
		}
		if p.Separator != ';' && p.Separator != ',' {
			t.Fatalf("separator %q", p.Separator)
		}
		hsaIDs := map[string]bool{}
		prevLine := 1
		for _, r := range p.Rows {
			if r.Line <= prevLine {
				t.Fatalf("row on line %d after line %d", r.Line, prevLine)
			}
			prevLine = r.Line
			for _, fe := range r.Problems {
				if fe.Field == "" || fe.Key == "" {
					t.Fatalf("line %d: problem without field or key: %+v", r.Line, fe)
				}
			}
			if !r.OK() {
				continue
			}
			u := r.Unit
			if err := u.Validate(); err != nil {
				t.Fatalf("line %d accepted, but the unit form refuses it: %v", r.Line, err)
			}
			if u != r.Unit {
				t.Fatalf("line %d accepted untrimmed: %+v", r.Line, r.Unit)
			}
			if u.HSAID != "" {
				if !ValidHSAID(u.HSAID) {
					t.Fatalf("line %d accepted with HSA-id %q", r.Line, u.HSAID)
				}
				if hsaIDs[u.HSAID] {
					t.Fatalf("line %d accepted with HSA-id %q a second time", r.Line, u.HSAID)
				}
				hsaIDs[u.HSAID] = true
			}
		}
		if p.OK() != (len(p.BadRows()) == 0) {
			t.Fatalf("OK %v with %d bad rows", p.OK(), len(p.BadRows()))
		}
	})
}
