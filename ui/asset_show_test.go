package ui

import (
	"regexp"
	"strings"
	"testing"
)

func TestStaticAssets(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	_, page := b.get(t, "/")
	m := regexp.MustCompile(`href="(/static/[0-9a-f]{12}/app\.css)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("page links no checksummed stylesheet:\n%s", page)
	}
	res, css := b.get(t, m[1])
	if res.StatusCode != 200 || !strings.Contains(css, ".skip-link") {
		t.Fatalf("GET %s: %d %q", m[1], res.StatusCode, css)
	}
	if got := res.Header.Get("Content-Type"); !strings.HasPrefix(got, "text/css") {
		t.Errorf("Content-Type = %q, want text/css", got)
	}
	if got := res.Header.Get("Cache-Control"); !strings.Contains(got, "max-age=31536000") || !strings.Contains(got, "immutable") {
		t.Errorf("Cache-Control = %q, want a year, immutable", got)
	}

	for _, target := range []string{"/static/000000000000/app.css", "/static/" + m[1][8:20] + "/nope.css"} {
		if res, _ := b.get(t, target); res.StatusCode != 404 {
			t.Errorf("GET %s: status %d, want 404", target, res.StatusCode)
		}
	}
}
