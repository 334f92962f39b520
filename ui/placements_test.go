package ui

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

func (wb *workBundle) placements(t *testing.T) []tenants.Placement {
	t.Helper()
	list, err := tenants.NewPlacementStore(wb.db).Placements(context.Background(), wb.region.ID, wb.org)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func (wb *workBundle) unitID(t *testing.T) int64 {
	t.Helper()
	units, err := tenants.NewUnitStore(wb.db).Units(context.Background(), wb.region.ID)
	if err != nil || len(units) == 0 {
		t.Fatalf("units: %v", err)
	}
	return units[0].ID
}

// TestPlacementPages: a placement at a unit that is not ready and has no
// budgeted position is saved and shown with both warnings, in Swedish; an
// end before the start, a share over full time and another organisation's
// peer are refused with their own message and change nothing.
func TestPlacementPages(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		wb := setupWork(t, db)
		unit := itoa(wb.unitID(t))
		valid := func(change func(url.Values)) url.Values {
			f := url.Values{"peer_id": {itoa(wb.sara.ID)}, "unit_id": {unit}, "employer": {"region"}, "fte_percent": {"50"}, "starts_on": {"2026-01-01"}, "ends_on": {"2026-12-31"}}
			if change != nil {
				change(f)
			}
			return f
		}
		if status, body := wb.page(t, wb.pages+"/placements/new", wb.cookie); status != http.StatusOK || !strings.Contains(body, "Infektion") || strings.Contains(body, "Främling") {
			t.Fatalf("new placement form: %d\n%s", status, body)
		}
		for _, tc := range []struct {
			name   string
			change func(url.Values)
			want   string
		}{
			{"end before start", func(f url.Values) { f.Set("ends_on", "2025-12-31") }, "Slutdatumet får inte vara före startdatumet."},
			{"over full time", func(f url.Values) { f.Set("fte_percent", "150") }, "Måste vara mellan 1 och 100."},
			{"another organisation's peer", func(f url.Values) { f.Set("peer_id", itoa(wb.stranger.ID)) }, "Välj kamratstödjare i den egna organisationen."},
			{"no peer", func(f url.Values) { f.Del("peer_id") }, "Kamratstödjare: Måste fyllas i."},
			{"no unit", func(f url.Values) { f.Set("unit_id", "") }, "Måste fyllas i."},
			{"bad date", func(f url.Values) { f.Set("starts_on", "1 januari") }, "Ange ett datum som ÅÅÅÅ-MM-DD."},
		} {
			status, body, _ := wb.submit(t, wb.pages+"/placements", valid(tc.change), wb.cookie)
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
				t.Errorf("%s: %d, want 422 with %q:\n%s", tc.name, status, tc.want, body)
			}
		}
		if got := wb.placements(t); len(got) != 0 {
			t.Fatalf("refused forms saved placements: %+v", got)
		}

		status, _, location := wb.submit(t, wb.pages+"/placements", valid(nil), wb.cookie)
		list := wb.placements(t)
		if status != http.StatusSeeOther || len(list) != 1 {
			t.Fatalf("good placement: %d, stored %+v", status, list)
		}
		id := itoa(list[0].ID)
		if location != wb.pages+"/placements/"+id+"?saved=1" || !wb.audited(t, "placement.create", id) {
			t.Fatalf("after saving: %q", location)
		}
		status, body := wb.page(t, location, wb.cookie)
		for _, want := range []string{"Placeringen är sparad.", "Infektion har inte gjort klart förberedelserna", "Inget IOP-avtal som gäller under placeringen har en budgeterad tjänst på Infektion", "Sara Lind"} {
			if !strings.Contains(body, want) {
				t.Errorf("placement page lacks %q", want)
			}
		}
		if status != http.StatusOK {
			t.Fatalf("placement page: %d", status)
		}

		// Changing: the same rules; the peer stays.
		edit := wb.pages + "/placements/" + id
		if status, body := wb.page(t, edit+"/edit", wb.cookie); status != http.StatusOK || !strings.Contains(body, "Sara Lind") {
			t.Fatalf("edit form: %d", status)
		}
		status, body, _ = wb.submit(t, edit, valid(func(f url.Values) { f.Set("starts_on", "2027-01-01") }), wb.cookie)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Slutdatumet får inte vara före startdatumet.") {
			t.Fatalf("update with the end before the start: %d", status)
		}
		if got := wb.placements(t); got[0].StartsOn.String() != "2026-01-01" {
			t.Fatalf("a refused update changed the placement: %+v", got[0])
		}
		status, _, location = wb.submit(t, edit, valid(func(f url.Values) { f.Set("fte_percent", "25"); f.Set("peer_id", itoa(wb.omar.ID)) }), wb.cookie)
		got := wb.placements(t)[0]
		if status != http.StatusSeeOther || got.FTEPercent != 25 || got.PeerID != wb.sara.ID || !wb.audited(t, "placement.update", id) {
			t.Fatalf("update: %d %q, stored %+v", status, location, got)
		}

		if status, _, _ := wb.submit(t, edit+"/remove", nil, wb.cookie); status != http.StatusSeeOther {
			t.Fatalf("remove: %d", status)
		}
		if got := wb.placements(t); len(got) != 0 || !wb.audited(t, "placement.remove", id) {
			t.Fatalf("after removing: %+v", got)
		}
	})
}

// TestPeerWorkOrganisationScope: a coordinator of one organisation gets 404
// for another organisation's session, gathering and placement in the same
// region, on the pages and in the API, and changes nothing; the other
// organisation's coordinator reaches them, and lists show each only their
// own.
func TestPeerWorkOrganisationScope(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		wb := setupWork(t, db)
		ctx := context.Background()
		held := daysAgo(3)
		sess, err := tenants.NewSupervisionStore(wb.db).Create(ctx, wb.region.ID, wb.otherOrg, tenants.SupervisionSession{
			Kind: tenants.SupervisionIndividual, SupervisorName: "Hemlig Handledare", HeldOn: held, DurationMinutes: 60, PeerIDs: []int64{wb.stranger.ID},
		})
		if err != nil {
			t.Fatal(err)
		}
		g, err := tenants.NewGatheringStore(wb.db).Create(ctx, wb.region.ID, wb.otherOrg, tenants.Gathering{Kind: tenants.GatheringReunion, Title: "Hemlig träff", HeldOn: held})
		if err != nil {
			t.Fatal(err)
		}
		pl, _, err := tenants.NewPlacementStore(wb.db).Create(ctx, wb.region.ID, wb.otherOrg, tenants.Placement{
			PeerID: wb.stranger.ID, UnitID: wb.unitID(t), Employer: tenants.EmployerMunicipality, FTEPercent: 40, StartsOn: held,
		})
		if err != nil {
			t.Fatal(err)
		}
		sessPage, gPage, plPage := wb.pages+"/supervision/"+itoa(sess.ID), wb.pages+"/gatherings/"+itoa(g.ID), wb.pages+"/placements/"+itoa(pl.ID)

		for _, path := range []string{sessPage, gPage, plPage, plPage + "/edit"} {
			if status, _ := wb.page(t, path, wb.cookie); status != http.StatusNotFound {
				t.Errorf("GET %s as the other organisation's coordinator: %d, want 404", path, status)
			}
			if status, _ := wb.page(t, path, wb.otherCookie); status != http.StatusOK {
				t.Errorf("GET %s as its own coordinator: %d, want 200", path, status)
			}
		}
		for path, form := range map[string]url.Values{
			sessPage + "/remove": nil, gPage + "/remove": nil, plPage + "/remove": nil,
			gPage + "/attendance": {"peers": {itoa(wb.sara.ID)}},
			plPage:                {"unit_id": {itoa(wb.unitID(t))}, "employer": {"region"}, "fte_percent": {"100"}, "starts_on": {held.String()}},
		} {
			if status, _, _ := wb.submit(t, path, form, wb.cookie); status != http.StatusNotFound {
				t.Errorf("POST %s as the other organisation's coordinator: %d, want 404", path, status)
			}
		}
		for _, c := range []struct{ method, path string }{
			{http.MethodGet, "/supervision_sessions/" + itoa(sess.ID)},
			{http.MethodDelete, "/supervision_sessions/" + itoa(sess.ID)},
			{http.MethodGet, "/gatherings/" + itoa(g.ID)},
			{http.MethodGet, "/placements/" + itoa(pl.ID)},
		} {
			if resp, body := wb.callAPI(t, wb.token, c.method, c.path, nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s %s with the other organisation's token: %d %s, want 404", c.method, c.path, resp.StatusCode, body)
			}
		}
		if resp, _ := wb.callAPI(t, wb.token, http.MethodPut, "/gatherings/"+itoa(g.ID)+"/attendance", map[string]any{"peer_ids": []int64{}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("PUT attendance of another organisation's gathering: %d, want 404", resp.StatusCode)
		}
		if resp, _ := wb.callAPI(t, wb.token, http.MethodPut, "/placements/"+itoa(pl.ID), map[string]any{
			"unit_id": wb.unitID(t), "employer": "region", "fte_percent": 100, "starts_on": held.String(),
		}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("PUT another organisation's placement: %d, want 404", resp.StatusCode)
		}

		// Nothing changed, and lists show only the own organisation's.
		stored, err := tenants.NewPlacementStore(wb.db).Placement(ctx, wb.region.ID, wb.otherOrg, pl.ID)
		if err != nil || stored.FTEPercent != 40 {
			t.Fatalf("the other organisation's placement changed: %+v %v", stored, err)
		}
		if _, err := tenants.NewSupervisionStore(wb.db).Session(ctx, wb.region.ID, wb.otherOrg, sess.ID); err != nil {
			t.Fatalf("the other organisation's session: %v", err)
		}
		if _, err := tenants.NewGatheringStore(wb.db).Gathering(ctx, wb.region.ID, wb.otherOrg, g.ID); err != nil {
			t.Fatalf("the other organisation's gathering: %v", err)
		}
		for _, path := range []string{"/supervision", "/gatherings", "/placements", "/overview"} {
			status, body := wb.page(t, wb.pages+path, wb.cookie)
			if status != http.StatusOK || strings.Contains(body, "Hemlig") || strings.Contains(body, "Främling") {
				t.Errorf("%s shows the other organisation's records (%d)", path, status)
			}
		}
		for _, path := range []string{"/supervision_sessions", "/gatherings", "/placements", "/overview", "/supervision/overdue"} {
			resp, body := wb.callAPI(t, wb.token, http.MethodGet, path, nil)
			if resp.StatusCode != http.StatusOK || strings.Contains(body, "Hemlig") || strings.Contains(body, "Främling") || strings.Contains(body, `"id":`+itoa(pl.ID)+`,"peer_id":`+itoa(wb.stranger.ID)) {
				t.Errorf("API %s shows the other organisation's records: %d %s", path, resp.StatusCode, body)
			}
		}
	})
}
