package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// keyboardRegion is where the keyboard journeys refer a participant and
// accept the referral; the pathway journey works in Skåne, so the two do
// not meet.
const keyboardRegion = "stockholm"

// TestKeyboardJourneys: the main pathway's first steps with the keyboard
// alone, as someone who cannot use a mouse does it. Only key events reach
// the page (Tab, Enter, Space, arrow keys, typed text); no click, no focus
// set by script. On the sign-in page the first Tab reaches the skip link,
// which moves focus to the main content. A nurse signs in with the demo's
// sign-in, records an encounter whose offer was accepted and registers a
// consenting referral; the organisation's coordinator signs in, opens the
// referral from the inbox and accepts it. After every Tab the focused
// element must show a visible focus indicator (the focus-visible outline
// of app.css, not the browser's thin default), be on screen, and come
// after the one before in the document: see checkFocus.
func TestKeyboardJourneys(t *testing.T) {
	t.Parallel()
	var code string

	ok := t.Run("nurse records an encounter and refers", func(t *testing.T) {
		j := newJourney(t)
		j.keyboardSignIn(keyboardRegion, "clinic_staff")

		j.tabTo(`main a[href="/r/`+keyboardRegion+`/clinic/offers"]`, "the start page's link to the offers", 20)
		if status := j.pressForPage(kb.Enter); status != http.StatusOK {
			t.Fatalf("the offers page answered %d", status)
		}
		j.tabTo(`form.offer-encounter button[name="outcome"][value="accepted"]`, "the button for an accepted offer", 20)
		if status := j.pressForPage(kb.Enter); status != http.StatusOK {
			t.Fatalf("recording an encounter answered %d:\n%s", status, j.text("main"))
		}
		if n := j.count(`main p.notice[role="status"]`); n != 1 {
			t.Errorf("no confirmation after recording an encounter by keyboard:\n%s", j.text("main"))
		}

		// Back to the start page, as the browser's Back button does: the
		// pages have no menu of their own.
		j.visit("/r/" + keyboardRegion + "/start")
		j.tabTo(`main a[href="/r/`+keyboardRegion+`/clinic/referrals"]`, "the start page's link to the referrals", 20)
		if status := j.pressForPage(kb.Enter); status != http.StatusOK {
			t.Fatalf("the referral page answered %d", status)
		}
		// The list of the unit's referrals, each with its withdrawal
		// button, comes before the form; a link at the top leads past it.
		j.tabTo(`main a[href="#new"]`, "the link to the form", 10)
		j.press(kb.Enter)
		j.tabTo("#target_group", "the target group", 5)
		j.choose("#target_group", "value", "psychiatry")
		j.tabTo("#consent_share_contact", "the consent to share contact", 5)
		j.tick("#consent_share_contact")
		j.tabTo("#alias", "the alias", 5)
		j.typeText("Kim Tangentbord")
		j.tabTo("#contact_method", "the contact method", 5)
		j.choose("#contact_method", "value", "phone")
		j.tabTo("#contact_details", "the contact details", 5)
		j.typeText("070-555 98 76")
		j.tabTo("#language", "the language", 5)
		j.choose("#language", "value", "sv")
		// Past the optional preferences: the language and the areas of
		// experience the participant would like their peer to share.
		j.tabTo("#consent_follow_up", "the consent to follow-up", 80)
		j.tick("#consent_follow_up") // ticked from the start, like sharing
		j.tabTo("#consent_research", "the consent to research", 5)
		j.tick("#consent_research") // not ticked: Space ticks it
		j.tabTo("#organisation_id", "the organisation", 20)
		j.choose("#organisation_id", "label", "NSPH Stockholm")
		j.tabTo(`main form[action$="/clinic/referrals"] button[type="submit"]`, "the referral's submit button", 5)
		if status := j.pressForPage(kb.Enter); status != http.StatusOK {
			t.Fatalf("registering the referral by keyboard answered %d:\n%s", status, j.text("main"))
		}
		loc, err := url.Parse(j.location())
		if err != nil {
			t.Fatal(err)
		}
		if code = loc.Query().Get("registered"); code == "" {
			t.Fatalf("registering led to %s, without the code:\n%s", j.location(), oneLine(j.text("main"), 600))
		}
		if st, _ := pathwayRowStatus(j, code); st != "received" {
			t.Errorf("the new referral %s is listed as %s, want received", code, st)
		}
		t.Logf("referred %s by keyboard", code)
	})
	if !ok {
		t.FailNow()
	}

	t.Run("coordinator accepts", func(t *testing.T) {
		j := newJourney(t)
		j.keyboardSignIn(keyboardRegion, "org_coordinator")
		j.tabTo(`main a[href="/r/`+keyboardRegion+`/org/referrals"]`, "the start page's link to the inbox", 20)
		if status := j.pressForPage(kb.Enter); status != http.StatusOK {
			t.Fatalf("the inbox answered %d", status)
		}
		href := pathwayLink(j, code)
		j.tabTo(`main a[href="`+href+`"]`, "the link to "+code, j.count("main a[href], main button")+5)
		if status := j.pressForPage(kb.Enter); status != http.StatusOK {
			t.Fatalf("opening %s answered %d", code, status)
		}
		j.tabTo(`form[action$="/accept"] button[type="submit"]`, "the accept button", 30)
		if status := j.pressForPage(kb.Enter); status != http.StatusOK {
			t.Fatalf("accepting by keyboard answered %d:\n%s", status, j.text("main"))
		}
		pathwayStatus(j, "accepted")
	})
}

// keyboardSignIn opens the region's sign-in page and signs in as the demo
// user of role by keyboard: the first Tab reaches the skip link, Enter on
// it moves focus to the main content, and Tab from there reaches the demo
// user's link, which Enter follows.
func (j *journey) keyboardSignIn(region, role string) {
	j.t.Helper()
	if status := j.visit("/r/" + region + "/login"); status != http.StatusOK {
		j.t.Fatalf("/r/%s/login answered %d", region, status)
	}
	j.tabTo(`a.skip-link[href="#main"]`, "the skip link", 1)
	j.press(kb.Enter)
	if got := j.eval(`document.activeElement === document.querySelector("main") ? "main" : String(document.activeElement && document.activeElement.outerHTML.slice(0, 80))`); got != "main" {
		j.t.Fatalf("the skip link left focus on %s, not on the main content", got)
	}
	// The order goes on from main: the next stop must come after its start,
	// so the skip link has passed the header by.
	j.eval(`window.__keyboardLast = document.activeElement, ""`)
	link := fmt.Sprintf(`main a[href="/r/%s/login/oidc/demo?hint=demo-%s-%s"]`, region, region, role)
	j.tabTo(link, "the demo sign-in of "+role, 30)
	status := j.pressForPage(kb.Enter)
	if want := "/r/" + region + "/start"; j.path() != want || status != http.StatusOK {
		j.t.Fatalf("signing in by keyboard as %s led to %s (%d), want %s", role, j.location(), status, want)
	}
	if n := j.count(fmt.Sprintf(`p[data-role=%q]`, role)); n != 1 {
		j.t.Fatalf("the start page is not a %s's:\n%s", role, j.text("main"))
	}
}

// press sends keys (see chromedp.KeyEvent) to the focused element.
func (j *journey) press(keys string) {
	j.t.Helper()
	if err := chromedp.Do(j.ctx, chromedp.KeyEvent(keys)); err != nil {
		j.t.Fatalf("pressing %q on %s: %v", keys, j.location(), err)
	}
}

// pressForPage sends keys that lead to another page, waits for it and
// returns its HTTP status.
func (j *journey) pressForPage(keys string) int64 {
	j.t.Helper()
	resp, err := chromedp.RunResponse(j.ctx, chromedp.KeyEvent(keys))
	if err != nil {
		j.t.Fatalf("pressing %q on %s: %v", keys, j.location(), err)
	}
	return resp.Status
}

// typeText types s into the focused text field, which must then hold it.
func (j *journey) typeText(s string) {
	j.t.Helper()
	j.press(s)
	if got := j.eval(`String(document.activeElement.value)`); got != s {
		j.t.Errorf("typing %q into %s left %q", s, j.focusDescription(), got)
	}
}

// tick makes sure the focused checkbox sel is ticked, pressing Space if
// it is not.
func (j *journey) tick(sel string) {
	j.t.Helper()
	state := `(() => {
		const e = document.activeElement;
		return e.matches(` + jsString(sel) + `) ? String(e.checked) : "not focused";
	})()`
	switch j.eval(state) {
	case "true":
		return
	case "not focused":
		j.t.Fatalf("ticking %s: focus is on %s", sel, j.focusDescription())
	}
	j.press(" ")
	if got := j.eval(state); got != "true" {
		j.t.Errorf("%s is not ticked after Space (%s)", sel, got)
	}
}

// choose picks, in the focused select sel, the option whose value (by
// "value") or label start (by "label") is want, with the arrow keys: Home
// to the first option, then Arrow Down until it is chosen.
func (j *journey) choose(sel, by, want string) {
	j.t.Helper()
	chosen := `(() => {
		const s = document.activeElement;
		if (!s.matches(` + jsString(sel) + `)) return "not focused";
		const o = s.options[s.selectedIndex];
		return ` + jsString(by) + ` === "value" ? s.value : (o ? o.textContent.trim() : "");
	})()`
	matches := func(got string) bool {
		if by == "value" {
			return got == want
		}
		return strings.HasPrefix(got, want)
	}
	j.press(kb.Home)
	n := j.count(sel + " option")
	for range n {
		got := j.eval(chosen)
		if got == "not focused" {
			j.t.Fatalf("choosing in %s: focus is on %s", sel, j.focusDescription())
		}
		if matches(got) {
			return
		}
		j.press(kb.ArrowDown)
	}
	j.t.Fatalf("no option %s %q in %s reached by Arrow Down (%d options)", by, want, sel, n)
}

// focusStop is what has focus after a key press.
type focusStop struct {
	None        bool   `json:"none"` // the body, or nothing
	Description string `json:"description"`
	Matches     bool   `json:"matches"`
	Outline     string `json:"outline"`
	Indicated   bool   `json:"indicated"`
	InView      bool   `json:"inView"`
	Forward     bool   `json:"forward"`
}

// focusScript describes document.activeElement as a focusStop, matching
// it against the selector in sel, and remembers it (window.__keyboardLast)
// to tell whether the next one comes after it in the document.
const focusScript = `((sel) => {
	const e = document.activeElement;
	if (!e || e === document.body || e === document.documentElement) {
		window.__keyboardLast = null;
		return {none: true, description: "(the page itself)"};
	}
	const cs = getComputedStyle(e);
	const r = e.getBoundingClientRect();
	const last = window.__keyboardLast;
	const forward = !last || last === e || !last.isConnected ||
		!!(last.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING);
	window.__keyboardLast = e;
	let text = e.tagName === "SELECT" ? "" : (e.tagName === "INPUT" ? e.value : e.textContent);
	text = (text || "").trim().replace(/\s+/g, " ").slice(0, 60);
	const attr = n => e.getAttribute(n) ? "[" + n + "=" + e.getAttribute(n) + "]" : "";
	// Focus on a part of the element's own (a date field's calendar
	// button): the element is then not :focus itself.
	const inner = e.matches(":focus") ? "" : " (focus on a part of its own, such as a date field's calendar button)";
	return {
		none: false,
		description: e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + attr("name") + attr("value") + attr("href") + (text ? ' "' + text + '"' : "") + inner,
		matches: sel !== "" && e.matches(sel),
		outline: cs.outlineStyle + " " + cs.outlineWidth + ", box-shadow " + cs.boxShadow,
		indicated: (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2) || cs.boxShadow !== "none",
		inView: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
		forward: forward,
	};
})`

// focus is the focused element, matched against sel.
func (j *journey) focus(sel string) focusStop {
	j.t.Helper()
	f, err := chromedp.Run(j.ctx, chromedp.Evaluate[focusStop](focusScript+"("+jsString(sel)+")"))
	if err != nil {
		j.t.Fatalf("reading the focus on %s: %v", j.location(), err)
	}
	return f
}

// focusDescription names the focused element, for messages.
func (j *journey) focusDescription() string {
	j.t.Helper()
	return j.focus("").Description
}

// tabTo presses Tab until the focused element matches sel, at most max
// times, checking every element focus stops at on the way (checkFocus).
func (j *journey) tabTo(sel, what string, max int) {
	j.t.Helper()
	var trail []string
	for range max {
		j.press(kb.Tab)
		f := j.focus(sel)
		j.checkFocus(f)
		if f.Matches {
			return
		}
		trail = append(trail, f.Description)
	}
	if len(trail) > 8 {
		trail = append([]string{"…"}, trail[len(trail)-8:]...)
	}
	j.t.Fatalf("%s (%s) on %s is not reached by %d presses of Tab; focus went to:\n  %s",
		what, sel, j.location(), max, strings.Join(trail, "\n  "))
}

// checkFocus fails the test unless the focused element shows that it has
// focus: it has an outline at least 2px wide or a box shadow (app.css
// gives a 3px outline; the browser's own ring is thinner), lies at least
// partly on screen, and follows the element focused before in the
// document (a positive tabindex would jump). Whether it matches
// :focus-visible is not asked: Chromium does not say so of a date field,
// whose focus is inside its parts. Focus on the page itself
// is where Tab goes past the last element; it is not checked.
func (j *journey) checkFocus(f focusStop) {
	j.t.Helper()
	if f.None {
		return
	}
	var problems []string
	if !f.Indicated {
		problems = append(problems, "shows no focus indicator ("+f.Outline+")")
	}
	if !f.InView {
		problems = append(problems, "is not on screen")
	}
	if !f.Forward {
		problems = append(problems, "comes before the element focused before it")
	}
	if len(problems) > 0 {
		j.t.Errorf("focus on %s at %s: %s", f.Description, j.location(), strings.Join(problems, "; "))
	}
}
