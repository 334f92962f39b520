package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// axeRegion is where the accessibility journeys read reports. Its last
// quarter is approved on the way (so that the viewer may read it), which
// no other test depends on.
const axeRegion = "stockholm"

// TestReportPagesAccessible: the quarterly reports list and a report, as
// the regional administrator (a draft, with the approve form) and as the
// viewer (the approved report), and the national view that then shows the
// approved quarter, have no serious or critical accessibility violation by
// axe-core (WCAG 2.1 A and AA, best practices).
func TestReportPagesAccessible(t *testing.T) {
	t.Parallel()
	requireAxe(t)
	list := "/r/" + axeRegion + "/admin/reports"
	reportLink := `main table a[href^="` + list + `/"]`
	var report string

	t.Run("regional administrator", func(t *testing.T) {
		j := newJourney(t)
		j.signIn(axeRegion, "region_admin")
		// The demo's jobs build the last quarter's reports when it starts.
		j.waitFor(list, reportLink, 40*time.Second)
		j.checkAccessible("reports list (administrator)")

		if status := j.follow(reportLink); status != http.StatusOK {
			t.Fatalf("opening a report answered %d:\n%s", status, j.text("main"))
		}
		report = j.path()
		j.checkAccessible("report (administrator)")
		if approve := `form[action$="/approve"] button[type="submit"]`; j.count(approve) == 1 {
			if status := j.follow(approve); status != http.StatusOK {
				t.Fatalf("approving the quarter answered %d:\n%s", status, j.text("main"))
			}
			j.checkAccessible("approved report (administrator)")
		}
		if state := j.attr(`dd[data-state]`, "data-state"); state != "approved" {
			t.Fatalf("the report is %s after approving, want approved", state)
		}
	})
	if report == "" {
		t.FailNow()
	}

	t.Run("viewer", func(t *testing.T) {
		j := newJourney(t)
		j.signIn(axeRegion, "viewer")
		if status := j.visit(list); status != http.StatusOK {
			t.Fatalf("%s answered %d for the viewer:\n%s", list, status, j.text("main"))
		}
		j.checkAccessible("reports list (viewer)")
		if status := j.visit(report); status != http.StatusOK {
			t.Fatalf("the approved report %s answered %d for the viewer:\n%s", report, status, j.text("main"))
		}
		j.checkAccessible("report (viewer)")
	})

	// The region shares nationally (the demo says so): its approved
	// quarter is now in the national view.
	t.Run("national viewer", func(t *testing.T) {
		j := newJourney(t)
		if status := j.visit("/r/" + axeRegion + "/login"); status != http.StatusOK {
			t.Fatalf("the sign-in page answered %d", status)
		}
		if status := j.follow(`a[href="/r/` + axeRegion + `/login/oidc/demo?hint=demo-national-viewer"]`); status != http.StatusOK || j.path() != "/national" {
			t.Fatalf("the national viewer's sign-in led to %s (%d), want /national", j.location(), status)
		}
		if n := j.count("main table[data-figures]"); n == 0 {
			t.Fatalf("the national view shows no figures after %s approved a quarter:\n%s", axeRegion, j.text("main"))
		}
		j.checkAccessible("national view")
	})
}

// TestDashboardAccessible: the region's dashboard, as the regional
// administrator and as the viewer, in Swedish and in English, has no
// serious or critical accessibility violation by axe-core.
func TestDashboardAccessible(t *testing.T) {
	t.Parallel()
	requireAxe(t)
	dashboard := "/r/skane/dashboard"
	for _, role := range []string{"region_admin", "viewer"} {
		t.Run(role, func(t *testing.T) {
			j := newJourney(t)
			j.signIn("skane", role)
			if status := j.visit(dashboard); status != http.StatusOK {
				t.Fatalf("%s answered %d for the %s:\n%s", dashboard, status, role, j.text("main"))
			}
			if n := j.count("main svg[role=img]"); n == 0 {
				t.Errorf("the dashboard draws no chart, so axe checks none")
			}
			j.checkAccessible("dashboard (" + role + ")")
			if status := j.follow(`header a[hreflang="en"]`); status != http.StatusOK {
				t.Fatalf("switching the dashboard to English answered %d", status)
			}
			j.checkAccessible("dashboard in English (" + role + ")")
		})
	}
}

// waitFor loads path until it has an element matching sel, for at most d.
func (j *journey) waitFor(path, sel string, d time.Duration) {
	j.t.Helper()
	deadline := time.Now().Add(d)
	for {
		if status := j.visit(path); status != http.StatusOK {
			j.t.Fatalf("%s answered %d:\n%s", path, status, j.text("main"))
		}
		if j.count(sel) > 0 {
			return
		}
		if time.Now().After(deadline) {
			j.t.Fatalf("no %s on %s after %s:\n%s", sel, path, d, strings.TrimSpace(j.text("main")))
		}
		time.Sleep(time.Second)
	}
}

// TestAccessibilityStatementAccessible: the accessibility statement is
// reached from every page's footer and passes axe itself, in Swedish and in
// English.
func TestAccessibilityStatementAccessible(t *testing.T) {
	t.Parallel()
	requireAxe(t)
	j := newJourney(t)
	if status := j.visit("/"); status != http.StatusOK {
		t.Fatalf("/ answered %d", status)
	}
	if status := j.follow(`footer a[href="/tillganglighet"]`); status != http.StatusOK || j.path() != "/tillganglighet" {
		t.Fatalf("the footer's link led to %s (%d)", j.location(), status)
	}
	if h := j.text("h1"); !strings.Contains(h, "Tillgänglighet") {
		t.Errorf("the statement's heading is %q", h)
	}
	j.checkAccessible("accessibility statement")
	if status := j.follow(`header a[hreflang="en"]`); status != http.StatusOK {
		t.Fatalf("switching the statement to English answered %d", status)
	}
	j.checkAccessible("accessibility statement in English")
}
