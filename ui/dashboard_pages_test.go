package ui

import (
	"time"

	"github.com/kamrat/kamrat/tenants"
)

// dashboardPageExamples are the dashboard's page states for TestPages: the
// figures of a small region (with suppressed cells) and a refused filter.
func dashboardPageExamples(base basePage) map[string]page {
	q := tenants.NewDate(2026, time.January, 1)
	d := tenants.Dashboard{
		Filter: tenants.DashboardFilter{From: q, To: q.AddMonths(3)}, AsOf: q.AddMonths(6).AddDays(-1),
		Quarters: []tenants.Date{q, q.AddMonths(3)},
		Clinics: []tenants.DashboardClinic{
			{UnitID: 1, Name: "Infektion <Lund> & Malmö", NewDiagnoses: []int{12, 9}, Informed: []int{10, 3}},
			{UnitID: 2, Name: "Infektion Ystad", NewDiagnoses: []int{8, 7}, Informed: []int{8, 6}},
		},
		Funnel:       tenants.DashboardFunnel{Informed: 27, Offered: 25, Accepted: 14, Referred: 12, Contacted: 11, Matched: 9, ThreeMeetings: 6, FollowUpSixMo: 2},
		FirstContact: tenants.DashboardFirstContact{Contacted: 11, WithinDeadline: 9, DeadlineDays: 5, MedianWorkingDays: new(2.5)},
		Peers: []tenants.DashboardPeers{{OrganisationID: 1, Name: "Positiva gruppen Syd", Active: 4, Budgeted: 3, Supervised: 3},
			{OrganisationID: 2, Name: "Noaks Ark", Active: 2, Budgeted: 0}},
		SupervisionIntervalWeeks: 4,
		Training:                 tenants.DashboardTraining{Recruited: 2, InTraining: 1, Active: 6},
		Outcomes:                 tenants.DashboardOutcomes{Pairs: 7, ChangeSum: 56, Improved: 4, Worsened: 1},
		Closures:                 []tenants.ReasonCount{{Reason: "goals_met", Count: 6}, {Reason: "moved", Count: 2}},
	}
	doc := (&server{translator: base.translator}).figureDocOf(base.Lang, tenants.DashboardPublication(d, 5))
	quarters := []option{{Value: q.String(), Label: "Kvartal 1 2026"}, {Value: q.AddMonths(3).String(), Label: "Kvartal 2 2026"}}
	filled := dashboardPage{basePage: base, RegionName: "Region Skåne", Period: "Kvartal 1 2026 – kvartal 2 2026",
		From: choice("from", "Från", q.String(), "", quarters), To: choice("to", "Till", q.AddMonths(3).String(), "", quarters),
		Unit:    choice("unit_id", "Mottagning", "", "", []option{{Value: "", Label: "Alla"}}),
		Org:     choice("organisation_id", "Organisation", "", "", []option{{Value: "", Label: "Alla"}}),
		Group:   choice("target_group", "Målgrupp", "", "", []option{{Value: "", Label: "Alla"}}),
		Exports: []link{{Label: "CSV", URL: "/r/skane/dashboard/export/csv"}}, Figures: &doc}
	refused := filled
	refused.Figures, refused.Exports = nil, nil
	refused.Form = refusedForm("to", "Välj högst 12 kvartal.")
	refused.To.Error = "Välj högst 12 kvartal."
	return map[string]page{"dashboard": filled, "dashboard refused filter": refused}
}
