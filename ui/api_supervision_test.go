package ui

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestPeerWorkAPI: the organisation's supervision, gatherings, placements
// and overview through the API with a coordinator's token: the same
// refusals as the pages (nothing changes), placements come back with
// their warnings, every change is audited.
func TestPeerWorkAPI(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		wb := setupWork(t, db)
		today := todayInSweden().String()
		session := func(change func(map[string]any)) map[string]any {
			in := map[string]any{"kind": "group", "supervisor_name": "Mary-Anne", "supervisor_lived_experience": true, "held_on": today,
				"duration_minutes": 90, "peer_ids": []int64{wb.sara.ID, wb.omar.ID}}
			if change != nil {
				change(in)
			}
			return in
		}
		for _, tc := range []struct {
			name   string
			change func(map[string]any)
			want   string
		}{
			{"too long", func(in map[string]any) { in["duration_minutes"] = 600 }, "Längd i minuter: Måste vara mellan 15 och 480."},
			{"another organisation's peer", func(in map[string]any) { in["peer_ids"] = []int64{wb.stranger.ID} }, "Deltagande kamratstödjare: Välj kamratstödjare i den egna organisationen."},
			{"bad date", func(in map[string]any) { in["held_on"] = "igår" }, "Datum för träffen: Ange ett datum som ÅÅÅÅ-MM-DD."},
		} {
			resp, body := wb.callAPI(t, wb.token, http.MethodPost, "/supervision_sessions", session(tc.change))
			if resp.StatusCode != http.StatusUnprocessableEntity || !slices.Contains(fieldMessages(errorJSON(t, body)), tc.want) {
				t.Errorf("%s: %d %s, want 422 with %q", tc.name, resp.StatusCode, body, tc.want)
			}
		}
		if got := wb.sessions(t); len(got) != 0 {
			t.Fatalf("refused requests saved sessions: %+v", got)
		}
		resp, body := wb.callAPI(t, wb.token, http.MethodPost, "/supervision_sessions", session(nil))
		var created apiSupervisionSession
		if resp.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &created) != nil || len(created.PeerIDs) != 2 {
			t.Fatalf("create session: %d %s", resp.StatusCode, body)
		}
		if !strings.HasSuffix(resp.Header.Get("Location"), "/supervision_sessions/"+itoa(created.ID)) || !wb.audited(t, "supervision.create", itoa(created.ID)) {
			t.Fatalf("Location %q, or not audited", resp.Header.Get("Location"))
		}

		resp, body = wb.callAPI(t, wb.token, http.MethodPost, "/gatherings", map[string]any{"kind": "reunion", "title": "Vårträff", "held_on": todayInSweden().AddDays(7).String()})
		var g apiGathering
		if resp.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &g) != nil {
			t.Fatalf("create gathering: %d %s", resp.StatusCode, body)
		}
		resp, body = wb.callAPI(t, wb.token, http.MethodPut, "/gatherings/"+itoa(g.ID)+"/attendance", map[string]any{"peer_ids": []int64{wb.sara.ID}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Närvaro kan registreras först när träffen har ägt rum.") {
			t.Fatalf("attendance ahead of the day: %d %s", resp.StatusCode, body)
		}
		resp, body = wb.callAPI(t, wb.token, http.MethodPost, "/gatherings", map[string]any{"kind": "continuing_education", "title": "Fortbildning", "held_on": today, "peer_ids": []int64{wb.omar.ID}})
		if resp.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &g) != nil || !slices.Equal(g.PeerIDs, []int64{wb.omar.ID}) {
			t.Fatalf("gathering held today with attendance: %d %s", resp.StatusCode, body)
		}
		resp, body = wb.callAPI(t, wb.token, http.MethodPut, "/gatherings/"+itoa(g.ID)+"/attendance", map[string]any{"peer_ids": []int64{wb.sara.ID, wb.omar.ID}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"peer_ids":[`+itoa(wb.sara.ID)+`,`+itoa(wb.omar.ID)+`]`) || !wb.audited(t, "gathering.attendance", itoa(g.ID)) {
			t.Fatalf("attendance: %d %s", resp.StatusCode, body)
		}

		unit := wb.unitID(t)
		placement := map[string]any{"peer_id": wb.sara.ID, "unit_id": unit, "employer": "organisation", "fte_percent": 60, "starts_on": "2026-01-01", "ends_on": "2025-06-30"}
		resp, body = wb.callAPI(t, wb.token, http.MethodPost, "/placements", placement)
		if resp.StatusCode != http.StatusUnprocessableEntity || !slices.Contains(fieldMessages(errorJSON(t, body)), "Gäller till och med: Slutdatumet får inte vara före startdatumet.") {
			t.Fatalf("end before start: %d %s", resp.StatusCode, body)
		}
		placement["peer_id"], placement["ends_on"] = wb.stranger.ID, ""
		if resp, body = wb.callAPI(t, wb.token, http.MethodPost, "/placements", placement); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Välj kamratstödjare i den egna organisationen.") {
			t.Fatalf("another organisation's peer: %d %s", resp.StatusCode, body)
		}
		if got := wb.placements(t); len(got) != 0 {
			t.Fatalf("refused requests saved placements: %+v", got)
		}
		placement["peer_id"] = wb.sara.ID
		resp, body = wb.callAPI(t, wb.token, http.MethodPost, "/placements", placement)
		var saved apiPlacementResult
		if resp.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &saved) != nil {
			t.Fatalf("create placement: %d %s", resp.StatusCode, body)
		}
		var keys []string
		for _, w := range saved.Warnings {
			keys = append(keys, w.Key)
		}
		if !slices.Equal(keys, []string{tenants.WarnUnitNotReady, tenants.WarnNoBudgetedPosition}) || saved.Placement.EndsOn != "" {
			t.Fatalf("placement saved with warnings %v: %+v", keys, saved)
		}
		if !wb.audited(t, "placement.create", itoa(saved.Placement.ID)) {
			t.Error("placement not audited")
		}
		// A second placement of the same peer takes her over full time.
		placement["unit_id"], placement["fte_percent"] = unit, 50
		resp, body = wb.callAPI(t, wb.token, http.MethodPost, "/placements", placement)
		if resp.StatusCode != http.StatusCreated || !strings.Contains(body, tenants.WarnOverFullTime) || !strings.Contains(body, "110 procent av heltid") {
			t.Fatalf("over full time: %d %s", resp.StatusCode, body)
		}
		placement["fte_percent"], placement["ends_on"], placement["peer_id"] = 40, today, wb.omar.ID
		resp, body = wb.callAPI(t, wb.token, http.MethodPut, "/placements/"+itoa(saved.Placement.ID), placement)
		if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &saved) != nil || saved.Placement.FTEPercent != 40 || saved.Placement.PeerID != wb.sara.ID || saved.Placement.EndsOn != today {
			t.Fatalf("update placement: %d %s", resp.StatusCode, body)
		}
		if !wb.audited(t, "placement.update", itoa(saved.Placement.ID)) {
			t.Error("placement update not audited")
		}

		resp, body = wb.callAPI(t, wb.token, http.MethodGet, "/overview", nil)
		var o apiOverview
		if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &o) != nil {
			t.Fatalf("overview: %d %s", resp.StatusCode, body)
		}
		if o.OrganisationID != wb.org || len(o.PeersByStatus) != 5 || o.ActiveCapacity != 6 || o.FreeCapacity != 6 || len(o.PlacementsEnding) != 1 || o.PlacementsEnding[0].PeerName != "Sara Lind" {
			t.Fatalf("overview: %+v", o)
		}

		if resp, body := wb.callAPI(t, wb.token, http.MethodDelete, "/supervision_sessions/"+itoa(created.ID), nil); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("delete session: %d %s", resp.StatusCode, body)
		}
		if got := wb.sessions(t); len(got) != 0 || !wb.audited(t, "supervision.remove", itoa(created.ID)) {
			t.Fatalf("after deleting: %+v", got)
		}
	})
}

// TestPeerWorkAPIFitsDocument: with a coordinator's token (the regional
// administrator of TestOpenAPIMatchesRoutes may not read these), every GET
// of this area answers what the OpenAPI document promises.
func TestPeerWorkAPIFitsDocument(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		wb := setupWork(t, db)
		_, raw := wb.get(t, "/api/openapi.json")
		doc, err := openapi3.NewLoader().LoadFromData([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]int64{}
		peerWorkFixtures(t, wb.signInBundle, ids)
		// Something in every list and section.
		wb.backdateActive(t, wb.sara, 60)
		if _, _, err := tenants.NewPlacementStore(wb.db).Create(context.Background(), wb.region.ID, wb.org, tenants.Placement{
			PeerID: wb.omar.ID, UnitID: wb.unitID(t), Employer: tenants.EmployerRegion, FTEPercent: 20, StartsOn: daysAgo(10), EndsOn: daysAgo(-10),
		}); err != nil {
			t.Fatal(err)
		}
		s := &server{log: slog.New(slog.DiscardHandler), cfg: Config{Metrics: prometheus.NewRegistry()}}
		checked := 0
		for _, r := range s.peerWorkRoutes() {
			if r.method != http.MethodGet || !strings.HasPrefix(r.path, "/api/v1/") {
				continue
			}
			path := regionPath(t, r, wb.region.Slug, ids)
			resp, body := apiSend(t, wb.signInBundle, wb.token, http.MethodGet, path, "", nil)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s: %d %s", path, resp.StatusCode, body)
				continue
			}
			if strings.Contains(body, "[]") && !strings.Contains(path, "overview") {
				t.Errorf("GET %s: an empty list checks little: %s", path, body)
			}
			media := doc.Paths.Find(openAPIPath(r.path)).GetOperation(http.MethodGet).Responses.Status(http.StatusOK).Value.Content.Get("application/json")
			var data any
			if err := json.Unmarshal([]byte(body), &data); err != nil {
				t.Fatalf("GET %s: %v", path, err)
			}
			if err := media.Schema.Value.VisitJSON(data); err != nil {
				t.Errorf("GET %s does not fit its schema: %v\n%s", path, err, body)
			}
			checked++
		}
		if checked < 7 {
			t.Fatalf("checked only %d answers", checked)
		}
	})
}
