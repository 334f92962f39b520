package e2e

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The participant this journey refers; nobody else in the demo has them.
const (
	pathwayAlias = "Alex Provsson"
	pathwayPhone = "070-555 12 34"
	pathwayPeer  = "Pia Kamratstödjare"
	pathwayOrg   = "Positiva gruppen Syd"
)

// pathwayWHO5 is how the pages write the WHO-5 score of the answers
// 3, 3, 2, 4, 3: a raw 15, 60 of 100, written the same on the peer's and
// the coordinator's pages.
var pathwayWHO5 = regexp.MustCompile(`\b60 av 100 \(rå 15\)`)

// TestPathwayJourney: the referral pathway across roles, each signing in
// for real. A nurse at the Malmö infection clinic records encounters and
// one consenting referral; the coordinator of Positiva gruppen Syd
// accepts it, records the contact and matches Pia; the clinic then sees
// "Matchad" and nothing more; Pia sees the contact, logs two meetings and
// the baseline follow-up; the coordinator sees the meetings and the score
// (no note) and closes the referral; the clinic sees it closed, and Pia's
// match is gone.
//
// Each step is a subtest with a journey of its own (a fresh browser
// context and sign-in, its own time limit and failure evidence); a step
// that cannot go on ends the test. The journey finds its participant by the code the
// nurse is shown, never by position, since other tests share the demo.
func TestPathwayJourney(t *testing.T) {
	t.Parallel()
	// A step that ends early (t.Fatal) leaves the next ones without what
	// they need, so the test ends there; one that only reported problems
	// (t.Error) lets the journey go on.
	step := func(name string, f func(t *testing.T)) {
		t.Helper()
		completed := false
		t.Run(name, func(t *testing.T) {
			f(t)
			completed = true
		})
		if !completed {
			t.FailNow()
		}
	}
	var code, referralPage, matchPage string

	step("clinic records encounters and refers", func(t *testing.T) {
		j := newJourney(t)
		j.signIn("skane", "clinic_staff")
		if status := j.visit("/r/skane/clinic/offers"); status != http.StatusOK {
			t.Fatalf("the offer page answered %d:\n%s", status, j.text("main"))
		}
		// This month's tally: met, informed, offered, accepted, declined, …
		tally := func(n int) int {
			t.Helper()
			s := j.text(`#this-month + dl dd:nth-of-type(` + strconv.Itoa(n) + `)`)
			v, err := strconv.Atoi(s)
			if err != nil {
				t.Fatalf("this month's tally has %q as its figure %d:\n%s", s, n, j.text("main"))
			}
			return v
		}
		met, accepted, declined := tally(1), tally(4), tally(5)
		for _, outcome := range []string{"accepted", "declined"} {
			if status := j.follow(`form.offer-encounter button[name="outcome"][value="` + outcome + `"]`); status != http.StatusOK {
				t.Fatalf("recording an encounter (%s) answered %d:\n%s", outcome, status, j.text("main"))
			}
			if j.count(`main p.notice[role="status"]`) != 1 {
				t.Errorf("no confirmation after recording an encounter (%s):\n%s", outcome, j.text("main"))
			}
		}
		// At least: another test may record encounters at the same unit.
		if m, a, d := tally(1), tally(4), tally(5); m < met+2 || a < accepted+1 || d < declined+1 {
			t.Errorf("this month's tally went from met %d, accepted %d, declined %d to %d, %d, %d after one accepted and one declined",
				met, accepted, declined, m, a, d)
		}

		if status := j.visit("/r/skane/clinic/referrals"); status != http.StatusOK {
			t.Fatalf("the clinic's referral page answered %d:\n%s", status, j.text("main"))
		}
		j.fill("#target_group", "hiv")
		j.fill("#language", "sv")
		for _, box := range []string{"#consent_share_contact", "#consent_follow_up"} {
			if !pathwayChecked(j, box) {
				j.click(box)
			}
		}
		j.fill("#alias", pathwayAlias)
		j.fill("#contact_method", "phone")
		j.fill("#contact_details", pathwayPhone)
		j.fill("#organisation_id", pathwayOption(j, "#organisation_id", pathwayOrg))
		if status := j.follow(`main form[action$="/clinic/referrals"] button[type="submit"]`); status != http.StatusOK {
			t.Fatalf("registering the referral answered %d:\n%s", status, j.text("main"))
		}
		loc, err := url.Parse(j.location())
		if err != nil {
			t.Fatal(err)
		}
		code = loc.Query().Get("registered")
		if code == "" {
			t.Fatalf("registering led to %s, without the code:\n%s", j.location(), j.text("main"))
		}
		if notice := j.text(`main p.notice`); !strings.Contains(notice, code) {
			t.Errorf("the confirmation %q does not give the code %s", notice, code)
		}
		if st, label := pathwayRowStatus(j, code); st != "received" || label != "Mottagen" {
			t.Errorf("the new referral %s is listed as %s (%q), want received (Mottagen)", code, st, label)
		}
		t.Logf("referred %s", code)
	})

	step("coordinator accepts, contacts and matches", func(t *testing.T) {
		j := newJourney(t)
		j.signIn("skane", "org_coordinator")
		j.visit("/r/skane/org/referrals")
		href := pathwayLink(j, code)
		if status := j.follow(`main table a[href="` + href + `"]`); status != http.StatusOK {
			t.Fatalf("opening %s from the inbox answered %d:\n%s", code, status, j.text("main"))
		}
		referralPage = j.path()
		if page := j.text("#contact + dl"); !strings.Contains(page, pathwayAlias) || !strings.Contains(page, pathwayPhone) {
			t.Errorf("the coordinator does not see the shared contact:\n%s", page)
		}
		if status := j.follow(`form[action$="/accept"] button[type="submit"]`); status != http.StatusOK {
			t.Fatalf("accepting answered %d:\n%s", status, j.text("main"))
		}
		pathwayStatus(j, "accepted")

		if j.attr("#attempted_on", "value") == "" {
			t.Errorf("the contact attempt's date is not today by default")
		}
		j.fill("#method", "phone")
		j.click("#reached")
		if status := j.follow(`form[action$="/contact_attempts"] button[type="submit"]`); status != http.StatusOK {
			t.Fatalf("recording the contact attempt answered %d:\n%s", status, j.text("main"))
		}
		pathwayStatus(j, "contacted")

		peerID := j.eval(`(() => {
			const r = [...document.querySelectorAll("#peer_id tbody tr[data-peer]")]
				.find(tr => tr.querySelector("th").textContent.includes(`+jsString(pathwayPeer)+`));
			return r ? r.getAttribute("data-peer") : null;
		})()`, "a row for "+pathwayPeer+" in the matching table")
		if status := j.follow(`#peer_id tr[data-peer="` + peerID + `"] form button[type="submit"]`); status != http.StatusOK {
			t.Fatalf("matching %s answered %d:\n%s", pathwayPeer, status, j.text("main"))
		}
		pathwayStatus(j, "matched")
		if label := j.text(`dd[data-status]`); label != "Matchad" {
			t.Errorf("the status reads %q, want Matchad", label)
		}
		if current := j.text(`[data-current-peer]`); !strings.Contains(current, pathwayPeer) {
			t.Errorf("the current peer reads %q, want %s", current, pathwayPeer)
		}
		if n := j.count(`#peer_id tr[data-peer="` + peerID + `"][data-current="true"]`); n != 1 {
			t.Errorf("%s's row in the matching table is not marked current:\n%s", pathwayPeer, j.text("#peer_id"))
		}
	})

	step("clinic sees matched and nothing more", func(t *testing.T) {
		j := newJourney(t)
		j.signIn("skane", "clinic_staff")
		j.visit("/r/skane/clinic/referrals")
		if st, label := pathwayRowStatus(j, code); st != "matched" || label != "Matchad" {
			t.Errorf("the clinic lists %s as %s (%q), want matched (Matchad)", code, st, label)
		}
		pathwayAbsent(t, j, "Pia", pathwayAlias, pathwayPhone)
	})

	var note string
	step("peer logs meetings and the baseline follow-up", func(t *testing.T) {
		j := newJourney(t)
		j.signIn("skane", "peer_supporter")
		j.visit("/r/skane/my/matches")
		href := pathwayLink(j, code)
		if status := j.follow(`main table a[href="` + href + `"]`); status != http.StatusOK {
			t.Fatalf("opening the match %s answered %d:\n%s", code, status, j.text("main"))
		}
		matchPage = j.path()
		if page := j.text("#contact + dl"); !strings.Contains(page, pathwayAlias) || !strings.Contains(page, pathwayPhone) {
			t.Errorf("the peer does not see the shared contact:\n%s", j.text("main"))
		}

		logMeeting := func(format, minutes, topic string) {
			t.Helper()
			if j.attr("#held_on", "value") == "" {
				t.Errorf("the meeting's date is not today by default")
			}
			j.click(`input[name="format"][value="` + format + `"]`)
			j.fill("#duration_minutes", minutes)
			j.click(`input[name="topics"][value="` + topic + `"]`)
			if note == "" && j.count("#note") == 1 {
				// Only where the region allows notes; the coordinator
				// must not see it.
				note = "Anteckning bara för kamratstödjaren " + code
				j.fill("#note", note)
			}
			if status := j.follow(`form[action$="/meetings"] button[type="submit"]`); status != http.StatusOK {
				t.Fatalf("logging a meeting answered %d:\n%s", status, j.text("main"))
			}
		}
		logMeeting("in_person", "45", "openness")
		if n, page := j.count("#meetings + table tbody tr"), j.text("#meetings + table"); n != 1 || !strings.Contains(page, "45 min") || !strings.Contains(page, "Att berätta om sin diagnos") {
			t.Fatalf("after logging one meeting the list has %d rows:\n%s", n, page)
		}
		logMeeting("phone", "30", "everyday_life")
		if n, page := j.count("#meetings + table tbody tr"), j.text("#meetings + table"); n != 2 || !strings.Contains(page, "30 min") || !strings.Contains(page, "Vardagen") {
			t.Fatalf("after logging two meetings the list has %d rows:\n%s", n, page)
		}

		j.require(`form[action*="/follow_ups/"] fieldset#who5`)
		j.require(`form[action*="/follow_ups/"] fieldset#pozqol`)
		if j.attr("#done_on", "value") == "" {
			t.Errorf("the follow-up's date is not today by default")
		}
		for i, v := range []string{"3", "3", "2", "4", "3"} {
			j.click(`input[name="who5_` + strconv.Itoa(i+1) + `"][value="` + v + `"]`)
		}
		// Agree with the positive items (1, 5, 8, 13), not with the others.
		for n := 1; n <= 13; n++ {
			v := "2"
			if n == 1 || n == 5 || n == 8 || n == 13 {
				v = "4"
			}
			j.click(`input[name="pozqol_` + strconv.Itoa(n) + `"][value="` + v + `"]`)
		}
		if status := j.follow(`form[action*="/follow_ups/"]:not(.decline) button[type="submit"]`); status != http.StatusOK {
			t.Fatalf("recording the baseline follow-up answered %d:\n%s", status, j.text("main"))
		}
		row := j.text("#follow-ups + table tbody tr")
		if j.attr("#follow-ups + table tbody tr td[data-status]", "data-status") != "completed" || !pathwayWHO5.MatchString(row) {
			t.Errorf("the baseline follow-up is not completed with WHO-5 60:\n%s", j.text("#follow-ups + table"))
		}
		if n := j.count("[data-low]"); n != 0 {
			t.Errorf("a WHO-5 of 60 is flagged as low")
		}
	})

	step("coordinator sees the support and closes", func(t *testing.T) {
		j := newJourney(t)
		j.signIn("skane", "org_coordinator")
		if status := j.visit(referralPage); status != http.StatusOK {
			t.Fatalf("%s answered %d", referralPage, status)
		}
		if caption := j.text("#meetings + table caption"); caption != "Träffar (2), sammanlagt 75 minuter" {
			t.Errorf("the meetings caption reads %q, want two meetings of 75 minutes", caption)
		}
		if row := j.text("#follow_ups + table tbody tr"); !strings.Contains(row, "WHO-5") || !pathwayWHO5.MatchString(row) || !strings.Contains(row, "PozQoL") {
			t.Errorf("the baseline follow-up lacks its scores:\n%s", j.text("#follow_ups + table"))
		}
		if st := j.attr("#follow_ups + table tbody tr td[data-status]", "data-status"); st != "completed" {
			t.Errorf("the baseline follow-up is %s, want completed", st)
		}
		if note != "" {
			pathwayAbsent(t, j, note)
		}

		j.fill(`form[action$="/close"] select[name="reason"]`, "goals_met")
		if status := j.follow(`form[action$="/close"] button[type="submit"]`); status != http.StatusOK {
			t.Fatalf("closing answered %d:\n%s", status, j.text("main"))
		}
		pathwayStatus(j, "closed")
		if label := j.text(`dd[data-status]`); label != "Avslutad: Målen nådda" {
			t.Errorf("the status reads %q, want Avslutad: Målen nådda", label)
		}
		if n := j.count(`[data-current-peer]`); n != 0 {
			t.Errorf("a closed referral still has a current peer:\n%s", j.text("#support"))
		}
	})

	step("clinic sees closed", func(t *testing.T) {
		j := newJourney(t)
		j.signIn("skane", "clinic_staff")
		j.visit("/r/skane/clinic/referrals")
		if st, label := pathwayRowStatus(j, code); st != "closed" || label != "Avslutad" {
			t.Errorf("the clinic lists %s as %s (%q), want closed (Avslutad)", code, st, label)
		}
		pathwayAbsent(t, j, "Pia", pathwayAlias, pathwayPhone, "Målen nådda")
	})

	step("peer's match has ended", func(t *testing.T) {
		j := newJourney(t)
		j.signIn("skane", "peer_supporter")
		j.visit("/r/skane/my/matches")
		if strings.Contains(j.text("main"), code) {
			t.Errorf("the peer's list still shows the closed %s:\n%s", code, j.text("main"))
		}
		if status := j.visit(matchPage); status != http.StatusNotFound {
			t.Errorf("the ended match %s answered %d, want 404", matchPage, status)
		}
	})
}

// pathwayStatus ends the test unless the referral page shows status.
func pathwayStatus(j *journey, status string) {
	j.t.Helper()
	if got := j.attr(`dd[data-status]`, "data-status"); got != status {
		j.t.Fatalf("the referral is %s, want %s:\n%s", got, status, j.text("main"))
	}
}

// pathwayLink is the address of the link named code in the page's table.
func pathwayLink(j *journey, code string) string {
	j.t.Helper()
	return j.eval(`(() => {
		const a = [...document.querySelectorAll("main table a")].find(a => a.textContent.trim() === `+jsString(code)+`);
		return a ? a.getAttribute("href") : null;
	})()`, "a link to "+code)
}

// pathwayRowStatus is the status (data-status and its label) of the row
// of the clinic's list whose first cell is code.
func pathwayRowStatus(j *journey, code string) (status, label string) {
	j.t.Helper()
	s := j.eval(`(() => {
		const r = [...document.querySelectorAll("main table tbody tr")].find(tr => tr.cells[0].textContent.trim() === `+jsString(code)+`);
		const st = r && r.querySelector("[data-status]");
		return st ? st.getAttribute("data-status") + "\n" + st.textContent.trim() : null;
	})()`, "a row for "+code)
	status, label, _ = strings.Cut(s, "\n")
	return status, label
}

// pathwayOption is the value of the option of the select sel whose label
// begins with label (an organisation's option adds its focus).
func pathwayOption(j *journey, sel, label string) string {
	j.t.Helper()
	return j.eval(`(() => {
		const o = [...document.querySelectorAll(`+jsString(sel+" option")+`)].find(o => o.textContent.trim().startsWith(`+jsString(label)+`));
		return o ? o.value : null;
	})()`, sel+" option "+label)
}

// pathwayChecked reports whether the checkbox sel is ticked.
func pathwayChecked(j *journey, sel string) bool {
	j.t.Helper()
	return j.eval(`String(document.querySelector(`+jsString(sel)+`).checked)`) == "true"
}

// pathwayAbsent fails the test for each of words found in the page's
// source (text and attributes alike).
func pathwayAbsent(t *testing.T, j *journey, words ...string) {
	t.Helper()
	page := j.eval(`document.documentElement.outerHTML`)
	for _, w := range words {
		if strings.Contains(page, w) {
			t.Errorf("%s shows %q:\n%s", j.location(), w, j.text("main"))
		}
	}
}
