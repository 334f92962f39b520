package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// TestCoordinatorJourney: an organisation's coordinator registers a peer
// supporter, records the base course, a group supervision session and a
// placement at a clinic, and is warned that the clinic is not ready.
func TestCoordinatorJourney(t *testing.T) {
	t.Parallel()
	j := newJourney(t)
	j.signIn("stockholm", "org_coordinator")
	j.follow(`a[href="/r/stockholm/org/peers"]`)

	j.visit("/r/stockholm/org/peers/new")
	j.fill("#display_name", "Sara Stöd")
	j.fill("#phone", "070-123 45 67")
	j.fill("#email", "sara.stod@example.se")
	// Swedish is ticked from the start; add Arabic.
	j.click(`input[name="languages"][value="ar"]`)
	j.click(`input[name="experience"][value="psychosis"]`)
	j.fill("#capacity", "-1")
	j.fill("#status", "active")
	if status := j.follow(`main form button[type="submit"]`); status != http.StatusUnprocessableEntity {
		t.Fatalf("a negative capacity answered %d", status)
	}
	j.fill("#capacity", "2")
	if status := j.follow(`main form button[type="submit"]`); status != http.StatusOK || !strings.Contains(j.text("h1"), "Sara Stöd") {
		t.Fatalf("registering the peer led to %s (%d):\n%s", j.location(), status, j.text("main"))
	}
	peerPage := j.path()
	peerID := peerPage[strings.LastIndex(peerPage, "/")+1:]

	j.fill("#training_kind", "base_course")
	j.fill("#training_title", "Grundutbildning i kamratstöd")
	j.fill("#training_started_on", "2026-09-01")
	j.fill("#training_completed_on", "2026-10-06")
	if status := j.follow(`form[action$="/trainings"] button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("recording the base course answered %d:\n%s", status, j.text("main"))
	}
	if page := j.text("main"); !strings.Contains(page, "Grundutbildning i kamratstöd") || !strings.Contains(page, "2028-10-06") {
		t.Errorf("the peer page lacks the course or its certification (valid 24 months):\n%s", page)
	}

	j.visit("/r/stockholm/org/supervision/new")
	j.fill("#kind", "group")
	j.fill("#supervisor_name", "Maria Handledare")
	j.click(`input[name="supervisor_lived_experience"]`)
	j.fill("#held_on", "2026-11-20")
	j.fill("#duration_minutes", "90")
	j.click(`input[name="peers"][value="` + peerID + `"]`)
	if status := j.follow(`main form button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("recording supervision answered %d:\n%s", status, j.text("main"))
	}
	if page := j.text("main"); !strings.Contains(page, "Maria Handledare") || !strings.Contains(page, "Sara Stöd") {
		t.Errorf("the session page lacks the supervisor or the peer:\n%s", page)
	}

	j.visit("/r/stockholm/org/placements/new")
	j.fill("#peer_id", peerID)
	j.fill("#unit_id", j.attr(`#unit_id option:nth-child(2)`, "value"))
	j.fill("#starts_on", "2026-12-01")
	j.fill("#employer", "organisation")
	j.fill("#fte_percent", "50")
	if status := j.follow(`main form button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("placing the peer answered %d:\n%s", status, j.text("main"))
	}
	if n := j.count(".warnings"); n != 1 {
		t.Errorf("placing a peer at an unready clinic shows no warning:\n%s", j.text("main"))
	}

	j.visit(peerPage)
	if !strings.Contains(j.text("main"), "Sara Stöd") {
		t.Error("the peer page is gone")
	}
}
