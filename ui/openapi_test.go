package ui

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestOpenAPIMatchesRoutes: the served document is valid OpenAPI 3, names
// exactly the API routes of the route table, and every GET route's answer
// (as a regional administrator, who may read everything) fits the schema
// the document gives for it.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		resp, body := sb.get(t, "/api/openapi.json")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("/api/openapi.json: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		doc, err := openapi3.NewLoader().LoadFromData([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if err := doc.Validate(context.Background()); err != nil {
			t.Fatalf("the document is not valid OpenAPI: %v", err)
		}

		s := &server{log: slog.New(slog.DiscardHandler), cfg: Config{Metrics: prometheus.NewRegistry()}}
		want := map[string]bool{}
		for _, r := range s.routes() {
			if strings.HasPrefix(r.path, "/api/v1/") {
				want[r.method+" "+openAPIPath(r.path)] = true
			}
		}
		got := map[string]bool{}
		for path, item := range doc.Paths.Map() {
			for method := range item.Operations() {
				got[method+" "+path] = true
				if !want[method+" "+path] {
					t.Errorf("the document describes %s %s, which no route serves", method, path)
				}
			}
		}
		for k := range want {
			if !got[k] {
				t.Errorf("route %s is missing from the document", k)
			}
		}

		_, token, err := sb.policy.Tokens.Create(context.Background(), sb.region.ID, sb.users[tenants.RoleRegionAdmin].ID, "openapi", nil)
		if err != nil {
			t.Fatal(err)
		}
		ids := apiFixtures(t, sb)
		checked := 0
		for _, r := range s.routes() {
			if r.method != http.MethodGet || !strings.HasPrefix(r.path, "/api/v1/") {
				continue
			}
			path := regionPath(t, r, sb.region.Slug, ids)
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, body := sb.do(t, req)
			op := doc.Paths.Find(openAPIPath(r.path)).GetOperation(http.MethodGet)
			declared := op.Responses.Status(resp.StatusCode)
			if declared == nil {
				t.Errorf("GET %s answered %d, which the document does not declare", path, resp.StatusCode)
				continue
			}
			media := declared.Value.Content.Get("application/json")
			if media == nil {
				continue
			}
			var data any
			if err := json.Unmarshal([]byte(body), &data); err != nil {
				t.Errorf("GET %s: not JSON: %v", path, err)
				continue
			}
			if err := media.Schema.Value.VisitJSON(data); err != nil {
				t.Errorf("GET %s (%d) does not fit its schema: %v", path, resp.StatusCode, err)
			}
			checked++
		}
		if checked == 0 {
			t.Fatal("no API answer was checked against the document")
		}
	})
}

// apiFixtures gives the :id routes of the API an object of their kind in
// the region (the path segment before :id names the kind).
func apiFixtures(t *testing.T, sb *signInBundle) map[string]int64 {
	t.Helper()
	ids := accessFixtures(t, sb)
	units, err := tenants.NewUnitStore(sb.db).Units(context.Background(), sb.region.ID)
	if err != nil || len(units) == 0 {
		t.Fatalf("units: %v", err)
	}
	ids["units"] = units[0].ID
	return ids
}
