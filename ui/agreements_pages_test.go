package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/kamrat/kamrat/tenants"
)

// agreementPageExamples are the agreements' pages for
// TestEveryPageRendersInEveryLanguage.
func agreementPageExamples(base basePage) map[string]page {
	refused := refusedForm("funding.0.amount_sek", "Beloppet får inte vara negativt.")
	refused.Errors["parties"] = "Avtalet måste ha minst en organisation som part."
	refused.Errors["purpose"] = "Måste fyllas i."
	refused.Errors["status"] = "Avtalet är avslutat och kan inte längre ändras."
	refused.Errors["commitments"] = "Högst 50 rader är tillåtna."
	field := func(name, label, typ string) fieldView { return fieldView{Name: name, Label: label, Type: typ} }
	pick := func(name, label string) fieldView {
		return fieldView{Name: name, Label: label, Options: []option{{Value: "", Label: "–"}, {Value: "1", Label: "Positiva gruppen Syd"}}}
	}
	bad := field("funding.0.amount_sek", "Belopp i kronor", "text")
	bad.Value, bad.Error = "-5", "Beloppet får inte vara negativt."
	checks := checkGroup{Name: "parties", Legend: "Parter", Hint: "Tips", Error: "Välj minst en.",
		Options: []checkOption{{Value: "1", Label: "NSPH Skåne", Checked: true}, {Value: "2", Label: "Positiva gruppen Syd"}}}
	formPage := agreementFormPage{
		basePage: base, RegionName: "Region Skåne", Heading: "Nytt IOP-avtal", Action: "/r/skane/admin/agreements", CancelURL: "/r/skane/admin/agreements",
		Form: refused, Cadences: []option{{Value: "quarterly", Label: "Varje kvartal"}},
		Groups:  checkGroup{Name: "target_groups", Legend: "Målgrupper", Options: []checkOption{{Value: "hiv", Label: "Hiv"}}},
		Parties: checks, Units: checkGroup{Name: "units", Legend: "Enheter"},
		Funding:     []fundingRow{{Legend: "Rad 1", Party: pick("funding.0.party", "Part"), Year: field("funding.0.year", "År", "number"), Amount: bad}},
		Commitments: []commitmentRow{{Legend: "Rad 1", Indicator: pick("commitments.0.indicator", "Indikator"), Comparison: pick("commitments.0.comparison", "Jämförelse"), Target: field("commitments.0.target", "Mål", "number"), Description: field("commitments.0.description", "Beskrivning", "text")}},
		Positions:   []positionRow{{Legend: "Rad 1", Count: field("positions.0.count", "Antal", "number"), FTEPercent: field("positions.0.fte_percent", "Procent", "number"), Unit: pick("positions.0.unit", "Enhet")}},
	}
	newPage := formPage
	newPage.Form, newPage.Parties.Error = form{Values: map[string]string{}}, ""
	view := agreementView{
		Title: "Kamratstöd i psykiatrin", Reference: "RS 2026/123", Committee: "Hälso- och sjukvårdsnämnden", Purpose: "Att erbjuda kamratstöd.\nTill alla.",
		Goals: "Fler får stöd.", Status: "active", StatusLabel: "Aktivt", Term: "2026-01-01 – 2028-12-31", Notice: "6", Cadence: "Varje kvartal",
		TargetGroups: []string{"Psykiatri"}, Parties: []string{"NSPH Skåne", "Positiva gruppen Syd"}, Units: []string{"Infektion"},
		Funding:      []fundingView{{Party: "Regionen", Year: "2026", Amount: "1\u202f250\u202f000\u00a0kr"}},
		TotalFunding: "1\u202f250\u202f000\u00a0kr",
		Commitments:  []commitmentView{{Indicator: "Aktiva kamratstödjare", Target: "minst 8", Description: "Per kvartal"}},
		Positions:    []positionView{{Count: "2", Share: "50\u00a0%", Unit: "Infektion"}}, PositionCount: "2", FullTime: "1",
	}
	return map[string]page{
		"agreements": agreementsPage{basePage: base, RegionName: "Region Skåne", NewURL: "/r/skane/admin/agreements/new", Agreements: []agreementRow{
			{URL: "/r/skane/admin/agreements/1", Title: "Kamratstöd", Reference: "RS 2026/123", Committee: "Nämnden", Parties: "NSPH Skåne", Term: "2026-01-01 – 2028-12-31", Status: "draft", StatusLabel: "Utkast", Positions: "2", FullTime: "1,5"},
		}},
		"agreements empty":       agreementsPage{basePage: base, RegionName: "Region Skåne", NewURL: "/r/skane/admin/agreements/new"},
		"agreement form refused": formPage,
		"agreement form new":     newPage,
		"agreement": agreementPage{basePage: base, RegionName: "Region Skåne", ListURL: "/r/skane/admin/agreements", URL: "/r/skane/admin/agreements/1",
			Agreement: view, Form: refusedForm("file", "Filen är tom."), Next: &transition{Status: "ending", Label: "Börja avveckla avtalet"}, Open: true, MaxUploadMiB: 10,
			Documents: []documentRow{{URL: "/r/skane/admin/agreements/1/documents/1", RemoveURL: "/x", Name: "avtal.pdf", Type: "PDF", Size: "1,2\u00a0MB", Uploaded: "2026-01-02 10:00", By: "Alva"}},
			History:   []historyRow{{At: "2026-01-02 10:00", By: "Alva", What: "Avtalet ändrades", Changes: []changeRow{{Field: "Nämnd", From: "A", To: "B"}}}, {At: "2026-01-01 09:00", By: "Alva", What: "Avtalet skapades"}}},
		"agreement draft, refused status": agreementPage{basePage: base, RegionName: "Region Skåne", URL: "/r/skane/admin/agreements/1",
			Agreement: agreementView{Title: "Utkast", Status: "draft"}, Form: refusedForm("status", "Statusen kan inte ändras så."),
			Next: &transition{Status: "active", Label: "Aktivera avtalet"}, Open: true, Deletable: true},
		"agreement ended": agreementPage{basePage: base, RegionName: "Region Skåne", URL: "/r/skane/admin/agreements/1",
			Agreement: agreementView{Title: "Avslutat", Status: "ended"}, Form: form{}},
	}
}

// agreementFixtures adds an agreement and its document, in sb's region,
// to ids, for the :id and :doc routes of the route walk. The agreement
// has ended, so that the walk's bodiless POSTs (delete, status, remove a
// document) are refused and leave the fixtures for the routes after them.
func agreementFixtures(t *testing.T, sb *signInBundle, ids map[string]int64) {
	t.Helper()
	ctx := context.Background()
	store := tenants.NewAgreementStore(sb.db)
	a, err := store.Create(ctx, sb.region.ID, 0, testAgreement(t, sb))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := store.AddDocument(ctx, sb.region.ID, 0, a.ID, "avtal.txt", strings.NewReader("Avtal om kamratstöd.\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []tenants.AgreementStatus{tenants.AgreementActive, tenants.AgreementEnding, tenants.AgreementEnded} {
		if _, err := store.SetStatus(ctx, sb.region.ID, 0, a.ID, to); err != nil {
			t.Fatal(err)
		}
	}
	ids["agreements"], ids["documents"] = a.ID, doc.ID
}

// testAgreement is a valid agreement between sb's region and its
// organisation, covering its unit.
func testAgreement(t *testing.T, sb *signInBundle) tenants.Agreement {
	t.Helper()
	ctx := context.Background()
	orgs, err := tenants.NewOrganisationStore(sb.db).Organisations(ctx, sb.region.ID)
	if err != nil || len(orgs) == 0 {
		t.Fatalf("organisations: %v", err)
	}
	units, err := tenants.NewUnitStore(sb.db).Units(ctx, sb.region.ID)
	if err != nil || len(units) == 0 {
		t.Fatalf("units: %v", err)
	}
	org, unit := orgs[0].ID, units[0].ID
	return tenants.Agreement{
		Title: "Kamratstöd vid infektionsmottagningen", Committee: "Hälso- och sjukvårdsnämnden", Purpose: "Att alla erbjuds kamratstöd.",
		StartsOn: tenants.NewDate(2026, 1, 1), EndsOn: tenants.NewDate(2027, 12, 31), NoticeMonths: 6,
		ReportingCadence: tenants.ReportQuarterly, TargetGroups: []tenants.TargetGroup{tenants.TargetHIV},
		Parties: []int64{org}, UnitIDs: []int64{unit},
		Funding:     []tenants.AgreementFunding{{Year: 2026, AmountSEK: 1_250_000}, {OrganisationID: &org, Year: 2026, AmountSEK: 100_000}},
		Commitments: []tenants.Commitment{{Indicator: tenants.IndicatorActivePeers, Comparison: tenants.AtLeast, Target: 8}},
		Positions:   []tenants.BudgetedPosition{{UnitID: &unit, Count: 2, FTEPercent: 50}},
	}
}
