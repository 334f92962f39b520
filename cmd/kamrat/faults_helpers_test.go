package main

// Helpers of the fault tests (faults_test.go): a region set up through the
// stores, HTTP clients that speak to several replicas, and a mixed load
// that records every write the application acknowledged.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/kamrat/kamrat/jobs/jobstest"
	"github.com/kamrat/kamrat/policy"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// faultRegion is a region with a clinic unit, an organisation serving it
// for HIV, and its people: clinic staff and a coordinator with API tokens,
// a second coordinator, and an administrator who signs in by e-mail.
type faultRegion struct {
	db                  *tenants.DB
	policy              *policy.Service
	region              tenants.Tenant
	unit                int64
	org                 int64
	clinic              tenants.User
	coords              []tenants.User
	admin               tenants.User
	clinicAPI, coordAPI string // bearer tokens
}

// setUpFaultRegion creates the region on the database appURL names, as
// the application role, through the stores.
func setUpFaultRegion(t *testing.T, appURL string) *faultRegion {
	t.Helper()
	ctx := context.Background()
	db := tenanttest.OpenURL(t, appURL)
	key, err := tenants.ParseKey(testKey)
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := tenants.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	pol, err := policy.NewService(db, sealer, key, policy.SessionConfig{})
	if err != nil {
		t.Fatal(err)
	}
	r := &faultRegion{db: db, policy: pol}
	if r.region, err = tenants.NewTenantStore(db).Create(ctx, tenants.Tenant{Slug: "skane", Name: "Region Skåne", CountyCode: "12"}); err != nil {
		t.Fatal(err)
	}
	id := r.region.ID
	unit, err := tenants.NewUnitStore(db).Create(ctx, id, tenants.Unit{Name: "Infektionskliniken Malmö", HSAID: "SE2321000016-INF1", Kind: tenants.UnitInfectionClinic, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	r.unit = unit.ID
	orgs := tenants.NewOrganisationStore(db)
	org, err := orgs.Create(ctx, id, tenants.Organisation{Name: "Posithiva Gruppen Syd", Kind: tenants.OrgPatient, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	org.Focus = []tenants.TargetGroup{tenants.TargetHIV}
	if _, err := orgs.Save(ctx, id, org, []int64{unit.ID}); err != nil {
		t.Fatal(err)
	}
	r.org = org.ID
	person := func(email, name string, m tenants.Membership) tenants.User {
		t.Helper()
		u, err := pol.Identities.CreateUser(ctx, tenants.User{Email: email, DisplayName: name})
		if err != nil {
			t.Fatal(err)
		}
		m.UserID = u.ID
		if _, err := pol.Identities.SetMembership(ctx, id, m); err != nil {
			t.Fatal(err)
		}
		return u
	}
	r.clinic = person("klinik@example.se", "Karin Klinik", tenants.Membership{Role: tenants.RoleClinicStaff, UnitID: &unit.ID})
	r.coords = []tenants.User{
		person("samordnare1@example.se", "Sara Samordnare", tenants.Membership{Role: tenants.RoleOrgCoordinator, OrganisationID: &org.ID}),
		person("samordnare2@example.se", "Sam Samordnare", tenants.Membership{Role: tenants.RoleOrgCoordinator, OrganisationID: &org.ID}),
	}
	r.admin = person("admin@example.se", "Agnes Administratör", tenants.Membership{Role: tenants.RoleRegionAdmin})
	if _, r.clinicAPI, err = pol.Tokens.Create(ctx, id, r.clinic.ID, "load", nil); err != nil {
		t.Fatal(err)
	}
	if _, r.coordAPI, err = pol.Tokens.Create(ctx, id, r.coords[0].ID, "load", nil); err != nil {
		t.Fatal(err)
	}
	return r
}

// referDirectly refers a participant through the store, as a fixture.
func (r *faultRegion) referDirectly(t *testing.T) int64 {
	t.Helper()
	key, _ := tenants.ParseKey(testKey)
	sealer, _ := tenants.NewSealer(key)
	_, ref, err := tenants.NewReferralStore(r.db, sealer).RegisterAndRefer(context.Background(), r.region.ID, r.unit, r.clinic.ID,
		tenants.NewParticipant{TargetGroup: tenants.TargetHIV, Language: "sv", Consent: tenants.ConsentScopes{FollowUp: true, ExpiresOn: tenants.DateOf(time.Now().AddDate(0, 6, 0))}}, r.org)
	if err != nil {
		t.Fatal(err)
	}
	return ref.ID
}

// backdate moves referrals 40 days into the past: beyond the contact
// deadline and its escalation, so that the reminder scan finds them late.
func (r *faultRegion) backdate(t *testing.T, ids ...int64) {
	t.Helper()
	err := r.db.InTenant(context.Background(), r.region.ID, func(tx *tenants.Tx) error {
		_, err := tx.NewRaw("UPDATE referrals SET created_at = created_at - INTERVAL '40 days', status_changed_at = status_changed_at - INTERVAL '40 days' WHERE tenant_id = ? AND id IN (?)",
			r.region.ID, bun.In(ids)).Exec(context.Background())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// query scans a query in the region's read-only transaction.
func (r *faultRegion) query(t *testing.T, dest any, query string, args ...any) {
	t.Helper()
	if err := r.db.InTenantReadOnly(context.Background(), r.region.ID, func(tx *tenants.Tx) error {
		return tx.NewRaw(query, args...).Scan(context.Background(), dest)
	}); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// replicas hands out the base URLs of the kamrat processes round-robin;
// a restarted process keeps its slot (and its address).
type replicas struct {
	mu    sync.Mutex
	bases []string
	next  atomic.Int64
}

func newReplicas(procs ...*process) *replicas {
	r := &replicas{}
	for _, p := range procs {
		r.bases = append(r.bases, "http://"+p.Addr)
	}
	return r
}

// pick returns the next replica's index and base URL.
func (r *replicas) pick() (int, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := int(r.next.Add(1)-1) % len(r.bases)
	return i, r.bases[i]
}

func (r *replicas) base(i int) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.bases[i]
}

func (r *replicas) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.bases)
}

// httpClient talks to the replicas without following redirects: a
// redirect is an answer of its own here.
var httpClient = &http.Client{
	Timeout:       20 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// answer is one HTTP exchange as the load saw it.
type answer struct {
	at, done time.Time // sent, answered (or failed)
	replica  int
	op       string
	status   int // 0: no answer (err)
	err      error
	body     string
	header   http.Header
}

func (a answer) String() string {
	if a.err != nil {
		return fmt.Sprintf("%s %s on replica %d: %v", a.at.Format("15:04:05.000"), a.op, a.replica, a.err)
	}
	body := a.body
	if len(body) > 300 {
		body = body[:300] + "…"
	}
	return fmt.Sprintf("%s %s on replica %d: %d %s", a.at.Format("15:04:05.000"), a.op, a.replica, a.status, body)
}

// send makes one request; body is JSON (any) or a form (url.Values).
func send(method, target string, header http.Header, body any) answer {
	a := answer{at: time.Now(), op: method + " " + target}
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	default:
		js, err := json.Marshal(b)
		if err != nil {
			a.err = err
			return a
		}
		rd, ctype = bytes.NewReader(js), "application/json"
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		a.err = err
		return a
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		a.err, a.done = err, time.Now()
		return a
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	a.status, a.body, a.header, a.err, a.done = resp.StatusCode, string(b), resp.Header, err, time.Now()
	if err != nil {
		a.status = 0 // half an answer acknowledges nothing
	}
	return a
}

// browser is a person's browser: the session and pre-session cookies it
// was given, sent to whichever replica it speaks to.
type browser struct {
	mu      sync.Mutex
	cookies map[string]string
}

func newBrowser() *browser { return &browser{cookies: map[string]string{}} }

func (b *browser) header(accept string) http.Header {
	b.mu.Lock()
	defer b.mu.Unlock()
	h := http.Header{"Accept": {accept}}
	var parts []string
	for k, v := range b.cookies {
		parts = append(parts, k+"="+v)
	}
	if len(parts) > 0 {
		h.Set("Cookie", strings.Join(parts, "; "))
	}
	return h
}

// do sends a page request (a form for POST) and keeps the cookies set.
func (b *browser) do(method, target string, form url.Values) answer {
	var body any
	if form != nil {
		body = form
	}
	a := send(method, target, b.header("text/html"), body)
	if a.header != nil {
		b.mu.Lock()
		for _, c := range (&http.Response{Header: a.header}).Cookies() {
			if c.MaxAge < 0 || c.Value == "" {
				delete(b.cookies, c.Name)
			} else {
				b.cookies[c.Name] = c.Value
			}
		}
		b.mu.Unlock()
	}
	return a
}

func (b *browser) cookie(name string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cookies[name]
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrfOf returns the CSRF token of the first form on a page.
func csrfOf(page string) string {
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return m[1]
}

var signInLink = regexp.MustCompile(`/r/[a-z0-9-]+/login/email/[A-Za-z0-9_-]+`)

// signInByEmail walks the e-mail sign-in through three replicas: the link
// is asked for on the first, arrives by SMTP (sent by whichever process
// works the job), is opened on the second and used on the third. It
// returns the signed-in browser.
func signInByEmail(t *testing.T, reps *replicas, smtp *jobstest.SMTPServer, slug, email string) *browser {
	t.Helper()
	b := newBrowser()
	n := reps.count()
	login := b.do(http.MethodGet, reps.base(0)+"/r/"+slug+"/login", nil)
	if login.status != http.StatusOK || csrfOf(login.body) == "" {
		t.Fatalf("login page: %s", login)
	}
	before := len(smtp.Messages())
	asked := b.do(http.MethodPost, reps.base(0)+"/r/"+slug+"/login/email", url.Values{"_csrf": {csrfOf(login.body)}, "email": {email}})
	if asked.status != http.StatusOK {
		t.Fatalf("ask for a sign-in link: %s", asked)
	}
	var link string
	deadline := time.Now().Add(60 * time.Second)
	for link == "" {
		for _, m := range smtp.Messages()[before:] {
			p, err := m.Parse()
			if err != nil {
				t.Fatal(err)
			}
			if slices.Contains(m.To, email) {
				link = signInLink.FindString(p.Text)
			}
		}
		if link == "" {
			if time.Now().After(deadline) {
				t.Fatalf("no sign-in link reached %s within 60 s", email)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	open := b.do(http.MethodGet, reps.base(1%n)+link, nil)
	if open.status != http.StatusOK {
		t.Fatalf("open the sign-in link: %s", open)
	}
	used := b.do(http.MethodPost, reps.base(2%n)+link, url.Values{"_csrf": {csrfOf(open.body)}})
	if used.status != http.StatusSeeOther || b.cookie("kamrat_session") == "" {
		t.Fatalf("use the sign-in link: %s (cookies %v)", used, b.cookies)
	}
	return b
}

// acks records what the load sent and what the application acknowledged.
type acks struct {
	mu          sync.Mutex
	answers     []answer
	referrals   []int64
	weeks       []string
	weekUnknown int // weeks sent without an answer: applied or not
	encounters  int
	encUnknown  int
	accepted    []int64
	invitations []string
	// problems are answers no client should get: inconsistent reads,
	// unexpected statuses.
	problems []string
}

func (a *acks) record(ans answer) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.answers = append(a.answers, ans)
}

func (a *acks) problem(format string, args ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.problems = append(a.problems, fmt.Sprintf(format, args...))
}

func (a *acks) snapshotReferrals() []int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.referrals)
}

// load is the mixed traffic of the fault tests: goroutines that write and
// read through the replicas round-robin until stopped.
type load struct {
	t      *testing.T
	reps   *replicas
	region *faultRegion
	admin  *browser // nil: no browser traffic
	acks   *acks
	week   atomic.Int64 // weeks handed out, counting back from this week
	stop   chan struct{}
	wg     sync.WaitGroup
}

func startLoad(t *testing.T, reps *replicas, region *faultRegion, admin *browser) *load {
	l := &load{t: t, reps: reps, region: region, admin: admin, acks: &acks{}, stop: make(chan struct{})}
	for _, worker := range []func(){l.clinicReferrals, l.clinicOffers, l.coordinator, l.browserPages} {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for {
				select {
				case <-l.stop:
					return
				default:
				}
				worker()
				time.Sleep(20 * time.Millisecond) // a little room for the processes on two cores
			}
		}()
	}
	return l
}

// halt stops the load and waits for the requests in flight.
func (l *load) halt() *acks {
	close(l.stop)
	l.wg.Wait()
	return l.acks
}

func (l *load) api(token, method, path string, body any) answer {
	i, base := l.reps.pick()
	a := send(method, base+"/api/v1/regions/"+l.region.region.Slug+path, http.Header{"Authorization": {"Bearer " + token}, "Accept": {"application/json"}}, body)
	a.replica = i
	l.acks.record(a)
	return a
}

// clinicReferrals refers a participant, then reads the unit's referrals
// from the next replica: every referral acknowledged before must be there.
func (l *load) clinicReferrals() {
	expires := time.Now().AddDate(0, 6, 0).Format("2006-01-02")
	a := l.api(l.region.clinicAPI, http.MethodPost, "/clinic/referrals", map[string]any{
		"target_group": "hiv", "language": "sv", "organisation_id": l.region.org,
		"preferences": map[string]any{"languages": []string{}, "experience": []string{}},
		"consent":     map[string]any{"share_contact": false, "follow_up": true, "expires_on": expires},
	})
	if a.status == http.StatusCreated {
		var ref struct{ ID int64 }
		if err := json.Unmarshal([]byte(a.body), &ref); err != nil || ref.ID == 0 {
			l.acks.problem("referral acknowledged without an id: %s", a)
			return
		}
		l.acks.mu.Lock()
		l.acks.referrals = append(l.acks.referrals, ref.ID)
		l.acks.mu.Unlock()
	}
	known := l.acks.snapshotReferrals()
	list := l.api(l.region.clinicAPI, http.MethodGet, "/clinic/referrals", nil)
	if list.status != http.StatusOK {
		return
	}
	var got struct{ Referrals []struct{ ID int64 } }
	if err := json.Unmarshal([]byte(list.body), &got); err != nil {
		l.acks.problem("referral list is not JSON: %s", list)
		return
	}
	seen := map[int64]bool{}
	for _, r := range got.Referrals {
		seen[r.ID] = true
	}
	for _, id := range known {
		if !seen[id] {
			l.acks.problem("referral %d, acknowledged earlier, is missing from the list on replica %d", id, list.replica)
		}
	}
}

// clinicOffers records a week (each week once) or one encounter, and
// reads the tallies.
func (l *load) clinicOffers() {
	n := l.week.Add(1)
	if n%2 == 0 {
		// Mondays counting back from the last one: each week is new.
		now := time.Now()
		monday := now.AddDate(0, 0, -((int(now.Weekday())+6)%7)-7*int(n/2))
		week := monday.Format("2006-01-02")
		a := l.api(l.region.clinicAPI, http.MethodPost, "/offers/weeks", map[string]any{
			"week_start": week, "met": 2, "informed": 2, "offered": 1, "accepted": 1,
		})
		l.acks.mu.Lock()
		switch {
		case a.status == http.StatusCreated:
			l.acks.weeks = append(l.acks.weeks, week)
		case a.status == 0:
			l.acks.weekUnknown++
		}
		l.acks.mu.Unlock()
	} else {
		a := l.api(l.region.clinicAPI, http.MethodPost, "/offers/encounters", map[string]any{"informed": true})
		l.acks.mu.Lock()
		switch {
		case a.status == http.StatusCreated:
			l.acks.encounters++
		case a.status == 0:
			l.acks.encUnknown++
		}
		l.acks.mu.Unlock()
	}
	l.api(l.region.clinicAPI, http.MethodGet, "/offers/tallies", nil)
}

// coordinator reads the inbox and accepts the first received referral.
func (l *load) coordinator() {
	inbox := l.api(l.region.coordAPI, http.MethodGet, "/org/referrals", nil)
	if inbox.status != http.StatusOK {
		return
	}
	var got struct {
		Referrals []struct {
			ID     int64
			Status string
		}
	}
	if err := json.Unmarshal([]byte(inbox.body), &got); err != nil {
		l.acks.problem("inbox is not JSON: %s", inbox)
		return
	}
	for _, r := range got.Referrals {
		if r.Status != "received" {
			continue
		}
		a := l.api(l.region.coordAPI, http.MethodPost, fmt.Sprintf("/org/referrals/%d/accept", r.ID), nil)
		if a.status == http.StatusOK {
			l.acks.mu.Lock()
			l.acks.accepted = append(l.acks.accepted, r.ID)
			l.acks.mu.Unlock()
		}
		return
	}
}

// browserPages is the administrator in the browser: the start page, then
// an invitation made on the form of one replica and sent to the next (the
// session and its CSRF token hold on every replica); each invitation
// queues an e-mail.
func (l *load) browserPages() {
	if l.admin == nil {
		time.Sleep(100 * time.Millisecond)
		return
	}
	slug := l.region.region.Slug
	i, base := l.reps.pick()
	start := l.admin.do(http.MethodGet, base+"/r/"+slug+"/start", nil)
	start.replica = i
	l.acks.record(start)
	if start.status == http.StatusOK && !strings.Contains(start.body, l.region.admin.DisplayName) {
		l.acks.problem("start page on replica %d does not know the administrator: %s", i, start)
	}
	i, base = l.reps.pick()
	form := l.admin.do(http.MethodGet, base+"/r/"+slug+"/admin/invitations", nil)
	form.replica = i
	l.acks.record(form)
	if form.status != http.StatusOK {
		return
	}
	email := fmt.Sprintf("inbjuden-%d@example.se", time.Now().UnixNano())
	i, base = l.reps.pick()
	made := l.admin.do(http.MethodPost, base+"/r/"+slug+"/admin/invitations", url.Values{
		"_csrf": {csrfOf(form.body)}, "email": {email}, "display_name": {"Inbjuden Person"}, "role": {"viewer"},
	})
	made.replica = i
	l.acks.record(made)
	if made.status == http.StatusOK {
		if !strings.Contains(made.body, email) {
			l.acks.problem("invitation answered 200 without naming %s: %s", email, made)
			return
		}
		l.acks.mu.Lock()
		l.acks.invitations = append(l.acks.invitations, email)
		l.acks.mu.Unlock()
	}
}

// faultEnv is the environment of the fault tests' kamrat processes: the
// database as the application and owning roles, the test key, the test
// SMTP server, and any extra settings.
func faultEnv(appURL, ownerURL string, smtp *jobstest.SMTPServer, extra ...string) []string {
	return append([]string{
		"KAMRAT_DATABASE_URL=" + appURL, "KAMRAT_MIGRATION_DATABASE_URL=" + ownerURL, "KAMRAT_ENCRYPTION_KEY=" + testKey,
		"KAMRAT_SMTP_HOST=127.0.0.1", fmt.Sprintf("KAMRAT_SMTP_PORT=%d", smtp.Port()), "KAMRAT_SMTP_TLS=none", "KAMRAT_SMTP_FROM=kamrat@example.se",
	}, extra...)
}

// adminBrowser is a browser signed in as the region's administrator, with
// a session made in the database (the SIGKILL test signs in by e-mail
// instead, to show sessions work across replicas).
func (r *faultRegion) adminBrowser(t *testing.T) *browser {
	t.Helper()
	secret, _, err := r.policy.Sessions.Create(context.Background(), r.admin.ID, &r.region.ID, "test", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser()
	b.cookies["kamrat_session"] = secret
	return b
}
