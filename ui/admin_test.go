package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// adminSession signs the region's administrator in.
func (sb *signInBundle) adminSession(t *testing.T) *http.Cookie {
	t.Helper()
	c := sessionCookie(sb.signIn(t, "sub-region_admin"))
	if c == nil {
		t.Fatal("the administrator could not sign in")
	}
	return c
}

// TestAdminInvitations: an administrator invites with a form that keeps
// what was typed and says what is wrong; a good invitation is stored with
// its e-mail queued, and can be revoked.
func TestAdminInvitations(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		mail, smtp := withMail(t, db)
		sb := setupSignIn(t, db, mail)
		ctx := context.Background()
		admin := sb.adminSession(t)
		base := "/r/" + sb.region.Slug + "/admin/invitations"

		bad := sb.post(t, base, url.Values{"email": {"nej"}, "display_name": {"Nina"}, "role": {"clinic_staff"}}, admin)
		body := readAll(t, bad)
		if bad.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad invitation: %d", bad.StatusCode)
		}
		for _, want := range []string{`value="nej"`, `value="Nina"`, `href="#email"`, `href="#unit_id"`, `aria-invalid="true"`} {
			if !strings.Contains(body, want) {
				t.Errorf("refused form lacks %q", want)
			}
		}
		if list, _ := sb.policy.Identities.Invitations(ctx, sb.region.ID); len(list) != 0 {
			t.Fatalf("a refused invitation was stored: %+v", list)
		}

		good := sb.post(t, base, url.Values{"email": {"Nina@Example.se"}, "display_name": {"Nina"}, "role": {"viewer"}}, admin)
		body = readAll(t, good)
		if good.StatusCode != http.StatusOK || !strings.Contains(body, "nina@example.se") {
			t.Fatalf("invitation: %d\n%s", good.StatusCode, body)
		}
		path := linkIn(t, smtp, 1, "nina@example.se")
		if !strings.Contains(body, testPublicURL+path) {
			t.Error("the page does not show the invitation link it e-mailed")
		}
		if page := sb.send(t, http.MethodGet, path); page.StatusCode != http.StatusOK {
			t.Fatalf("the e-mailed invitation link: %d", page.StatusCode)
		}
		list, err := sb.policy.Identities.Invitations(ctx, sb.region.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("invitations: %v %v", list, err)
		}
		revoke := sb.post(t, base+"/"+itoa(list[0].ID)+"/revoke", nil, admin)
		if revoke.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: %d", revoke.StatusCode)
		}
		if page := sb.send(t, http.MethodGet, path); page.StatusCode != http.StatusNotFound {
			t.Errorf("revoked invitation link: %d, want 404", page.StatusCode)
		}
		if again := sb.post(t, base+"/"+itoa(list[0].ID)+"/revoke", nil, admin); again.StatusCode != http.StatusConflict {
			t.Errorf("revoking twice: %d, want 409", again.StatusCode)
		}
	})
}

// TestAdminMembers: shutting a member out ends their sessions in the
// region at once; letting them back in restores sign-in; an administrator
// cannot shut themselves out.
func TestAdminMembers(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		admin := sb.adminSession(t)
		viewer := sessionCookie(sb.signIn(t, "sub-viewer"))
		start := "/r/" + sb.region.Slug + "/start"
		base := "/r/" + sb.region.Slug + "/admin/members/"

		list := sb.send(t, http.MethodGet, base[:len(base)-1], admin)
		if body := readAll(t, list); list.StatusCode != 200 || !strings.Contains(body, sb.users[tenants.RoleViewer].Email) {
			t.Fatalf("member list: %d", list.StatusCode)
		}
		if resp := sb.post(t, base+itoa(sb.users[tenants.RoleViewer].ID)+"/disable", nil, admin); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("disable: %d", resp.StatusCode)
		}
		if resp := sb.send(t, http.MethodGet, start, viewer); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("shut-out member's session: %d, want a redirect to sign-in", resp.StatusCode)
		}
		if resp := sb.signIn(t, "sub-viewer"); resp.StatusCode != http.StatusForbidden || sessionCookie(resp) != nil {
			t.Errorf("shut-out member signs in: %d", resp.StatusCode)
		}
		if resp := sb.post(t, base+itoa(sb.users[tenants.RoleViewer].ID)+"/enable", nil, admin); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("enable: %d", resp.StatusCode)
		}
		if resp := sb.signIn(t, "sub-viewer"); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("member let back in cannot sign in: %d", resp.StatusCode)
		}
		self := sb.post(t, base+itoa(sb.users[tenants.RoleRegionAdmin].ID)+"/disable", nil, admin)
		if self.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("administrator shut themselves out: %d", self.StatusCode)
		}
		if resp := sb.send(t, http.MethodGet, start, admin); resp.StatusCode != http.StatusOK {
			t.Errorf("administrator after refused self-disable: %d", resp.StatusCode)
		}
	})
}

// TestAdminTokens: a token made on the page works on the API until it is
// revoked.
func TestAdminTokens(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		admin := sb.adminSession(t)
		base := "/r/" + sb.region.Slug + "/admin/tokens"
		if resp := sb.post(t, base, url.Values{"user_id": {itoa(sb.users[tenants.RoleViewer].ID)}, "name": {""}}, admin); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("token without a name: %d, want 422", resp.StatusCode)
		}
		resp := sb.post(t, base, url.Values{"user_id": {itoa(sb.users[tenants.RoleViewer].ID)}, "name": {"Statistik"}}, admin)
		body := readAll(t, resp)
		secret := regexp.MustCompile(`kmt_[0-9]+_[A-Za-z0-9_-]+`).FindString(body)
		if resp.StatusCode != http.StatusOK || secret == "" {
			t.Fatalf("token page %d shows no secret", resp.StatusCode)
		}
		api := func() int {
			req := httptest.NewRequest(http.MethodGet, "/api/v1/regions/"+sb.region.Slug+"/me", nil)
			req.Header.Set("Authorization", "Bearer "+secret)
			r, err := sb.app.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			r.Body.Close()
			return r.StatusCode
		}
		if got := api(); got != http.StatusOK {
			t.Fatalf("new token on the API: %d", got)
		}
		tokens, err := sb.policy.Tokens.Tokens(context.Background(), sb.region.ID)
		if err != nil || len(tokens) != 1 {
			t.Fatalf("tokens: %v %v", tokens, err)
		}
		if resp := sb.post(t, base+"/"+itoa(tokens[0].ID)+"/revoke", nil, admin); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("revoke: %d", resp.StatusCode)
		}
		if got := api(); got != http.StatusUnauthorized {
			t.Errorf("revoked token on the API: %d, want 401", got)
		}
	})
}

// TestAdminProviders: a SITHS provider added on the page appears on the
// sign-in page with the preset's assurance level; a taken slug and a
// missing secret are refused.
func TestAdminProviders(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		admin := sb.adminSession(t)
		base := "/r/" + sb.region.Slug + "/admin/providers"
		form := url.Values{"preset": {"siths"}, "display_name": {"SITHS-kort"}, "slug": {"siths"}, "issuer": {"https://idp.inera.se/oidc"},
			"client_id": {"kamrat"}, "client_secret": {""}, "scopes": {"openid profile"}}
		form.Set("slug", "inera")
		resp := sb.post(t, base, form, admin)
		if body := readAll(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#client_secret"`) {
			t.Fatalf("no client secret: %d\n%s", resp.StatusCode, body)
		}
		form.Set("client_secret", "hemligt")
		form.Set("slug", "siths") // the test's own provider has it
		resp = sb.post(t, base, form, admin)
		if body := readAll(t, resp); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#slug"`) || strings.Contains(body, "hemligt") {
			t.Fatalf("taken slug: %d\n%s", resp.StatusCode, body)
		}
		form.Set("slug", "inera")
		if resp := sb.post(t, base, form, admin); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add provider: %d", resp.StatusCode)
		}
		p, err := sb.policy.SignIns.Provider(context.Background(), sb.region.ID, "inera")
		if err != nil || p.RequiredACR != tenants.SITHSAssurance {
			t.Fatalf("stored provider: %+v %v", p, err)
		}
		if secret, err := sb.policy.SignIns.ClientSecret(p); err != nil || secret != "hemligt" || strings.Contains(p.ClientSecretEnc, "hemligt") {
			t.Errorf("client secret not sealed: %q %v", secret, err)
		}
		login := sb.send(t, http.MethodGet, "/r/"+sb.region.Slug+"/login")
		if !strings.Contains(readAll(t, login), "/login/oidc/inera") {
			t.Error("the sign-in page does not offer the new provider")
		}
		if resp := sb.post(t, base+"/"+itoa(p.ID)+"/disable", nil, admin); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("disable provider: %d", resp.StatusCode)
		}
		login = sb.send(t, http.MethodGet, "/r/"+sb.region.Slug+"/login")
		if strings.Contains(readAll(t, login), "/login/oidc/inera") {
			t.Error("the sign-in page still offers a disabled provider")
		}
	})
}

// TestAuditSampleCheck: a sample check is recorded with who made it; bad
// dates are refused and store nothing.
func TestAuditSampleCheck(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		admin := sb.adminSession(t)
		path := "/r/" + sb.region.Slug + "/admin/audit/checks"
		bad := sb.post(t, path, url.Values{"period_from": {"2026-13-01"}, "period_to": {"2026-10-31"}, "scope": {"x"}, "conclusion": {""}}, admin)
		if body := readAll(t, bad); bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#period_from"`) {
			t.Fatalf("bad check: %d\n%s", bad.StatusCode, body)
		}
		ok := sb.post(t, path, url.Values{"period_from": {"2026-10-01"}, "period_to": {"2026-10-31"}, "scope": {"Inloggningar i oktober"}, "conclusion": {"Inga avvikelser"}}, admin)
		if ok.StatusCode != http.StatusSeeOther {
			t.Fatalf("check: %d", ok.StatusCode)
		}
		checks, err := sb.policy.Audit.Checks(context.Background(), sb.region.ID)
		if err != nil || len(checks) != 1 || checks[0].CheckedBy != sb.users[tenants.RoleRegionAdmin].ID {
			t.Fatalf("checks: %+v %v", checks, err)
		}
		page := sb.send(t, http.MethodGet, "/r/"+sb.region.Slug+"/admin/audit", admin)
		if body := readAll(t, page); !strings.Contains(body, "Inga avvikelser") || !strings.Contains(body, "2026-10-01 – 2026-10-31") {
			t.Errorf("the audit page does not list the check")
		}
	})
}
