package ui

import (
	"cmp"
	"errors"
	"slices"
	"strconv"

	"github.com/kamrat/kamrat/tenants"
)

// agreementProblems reports the problems found while reading an agreement
// (a date that is no date, a number that is no number) together with
// those Validate finds, so that a person sees everything to correct at
// once; a field keeps its reading problem. It returns nil when reading
// went well: the store validates then, with the region's parties and
// units too.
func agreementProblems(a tenants.Agreement, reading []tenants.FieldError) error {
	if len(reading) == 0 {
		return nil
	}
	v := &tenants.ValidationError{Fields: slices.Clone(reading)}
	var ve *tenants.ValidationError
	if errors.As(a.Validate(), &ve) {
		for _, f := range ve.Fields {
			if !slices.ContainsFunc(v.Fields, func(g tenants.FieldError) bool { return g.Field == f.Field }) {
				v.Fields = append(v.Fields, f)
			}
		}
	}
	return inFormOrder(v)
}

// agreementFieldOrder is the order of an agreement's fields on its form;
// the problems of a refused agreement are listed in it.
var agreementFieldOrder = []string{
	"title", "reference", "committee", "purpose", "goals", "starts_on", "ends_on", "notice_months",
	"reporting_cadence", "target_groups", "parties", "units", "funding", "commitments", "positions", "status", "file",
}

// agreementColumns are the fields of each list's rows, in form order.
var agreementColumns = map[string][]string{
	"funding":     {"party", "year", "amount_sek"},
	"commitments": {"indicator", "comparison", "target", "description"},
	"positions":   {"count", "fte_percent", "unit"},
}

// inFormOrder sorts a validation error's problems in the order of the
// agreement form (the store finds some, such as a party outside the
// region, after the others). Other errors pass unchanged.
func inFormOrder(err error) error {
	var ve *tenants.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	rank := func(field string) [3]int {
		list, row, col := field, -1, -1
		if m := rowField.FindStringSubmatch(field); m != nil {
			list = m[1]
			row, _ = strconv.Atoi(m[2])
			col = slices.Index(agreementColumns[list], m[3])
		}
		at := slices.Index(agreementFieldOrder, list)
		if at < 0 {
			at = len(agreementFieldOrder)
		}
		return [3]int{at, row, col}
	}
	slices.SortStableFunc(ve.Fields, func(a, b tenants.FieldError) int {
		ra, rb := rank(a.Field), rank(b.Field)
		return cmp.Or(cmp.Compare(ra[0], rb[0]), cmp.Compare(ra[1], rb[1]), cmp.Compare(ra[2], rb[2]))
	})
	return err
}
