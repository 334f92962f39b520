package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSetUpRegionFromNothing: the administrator of Region Gotland, which
// has just joined, signs in through OIDC and sets the region up in the
// browser: two clinics by hand (after a refused HSA-id) and one by CSV
// import, two partner organisations, and an IOP agreement with a
// commitment and budgeted positions, which is then made active.
func TestSetUpRegionFromNothing(t *testing.T) {
	t.Parallel()
	j := newJourney(t)
	j.signIn("gotland", "region_admin")
	base := "/r/gotland/admin"

	j.follow(`a[href="` + base + `/units"]`)
	if n := j.count("table tbody tr td[colspan]"); n != 1 {
		t.Fatalf("a new region's unit list is not empty:\n%s", j.text("main"))
	}
	addUnit := func(name, hsa, kind string) int64 {
		j.visit(base + "/units/new")
		j.fill("#name", name)
		j.fill("#hsa_id", hsa)
		j.fill("#kind", kind)
		j.fill("#municipality", "Gotland")
		return j.follow(`main form button[type="submit"]`)
	}
	if status := addUnit("Infektionsmottagningen Visby", "SE12345-INF", "infection_clinic"); status != http.StatusUnprocessableEntity {
		t.Fatalf("a unit with a bad HSA-id answered %d", status)
	}
	if n := j.count(`#hsa_id[aria-invalid="true"]`); n != 1 {
		t.Errorf("the HSA-id field is not marked invalid:\n%s", j.text("main"))
	}
	for _, u := range [][3]string{
		{"Infektionsmottagningen Visby", "SE2321000255-INF7", "infection_clinic"},
		{"Psykiatriska mottagningen Visby", "SE2321000255-PSY7", "psychiatric_outpatient"},
	} {
		if status := addUnit(u[0], u[1], u[2]); status != http.StatusOK {
			t.Fatalf("adding %s answered %d:\n%s", u[0], status, j.text("main"))
		}
	}

	csv := filepath.Join(t.TempDir(), "enheter.csv")
	if err := os.WriteFile(csv, []byte("Namn;HSA-id;Typ;Kommun;Aktiv\nBeroendemottagningen Visby;SE2321000255-BER7;Annan;Gotland;ja\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	j.visit(base + "/units/import")
	if _, err := chromedp.Run(j.ctx, chromedp.SetUploadFiles(chromedp.CSS(`input[type="file"]`), []string{csv})); err != nil {
		t.Fatal(err)
	}
	if status := j.follow(`main form button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("the import preview answered %d:\n%s", status, j.text("main"))
	}
	if status := j.follow(`form input[name="signature"] ~ button[type="submit"], form:has(input[name="signature"]) button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("confirming the import answered %d:\n%s", status, j.text("main"))
	}
	j.visit(base + "/units")
	for _, name := range []string{"Infektionsmottagningen Visby", "Psykiatriska mottagningen Visby", "Beroendemottagningen Visby"} {
		if !strings.Contains(j.text("main table"), name) {
			t.Errorf("the unit list lacks %s", name)
		}
	}

	for _, o := range [][2]string{{"Positiva gruppen Gotland", "802400-1235"}, {"NSPH Gotland", "802411-4566"}} {
		j.visit(base + "/organisations/new")
		j.fill("#name", o[0])
		j.fill("#org_number", o[1])
		j.fill("#kind", "patient_organisation")
		j.click(`input[name="units"]`)
		if status := j.follow(`main form button[type="submit"]:not([name])`); status != http.StatusOK {
			t.Fatalf("adding %s answered %d:\n%s", o[0], status, j.text("main"))
		}
	}

	j.visit(base + "/agreements/new")
	j.fill("#title", "IOP kamratstöd Gotland 2027–2029")
	j.fill("#committee", "Hälso- och sjukvårdsnämnden")
	j.fill("#purpose", "Kamratstöd till alla som nyligen fått en diagnos.")
	j.fill("#starts_on", "2027-01-01")
	j.fill("#ends_on", "2029-12-31")
	j.fill("#notice_months", "6")
	j.click(`input[name="parties"]`)
	j.click(`input[name="units"]`)
	j.fill(`[name="funding.0.year"]`, "2027")
	j.fill(`[name="funding.0.amount_sek"]`, "1 250 000")
	j.fill(`[name="commitments.0.indicator"]`, "active_peers")
	j.fill(`[name="commitments.0.target"]`, "8")
	j.fill(`[name="positions.0.count"]`, "3")
	j.fill(`[name="positions.0.fte_percent"]`, "50")
	if status := j.follow(`main form button[type="submit"]:not([name])`); status != http.StatusOK {
		t.Fatalf("saving the agreement answered %d:\n%s", status, j.text("main"))
	}
	// Thousands are separated by a (narrow) no-break space.
	page := strings.NewReplacer("\u202f", " ", "\u00a0", " ").Replace(j.text("main"))
	for _, want := range []string{"Hälso- och sjukvårdsnämnden", "1 250 000 kr", "Utkast", "NSPH Gotland", "Aktiva kamratstödjare", "Budgeterade tjänster"} {
		if !strings.Contains(page, want) {
			t.Errorf("the agreement page lacks %q:\n%s", want, page)
		}
	}
	if status := j.follow(`form[action$="/status"] button[type="submit"]`); status != http.StatusOK || j.text(`#status [data-status="active"]`) != "Aktivt" {
		t.Errorf("activating the agreement: %d\n%s", status, j.text("main"))
	}
}
