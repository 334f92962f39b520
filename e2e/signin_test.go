package e2e

import (
	"fmt"
	"net/http"
	"testing"
)

// The demo seeds these regions, each with one demo user per role.
var (
	demoRegions = []string{"skane", "stockholm"}
	demoRoles   = []string{"region_admin", "clinic_staff", "org_coordinator", "peer_supporter", "viewer"}
)

// signOutButton is the layout's "Logga ut", shown to anyone signed in.
const signOutButton = `form[action="/logout"] button[type="submit"]`

// TestSignInAndOut: every demo user signs in through the real OIDC flow,
// lands on the start page of their role in Swedish, signs out, and is then
// signed out: the start page sends them to sign in again.
func TestSignInAndOut(t *testing.T) {
	t.Parallel()
	for _, region := range demoRegions {
		for _, role := range demoRoles {
			t.Run(region+"/"+role, func(t *testing.T) {
				t.Parallel()
				j := newJourney(t)
				j.signIn(region, role)
				if lang := j.attr("html", "lang"); lang != "sv" {
					t.Errorf(`start page has <html lang=%q>, want "sv"`, lang)
				}
				if text := j.text(signOutButton); text != "Logga ut" {
					t.Errorf("sign-out button says %q, want %q", text, "Logga ut")
				}

				if status := j.follow(signOutButton); status != http.StatusOK || j.path() != "/" {
					t.Fatalf("after signing out: %s answered %d, want / with 200", j.location(), status)
				}
				if n := j.count(signOutButton); n != 0 {
					t.Errorf("home page still offers to sign out after signing out")
				}

				start := "/r/" + region + "/start"
				status := j.visit(start)
				if n := j.count("[data-role]"); n != 0 {
					t.Fatalf("%s after signing out shows a role (%s, %d):\n%s", start, j.location(), status, j.text("main"))
				}
				if want := "/r/" + region + "/login"; j.path() != want || status != http.StatusOK {
					t.Errorf("%s after signing out led to %s (%d), want the sign-in page %s", start, j.location(), status, want)
				}
			})
		}
	}
}

// TestOtherRegionIsNotFound: a member of one region who opens another
// region's start page gets the 404 page, as if the page did not exist.
func TestOtherRegionIsNotFound(t *testing.T) {
	t.Parallel()
	j := newJourney(t)
	j.signIn("skane", "clinic_staff")

	status := j.visit("/r/stockholm/start")
	if status != http.StatusNotFound {
		t.Errorf("/r/stockholm/start for a member of skane answered %d, want 404", status)
	}
	if j.path() != "/r/stockholm/start" {
		t.Errorf("/r/stockholm/start led to %s, want it to answer in place", j.location())
	}
	// error.404 in ui/locales/sv.json.
	if h1 := j.text("h1"); h1 != "Sidan finns inte." {
		t.Errorf("heading %q, want the 404 page's %q", h1, "Sidan finns inte.")
	}
	if n := j.count("[data-role]"); n != 0 {
		t.Errorf("the 404 page shows a role")
	}
}

// TestLanguageSwitch: the English link on the sign-in page turns the page
// into English, at the same address.
func TestLanguageSwitch(t *testing.T) {
	t.Parallel()
	j := newJourney(t)
	if status := j.visit("/r/skane/login"); status != http.StatusOK {
		t.Fatalf("/r/skane/login answered %d", status)
	}
	if lang := j.attr("html", "lang"); lang != "sv" {
		t.Fatalf(`sign-in page has <html lang=%q> before switching, want "sv"`, lang)
	}

	if status := j.follow(`header a[hreflang="en"]`); status != http.StatusOK {
		t.Fatalf("English link led to %s with %d", j.location(), status)
	}
	if lang := j.attr("html", "lang"); lang != "en" {
		t.Errorf(`after the English link: <html lang=%q>, want "en"`, lang)
	}
	if loc, want := j.location(), j.base+"/r/skane/login"; loc != want {
		t.Errorf("after the English link: at %s, want %s", loc, want)
	}
	if h1, want := j.text("h1"), "Sign in to Region Skåne"; h1 != want {
		t.Errorf("heading %q, want %q", h1, want)
	}
	if n := j.count(`header a[hreflang="sv"]`); n != 1 {
		t.Errorf("the English page offers %d links back to Swedish, want 1", n)
	}
}

// signIn follows the demo user's link on the region's sign-in page through
// the OIDC flow and checks that it ends on the start page of the role.
func (j *journey) signIn(region, role string) {
	j.t.Helper()
	if status := j.visit("/r/" + region + "/login"); status != http.StatusOK {
		j.t.Fatalf("/r/%s/login answered %d", region, status)
	}
	link := fmt.Sprintf(`a[href="/r/%s/login/oidc/demo?hint=demo-%s-%s"]`, region, region, role)
	status := j.follow(link)
	if want := "/r/" + region + "/start"; j.path() != want || status != http.StatusOK {
		j.t.Fatalf("signing in as %s in %s led to %s (%d), want %s:\n%s", role, region, j.location(), status, want, j.text("main"))
	}
	if n := j.count(fmt.Sprintf(`p[data-role=%q]`, role)); n != 1 {
		j.t.Fatalf(`start page has %d <p data-role=%q>, want 1:\n%s`, n, role, j.text("main"))
	}
}
