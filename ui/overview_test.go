package ui

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestOverviewPage: the coordinator's landing page counts their peers by
// status and free places, and lists overdue supervision and a placement
// ending within 30 days, each linked to where it is dealt with.
func TestOverviewPage(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		wb := setupWork(t, db)
		wb.backdateActive(t, wb.omar, 40)
		pl, _, err := tenants.NewPlacementStore(wb.db).Create(context.Background(), wb.region.ID, wb.org, tenants.Placement{
			PeerID: wb.sara.ID, UnitID: wb.unitID(t), Employer: tenants.EmployerRegion, FTEPercent: 50, StartsOn: daysAgo(100), EndsOn: daysAgo(-30),
		})
		if err != nil {
			t.Fatal(err)
		}
		status, body := wb.page(t, wb.pages+"/overview", wb.cookie)
		if status != http.StatusOK {
			t.Fatalf("overview: %d", status)
		}
		for _, want := range []string{
			`<tr><th scope="row">Aktiv</th><td class="number">2</td></tr>`,
			`<dt>Lediga platser</dt><dd>6</dd>`,
			`<a href="` + wb.pages + `/peers/` + itoa(wb.omar.ID) + `">Omar Haddad</a>`,
			`Aktiva kamratstödjare vars handledning är försenad: 1`,
			`<a href="` + wb.pages + `/placements/` + itoa(pl.ID) + `">Sara Lind</a>`,
			daysAgo(-30).String(),
		} {
			if !strings.Contains(body, want) {
				t.Errorf("overview lacks %q", want)
			}
		}
		if strings.Contains(body, `/peers/`+itoa(wb.sara.ID)+`">Sara Lind`) {
			t.Error("Sara became active today and is not overdue, but is listed")
		}
	})
}
