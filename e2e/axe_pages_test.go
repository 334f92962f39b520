package e2e

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/ui"
)

// crawlRegion is the region whose members the crawl signs in as: it has
// every role and a year of demo history, so its lists have rows to open.
// The crawl only reads (GET, links only), apart from the forms it submits
// empty on purpose, which are refused; the other journeys there are not
// disturbed.
const crawlRegion = "skane"

// crawlLimit bounds the pages one crawl opens, in case a page type were
// to link to ever new ones.
const crawlLimit = 60

// unreachablePages are the page routes of the route table that no crawl
// below opens, each with the reason. The test fails when a route here is
// not in the table (the list would be stale) or when a crawl did open it
// after all (it belongs in the checked pages then).
var unreachablePages = map[string]string{
	// Starts a sign-in: it only redirects to the region's identity
	// provider, never renders a page of its own; every sign-in of the
	// journeys passes through it.
	"/r/:region/login/oidc/:provider": "redirect to the identity provider",

	// Downloads, not pages: the browser saves them and axe has no
	// document to check (ui's export tests read what they hold).
	"/r/:region/admin/agreements/:id/documents/:doc": "download of an uploaded document",
	"/r/:region/dashboard/export/csv":                "download (CSV)",
	"/r/:region/dashboard/export/xlsx":               "download (spreadsheet)",
	"/r/:region/dashboard/export/pdf":                "download (PDF)",
	"/r/:region/admin/reports/:id/export/csv":        "download (CSV)",
	"/r/:region/admin/reports/:id/export/xlsx":       "download (spreadsheet)",
	"/r/:region/admin/reports/:id/export/pdf":        "download (PDF)",
}

// TestEveryPageTypeAccessible: every page type of the app passes axe-core
// (no serious or critical violation of WCAG 2.1 A and AA or axe's best
// practices, see checkAccessible), as each demo role sees it. Each role
// signs in and crawls the pages its start page leads to by links, one page
// of each route at most; the public pages, the error pages and the pages
// only a link from elsewhere opens (an invitation, an e-mailed sign-in
// link, the platform operator's) are visited directly, and the main forms
// are submitted empty to check their error state. Then every page route of
// the app's route table (ui.PageRoutes) must have been checked by someone,
// or be in unreachablePages with its reason.
func TestEveryPageTypeAccessible(t *testing.T) {
	t.Parallel()
	requireAxe(t)
	cov := newCoverage(ui.PageRoutes())
	// Each crawl is a parallel subtest; run counts those that ran, since
	// with -run choosing some of them coverage is not the question.
	var run, crawls atomic.Int32
	runCrawl := func(t *testing.T, name string, f func(t *testing.T)) {
		crawls.Add(1)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			run.Add(1)
			f(t)
		})
	}

	t.Run("pages", func(t *testing.T) {
		runCrawl(t, "public", func(t *testing.T) { crawlPublic(t, cov) })
		for _, role := range demoRoles {
			runCrawl(t, role, func(t *testing.T) {
				j := newJourney(t)
				j.signIn(crawlRegion, role)
				j.crawl(role, "/r/"+crawlRegion+"/start", cov)
				for _, f := range errorForms[role] {
					j.checkFormError(role, f, cov)
				}
				if role == "region_admin" {
					// The crawls check Swedish; English once signed
					// in here, and the public and national pages.
					j.checkEnglish(role, "/r/"+crawlRegion+"/start")
					recordAsAdministrator(j, cov)
				}
			})
		}
		runCrawl(t, "org_coordinator records", func(t *testing.T) { recordAsCoordinator(t, cov) })
		runCrawl(t, "national viewer", func(t *testing.T) {
			j := newJourney(t)
			j.visit("/r/" + crawlRegion + "/login")
			if status := j.follow(`a[href="/r/` + crawlRegion + `/login/oidc/demo?hint=demo-national-viewer"]`); status != http.StatusOK || j.path() != "/national" {
				t.Fatalf("the national viewer's sign-in led to %s (%d), want /national", j.location(), status)
			}
			j.crawl("national viewer", "/national", cov)
			j.checkEnglish("national viewer", "/national")
		})
		runCrawl(t, "platform operator", func(t *testing.T) { crawlOperator(t, cov) })
	})
	routes := cov.routes
	for route, why := range unreachablePages {
		if !slices.Contains(routes, route) {
			t.Errorf("unreachablePages names %s (%s), which is no page route of ui.PageRoutes any more", route, why)
		}
	}
	if t.Failed() || run.Load() < crawls.Load() {
		t.Logf("which page routes were checked is not asked: %d of %d crawls ran, failed %v", run.Load(), crawls.Load(), t.Failed())
		return
	}
	var missing []string
	for _, route := range routes {
		who := cov.who(route)
		_, unreachable := unreachablePages[route]
		switch {
		case unreachable && len(who) > 0:
			t.Errorf("%s is listed as unreachable but was checked (by %s): take it off the list", route, strings.Join(who, ", "))
		case !unreachable && len(who) == 0:
			missing = append(missing, route)
		case !unreachable:
			t.Logf("%-50s %s", route, strings.Join(who, ", "))
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d page route(s) of %d were checked by no one (link to them from a page, visit them in the test, or list them in unreachablePages with the reason):\n  %s",
			len(missing), len(routes), strings.Join(missing, "\n  "))
	}
	perRole := cov.perRole()
	for _, who := range slices.Sorted(maps.Keys(perRole)) {
		t.Logf("%s: %d page types", who, perRole[who])
	}
}

// coverage records which role checked which route pattern.
type coverage struct {
	routes  []string
	mu      sync.Mutex
	seen    map[string][]string // route pattern → who checked it
	claimed map[string]bool     // see claim
}

func newCoverage(routes []string) *coverage {
	return &coverage{routes: routes, seen: map[string][]string{}, claimed: map[string]bool{}}
}

// route is the route pattern serving path ("" when none does). A literal
// segment beats a parameter, as in fiber's router (/units/new, not
// /units/:id).
func (c *coverage) route(path string) string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	best, bestLiterals := "", -1
	for _, r := range c.routes {
		rs := strings.Split(strings.Trim(r, "/"), "/")
		if len(rs) != len(segs) {
			continue
		}
		literals, ok := 0, true
		for i, s := range rs {
			if strings.HasPrefix(s, ":") {
				ok = segs[i] != ""
			} else {
				ok = s == segs[i]
				literals++
			}
			if !ok {
				break
			}
		}
		if ok && literals > bestLiterals {
			best, bestLiterals = r, literals
		}
	}
	return best
}

func (c *coverage) add(route, who string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !slices.Contains(c.seen[route], who) {
		c.seen[route] = append(c.seen[route], who)
	}
}

// claim reports whether who is to check route now: each role checks a
// route once, however many crawls it makes. A page of a region is checked
// as each role sees it; the pages outside the regions (home, the
// statement, a region's public page) look the same to everyone signed in,
// so only the first crawl signed in checks them, besides the public one.
func (c *coverage) claim(route, who string) bool {
	key := who + " " + route
	if !strings.HasPrefix(route, "/r/:region/") && who != "public" {
		key = "signed in " + route
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.claimed[key] {
		return false
	}
	c.claimed[key] = true
	return true
}

func (c *coverage) who(route string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.seen[route])
}

func (c *coverage) perRole() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := map[string]int{}
	for _, who := range c.seen {
		for _, w := range who {
			n[w]++
		}
	}
	return n
}

// check runs axe on the page the tab shows and records its route as
// checked by who.
func (j *journey) check(who string, cov *coverage) {
	j.t.Helper()
	route := cov.route(j.path())
	if route == "" {
		j.t.Errorf("%s: %s is served by no page route of ui.PageRoutes", who, j.location())
		route = j.path()
	}
	j.checkAccessible(who + ": " + route)
	cov.add(route, who)
}

// pageLink is a link of the page: its address as the browser resolved it.
type pageLink struct {
	Href     string `json:"href"`
	Download bool   `json:"download"`
}

// crawl opens start and then, breadth first, the pages its links lead to,
// one page per route pattern, and checks each with axe. It follows links
// only (a[href], GET), and only those that neither change anything nor
// leave the app: not another origin, not the language switch (a query
// with lang, which remembers the choice), not a sign-in (/login/oidc/),
// not a download (an export, a document, a download attribute). A link
// that answers other than 200 fails the test: a page should not link to a
// page its reader may not see.
func (j *journey) crawl(who, start string, cov *coverage) {
	j.t.Helper()
	base, err := url.Parse(j.base)
	if err != nil {
		j.t.Fatal(err)
	}
	queue := []string{start}
	from := map[string]string{start: "(start)"}
	queued := map[string]bool{cov.route(start): true}
	for i := 0; i < len(queue); i++ {
		if i == crawlLimit {
			j.t.Errorf("%s: the crawl stopped after %d pages; %d more were queued", who, crawlLimit, len(queue)-i)
			break
		}
		target := queue[i]
		if !cov.claim(cov.route(target), who) {
			continue
		}
		if status := j.visit(target); status != http.StatusOK {
			j.t.Errorf("%s: %s, linked from %s, answered %d:\n%s", who, target, from[target], status, oneLine(j.text("main"), 300))
			continue
		}
		j.check(who, cov)
		links, err := evalJSON[[]pageLink](j, `[...document.querySelectorAll("a[href]")].map(a => ({href: a.href, download: a.hasAttribute("download")}))`)
		if err != nil {
			j.t.Fatalf("%s: reading the links of %s: %v", who, j.location(), err)
		}
		for _, l := range links {
			u, err := url.Parse(l.Href)
			if err != nil || u.Host != base.Host || u.Scheme != base.Scheme || l.Download || !crawlable(u) {
				continue
			}
			route := cov.route(u.Path)
			if route == "" {
				j.t.Errorf("%s: %s links to %s, which no page route serves", who, j.path(), u.Path)
				continue
			}
			if queued[route] {
				continue
			}
			queued[route] = true
			next := u.EscapedPath()
			if u.RawQuery != "" {
				next += "?" + u.RawQuery
			}
			queue = append(queue, next)
			from[next] = j.path()
		}
	}
	j.t.Logf("%s: crawled from %s and found %d page types", who, start, min(len(queue), crawlLimit))
}

// crawlable reports whether the crawl may follow a link to u: see crawl.
func crawlable(u *url.URL) bool {
	switch {
	case u.Query().Has("lang"),
		strings.HasPrefix(u.Path, "/api/"), // JSON, not a page
		strings.HasPrefix(u.Path, "/static/"),
		strings.Contains(u.Path, "/login/oidc/"),
		strings.Contains(u.Path, "/export/"),
		strings.Contains(u.Path, "/documents/"),
		u.Path == "/logout":
		return false
	}
	return true
}

// checkEnglish opens path, switches it to English by the header's link and
// checks the English page, which must say it is English.
func (j *journey) checkEnglish(who, path string) {
	j.t.Helper()
	if status := j.visit(path); status != http.StatusOK {
		j.t.Fatalf("%s: %s answered %d", who, path, status)
	}
	if status := j.follow(`header a[hreflang="en"]`); status != http.StatusOK {
		j.t.Fatalf("%s: switching %s to English answered %d", who, path, status)
	}
	if lang := j.attr("html", "lang"); lang != "en" {
		j.t.Errorf("%s: %s in English has <html lang=%q>", who, path, lang)
	}
	j.checkAccessible(who + ": " + path + " in English")
	// Back to Swedish, for what the journey does next.
	if status := j.follow(`header a[hreflang="sv"]`); status != http.StatusOK {
		j.t.Fatalf("%s: switching %s back to Swedish answered %d", who, path, status)
	}
}

// errorForm is a form page whose form, submitted with its fields emptied,
// is refused with the errors shown beside the fields (422).
type errorForm struct {
	path string // under /r/{crawlRegion}
	form string // CSS selector of the form
}

// errorForms are the forms each role submits empty. Emptying a form's
// text, number and date fields and its selects makes each of them invalid
// (a required field is missing), so nothing is saved.
var errorForms = map[string][]errorForm{
	"region_admin": {
		{"/admin/units/new", `main form[method="post"]`},
		{"/admin/organisations/new", `main form[method="post"]`},
		{"/admin/agreements/new", `main form[method="post"]`},
		{"/admin/invitations", `main form[action$="/admin/invitations"]`},
		{"/admin/tokens", `main form[action$="/admin/tokens"]`},
		{"/admin/providers", `main form[action$="/admin/providers"]`},
		{"/admin/settings", `main form[action$="/admin/settings"]`},
	},
	"org_coordinator": {
		{"/org/peers/new", `main form[method="post"]`},
		{"/org/supervision/new", `main form[method="post"]`},
		{"/org/gatherings/new", `main form[method="post"]`},
		{"/org/placements/new", `main form[method="post"]`},
	},
	"clinic_staff": {
		{"/clinic/referrals", `main form[action$="/clinic/referrals"]`},
		{"/clinic/offers/weeks/new", `main form[method="post"]`},
		{"/clinic/offers/diagnoses", `main form[method="post"]`},
	},
}

// checkFormError opens the form page, empties the form, submits it and
// checks the refused form with axe.
func (j *journey) checkFormError(who string, f errorForm, cov *coverage) {
	j.t.Helper()
	path := "/r/" + crawlRegion + f.path
	if status := j.visit(path); status != http.StatusOK {
		j.t.Fatalf("%s: %s answered %d", who, path, status)
	}
	j.require(f.form)
	j.eval(`(() => {
		const f = document.querySelector(` + jsString(f.form) + `);
		for (const e of f.querySelectorAll("input, textarea, select")) {
			if (e.tagName === "SELECT") {
				if ([...e.options].some(o => o.value === "")) e.value = "";
			} else if (e.tagName === "TEXTAREA" || ["text", "email", "tel", "number", "date", "month", "url", "search", "password"].includes(e.type)) {
				e.value = "";
			}
		}
		return "";
	})()`)
	status := j.follow(f.form + ` button[type="submit"]`)
	if status != http.StatusUnprocessableEntity {
		j.t.Errorf("%s: the emptied form of %s answered %d, want 422 (refused with the errors):\n%s", who, path, status, oneLine(j.text("main"), 300))
		return
	}
	if n := j.count(`.error-summary, .field-error`); n == 0 {
		j.t.Errorf("%s: the refused form of %s shows no error:\n%s", who, path, oneLine(j.text("main"), 300))
	}
	j.checkAccessible(who + ": " + f.path + " with errors")
}

// recordAsAdministrator: the pages of what the demo has none of in the
// crawl's region, an invitation and an agreement, are checked once the
// administrator has made one of each through the forms. The agreement
// names no unit, so no clinic's readiness changes for the other journeys.
func recordAsAdministrator(j *journey, cov *coverage) {
	j.t.Helper()
	const who = "region_admin"
	admin := "/r/" + crawlRegion + "/admin"
	j.visit(admin + "/invitations")
	j.fill("#email", "axe-"+time.Now().Format("150405.000000000")+"@example.se")
	j.fill("#display_name", "Ada Tillgänglig")
	j.fill("#role", "viewer")
	if status := j.follow(`form[action="` + admin + `/invitations"] button[type="submit"]`); status != http.StatusOK {
		j.t.Fatalf("inviting a viewer answered %d:\n%s", status, j.text("main"))
	}
	link, err := url.Parse(j.text(".notice pre"))
	if err != nil || !strings.HasPrefix(link.Path, "/r/"+crawlRegion+"/invitations/") {
		j.t.Fatalf("the page shows no invitation link: %q", j.text(".notice"))
	}
	if status := j.visit(link.Path); status != http.StatusOK {
		j.t.Fatalf("the invitation %s answered %d", link.Path, status)
	}
	j.check(who, cov)

	j.visit(admin + "/agreements/new")
	j.fill("#title", "Överenskommelse om kamratstöd (tillgänglighetstest)")
	j.fill("#committee", "Hälso- och sjukvårdsnämnden")
	j.fill("#purpose", "Systematiserat kamratstöd.")
	j.fill("#starts_on", crawlDay(-30))
	j.fill("#ends_on", crawlDay(700))
	j.fill("#notice_months", "3")
	j.fill("#reporting_cadence", j.attr(`#reporting_cadence option:not([value=""])`, "value"))
	j.click(`input[name="parties"]`)
	if status := j.follow(`main form button[type="submit"]:not([name])`); status != http.StatusOK {
		j.t.Fatalf("recording an agreement answered %d:\n%s", status, oneLine(j.text("main"), 600))
	}
	j.check(who, cov)
	if status := j.follow(`main a[href$="/edit"]`); status != http.StatusOK {
		j.t.Fatalf("the agreement's edit page answered %d", status)
	}
	j.check(who, cov)
}

// recordAsCoordinator: the pages of a supervision session, a gathering and
// a placement, which the demo has none of, checked once a coordinator has
// recorded one of each. In Stockholm, where the coordinator's journey
// records the same kinds of things, so that the crawl's region keeps its
// demo state for the pathway journey.
func recordAsCoordinator(t *testing.T, cov *coverage) {
	const region, who = "stockholm", "org_coordinator"
	j := newJourney(t)
	j.signIn(region, who)
	org := "/r/" + region + "/org"

	j.visit(org + "/supervision/new")
	j.fill("#kind", "group")
	j.fill("#supervisor_name", "Hedda Handledare")
	j.fill("#held_on", crawlDay(-1))
	j.fill("#duration_minutes", "60")
	j.click(`input[name="peers"]`)
	if status := j.follow(`main form button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("recording supervision answered %d:\n%s", status, oneLine(j.text("main"), 600))
	}
	j.check(who, cov)

	j.visit(org + "/gatherings/new")
	j.fill("#kind", j.attr(`#kind option:not([value=""])`, "value"))
	j.fill("#gathering_title", "Nätverksträff (tillgänglighetstest)")
	j.fill("#held_on", crawlDay(-1))
	if status := j.follow(`main form button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("recording a gathering answered %d:\n%s", status, oneLine(j.text("main"), 600))
	}
	j.check(who, cov)

	j.visit(org + "/placements/new")
	// The demo's own peer supporter: the coordinator's journey places the
	// peer it registers itself.
	j.fill("#peer_id", pathwayOption(j, "#peer_id", "Pia"))
	j.fill("#unit_id", j.attr(`#unit_id option:not([value=""])`, "value"))
	j.fill("#starts_on", crawlDay(1))
	j.fill("#employer", "organisation")
	j.fill("#fte_percent", "20")
	if status := j.follow(`main form button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("placing a peer answered %d:\n%s", status, oneLine(j.text("main"), 600))
	}
	j.check(who, cov)
	if status := j.follow(`main a[href$="/edit"]`); status != http.StatusOK {
		t.Fatalf("the placement's edit page answered %d", status)
	}
	j.check(who, cov)
}

// crawlDay is the day days from today in Sweden, as a date input writes it.
func crawlDay(days int) string {
	return tenants.Today(time.Now()).AddDays(days).String()
}

// crawlPublic checks the pages anyone sees without signing in: the home
// page and what it links to (a region's page, its sign-in page, the
// accessibility statement), the sign-in form refused and sent, an e-mailed
// sign-in link, a failed sign-in and the error pages.
func crawlPublic(t *testing.T, cov *coverage) {
	j := newJourney(t)
	j.crawl("public", "/", cov)
	j.crawl("public", "/r/"+crawlRegion+"/login", cov)
	j.checkEnglish("public", "/r/"+crawlRegion+"/login")

	// The e-mail sign-in: refused without an address, then sent to the
	// demo viewer, whose link (from kamrat's log, where the demo writes
	// its e-mail) opens the confirmation page.
	login := "/r/" + crawlRegion + "/login"
	j.visit(login)
	email := `main form[action$="/login/email"]`
	if status := j.follow(email + ` button[type="submit"]`); status != http.StatusUnprocessableEntity {
		t.Errorf("the empty e-mail sign-in answered %d, want 422", status)
	} else {
		j.checkAccessible("public: e-mail sign-in with errors")
	}
	address := "viewer." + crawlRegion + "@demo.kamrat.example"
	j.visit(login)
	j.fill(email+` input[name="email"]`, address)
	mailLink := regexp.MustCompile(`/r/` + crawlRegion + `/login/email/[A-Za-z0-9_-]+`)
	before := len(demoMailLinks(address, mailLink))
	if status := j.follow(email + ` button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("asking for a sign-in link answered %d:\n%s", status, j.text("main"))
	}
	j.checkAccessible("public: sign-in link sent")
	link := waitForMailLink(t, address, before, mailLink)
	if status := j.visit(link); status != http.StatusOK {
		t.Fatalf("the e-mailed sign-in link answered %d:\n%s", status, j.text("main"))
	}
	j.check("public", cov)

	// A sign-in that fails (no such sign-in under way) and a link that
	// has expired show why, on a page of their own.
	if status := j.visit("/r/" + crawlRegion + "/login/callback?state=none&code=none"); status < 400 {
		t.Errorf("a callback without a sign-in under way answered %d", status)
	}
	j.check("public", cov)
	if status := j.visit("/r/" + crawlRegion + "/login/email/no-such-link"); status < 400 {
		t.Errorf("an unknown sign-in link answered %d", status)
	}
	j.checkAccessible("public: expired sign-in link")

	// The error page, as 404 and 401.
	for path, want := range map[string]int64{"/no/such/page": http.StatusNotFound, "/ops/jobs": http.StatusUnauthorized} {
		if status := j.visit(path); status != want {
			t.Errorf("%s answered %d, want %d", path, status, want)
		}
		j.checkAccessible("public: error page " + http.StatusText(int(want)))
	}
}

// crawlOperator checks the platform operator's page. The demo has no
// platform operator (the flag is set in the database only), so the test
// makes one of the demo viewer of Gotland, whom no other journey signs in
// as. The viewer keeps their role in Gotland and crawls it too: a region
// that has just joined, whose pages are empty or nearly so (the journey
// that sets Gotland up may be under way). Last the 403 page: a viewer may
// not read the region's members.
func crawlOperator(t *testing.T, cov *coverage) {
	const region = "gotland"
	j := newJourney(t)
	db := demoDB(t)
	email := "viewer." + region + "@demo.kamrat.example"
	if _, err := db.Bun().NewUpdate().Table("users").Set("platform_operator = ?", true).Where("email = ?", email).Exec(context.Background()); err != nil {
		t.Fatalf("making %s a platform operator: %v", email, err)
	}
	j.signIn(region, "viewer")
	if status := j.visit("/ops/jobs"); status != http.StatusOK {
		t.Fatalf("/ops/jobs answered %d for a platform operator:\n%s", status, j.text("main"))
	}
	j.crawl("platform operator", "/ops/jobs", cov)
	j.crawl("viewer of a new region", "/r/"+region+"/start", cov)
	if status := j.visit("/r/" + region + "/admin/members"); status != http.StatusForbidden {
		t.Errorf("the members page answered %d for a viewer, want 403", status)
	}
	j.checkAccessible("error page " + http.StatusText(http.StatusForbidden))
}

// demoDB opens the demo's database, beside the running kamrat (SQLite in
// WAL mode lets both write, one at a time).
func demoDB(t *testing.T) *tenants.DB {
	t.Helper()
	suite.kamratURL(t)
	loc, err := tenants.ParseDatabaseURL("sqlite:" + filepath.Join(suite.dir, "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	db, err := tenants.Open(context.Background(), loc, tenants.OpenOptions{MaxConns: 1})
	if err != nil {
		t.Fatalf("opening the demo's database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// demoMailLinks are the paths matching link in the e-mails to address
// that the demo has written to kamrat's log (it sends no mail), oldest
// first.
func demoMailLinks(address string, link *regexp.Regexp) []string {
	var links []string
	for _, line := range strings.Split(suite.app.Log.String(), "\n") {
		var entry struct {
			Msg  string `json:"msg"`
			To   string `json:"to"`
			Text string `json:"text"`
		}
		if json.Unmarshal([]byte(line), &entry) != nil || !strings.HasPrefix(entry.Msg, "demo e-mail") || !strings.Contains(entry.To, address) {
			continue
		}
		links = append(links, link.FindAllString(entry.Text, -1)...)
	}
	return links
}

// waitForMailLink waits for an e-mail to address, beyond the before
// already written, with a link matching link, and returns the link.
func waitForMailLink(t *testing.T, address string, before int, link *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if links := demoMailLinks(address, link); len(links) > before {
			return links[len(links)-1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no e-mail to %s with a link %s in kamrat's log after 30s", address, link)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// evalJSON evaluates expr and decodes its value into T.
func evalJSON[T any](j *journey, expr string) (T, error) {
	return chromedp.Run(j.ctx, chromedp.Evaluate[T](expr))
}
