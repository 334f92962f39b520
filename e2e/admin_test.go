package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestInvitationJourney: a regional administrator invites a peer supporter
// from the browser (a mistake first, which the form explains); the invitee
// opens the link, accepts without an identity provider and lands on the
// peer supporter's start page.
func TestInvitationJourney(t *testing.T) {
	t.Parallel()
	j := newJourney(t)
	j.signIn("skane", "region_admin")
	j.follow(`a[href="/r/skane/admin/invitations"]`)

	j.fill("#email", "inte-en-adress")
	j.fill("#display_name", "Ivar Inbjuden")
	j.fill("#role", "peer_supporter")
	if status := j.follow(`form[action="/r/skane/admin/invitations"] button[type="submit"]`); status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad invitation answered %d, want 422", status)
	}
	if n := j.count(`.error-summary a[href="#email"]`); n != 1 {
		t.Errorf("the error summary does not link to the e-mail field:\n%s", j.text("main"))
	}
	if got := j.attr("#display_name", "value"); got != "Ivar Inbjuden" {
		t.Errorf("the refused form lost the name: %q", got)
	}

	j.fill("#email", "ivar@example.se")
	j.fill("#organisation_id", j.attr(`#organisation_id option:nth-child(2)`, "value"))
	if status := j.follow(`form[action="/r/skane/admin/invitations"] button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("the invitation answered %d:\n%s", status, j.text("main"))
	}
	link, err := url.Parse(j.text(".notice pre"))
	if err != nil || !strings.HasPrefix(link.Path, "/r/skane/invitations/") {
		t.Fatalf("the page shows no invitation link: %q", j.text(".notice"))
	}

	j.follow(signOutButton)
	j.visit(link.Path)
	if status := j.follow(`form[action="` + link.Path + `"] button[type="submit"]`); status != http.StatusOK || j.path() != "/r/skane/start" {
		t.Fatalf("accepting led to %s (%d):\n%s", j.location(), status, j.text("main"))
	}
	if n := j.count(`p[data-role="peer_supporter"]`); n != 1 {
		t.Errorf("the new member's start page is not a peer supporter's:\n%s", j.text("main"))
	}
}
