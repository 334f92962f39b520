package ui

import (
	"slices"
	"strings"
	"testing"
)

// TestPageRoutes: the list holds the pages a browser opens, downloads
// included, and not the JSON API, the static assets or the probes.
func TestPageRoutes(t *testing.T) {
	t.Parallel()
	pages := PageRoutes()
	for _, want := range []string{"/", "/r/:region/start", "/r/:region/org/referrals/:id", "/r/:region/dashboard/export/csv", "/ops/jobs"} {
		if !slices.Contains(pages, want) {
			t.Errorf("PageRoutes lacks %s", want)
		}
	}
	for _, p := range pages {
		if strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/readyz" || p == "/metrics" {
			t.Errorf("PageRoutes lists %s, which is no page", p)
		}
	}
}
