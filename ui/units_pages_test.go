package ui

import (
	"context"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
)

// unitPageExamples are the units' and organisations' pages for
// TestEveryPageRendersInEveryLanguage.
func unitPageExamples(base basePage) map[string]page {
	refused := refusedForm("hsa_id", "HSA-id: Ange ett giltigt HSA-id.")
	row := unitRow{ID: 7, Name: "Infektionsmottagningen <Malmö>", HSAID: "SE2321000016-1234", Kind: "Infektionsmottagning", Municipality: "Malmö", Active: true}
	unit := unitPage{
		basePage: base, RegionName: "Region Skåne", URL: "/r/skane/admin/units/7", ListURL: "/r/skane/admin/units", Unit: row,
		Missing: "budgetbeslut", Recommended: 3,
		Sessions:  []introSessionRow{{ID: 1, HeldOn: "2026-09-01", Note: "12 deltagare"}},
		Readiness: formSection{basePage: base, Form: form{Values: map[string]string{"budget_decided": "1", "budget_decided_on": "2026-08-01"}}},
		Session:   formSection{basePage: base, Form: form{Values: map[string]string{}}},
	}
	refusedUnit := unit
	refusedUnit.Unit.HSAID, refusedUnit.Sessions = "", nil
	refusedUnit.Readiness = formSection{basePage: base, Form: refusedForm("budget_decided_on", "Datum: Måste fyllas i.")}
	refusedUnit.Session = formSection{basePage: base, Form: refusedForm("held_on", "Datum: Datumet får inte ligga i framtiden.")}
	kinds := []option{{Value: "", Label: "– välj –"}, {Value: "infection_clinic", Label: "Infektionsmottagning"}}
	preview := unitImportPreviewPage{
		basePage: base, RegionName: "Region Skåne", FileName: "enheter.csv", UploadURL: "/u", ListURL: "/l", ConfirmURL: "/c",
		Rows:  []importRowView{{Line: 2, Name: "A", HSAID: "SE2321000016-1", Kind: "Primärvård", Active: true}},
		Draft: importDraft{FileName: "enheter.csv", Content: "H4sI", Expires: "1", Signature: "sig"},
	}
	badPreview := preview
	badPreview.Converted, badPreview.Bad, badPreview.Draft = true, 1, importDraft{}
	badPreview.Rows = append(badPreview.Rows, importRowView{Line: 3, Name: "B", HSAID: "SE1", Problems: []string{"HSA-id: Ange ett giltigt HSA-id.", "Typ: Välj ett av alternativen."}})
	run := unitImportRunPage{basePage: base, RegionName: "Region Skåne", FileName: "enheter.csv", Total: 600, Done: []int{250, 500, 600},
		Outcome: &importOutcome{OK: true, Count: 600}, ListURL: "/l", UploadURL: "/u"}
	failedRun := run
	failedRun.Done = []int{250}
	failedRun.Outcome = &importOutcome{Problems: []string{"Rad 3: HSA-id: Regionen har redan en enhet med det här HSA-id:t."}}
	org := organisationFormPage{
		basePage: base, RegionName: "Region Skåne", Heading: "Ny organisation", Action: "/o", CancelURL: "/o",
		Form: form{Values: map[string]string{"active": "1"}}, Kinds: kinds,
		Focus:   []option{{Value: "hiv", Label: "Hiv"}, {Value: "psychiatry", Label: "Psykiatri"}},
		Units:   []option{{Value: "7", Label: "Infektion"}},
		Checked: map[string]map[string]bool{"focus": {"hiv": true}, "units": {"7": true}},
	}
	refusedOrg := org
	refusedOrg.Form = refusedForm("org_number", "Organisationsnummer: Ange ett giltigt organisationsnummer.")
	refusedOrg.Form.Errors["units"] = "Välj en mottagning eller enhet i regionen."
	refusedOrg.Units = nil
	return map[string]page{
		"units": unitsPage{basePage: base, RegionName: "Region Skåne", BaseURL: "/r/skane/admin/units", Units: []unitRow{
			func() unitRow { r := row; r.Ready = true; return r }(),
			{ID: 8, Name: "Vårdcentral", Kind: "Primärvård", Missing: "budgetbeslut, förankring hos ledningen"},
		}},
		"units empty":                  unitsPage{basePage: base, RegionName: "Region Skåne", BaseURL: "/r/skane/admin/units"},
		"unit form":                    unitFormPage{basePage: base, RegionName: "Region Skåne", Heading: "Ny enhet", Action: "/u", CancelURL: "/u", Form: form{Values: map[string]string{"active": "1"}}, Kinds: kinds},
		"unit form refused":            unitFormPage{basePage: base, RegionName: "Region Skåne", Heading: "Ändra A", Action: "/u/1", CancelURL: "/u/1", Form: refused, Kinds: kinds},
		"unit":                         unit,
		"unit refused":                 refusedUnit,
		"unit import":                  unitImportPage{basePage: base, RegionName: "Region Skåne", Action: "/i", ListURL: "/l", MaxMiB: 3, Form: form{Values: map[string]string{}}, Kinds: []string{"Infektionsmottagning", "Annan"}},
		"unit import refused":          unitImportPage{basePage: base, RegionName: "Region Skåne", Action: "/i", ListURL: "/l", MaxMiB: 3, Form: refusedForm("file", "Fil: Filen är tom.")},
		"unit import preview":          preview,
		"unit import preview refused":  badPreview,
		"unit import run":              run,
		"unit import run failed":       failedRun,
		"unit import run before start": unitImportRunPage{basePage: base, RegionName: "Region Skåne", FileName: "e.csv", Total: 3, Cut: importCut},
		"organisations": organisationsPage{basePage: base, RegionName: "Region Skåne", BaseURL: "/o", Organisations: []organisationRow{
			{ID: 1, Name: "Posithiva Gruppen", OrgNumber: "802000-1239", Kind: "Patientorganisation", Contact: []string{"Anna", "anna@example.se"}, Focus: "Hiv", Units: "Infektion", Active: true},
		}},
		"organisations empty":       organisationsPage{basePage: base, RegionName: "Region Skåne", BaseURL: "/o"},
		"organisation form":         org,
		"organisation form refused": refusedOrg,
	}
}

// unitFixtures adds a unit and an organisation of sb's region to ids, for
// the :id routes of the route walk, and two introduction sessions of the
// unit: one for the page that removes a session and one for the API.
func unitFixtures(t *testing.T, sb *signInBundle, ids map[string]int64) {
	t.Helper()
	ctx := context.Background()
	units, orgs := tenants.NewUnitStore(sb.db), tenants.NewOrganisationStore(sb.db)
	u, err := units.Create(ctx, sb.region.ID, tenants.Unit{Name: "Fixturenheten", Kind: tenants.UnitPrimaryCare, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	ids["units"] = u.ID
	for _, kind := range []string{"sessions", "intro_sessions"} {
		sess, err := units.AddIntroSession(ctx, sb.region.ID, u.ID, tenants.IntroSession{HeldOn: tenants.DateOf(time.Now().AddDate(0, -1, 0))})
		if err != nil {
			t.Fatal(err)
		}
		ids[kind] = sess.ID
	}
	o, err := orgs.Create(ctx, sb.region.ID, tenants.Organisation{Name: "Fixturorganisationen", Kind: tenants.OrgUser, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	ids["organisations"] = o.ID
}
