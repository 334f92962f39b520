package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// unitCount is how many units sb's region has.
func unitCount(t *testing.T, sb *signInBundle) int {
	t.Helper()
	units, err := sb.unitsStore().Units(context.Background(), sb.region.ID)
	if err != nil {
		t.Fatal(err)
	}
	return len(units)
}

func (b *testBundle) unitsStore() *tenants.UnitStore { return tenants.NewUnitStore(b.db) }

// audited reports whether the region's audit log has an entry for action
// on objectID.
func audited(t *testing.T, sb *signInBundle, action, objectID string) bool {
	t.Helper()
	entries, err := sb.policy.Audit.Search(context.Background(), sb.region.ID, tenants.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Action == action && e.ObjectID == objectID && e.UserID != nil && *e.UserID == sb.users[tenants.RoleRegionAdmin].ID {
			return true
		}
	}
	return false
}

// contains fails the test for each want the body lacks.
func contains(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(body, want) {
			t.Errorf("%s lacks %q", what, want)
		}
	}
}

// TestUnitPages: an administrator adds and changes units in forms that
// keep what was typed and say what is wrong; a refused form saves nothing.
func TestUnitPages(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		ctx := context.Background()
		admin := sb.adminSession(t)
		base := "/r/" + sb.region.Slug + "/admin/units"

		list := sb.send(t, http.MethodGet, base, admin)
		body := readAll(t, list)
		if list.StatusCode != http.StatusOK {
			t.Fatalf("list: %d", list.StatusCode)
		}
		contains(t, "the list", body, "Infektion", "SE2321000016-INF1", "Infektionsmottagning",
			"Saknas: budgetbeslut, introduktionsträff för personalen, förankring hos ledningen")

		before := unitCount(t, sb)
		for _, tc := range []struct {
			name  string
			form  url.Values
			wants []string
		}{
			{"bad HSA-id and no kind", url.Values{"name": {"Psykiatrimottagningen"}, "hsa_id": {"SE123-X"}, "kind": {""}, "active": {"1"}},
				[]string{`value="SE123-X"`, `value="Psykiatrimottagningen"`, `href="#hsa_id"`, `href="#kind"`, `aria-invalid="true"`,
					"Ange ett giltigt HSA-id, till exempel SE2321000016-1234.", "Typ: Välj ett av alternativen."}},
			{"HSA-id of another organisation number", url.Values{"name": {"X"}, "hsa_id": {"SE2321000017-1"}, "kind": {"other"}},
				[]string{"HSA-id: Ange ett giltigt HSA-id"}},
			{"HSA-id the region has", url.Values{"name": {"X"}, "hsa_id": {"SE2321000016-INF1"}, "kind": {"other"}},
				[]string{"HSA-id: Regionen har redan en enhet med det här HSA-id:t."}},
			{"no name", url.Values{"name": {" "}, "kind": {"habilitation"}}, []string{"Namn: Måste fyllas i."}},
		} {
			resp := sb.post(t, base, tc.form, admin)
			body := readAll(t, resp)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%s: %d", tc.name, resp.StatusCode)
			}
			checkWellFormed(t, body)
			contains(t, tc.name, body, tc.wants...)
		}
		if got := unitCount(t, sb); got != before {
			t.Fatalf("refused forms changed the units: %d → %d", before, got)
		}

		resp := sb.post(t, base, url.Values{"name": {"Psykiatrimottagningen"}, "hsa_id": {" SE2321000016-PSY1 "}, "kind": {"psychiatric_outpatient"},
			"municipality": {"Lund"}, "active": {"1"}}, admin)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), base+"/") {
			t.Fatalf("create: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		id, err := formID(strings.TrimPrefix(resp.Header.Get("Location"), base+"/"), "id")
		if err != nil {
			t.Fatal(err)
		}
		u, err := sb.unitsStore().Unit(ctx, sb.region.ID, id)
		if err != nil || u.HSAID != "SE2321000016-PSY1" || u.Kind != tenants.UnitPsychiatricOutpatient || u.Municipality != "Lund" || !u.Active {
			t.Fatalf("stored unit: %+v %v", u, err)
		}
		if !audited(t, sb, "unit.create", itoa(id)) {
			t.Error("the new unit is not in the audit log")
		}

		edit := sb.send(t, http.MethodGet, base+"/"+itoa(id)+"/edit", admin)
		contains(t, "the edit form", readAll(t, edit), `value="SE2321000016-PSY1"`, `checked="checked"`, "Ändra Psykiatrimottagningen")
		bad := sb.post(t, base+"/"+itoa(id), url.Values{"name": {"Nytt namn"}, "hsa_id": {"SE2321000016-INF1"}, "kind": {"psychiatric_outpatient"}}, admin)
		if body := readAll(t, bad); bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Regionen har redan en enhet") {
			t.Fatalf("update to a taken HSA-id: %d", bad.StatusCode)
		}
		if u, _ := sb.unitsStore().Unit(ctx, sb.region.ID, id); u.Name != "Psykiatrimottagningen" {
			t.Fatalf("a refused update changed the unit: %+v", u)
		}
		ok := sb.post(t, base+"/"+itoa(id), url.Values{"name": {"Psykiatri Lund"}, "hsa_id": {""}, "kind": {"psychiatric_inpatient"}, "municipality": {"Lund"}}, admin)
		if ok.StatusCode != http.StatusSeeOther {
			t.Fatalf("update: %d", ok.StatusCode)
		}
		if u, _ := sb.unitsStore().Unit(ctx, sb.region.ID, id); u.Name != "Psykiatri Lund" || u.HSAID != "" || u.Active || u.Kind != tenants.UnitPsychiatricInpatient {
			t.Fatalf("updated unit: %+v", u)
		}
		if !audited(t, sb, "unit.update", itoa(id)) {
			t.Error("the update is not in the audit log")
		}

		// In English, the same refusal in English.
		req := httptest.NewRequest(http.MethodGet, base+"/new?lang=en", nil)
		req.AddCookie(admin)
		langResp, err := sb.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		var langCookie *http.Cookie
		for _, c := range langResp.Cookies() {
			if c.Name == cookieLanguage {
				langCookie = c
			}
		}
		if langCookie == nil {
			t.Fatal("no language cookie")
		}
		en := postWithCookies(t, sb, base, url.Values{"name": {"X"}, "hsa_id": {"nej"}, "kind": {"other"}}, admin, langCookie)
		contains(t, "the English refusal", readAll(t, en), "HSA-id: Enter a valid HSA-id")
	})
}

// postWithCookies is sb.post with more cookies than the session.
func postWithCookies(t *testing.T, sb *signInBundle, target string, form url.Values, session *http.Cookie, more ...*http.Cookie) *http.Response {
	t.Helper()
	form.Set("_csrf", sb.policy.CSRF.Token(tenants.HashToken(session.Value)))
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(session)
	for _, c := range more {
		req.AddCookie(c)
	}
	resp, err := sb.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestUnitReadiness: the readiness steps are recorded on the unit page,
// with dates that must be there and not in the future, and the unit counts
// as ready once all three are done.
func TestUnitReadiness(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		ctx := context.Background()
		admin := sb.adminSession(t)
		u, err := sb.unitsStore().Create(ctx, sb.region.ID, tenants.Unit{Name: "Habiliteringen", Kind: tenants.UnitHabilitation, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		page := "/r/" + sb.region.Slug + "/admin/units/" + itoa(u.ID)
		readiness := func() tenants.Readiness {
			r, err := sb.unitsStore().Readiness(ctx, sb.region.ID, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		yesterday := time.Now().AddDate(0, 0, -1).Format(tenants.DateLayout)
		nextYear := time.Now().AddDate(1, 0, 0).Format(tenants.DateLayout)

		show := sb.send(t, http.MethodGet, page, admin)
		contains(t, "the unit page", readAll(t, show), "Habiliteringen", "Saknas: budgetbeslut, introduktionsträff för personalen, förankring hos ledningen")

		for _, tc := range []struct {
			name string
			form url.Values
			want string
		}{
			{"no date", url.Values{"budget_decided": {"1"}, "budget_decided_on": {""}}, "Datum för budgetbeslutet: Måste fyllas i."},
			{"future date", url.Values{"management_anchored": {"1"}, "management_anchored_on": {nextYear}}, "Datum för förankringen: Datumet får inte ligga i framtiden."},
			{"not a date", url.Values{"budget_decided": {"1"}, "budget_decided_on": {"2026-13-01"}}, "Datum för budgetbeslutet: Ange ett datum som ÅÅÅÅ-MM-DD."},
		} {
			resp := sb.post(t, page+"/readiness", tc.form, admin)
			body := readAll(t, resp)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%s: %d", tc.name, resp.StatusCode)
			}
			checkWellFormed(t, body)
			contains(t, tc.name, body, tc.want)
		}
		if r := readiness(); r.BudgetDecided || r.ManagementAnchored {
			t.Fatalf("refused readiness was saved: %+v", r)
		}

		resp := sb.post(t, page+"/readiness", url.Values{"budget_decided": {"1"}, "budget_decided_on": {yesterday},
			"management_anchored": {"1"}, "management_anchored_on": {yesterday}}, admin)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("readiness: %d", resp.StatusCode)
		}
		if r := readiness(); !r.BudgetDecided || r.BudgetDecidedOn.String() != yesterday || !r.ManagementAnchored || r.Ready() {
			t.Fatalf("readiness: %+v", r)
		}

		bad := sb.post(t, page+"/sessions", url.Values{"held_on": {nextYear}, "note": {"12 deltagare"}}, admin)
		if body := readAll(t, bad); bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Datum för träffen: Datumet får inte ligga i framtiden.") || !strings.Contains(body, `value="12 deltagare"`) {
			t.Fatalf("future session: %d\n%s", bad.StatusCode, body)
		}
		if len(readiness().IntroSessions) != 0 {
			t.Fatal("a refused session was saved")
		}
		if resp := sb.post(t, page+"/sessions", url.Values{"held_on": {yesterday}, "note": {"12 deltagare"}}, admin); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("session: %d", resp.StatusCode)
		}
		r := readiness()
		if !r.Ready() || len(r.IntroSessions) != 1 || r.IntroSessions[0].Note != "12 deltagare" {
			t.Fatalf("after a session: %+v", r)
		}
		list := sb.send(t, http.MethodGet, "/r/"+sb.region.Slug+"/admin/units", admin)
		if body := readAll(t, list); !strings.Contains(body, "<td>Redo</td>") {
			t.Error("the list does not show the unit as ready")
		}

		session := itoa(r.IntroSessions[0].ID)
		if resp := sb.post(t, page+"/sessions/"+session+"/remove", nil, admin); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove session: %d", resp.StatusCode)
		}
		if readiness().Ready() {
			t.Error("still ready without sessions")
		}
		if resp := sb.post(t, page+"/sessions/"+session+"/remove", nil, admin); resp.StatusCode != http.StatusNotFound {
			t.Errorf("removing twice: %d, want 404", resp.StatusCode)
		}
		for _, a := range []struct{ action, id string }{
			{"unit.readiness", itoa(u.ID)}, {"unit.intro_session.add", itoa(u.ID) + "/" + session}, {"unit.intro_session.remove", itoa(u.ID) + "/" + session},
		} {
			if !audited(t, sb, a.action, a.id) {
				t.Errorf("%s is not in the audit log", a.action)
			}
		}
	})
}
