package ui

import (
	"time"

	"github.com/kamrat/kamrat/tenants"
)

// apiAgreementInput is the body of POST and PUT on agreements. List
// fields are named as in validation errors, so a problem's field is its
// path in the body: funding.2.amount_sek, positions.1.unit.
type apiAgreementInput struct {
	Title            string          `json:"title"`
	Reference        string          `json:"reference,omitempty"`
	Committee        string          `json:"committee"`
	Purpose          string          `json:"purpose"`
	Goals            string          `json:"goals,omitempty"`
	StartsOn         string          `json:"starts_on"` // YYYY-MM-DD
	EndsOn           string          `json:"ends_on"`   // YYYY-MM-DD, the term's last day
	NoticeMonths     int             `json:"notice_months,omitempty"`
	ReportingCadence string          `json:"reporting_cadence"`
	TargetGroups     []string        `json:"target_groups,omitempty"`
	Parties          []int64         `json:"parties"`
	Units            []int64         `json:"units,omitempty"`
	Funding          []apiFunding    `json:"funding,omitempty"`
	Commitments      []apiCommitment `json:"commitments,omitempty"`
	Positions        []apiPosition   `json:"positions,omitempty"`
}

// apiFunding is one party's funding for one year; without party it is
// the region's own share.
type apiFunding struct {
	Party     *int64 `json:"party,omitempty"`
	Year      int    `json:"year"`
	AmountSEK int64  `json:"amount_sek"`
}

// apiCommitment is "indicator comparison target"; without a comparison
// the indicator's usual direction applies.
type apiCommitment struct {
	Indicator   string `json:"indicator"`
	Comparison  string `json:"comparison,omitempty"`
	Target      int    `json:"target"`
	Description string `json:"description,omitempty"`
}

// apiPosition is a number of budgeted peer positions at a share of full
// time, optionally at one covered unit.
type apiPosition struct {
	Unit       *int64 `json:"unit,omitempty"`
	Count      int    `json:"count"`
	FTEPercent int    `json:"fte_percent"`
}

// apiAgreement is an agreement in API answers.
type apiAgreement struct {
	ID               int64           `json:"id"`
	Title            string          `json:"title"`
	Reference        string          `json:"reference"`
	Committee        string          `json:"committee"`
	Purpose          string          `json:"purpose"`
	Goals            string          `json:"goals"`
	StartsOn         string          `json:"starts_on"`
	EndsOn           string          `json:"ends_on"`
	NoticeMonths     int             `json:"notice_months"`
	ReportingCadence string          `json:"reporting_cadence"`
	TargetGroups     []string        `json:"target_groups"`
	Status           string          `json:"status"`
	Parties          []int64         `json:"parties"`
	Units            []int64         `json:"units"`
	Funding          []apiFunding    `json:"funding"`
	Commitments      []apiCommitment `json:"commitments"`
	Positions        []apiPosition   `json:"positions"`
	TotalFundingSEK  int64           `json:"total_funding_sek"`
	BudgetedFTE      float64         `json:"budgeted_full_time_equivalents"`
	CreatedAt        time.Time       `json:"created_at"`
	UpdatedAt        time.Time       `json:"updated_at"`
}

// apiAgreementList is the body of the agreement list.
type apiAgreementList struct {
	Agreements []apiAgreement `json:"agreements"`
}

// apiAgreementStatusInput is the body of a status change.
type apiAgreementStatusInput struct {
	Status string `json:"status"`
}

func apiAgreementOf(a tenants.Agreement) apiAgreement {
	out := apiAgreement{
		ID: a.ID, Title: a.Title, Reference: a.Reference, Committee: a.Committee, Purpose: a.Purpose, Goals: a.Goals,
		StartsOn: a.StartsOn.String(), EndsOn: a.EndsOn.String(), NoticeMonths: a.NoticeMonths,
		ReportingCadence: string(a.ReportingCadence), Status: string(a.Status),
		TargetGroups: make([]string, 0, len(a.TargetGroups)),
		Parties:      append([]int64{}, a.Parties...), Units: append([]int64{}, a.UnitIDs...),
		Funding:         make([]apiFunding, 0, len(a.Funding)),
		Commitments:     make([]apiCommitment, 0, len(a.Commitments)),
		Positions:       make([]apiPosition, 0, len(a.Positions)),
		TotalFundingSEK: a.TotalFunding(), BudgetedFTE: a.BudgetedFullTimeEquivalents(),
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
	}
	for _, g := range a.TargetGroups {
		out.TargetGroups = append(out.TargetGroups, string(g))
	}
	for _, f := range a.Funding {
		out.Funding = append(out.Funding, apiFunding{Party: f.OrganisationID, Year: f.Year, AmountSEK: f.AmountSEK})
	}
	for _, c := range a.Commitments {
		out.Commitments = append(out.Commitments, apiCommitment{Indicator: string(c.Indicator), Comparison: string(c.Comparison), Target: c.Target, Description: c.Description})
	}
	for _, p := range a.Positions {
		out.Positions = append(out.Positions, apiPosition{Unit: p.UnitID, Count: p.Count, FTEPercent: p.FTEPercent})
	}
	return out
}

// agreement turns the body into the domain's agreement. Dates that are no
// dates are reading problems; checkAgreementInput reports them together
// with everything else that is wrong.
func (in apiAgreementInput) agreement() (tenants.Agreement, []tenants.FieldError) {
	a := tenants.Agreement{
		Title: in.Title, Reference: in.Reference, Committee: in.Committee, Purpose: in.Purpose, Goals: in.Goals,
		NoticeMonths: in.NoticeMonths, ReportingCadence: tenants.ReportingCadence(in.ReportingCadence),
		Parties: in.Parties, UnitIDs: in.Units,
	}
	var problems []tenants.FieldError
	var err error
	if a.StartsOn, err = tenants.ParseDate(in.StartsOn); err != nil {
		problems = append(problems, tenants.FieldError{Field: "starts_on", Key: "validation.date"})
	}
	if a.EndsOn, err = tenants.ParseDate(in.EndsOn); err != nil {
		problems = append(problems, tenants.FieldError{Field: "ends_on", Key: "validation.date"})
	}
	for _, g := range in.TargetGroups {
		a.TargetGroups = append(a.TargetGroups, tenants.TargetGroup(g))
	}
	for _, f := range in.Funding {
		a.Funding = append(a.Funding, tenants.AgreementFunding{OrganisationID: f.Party, Year: f.Year, AmountSEK: f.AmountSEK})
	}
	for _, c := range in.Commitments {
		a.Commitments = append(a.Commitments, commitmentOf(c.Indicator, c.Comparison, c.Target, c.Description))
	}
	for _, p := range in.Positions {
		a.Positions = append(a.Positions, tenants.BudgetedPosition{UnitID: p.Unit, Count: p.Count, FTEPercent: p.FTEPercent})
	}
	return a, problems
}

// commitmentOf builds a commitment; an empty comparison takes the
// indicator's usual direction (at most for days, at least otherwise).
func commitmentOf(indicator, comparison string, target int, description string) tenants.Commitment {
	c := tenants.Commitment{Indicator: tenants.Indicator(indicator), Comparison: tenants.Comparison(comparison), Target: target, Description: description}
	if spec, ok := c.Indicator.Spec(); ok && c.Comparison == "" {
		c.Comparison = spec.Usual
	}
	return c
}
