package tenants

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Limits of a unit import. A region has a few hundred units at most; the
// limits keep a wrong file from tying up the server.
const (
	MaxUnitImportRows  = 10_000
	MaxUnitImportBytes = 5 << 20
)

// UnitImportRow is one data row of an imported file: the unit it describes
// and everything wrong with it.
type UnitImportRow struct {
	// Line is the row's line number in the file (the header is line 1).
	Line int
	Unit Unit
	// Problems use the same field names and catalogue keys as the unit
	// form, plus validation.import_duplicate (Args: FirstLine, the first
	// row with the HSA-id), validation.hsa_id_taken, validation.yes_no and,
	// for a row with the wrong number of cells, field "row" with
	// validation.import_columns (Args: Want, Got).
	Problems []FieldError
}

// OK reports whether the row can be imported.
func (r UnitImportRow) OK() bool { return len(r.Problems) == 0 }

func (r *UnitImportRow) add(field, key string, args map[string]any) {
	r.Problems = append(r.Problems, FieldError{Field: field, Key: key, Args: args})
}

// UnitImportPreview is what an administrator sees before confirming an
// import: every row of the file, good and bad.
type UnitImportPreview struct {
	Rows []UnitImportRow
	// Separator is the field separator found in the header: ';' or ','.
	Separator rune
	// Converted is set when the file was not UTF-8 and was read as
	// Windows-1252, as Excel saves "CSV" on Swedish Windows.
	Converted bool
}

// BadRows returns the rows that cannot be imported.
func (p UnitImportPreview) BadRows() []UnitImportRow {
	var bad []UnitImportRow
	for _, r := range p.Rows {
		if !r.OK() {
			bad = append(bad, r)
		}
	}
	return bad
}

// OK reports whether there is at least one row and every row can be
// imported.
func (p UnitImportPreview) OK() bool { return len(p.Rows) > 0 && len(p.BadRows()) == 0 }

// unitImportColumns maps normalised header names, Swedish and English, to
// the unit's fields.
var unitImportColumns = map[string]string{
	"namn": "name", "name": "name", "enhetsnamn": "name", "enhet": "name", "unit": "name",
	"hsa-id": "hsa_id", "hsa_id": "hsa_id", "hsaid": "hsa_id", "hsa id": "hsa_id", "hsa-identitet": "hsa_id",
	"typ": "kind", "kind": "kind", "enhetstyp": "kind", "type": "kind",
	"kommun": "municipality", "municipality": "municipality", "kommunnamn": "municipality",
	"aktiv": "active", "active": "active",
}

// unitKindNames maps the Swedish and English names of unit kinds, as a
// file may give them, to the kind; lookupUnitKind also takes the stored
// values.
var unitKindNames = map[string]UnitKind{
	"infektionsmottagning": UnitInfectionClinic, "infektionsklinik": UnitInfectionClinic, "infection clinic": UnitInfectionClinic,
	"psykiatrisk öppenvård": UnitPsychiatricOutpatient, "psychiatric outpatient": UnitPsychiatricOutpatient,
	"psykiatrisk slutenvård": UnitPsychiatricInpatient, "psychiatric inpatient": UnitPsychiatricInpatient,
	"kommunal socialpsykiatri": UnitMunicipalSocialPsych, "socialpsykiatri": UnitMunicipalSocialPsych, "municipal social psychiatry": UnitMunicipalSocialPsych,
	"habilitering": UnitHabilitation, "habilitation": UnitHabilitation,
	"primärvård": UnitPrimaryCare, "vårdcentral": UnitPrimaryCare, "primary care": UnitPrimaryCare,
	"annan": UnitOther, "övrig": UnitOther, "övrigt": UnitOther, "other": UnitOther,
}

func lookupUnitKind(s string) (UnitKind, bool) {
	s = strings.ToLower(s)
	if k := UnitKind(s); k.valid() {
		return k, true
	}
	k, ok := unitKindNames[s]
	return k, ok
}

// importBools are the accepted values of the active column; an empty cell
// means active.
var importBools = map[string]bool{
	"": true, "ja": true, "j": true, "yes": true, "y": true, "true": true, "1": true, "x": true, "aktiv": true, "active": true,
	"nej": false, "n": false, "no": false, "false": false, "0": false, "inaktiv": false, "inactive": false,
}

// ParseUnitCSV reads a file of units, as exported from the HSA catalogue or
// written in a spreadsheet, and returns every row with its problems. The
// first line names the columns, in Swedish or English, in any order:
// Namn/name and Typ/kind are required; HSA-id/hsa_id, Kommun/municipality
// and Aktiv/active are optional (an empty or missing active column means
// active); other columns are ignored. Fields are separated by ';' or ',',
// whichever the header uses; the file is UTF-8, with or without a byte
// order mark, or else read as Windows-1252.
//
// It returns a *ValidationError (field "file") when the file as a whole
// cannot be read: too large, too many rows, malformed, no header, a required
// column missing, or no data rows. Duplicate HSA-ids within the file are
// marked on the later rows; UnitStore.PreviewImport also marks HSA-ids the
// region already has.
func ParseUnitCSV(r io.Reader) (UnitImportPreview, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxUnitImportBytes+1))
	if err != nil {
		return UnitImportPreview{}, fmt.Errorf("read unit file: %w", err)
	}
	if len(data) > MaxUnitImportBytes {
		return UnitImportPreview{}, fileProblem("validation.file_too_large", map[string]any{"MaxMiB": MaxUnitImportBytes >> 20})
	}
	var p UnitImportPreview
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		if data, err = charmap.Windows1252.NewDecoder().Bytes(data); err != nil {
			return UnitImportPreview{}, fileProblem("validation.import_encoding", nil)
		}
		p.Converted = true
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return UnitImportPreview{}, fileProblem("validation.import_encoding", nil)
	}

	header, _, _ := bufio.NewReader(bytes.NewReader(data)).ReadLine()
	p.Separator = ';'
	if strings.Count(string(header), ",") > strings.Count(string(header), ";") {
		p.Separator = ','
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = p.Separator
	cr.FieldsPerRecord = -1 // checked per row, with a message per row
	cr.ReuseRecord = true

	columns, err := readImportHeader(cr)
	if err != nil {
		return UnitImportPreview{}, err
	}
	firstLine := map[string]int{} // HSA-id → line of its first row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return UnitImportPreview{}, malformed(err)
		}
		if blankRecord(rec) {
			continue
		}
		if len(p.Rows) == MaxUnitImportRows {
			return UnitImportPreview{}, fileProblem("validation.import_too_many_rows", map[string]any{"Max": MaxUnitImportRows})
		}
		line, _ := cr.FieldPos(0)
		row := parseImportRow(line, rec, columns)
		if h := row.Unit.HSAID; h != "" {
			if first, seen := firstLine[h]; seen {
				row.add("hsa_id", "validation.import_duplicate", map[string]any{"FirstLine": first})
			} else {
				firstLine[h] = line
			}
		}
		p.Rows = append(p.Rows, row)
	}
	if len(p.Rows) == 0 {
		return UnitImportPreview{}, fileProblem("validation.import_empty", nil)
	}
	return p, nil
}

// readImportHeader reads the header and returns the unit field of each
// column ("" for columns that are ignored).
func readImportHeader(cr *csv.Reader) ([]string, error) {
	rec, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fileProblem("validation.import_empty", nil)
	}
	if err != nil {
		return nil, malformed(err)
	}
	columns := make([]string, len(rec))
	seen := map[string]bool{}
	for i, name := range rec {
		field := unitImportColumns[strings.ToLower(strings.TrimSpace(name))]
		if field != "" && seen[field] {
			return nil, fileProblem("validation.import_column_twice", map[string]any{"Column": strings.TrimSpace(name)})
		}
		columns[i], seen[field] = field, true
	}
	var v ValidationError
	for _, req := range []struct{ field, column string }{{"name", "Namn (name)"}, {"kind", "Typ (kind)"}} {
		if !seen[req.field] {
			v.add("file", "validation.import_missing_column", map[string]any{"Column": req.column})
		}
	}
	return columns, v.err()
}

func parseImportRow(line int, rec []string, columns []string) UnitImportRow {
	row := UnitImportRow{Line: line, Unit: Unit{Active: true}}
	if len(rec) != len(columns) {
		row.add("row", "validation.import_columns", map[string]any{"Want": len(columns), "Got": len(rec)})
	}
	var kind, active string
	for i, field := range columns {
		if i >= len(rec) {
			break
		}
		cell := strings.TrimSpace(rec[i])
		switch field {
		case "name":
			row.Unit.Name = cell
		case "hsa_id":
			row.Unit.HSAID = cell
		case "kind":
			kind = cell
		case "municipality":
			row.Unit.Municipality = cell
		case "active":
			active = cell
		}
	}
	if k, ok := lookupUnitKind(kind); ok {
		row.Unit.Kind = k
	} else {
		row.Unit.Kind = UnitKind(kind) // Validate reports it
	}
	if err := row.Unit.Validate(); err != nil {
		var v *ValidationError
		errors.As(err, &v)
		row.Problems = append(row.Problems, v.Fields...)
	}
	if kind == "" {
		// Validate said validation.choice; an empty cell is clearer as required.
		for i, f := range row.Problems {
			if f.Field == "kind" {
				row.Problems[i].Key = "validation.required"
			}
		}
	}
	if b, ok := importBools[strings.ToLower(active)]; ok {
		row.Unit.Active = b
	} else {
		row.add("active", "validation.yes_no", nil)
	}
	return row
}

func blankRecord(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func fileProblem(key string, args map[string]any) error {
	v := &ValidationError{}
	v.add("file", key, args)
	return v
}

func malformed(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fileProblem("validation.import_malformed", map[string]any{"Line": pe.Line})
	}
	return fileProblem("validation.import_malformed", map[string]any{"Line": 0})
}
