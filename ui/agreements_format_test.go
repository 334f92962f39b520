package ui

import (
	"errors"
	"testing"

	"github.com/kamrat/kamrat/tenants"
)

func TestAgreementNumbers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		got, want string
	}{
		{formatSEK("sv", 1_250_000), "1\u202f250\u202f000\u00a0kr"},
		{formatSEK("en", 1_250_000), "SEK 1,250,000"},
		{formatSEK("sv", 0), "0\u00a0kr"},
		{formatSEK("sv", -1500), "\u22121\u202f500\u00a0kr"}, // a true minus sign
		{formatDecimal("sv", 2.5), "2,5"},
		{formatDecimal("en", 2.5), "2.5"},
		{formatDecimal("sv", 3), "3"},
		{formatDecimal("sv", 1234.25), "1\u202f234,25"},
		{formatPercent("sv", 50), "50\u00a0%"},
		{formatPercent("en", 50), "50%"},
		{formatBytes("sv", 512), "512\u00a0B"},
		{formatBytes("sv", 1536), "1,5\u00a0kB"},
		{formatBytes("en", 3<<20), "3.0\u00a0MB"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestRowFieldLabels: a problem in a list row names the list, the row
// counted from 1, and the column.
func TestRowFieldLabels(t *testing.T) {
	t.Parallel()
	tr, err := NewTranslator()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang  string
		field tenants.FieldError
		want  string
	}{
		{"sv", tenants.FieldError{Field: "funding.2.amount_sek", Key: "validation.amount_negative"}, "Finansiering rad 3, belopp: Beloppet får inte vara negativt."},
		{"en", tenants.FieldError{Field: "funding.2.amount_sek", Key: "validation.amount_negative"}, "Funding row 3, amount: The amount cannot be negative."},
		{"sv", tenants.FieldError{Field: "commitments.0.target", Key: "validation.range", Args: map[string]any{"Min": 0, "Max": 100}}, "Åtagande 1, målvärde: Måste vara mellan 0 och 100."},
		{"sv", tenants.FieldError{Field: "positions.1.unit", Key: "validation.position_unit"}, "Tjänster rad 2, enhet: Välj en av de enheter som avtalet omfattar."},
		{"sv", tenants.FieldError{Field: "nolist.1.x", Key: "validation.required"}, "nolist.1.x: Måste fyllas i."},
	} {
		if got := tr.FieldMessage(tc.lang, tc.field); got != tc.want {
			t.Errorf("FieldMessage(%s, %s) = %q, want %q", tc.lang, tc.field.Field, got, tc.want)
		}
	}
}

// TestAgreementProblemsInFormOrder: reading problems and the domain's own
// are reported together, one per field, in the order the form shows them.
func TestAgreementProblemsInFormOrder(t *testing.T) {
	t.Parallel()
	a := tenants.Agreement{
		Title: "x", Committee: "x", Purpose: "x", ReportingCadence: tenants.ReportQuarterly, Parties: []int64{1},
		Funding:   []tenants.AgreementFunding{{Year: 2026, AmountSEK: -1}, {Year: 2027, AmountSEK: 5}},
		Positions: []tenants.BudgetedPosition{{Count: 0, FTEPercent: 50}},
	}
	reading := []tenants.FieldError{{Field: "positions.0.count", Key: "validation.whole_number"}, {Field: "starts_on", Key: "validation.date"}}
	err := agreementProblems(a, reading)
	var ve *tenants.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v, want a validation error", err)
	}
	var got []string
	for _, f := range ve.Fields {
		got = append(got, f.Field+" "+f.Key)
	}
	want := []string{
		"starts_on validation.date", "ends_on validation.required", "funding.0.amount_sek validation.amount_negative",
		"positions.0.count validation.whole_number",
	}
	if len(got) != len(want) {
		t.Fatalf("problems %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("problems %q, want %q", got, want)
		}
	}
	if agreementProblems(a, nil) != nil {
		t.Error("without reading problems the store is left to validate")
	}
}
