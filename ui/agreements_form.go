package ui

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// agreementFormPage is the form for a new agreement or for changing one.
// It works without JavaScript: the lists (funding, commitments, positions)
// show a few empty rows, and an "add a row" button sends the form back to
// be shown with one more, saving nothing.
type agreementFormPage struct {
	basePage
	RegionName string
	Heading    string
	Action     string
	CancelURL  string
	Form       form
	Cadences   []option
	Groups     checkGroup
	Parties    checkGroup
	Units      checkGroup
	// Rows of the three lists; the counts of rows shown travel back with
	// the form in the hidden fields funding_rows, commitments_rows and
	// positions_rows.
	Funding     []fundingRow
	Commitments []commitmentRow
	Positions   []positionRow
}

func (agreementFormPage) templateName() string { return "agreements_form" }

// checkGroup is a set of checkboxes under one name, in a fieldset whose id
// is the name, for the error summary's link.
type checkGroup struct {
	Name, Legend, Hint, Error string
	Options                   []checkOption
}

type checkOption struct {
	Value, Label string
	Checked      bool
}

type fundingRow struct {
	Legend              string
	Party, Year, Amount fieldView
}

type commitmentRow struct {
	Legend                                     string
	Indicator, Comparison, Target, Description fieldView
}

type positionRow struct {
	Legend                  string
	Count, FTEPercent, Unit fieldView
}

// agreementScalars are the form's single-valued fields.
var agreementScalars = []string{
	"title", "reference", "committee", "purpose", "goals", "starts_on", "ends_on", "notice_months", "reporting_cadence",
}

// agreementLists are the lists with rows, and the rows a new form shows.
var agreementLists = []struct {
	name    string
	newRows int
	max     int
}{
	{"funding", 2, tenants.MaxAgreementFundingRows},
	{"commitments", 2, tenants.MaxAgreementCommitments},
	{"positions", 1, tenants.MaxAgreementPositionRows},
}

// agreementForm is the agreement form as submitted: its values, with the
// rows of each list renumbered from 0 without the empty ones, the checked
// ids, and how many rows of each list were shown.
type agreementForm struct {
	form
	parties, units, groups []string
	rows                   map[string]int // list → rows filled in
	shown                  map[string]int // list → rows shown
}

// readAgreementForm reads the posted agreement form.
func readAgreementForm(c *fiber.Ctx) agreementForm {
	af := agreementForm{form: formFrom(c, agreementScalars...), rows: map[string]int{}, shown: map[string]int{}}
	args := c.Request().PostArgs()
	multi := func(name string) []string {
		var out []string
		for _, v := range args.PeekMulti(name) {
			out = append(out, string(v))
		}
		return out
	}
	af.parties, af.units, af.groups = multi("parties"), multi("units"), multi("target_groups")

	// Rows are read by index, whatever indexes arrive, and empty rows
	// dropped, so that problems found in the list (numbered by its
	// position) name the rows shown.
	posted := map[string]map[int]map[string]string{}
	args.VisitAll(func(k, v []byte) {
		m := rowField.FindStringSubmatch(string(k))
		if m == nil || agreementColumns[m[1]] == nil || !slices.Contains(agreementColumns[m[1]], m[3]) {
			return
		}
		i, err := strconv.Atoi(m[2])
		if err != nil {
			return
		}
		if posted[m[1]] == nil {
			posted[m[1]] = map[int]map[string]string{}
		}
		if posted[m[1]][i] == nil {
			posted[m[1]][i] = map[string]string{}
		}
		posted[m[1]][i][m[3]] = string(v)
	})
	for _, l := range agreementLists {
		indexes := make([]int, 0, len(posted[l.name]))
		for i := range posted[l.name] {
			indexes = append(indexes, i)
		}
		slices.Sort(indexes)
		n := 0
		for _, i := range indexes {
			row := posted[l.name][i]
			if blankRow(l.name, row) {
				continue
			}
			for col, v := range row {
				af.Values[rowName(l.name, n, col)] = v
			}
			n++
		}
		af.rows[l.name] = n
		shown, _ := strconv.Atoi(c.FormValue(l.name + "_rows"))
		af.shown[l.name] = min(max(shown, len(indexes)), l.max+1)
	}
	return af
}

func rowName(list string, i int, col string) string {
	return list + "." + strconv.Itoa(i) + "." + col
}

// blankRow reports a row nobody filled in. Selects that always send a
// value (the funding party, the comparison) do not count.
func blankRow(list string, row map[string]string) bool {
	filled := func(cols ...string) bool {
		for _, c := range cols {
			if strings.TrimSpace(row[c]) != "" {
				return true
			}
		}
		return false
	}
	switch list {
	case "funding":
		return !filled("year", "amount_sek")
	case "commitments":
		return !filled("indicator", "target", "description")
	}
	return !filled("count", "fte_percent", "unit")
}

// agreementFormOf fills the form from a stored agreement, with one empty
// row after each list's rows.
func agreementFormOf(a tenants.Agreement) agreementForm {
	af := agreementForm{form: form{Values: map[string]string{
		"title": a.Title, "reference": a.Reference, "committee": a.Committee, "purpose": a.Purpose, "goals": a.Goals,
		"starts_on": a.StartsOn.String(), "ends_on": a.EndsOn.String(), "notice_months": strconv.Itoa(a.NoticeMonths),
		"reporting_cadence": string(a.ReportingCadence),
	}}, rows: map[string]int{}, shown: map[string]int{}}
	for _, id := range a.Parties {
		af.parties = append(af.parties, itoa(id))
	}
	for _, id := range a.UnitIDs {
		af.units = append(af.units, itoa(id))
	}
	for _, g := range a.TargetGroups {
		af.groups = append(af.groups, string(g))
	}
	for i, f := range a.Funding {
		if f.OrganisationID != nil {
			af.Values[rowName("funding", i, "party")] = itoa(*f.OrganisationID)
		}
		af.Values[rowName("funding", i, "year")] = strconv.Itoa(f.Year)
		af.Values[rowName("funding", i, "amount_sek")] = strconv.FormatInt(f.AmountSEK, 10)
	}
	for i, cm := range a.Commitments {
		af.Values[rowName("commitments", i, "indicator")] = string(cm.Indicator)
		af.Values[rowName("commitments", i, "comparison")] = string(cm.Comparison)
		af.Values[rowName("commitments", i, "target")] = strconv.Itoa(cm.Target)
		af.Values[rowName("commitments", i, "description")] = cm.Description
	}
	for i, p := range a.Positions {
		if p.UnitID != nil {
			af.Values[rowName("positions", i, "unit")] = itoa(*p.UnitID)
		}
		af.Values[rowName("positions", i, "count")] = strconv.Itoa(p.Count)
		af.Values[rowName("positions", i, "fte_percent")] = strconv.Itoa(p.FTEPercent)
	}
	af.rows["funding"], af.rows["commitments"], af.rows["positions"] = len(a.Funding), len(a.Commitments), len(a.Positions)
	for list, n := range af.rows {
		af.shown[list] = n + 1
	}
	return af
}

// agreement reads the form into an agreement, with the problems of values
// that cannot be read (see agreementProblems).
func (af agreementForm) agreement() (tenants.Agreement, []tenants.FieldError) {
	var problems []tenants.FieldError
	problem := func(field, key string) { problems = append(problems, tenants.FieldError{Field: field, Key: key}) }
	v := func(name string) string { return strings.TrimSpace(af.Value(name)) }
	// whole reads a required whole number; amounts may be written with
	// spaces between the thousands ("1 250 000").
	whole := func(name string) int64 {
		s := strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, v(name))
		if s == "" {
			problem(name, "validation.required")
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			problem(name, "validation.whole_number")
			return 0
		}
		return n
	}
	id := func(field, value string) *int64 {
		n, err := formID(value, field)
		if err != nil {
			problem(field, "validation.choice")
		}
		if n == 0 {
			return nil
		}
		return &n
	}

	a := tenants.Agreement{
		Title: af.Value("title"), Reference: af.Value("reference"), Committee: af.Value("committee"),
		Purpose: af.Value("purpose"), Goals: af.Value("goals"), ReportingCadence: tenants.ReportingCadence(v("reporting_cadence")),
		NoticeMonths: int(whole("notice_months")),
	}
	var err error
	if a.StartsOn, err = tenants.ParseDate(v("starts_on")); err != nil {
		problem("starts_on", "validation.date")
	}
	if a.EndsOn, err = tenants.ParseDate(v("ends_on")); err != nil {
		problem("ends_on", "validation.date")
	}
	for _, g := range af.groups {
		a.TargetGroups = append(a.TargetGroups, tenants.TargetGroup(g))
	}
	for _, p := range af.parties {
		if n := id("parties", p); n != nil {
			a.Parties = append(a.Parties, *n)
		}
	}
	for _, u := range af.units {
		if n := id("units", u); n != nil {
			a.UnitIDs = append(a.UnitIDs, *n)
		}
	}
	for i := range af.rows["funding"] {
		name := func(col string) string { return rowName("funding", i, col) }
		a.Funding = append(a.Funding, tenants.AgreementFunding{
			OrganisationID: id(name("party"), v(name("party"))), Year: int(whole(name("year"))), AmountSEK: whole(name("amount_sek")),
		})
	}
	for i := range af.rows["commitments"] {
		name := func(col string) string { return rowName("commitments", i, col) }
		if v(name("indicator")) == "" {
			problem(name("indicator"), "validation.required")
		}
		a.Commitments = append(a.Commitments, commitmentOf(v(name("indicator")), v(name("comparison")), int(whole(name("target"))), v(name("description"))))
	}
	for i := range af.rows["positions"] {
		name := func(col string) string { return rowName("positions", i, col) }
		a.Positions = append(a.Positions, tenants.BudgetedPosition{
			UnitID: id(name("unit"), v(name("unit"))), Count: int(whole(name("count"))), FTEPercent: int(whole(name("fte_percent"))),
		})
	}
	return a, problems
}

// newAgreementFormPage builds the form page; add names a list to show with
// one more row.
func (s *server) newAgreementFormPage(c *fiber.Ctx, af agreementForm, heading, action, cancel, add string) (agreementFormPage, error) {
	region := currentRegion(c)
	base := s.regionBase(c)
	tr := func(key string) string { return s.translator.Translate(base.Lang, key, nil) }
	p := agreementFormPage{basePage: base, RegionName: region.Name, Heading: heading, Action: action, CancelURL: cancel, Form: af.form}
	names, err := s.loadScopeNames(c, region.ID)
	if err != nil {
		return p, err
	}

	p.Cadences = []option{{Value: "", Label: tr("agreements.choose")}}
	for _, cd := range tenants.ReportingCadences {
		p.Cadences = append(p.Cadences, option{Value: string(cd), Label: tr("agreements.cadence." + string(cd))})
	}
	group := func(name string, opts []option, checked []string) checkGroup {
		g := checkGroup{Name: name, Legend: tr("field." + name), Error: af.Error(name)}
		if hint, ok := s.translator.lookup(base.Lang, "agreements.hint."+name, nil); ok {
			g.Hint = hint
		}
		for _, o := range opts {
			g.Options = append(g.Options, checkOption{Value: o.Value, Label: o.Label, Checked: slices.Contains(checked, o.Value)})
		}
		return g
	}
	var groups []option
	for _, g := range tenants.TargetGroups {
		groups = append(groups, option{Value: string(g), Label: tr("target_group." + string(g))})
	}
	p.Groups = group("target_groups", groups, af.groups)
	p.Parties = group("parties", names.orgOptions, af.parties)
	p.Units = group("units", names.unitOptions, af.units)

	shown := func(list string, newRows, maxRows int) int {
		n := max(af.shown[list], af.rows[list], newRows)
		if add == list {
			n++
		}
		return min(n, max(maxRows, af.rows[list]))
	}
	cell := func(list string, i int, col, typ string) fieldView {
		name := rowName(list, i, col)
		return field(name, tr("agreements."+list+"."+col), af.Value(name), af.Error(name), typ)
	}
	legend := func(i int) string {
		return s.translator.Translate(base.Lang, "agreements.row", map[string]any{"Row": i + 1})
	}

	parties := append([]option{{Value: "", Label: tr("agreements.region_party")}}, names.orgOptions...)
	for i := range shown("funding", agreementLists[0].newRows, agreementLists[0].max) {
		party := cell("funding", i, "party", "")
		party.Options = parties
		p.Funding = append(p.Funding, fundingRow{Legend: legend(i), Party: party,
			Year: cell("funding", i, "year", "number"), Amount: cell("funding", i, "amount_sek", "text")})
	}

	indicators := []option{{Value: "", Label: tr("agreements.choose")}}
	for _, spec := range tenants.Indicators {
		indicators = append(indicators, option{Value: string(spec.Indicator), Label: indicatorLabel(s.translator, base.Lang, spec)})
	}
	comparisons := []option{
		{Value: "", Label: tr("agreements.comparison.usual")},
		{Value: string(tenants.AtLeast), Label: tr("agreements.comparison_option.at_least")},
		{Value: string(tenants.AtMost), Label: tr("agreements.comparison_option.at_most")},
	}
	for i := range shown("commitments", agreementLists[1].newRows, agreementLists[1].max) {
		ind, cmp := cell("commitments", i, "indicator", ""), cell("commitments", i, "comparison", "")
		ind.Options, cmp.Options = indicators, comparisons
		p.Commitments = append(p.Commitments, commitmentRow{Legend: legend(i), Indicator: ind, Comparison: cmp,
			Target: cell("commitments", i, "target", "number"), Description: cell("commitments", i, "description", "text")})
	}

	units := append([]option{{Value: "", Label: tr("agreements.positions.no_unit")}}, names.unitOptions...)
	for i := range shown("positions", agreementLists[2].newRows, agreementLists[2].max) {
		unit := cell("positions", i, "unit", "")
		unit.Options = units
		p.Positions = append(p.Positions, positionRow{Legend: legend(i), Unit: unit,
			Count: cell("positions", i, "count", "number"), FTEPercent: cell("positions", i, "fte_percent", "number")})
	}
	return p, nil
}

// indicatorLabel names an indicator with what its target counts:
// "Aktiva kamratstödjare (antal)".
func indicatorLabel(t *Translator, lang string, spec tenants.IndicatorSpec) string {
	return t.Translate(lang, "agreements.indicator."+string(spec.Indicator), nil) +
		" (" + t.Translate(lang, "agreements.indicator_unit."+string(spec.Unit), nil) + ")"
}
