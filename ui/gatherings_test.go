package ui

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

func (wb *workBundle) gathering(t *testing.T, id int64) tenants.Gathering {
	t.Helper()
	g, err := tenants.NewGatheringStore(wb.db).Gathering(context.Background(), wb.region.ID, wb.org, id)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestGatheringPages: a reunion planned ahead takes no attendance until
// its day; one that has been held records who attended, but not a peer of
// another organisation; removing it removes its attendance.
func TestGatheringPages(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		wb := setupWork(t, db)
		store := tenants.NewGatheringStore(wb.db)
		ctx := context.Background()

		status, body, _ := wb.submit(t, wb.pages+"/gatherings", url.Values{"kind": {"reunion"}, "gathering_title": {" "}, "held_on": {"2026-05-01"}}, wb.cookie)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Rubrik: Måste fyllas i.") {
			t.Fatalf("no title: %d", status)
		}
		ahead := todayInSweden().AddDays(14).String()
		status, _, location := wb.submit(t, wb.pages+"/gatherings", url.Values{"kind": {"reunion"}, "gathering_title": {"Höstträff"}, "held_on": {ahead}}, wb.cookie)
		list, err := store.Gatherings(ctx, wb.region.ID, wb.org)
		if err != nil || status != http.StatusSeeOther || len(list) != 1 {
			t.Fatalf("planned reunion: %d, stored %+v (%v)", status, list, err)
		}
		planned := list[0]
		if location != wb.pages+"/gatherings/"+itoa(planned.ID) || !wb.audited(t, "gathering.create", itoa(planned.ID)) {
			t.Fatalf("after saving: %q", location)
		}
		if status, body := wb.page(t, location, wb.cookie); status != http.StatusOK || !strings.Contains(body, "Dagen har inte varit ännu.") {
			t.Fatalf("planned reunion page: %d\n%s", status, body)
		}
		status, body, _ = wb.submit(t, location+"/attendance", url.Values{"peers": {itoa(wb.sara.ID)}}, wb.cookie)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Närvaro kan registreras först när träffen har ägt rum.") {
			t.Fatalf("attendance ahead of the day: %d\n%s", status, body)
		}
		if g := wb.gathering(t, planned.ID); len(g.PeerIDs) != 0 {
			t.Fatalf("attendance was recorded ahead of the day: %v", g.PeerIDs)
		}

		held, err := store.Create(ctx, wb.region.ID, wb.org, tenants.Gathering{Kind: tenants.GatheringContinuingEducation, Title: "Suicidprevention", HeldOn: daysAgo(2)})
		if err != nil {
			t.Fatal(err)
		}
		page := wb.pages + "/gatherings/" + itoa(held.ID)
		status, body, _ = wb.submit(t, page+"/attendance", url.Values{"peers": {itoa(wb.sara.ID), itoa(wb.stranger.ID)}}, wb.cookie)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Välj kamratstödjare i den egna organisationen.") {
			t.Fatalf("attendance with another organisation's peer: %d\n%s", status, body)
		}
		if g := wb.gathering(t, held.ID); len(g.PeerIDs) != 0 {
			t.Fatalf("a refused attendance was recorded: %v", g.PeerIDs)
		}
		status, _, location = wb.submit(t, page+"/attendance", url.Values{"peers": {itoa(wb.sara.ID), itoa(wb.omar.ID)}}, wb.cookie)
		if g := wb.gathering(t, held.ID); status != http.StatusSeeOther || !slices.Equal(g.PeerIDs, []int64{wb.sara.ID, wb.omar.ID}) {
			t.Fatalf("attendance: %d, stored %v", status, g.PeerIDs)
		}
		if !wb.audited(t, "gathering.attendance", itoa(held.ID)) {
			t.Error("attendance was not audited")
		}
		if status, body := wb.page(t, location, wb.cookie); status != http.StatusOK || !strings.Contains(body, "Närvaron är sparad.") || !strings.Contains(body, `value="`+itoa(wb.omar.ID)+`" checked="checked"`) {
			t.Fatalf("after saving attendance: %d\n%s", status, body)
		}
		if status, body := wb.page(t, wb.pages+"/gatherings", wb.cookie); status != http.StatusOK || !strings.Contains(body, "Suicidprevention") || !strings.Contains(body, "Planerad") {
			t.Fatalf("list: %d\n%s", status, body)
		}

		if status, _, _ := wb.submit(t, page+"/remove", nil, wb.cookie); status != http.StatusSeeOther {
			t.Fatalf("remove: %d", status)
		}
		if _, err := store.Gathering(ctx, wb.region.ID, wb.org, held.ID); !isNotFound(err) || !wb.audited(t, "gathering.remove", itoa(held.ID)) {
			t.Fatalf("after removing: %v", err)
		}
	})
}
