package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

func peerJSON() map[string]any {
	return map[string]any{
		"display_name": "Amir Haddad", "phone": "040-123 45 67", "email": "amir@example.se",
		"languages": []string{"ar", "sv"}, "experience": []string{"hiv"}, "capacity": 2, "status": "active",
	}
}

// TestPeerAPI: register, read (logged), change, move the status, record
// trainings; invalid input gets 422 with a message per field and changes
// nothing.
func TestPeerAPI(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		pb := setupPeers(t, db)
		ctx := context.Background()

		resp, body := pb.call(t, pb.token, http.MethodPost, pb.api, peerJSON())
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %s", resp.StatusCode, body)
		}
		var created apiPeer
		if err := json.Unmarshal([]byte(body), &created); err != nil {
			t.Fatal(err)
		}
		if created.Status != "active" || created.OrganisationID != pb.org || strings.Join(created.Languages, ",") != "sv,ar" || created.Phone != "040-123 45 67" {
			t.Errorf("created: %+v", created)
		}
		if got := resp.Header.Get("Location"); got != pb.api+"/"+itoa(created.ID) {
			t.Errorf("Location %q", got)
		}
		peerURL := pb.api + "/" + itoa(created.ID)

		for _, tc := range []struct {
			name  string
			set   map[string]any
			field string
			msg   string
		}{
			{"unknown language", map[string]any{"languages": []string{"sv", "klingon"}}, "languages", "Choose languages from the list"},
			{"negative capacity", map[string]any{"capacity": -1}, "capacity", "Must be between 0 and 20."},
			{"left at registration", map[string]any{"status": "left"}, "status", "Choose one of the options."},
		} {
			in := peerJSON()
			for k, v := range tc.set {
				in[k] = v
			}
			resp, body := pb.callLang(t, http.MethodPost, pb.api, in, "en")
			e := errorJSON(t, body)
			if resp.StatusCode != http.StatusUnprocessableEntity || len(e.Fields) == 0 || e.Fields[0].Field != tc.field || !strings.Contains(e.Fields[0].Message, tc.msg) {
				t.Errorf("%s: %d %+v", tc.name, resp.StatusCode, e.Fields)
			}
		}
		if list, _ := pb.peers.Peers(ctx, pb.region.ID, pb.org); len(list) != 1 {
			t.Fatalf("refused requests stored peers: %d", len(list))
		}

		if resp, body := pb.call(t, pb.token, http.MethodGet, peerURL, nil); resp.StatusCode != http.StatusOK || !strings.Contains(body, "amir@example.se") || !strings.Contains(body, `"certified":false`) {
			t.Fatalf("show: %d %s", resp.StatusCode, body)
		}
		if rows, _ := pb.policy.Audit.Search(ctx, pb.region.ID, tenants.AuditFilter{Action: "peer.read"}); len(rows) == 0 {
			t.Error("the API read was not logged")
		}

		upd := peerJSON()
		upd["capacity"], upd["status"] = 4, "paused"
		delete(upd, "phone")
		if resp, body := pb.call(t, pb.token, http.MethodPut, peerURL, upd); resp.StatusCode != http.StatusOK || !strings.Contains(body, `"capacity":4`) || strings.Contains(body, `"phone"`) || !strings.Contains(body, `"status":"active"`) {
			t.Fatalf("update: %d %s", resp.StatusCode, body)
		}

		// active → recruited is no move; active → paused is.
		resp, body = pb.call(t, pb.token, http.MethodPost, peerURL+"/status", map[string]any{"status": "recruited"})
		if e := errorJSON(t, body); resp.StatusCode != http.StatusUnprocessableEntity || len(e.Fields) != 1 || e.Fields[0].Field != "status" || !strings.Contains(e.Fields[0].Message, "Statusen kan inte ändras så") {
			t.Fatalf("active → recruited: %d %s", resp.StatusCode, body)
		}
		if resp, body := pb.call(t, pb.token, http.MethodPost, peerURL+"/status", map[string]any{"status": "paused", "reason": "Föräldraledig"}); resp.StatusCode != http.StatusOK || !strings.Contains(body, `"status":"paused"`) {
			t.Fatalf("active → paused: %d %s", resp.StatusCode, body)
		}
		resp, body = pb.call(t, pb.token, http.MethodGet, peerURL+"/history", nil)
		var history apiPeerHistory
		if err := json.Unmarshal([]byte(body), &history); err != nil || resp.StatusCode != http.StatusOK || len(history.Events) != 2 ||
			history.Events[0].From != "" || history.Events[1].From != "active" || history.Events[1].Reason != "Föräldraledig" {
			t.Fatalf("history: %d %s", resp.StatusCode, body)
		}

		// Trainings: end before start, a day that is no day, the future.
		for _, tc := range []struct {
			body  map[string]any
			field string
			msg   string
		}{
			{map[string]any{"kind": "base_course", "started_on": "2026-03-01", "completed_on": "2026-02-01"}, "completed_on", "Slutförd: Slutdatumet får inte vara före startdatumet."},
			{map[string]any{"kind": "base_course", "started_on": "1 mars"}, "started_on", "Startdatum: Ange ett datum"},
			{map[string]any{"kind": "other", "started_on": "2026-01-01"}, "title", "Utbildningens namn: Måste fyllas i."},
			{map[string]any{"kind": "course", "started_on": "2026-01-01"}, "kind", "Typ av utbildning: Välj ett av alternativen."},
		} {
			resp, body := pb.call(t, pb.token, http.MethodPost, peerURL+"/trainings", tc.body)
			e := errorJSON(t, body)
			if resp.StatusCode != http.StatusUnprocessableEntity || len(e.Fields) == 0 || e.Fields[0].Field != tc.field || !strings.HasPrefix(e.Fields[0].Message, tc.msg) {
				t.Errorf("training %v: %d %+v", tc.body, resp.StatusCode, e.Fields)
			}
		}
		if ts, _ := pb.peers.Trainings(ctx, pb.region.ID, pb.org, created.ID); len(ts) != 0 {
			t.Fatalf("refused trainings were stored: %+v", ts)
		}
		done := tenants.DateOf(time.Now().AddDate(0, -2, 0))
		resp, body = pb.call(t, pb.token, http.MethodPost, peerURL+"/trainings", map[string]any{"kind": "base_course", "started_on": done.AddDays(-35).String(), "completed_on": done.String()})
		var training apiTraining
		if err := json.Unmarshal([]byte(body), &training); err != nil || resp.StatusCode != http.StatusCreated || training.CompletedOn != done.String() {
			t.Fatalf("add training: %d %s", resp.StatusCode, body)
		}
		resp, body = pb.call(t, pb.token, http.MethodGet, peerURL+"/trainings", nil)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"expires_on":"`+done.AddMonths(tenants.CertificationMonths).String()+`"`) || !strings.Contains(body, `"valid_today":true`) {
			t.Fatalf("trainings: %d %s", resp.StatusCode, body)
		}
		if resp, _ := pb.call(t, pb.token, http.MethodDelete, peerURL+"/trainings/"+itoa(training.ID), nil); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("delete training: %d", resp.StatusCode)
		}
		if resp, _ := pb.call(t, pb.token, http.MethodDelete, peerURL+"/trainings/"+itoa(training.ID), nil); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("delete it again: %d", resp.StatusCode)
		}

		// Linking: only the organisation's peer supporters.
		supporter := pb.users[tenants.RolePeerSupporter].ID
		if resp, _ := pb.call(t, pb.token, http.MethodPut, peerURL+"/account", map[string]any{"user_id": pb.users[tenants.RoleClinicStaff].ID}); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("linking clinic staff: %d", resp.StatusCode)
		}
		if resp, body := pb.call(t, pb.token, http.MethodPut, peerURL+"/account", map[string]any{"user_id": supporter}); resp.StatusCode != http.StatusOK || !strings.Contains(body, `"user_id":`+itoa(supporter)) {
			t.Errorf("link: %d %s", resp.StatusCode, body)
		}
	})
}

// callLang sends a JSON request with the coordinator's token in lang.
func (pb *peerBundle) callLang(t *testing.T, method, path string, body any, lang string) (*http.Response, string) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(method, path, strings.NewReader(string(b)))
	req.Header.Set("Authorization", "Bearer "+pb.token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", lang)
	return pb.do(t, req)
}
