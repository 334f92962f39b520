package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// workBundle is a region with two organisations: the signed-in
// coordinator's (with two active peers) and another one (with a peer and a
// coordinator of its own), for the organisation pages and their API.
type workBundle struct {
	*signInBundle
	cookie        *http.Cookie // the coordinator's session
	token         string       // the coordinator's API token
	org, otherOrg int64
	sara, omar    tenants.Peer // the coordinator's organisation's
	stranger      tenants.Peer // the other organisation's
	otherCookie   *http.Cookie // the other organisation's coordinator
	otherToken    string
	pages, api    string // /r/{region}/org, /api/v1/regions/{region}
}

func setupWork(t *testing.T, db *tenants.DB) *workBundle {
	t.Helper()
	ctx := context.Background()
	sb := setupSignIn(t, db)
	wb := &workBundle{signInBundle: sb, pages: "/r/" + sb.region.Slug + "/org", api: "/api/v1/regions/" + sb.region.Slug}
	wb.cookie = sessionCookie(sb.signIn(t, "sub-org_coordinator"))
	if wb.cookie == nil {
		t.Fatal("the coordinator could not sign in")
	}
	coordinator := sb.users[tenants.RoleOrgCoordinator].ID
	var err error
	if _, wb.token, err = sb.policy.Tokens.Create(ctx, sb.region.ID, coordinator, "x", nil); err != nil {
		t.Fatal(err)
	}
	wb.org = *sb.membership(t, tenants.RoleOrgCoordinator).OrganisationID
	wb.sara, wb.omar = workPeer(t, sb, wb.org, "Sara Lind"), workPeer(t, sb, wb.org, "Omar Haddad")

	other, err := tenants.NewOrganisationStore(sb.db).Create(ctx, sb.region.ID, tenants.Organisation{Name: "Andra föreningen", Kind: tenants.OrgUser, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	wb.otherOrg = other.ID
	wb.stranger = workPeer(t, sb, other.ID, "Främling Fors")
	u, err := sb.policy.Identities.CreateUser(ctx, tenants.User{Email: "other-coordinator@example.se", DisplayName: "Annan samordnare"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.policy.Identities.SetMembership(ctx, sb.region.ID, tenants.Membership{UserID: u.ID, Role: tenants.RoleOrgCoordinator, OrganisationID: &other.ID}); err != nil {
		t.Fatal(err)
	}
	secret, _, err := sb.policy.Sessions.Create(ctx, u.ID, &sb.region.ID, "test", sb.policy.Session.Absolute)
	if err != nil {
		t.Fatal(err)
	}
	wb.otherCookie = &http.Cookie{Name: "kamrat_session", Value: secret}
	if _, wb.otherToken, err = sb.policy.Tokens.Create(ctx, sb.region.ID, u.ID, "x", nil); err != nil {
		t.Fatal(err)
	}
	return wb
}

// page GETs a page with a session and returns its status and body.
func (wb *workBundle) page(t *testing.T, path string, cookie *http.Cookie) (int, string) {
	t.Helper()
	resp := wb.send(t, http.MethodGet, path, cookie)
	return resp.StatusCode, readAll(t, resp)
}

// submit posts a form with a session and returns its status, body and
// redirect.
func (wb *workBundle) submit(t *testing.T, path string, form url.Values, cookie *http.Cookie) (int, string, string) {
	t.Helper()
	resp := wb.post(t, path, form, cookie)
	return resp.StatusCode, readAll(t, resp), resp.Header.Get("Location")
}

// callAPI sends body (nil for none) as JSON with token.
func (wb *workBundle) callAPI(t *testing.T, token, method, path string, body any) (*http.Response, string) {
	t.Helper()
	var raw []byte
	contentType := ""
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			t.Fatal(err)
		}
		contentType = "application/json"
	}
	return apiSend(t, wb.signInBundle, token, method, wb.api+path, contentType, raw)
}

// audited reports whether the coordinator's action on the object is in
// the audit log.
func (wb *workBundle) audited(t *testing.T, action, objectID string) bool {
	t.Helper()
	entries, err := wb.policy.Audit.Search(context.Background(), wb.region.ID, tenants.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.ObjectID == objectID && e.UserID != nil && *e.UserID == wb.users[tenants.RoleOrgCoordinator].ID {
			return true
		}
	}
	return false
}

func (wb *workBundle) sessions(t *testing.T) []tenants.SupervisionSession {
	t.Helper()
	list, err := tenants.NewSupervisionStore(wb.db).Sessions(context.Background(), wb.region.ID, wb.org)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// daysAgo is the day n days before today in Sweden.
func daysAgo(n int) tenants.Date { return todayInSweden().AddDays(-n) }

// backdateActive makes the peer's current status begin n days ago.
func (wb *workBundle) backdateActive(t *testing.T, p tenants.Peer, n int) {
	t.Helper()
	ctx := context.Background()
	at := daysAgo(n).Time().Add(12 * time.Hour)
	err := wb.db.InTenant(ctx, wb.region.ID, func(tx *tenants.Tx) error {
		_, err := tx.NewUpdate().Model((*tenants.Peer)(nil)).Set("status_changed_at = ?", at).
			Where("tenant_id = ? AND id = ?", wb.region.ID, p.ID).Exec(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func sessionForm(kind, minutes, held string, peers ...int64) url.Values {
	f := url.Values{"kind": {kind}, "supervisor_name": {"Mary-Anne Berg"}, "supervisor_lived_experience": {"1"}, "held_on": {held}, "duration_minutes": {minutes}}
	for _, id := range peers {
		f.Add("peers", itoa(id))
	}
	return f
}

// TestSupervisionPages: a coordinator records a group session for their
// own peers and removes it; a bad length, a peer of another organisation
// and an individual session with two peers are refused with their own
// message, and nothing is saved.
func TestSupervisionPages(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		wb := setupWork(t, db)
		today := todayInSweden().String()

		status, body := wb.page(t, wb.pages+"/supervision/new", wb.cookie)
		if status != http.StatusOK || !strings.Contains(body, "Sara Lind") || strings.Contains(body, "Främling") {
			t.Fatalf("new session form: %d; it must list the own active peers only:\n%s", status, body)
		}

		for _, tc := range []struct {
			name string
			form url.Values
			want string
		}{
			{"too short", sessionForm("group", "5", today, wb.sara.ID), "Måste vara mellan 15 och 480."},
			{"too long", sessionForm("group", "481", today, wb.sara.ID), "Måste vara mellan 15 och 480."},
			{"not a number", sessionForm("group", "en timme", today, wb.sara.ID), "Ange ett heltal"},
			{"another organisation's peer", sessionForm("group", "90", today, wb.sara.ID, wb.stranger.ID), "Välj kamratstödjare i den egna organisationen."},
			{"individual with two", sessionForm("individual", "60", today, wb.sara.ID, wb.omar.ID), "Enskild handledning har exakt en deltagare."},
			{"nobody attended", sessionForm("group", "60", today), "Välj minst en kamratstödjare som deltog."},
			{"in the future", sessionForm("group", "60", todayInSweden().AddDays(1).String(), wb.sara.ID), "Datumet får inte ligga i framtiden."},
		} {
			status, body, _ := wb.submit(t, wb.pages+"/supervision", tc.form, wb.cookie)
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
				t.Errorf("%s: %d, want 422 with %q:\n%s", tc.name, status, tc.want, body)
			}
			if !strings.Contains(body, "Mary-Anne Berg") {
				t.Errorf("%s: the refused form lost what was typed", tc.name)
			}
		}
		if got := wb.sessions(t); len(got) != 0 {
			t.Fatalf("refused forms saved sessions: %+v", got)
		}

		status, _, location := wb.submit(t, wb.pages+"/supervision", sessionForm("group", "90", today, wb.sara.ID, wb.omar.ID), wb.cookie)
		if status != http.StatusSeeOther {
			t.Fatalf("good session: %d", status)
		}
		list := wb.sessions(t)
		if len(list) != 1 || len(list[0].PeerIDs) != 2 || !list[0].SupervisorLivedExperience || list[0].DurationMinutes != 90 {
			t.Fatalf("stored: %+v", list)
		}
		id := itoa(list[0].ID)
		if location != wb.pages+"/supervision/"+id || !wb.audited(t, "supervision.create", id) {
			t.Fatalf("after saving: location %q, audited %v", location, wb.audited(t, "supervision.create", id))
		}
		status, body = wb.page(t, location, wb.cookie)
		if status != http.StatusOK || !strings.Contains(body, "Omar Haddad") || !strings.Contains(body, "Mary-Anne Berg") {
			t.Fatalf("session page: %d\n%s", status, body)
		}
		if status, body = wb.page(t, wb.pages+"/supervision", wb.cookie); status != http.StatusOK || !strings.Contains(body, "Sara Lind, Omar Haddad") {
			t.Fatalf("list: %d\n%s", status, body)
		}

		if status, _, _ := wb.submit(t, location+"/remove", nil, wb.cookie); status != http.StatusSeeOther {
			t.Fatalf("remove: %d", status)
		}
		if got := wb.sessions(t); len(got) != 0 || !wb.audited(t, "supervision.remove", id) {
			t.Fatalf("after removing: %+v", got)
		}
	})
}

// TestSupervisionCompliance: with the region's default of four weeks, a
// peer whose last session was 28 days ago is due today and not listed, one
// at 29 days is a day overdue; a peer never supervised counts from the day
// they became active. The page and the API list the same peers.
func TestSupervisionCompliance(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		wb := setupWork(t, db)
		ctx := context.Background()
		if weeks := wb.region.Settings.Effective().SupervisionIntervalWeeks; weeks != 4 {
			t.Fatalf("the test assumes the default of 4 weeks, the region has %d", weeks)
		}
		newcomer, returner := workPeer(t, wb.signInBundle, wb.org, "Nyan Nilsson"), workPeer(t, wb.signInBundle, wb.org, "Aldrig Alm")
		for _, p := range []tenants.Peer{wb.sara, wb.omar} {
			wb.backdateActive(t, p, 100)
		}
		wb.backdateActive(t, newcomer, 28) // due today
		wb.backdateActive(t, returner, 29) // a day overdue
		store := tenants.NewSupervisionStore(wb.db)
		for _, s := range []struct {
			peer tenants.Peer
			days int
		}{{wb.sara, 28}, {wb.omar, 40}, {wb.omar, 29}} {
			if _, err := store.Create(ctx, wb.region.ID, wb.org, tenants.SupervisionSession{
				Kind: tenants.SupervisionIndividual, SupervisorName: "Mary-Anne", HeldOn: daysAgo(s.days), DurationMinutes: 60, PeerIDs: []int64{s.peer.ID},
			}); err != nil {
				t.Fatal(err)
			}
		}

		status, body := wb.page(t, wb.pages+"/supervision", wb.cookie)
		if status != http.StatusOK {
			t.Fatalf("supervision page: %d", status)
		}
		start, end := strings.Index(body, `id="compliance"`), strings.Index(body, `id="sessions"`)
		if start < 0 || end < start {
			t.Fatalf("no compliance section:\n%s", body)
		}
		compliance := body[start:end]
		for _, name := range []string{"Omar Haddad", "Aldrig Alm"} {
			if !strings.Contains(compliance, name) {
				t.Errorf("%s is a day overdue but not listed:\n%s", name, compliance)
			}
		}
		for _, name := range []string{"Sara Lind", "Nyan Nilsson"} {
			if strings.Contains(compliance, name) {
				t.Errorf("%s is due today, not overdue, but listed:\n%s", name, compliance)
			}
		}
		for _, want := range []string{daysAgo(29).String(), daysAgo(1).String(), "Aldrig", "Aktiva kamratstödjare vars handledning är försenad: 2"} {
			if !strings.Contains(compliance, want) {
				t.Errorf("compliance lacks %q:\n%s", want, compliance)
			}
		}

		resp, raw := wb.callAPI(t, wb.token, http.MethodGet, "/supervision/overdue", nil)
		var got apiOverdueList
		if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(raw), &got) != nil {
			t.Fatalf("API: %d %s", resp.StatusCode, raw)
		}
		if len(got.Peers) != 2 || got.IntervalWeeks != 4 || got.AsOf != todayInSweden().String() {
			t.Fatalf("API overdue: %+v", got)
		}
		for _, p := range got.Peers {
			if p.DaysOverdue != 1 || p.DueOn != daysAgo(1).String() {
				t.Errorf("API overdue peer: %+v", p)
			}
		}
	})
}
