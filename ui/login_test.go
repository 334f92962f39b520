package ui

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/kamrat/kamrat/policy/oidcprovider"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// signInBundle is a region with one clinic, one member of each role, an
// OpenID provider (in-process, real HTTP) and the app.
type signInBundle struct {
	*testBundle
	region   tenants.Tenant
	provider *oidcprovider.Provider
	users    map[tenants.Role]tenants.User
}

const testPublicURL = "http://kamrat.test"

func setupSignIn(t *testing.T, db *tenants.DB, configure ...func(*Config)) *signInBundle {
	t.Helper()
	ctx := context.Background()
	var handler http.Handler = http.NotFoundHandler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)

	b := setup(t, db, append([]func(*Config){func(c *Config) { c.PublicURL = testPublicURL }}, configure...)...)
	region := tenanttest.Tenant(t, b.db)
	unit, err := tenants.NewUnitStore(b.db).Create(ctx, region.ID, tenants.Unit{Name: "Infektion", HSAID: "SE2321000016-INF1", Kind: tenants.UnitInfectionClinic, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	org, err := tenants.NewOrganisationStore(b.db).Create(ctx, region.ID, tenants.Organisation{Name: "Org", Kind: tenants.OrgPatient, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	secret := "test-secret"
	if _, err := b.policy.SignIns.CreateProvider(ctx, region.ID, tenants.OIDCProvider{
		Slug: "siths", DisplayName: "SITHS", Preset: tenants.PresetSITHS, Issuer: srv.URL, ClientID: "kamrat",
	}, secret); err != nil {
		t.Fatal(err)
	}
	sb := &signInBundle{testBundle: b, region: region, users: map[tenants.Role]tenants.User{}}
	var opUsers []oidcprovider.User
	for _, role := range tenants.MembershipRoles {
		u, err := b.policy.Identities.CreateUser(ctx, tenants.User{Email: string(role) + "-" + region.Slug + "@example.se", DisplayName: "Test " + string(role)})
		if err != nil {
			t.Fatal(err)
		}
		m := tenants.Membership{UserID: u.ID, Role: role}
		claims := map[string]any{"acr": tenants.SITHSAssurance, "given_name": "Test"}
		switch role.Scope() {
		case tenants.ScopeUnit:
			m.UnitID = &unit.ID
			claims["healthCareUnitHsaId"] = unit.HSAID
		case tenants.ScopeOrganisation:
			m.OrganisationID = &org.ID
		}
		if _, err := b.policy.Identities.SetMembership(ctx, region.ID, m); err != nil {
			t.Fatal(err)
		}
		sub := "sub-" + string(role)
		if err := b.policy.Identities.LinkIdentity(ctx, u.ID, tenants.IdentityKey{Issuer: srv.URL, Subject: sub}); err != nil {
			t.Fatal(err)
		}
		sb.users[role] = u
		opUsers = append(opUsers, oidcprovider.User{Subject: sub, Label: string(role), Claims: claims})
	}
	opUsers = append(opUsers, oidcprovider.User{Subject: "stranger", Label: "not invited", Claims: map[string]any{"acr": tenants.SITHSAssurance}})
	sb.provider, err = oidcprovider.New(srv.URL, []oidcprovider.Client{{
		ID: "kamrat", Secret: secret, RedirectURIs: []string{testPublicURL + "/r/" + region.Slug + "/login/callback"},
	}}, opUsers)
	if err != nil {
		t.Fatal(err)
	}
	handler = sb.provider.Handler()
	return sb
}

// signIn walks the browser's path: start at Kamrat, visit the provider
// (which approves the hinted user at once), return to the callback. It
// returns the callback's response.
func (sb *signInBundle) signIn(t *testing.T, subject string, cookies ...*http.Cookie) *http.Response {
	t.Helper()
	start := sb.send(t, http.MethodGet, "/r/"+sb.region.Slug+"/login/oidc/siths?hint="+url.QueryEscape(subject), cookies...)
	if start.StatusCode != http.StatusSeeOther {
		t.Fatalf("start sign-in: %d", start.StatusCode)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(start.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(back.String(), testPublicURL) {
		t.Fatalf("provider sent the browser to %q (%d)", resp.Header.Get("Location"), resp.StatusCode)
	}
	return sb.send(t, http.MethodGet, back.RequestURI(), cookies...)
}

// do sends a request to the app with cookies.
func (sb *signInBundle) send(t *testing.T, method, target string, cookies ...*http.Cookie) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := sb.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// post submits a form as a browser would: with the session's CSRF token,
// or before sign-in with a fresh pre-session cookie and its token.
func (sb *signInBundle) post(t *testing.T, target string, form url.Values, session *http.Cookie) *http.Response {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	cookie := session
	binding := ""
	if session != nil {
		binding = tenants.HashToken(session.Value)
	} else {
		binding = "pre-" + strings.ReplaceAll(t.Name(), "/", "-")
		cookie = &http.Cookie{Name: preSessionCookie, Value: binding}
	}
	form.Set("_csrf", sb.policy.CSRF.Token(binding))
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(cookie)
	resp, err := sb.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func sessionCookie(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == "kamrat_session" && c.Value != "" {
			return c
		}
	}
	return nil
}

func TestSignInHappyPath(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		resp := sb.signIn(t, "sub-clinic_staff")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("callback: %d %s", resp.StatusCode, readAll(t, resp))
		}
		cookie := sessionCookie(resp)
		if cookie == nil || !cookie.HttpOnly {
			t.Fatalf("no HttpOnly session cookie in %v", resp.Cookies())
		}
		start := sb.send(t, http.MethodGet, resp.Header.Get("Location"), cookie)
		if body := readAll(t, start); start.StatusCode != 200 || !strings.Contains(body, `data-role="clinic_staff"`) {
			t.Fatalf("start page %d:\n%s", start.StatusCode, body)
		}
	})
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSignInRefusals: a provider that mints each kind of bad token, a
// stranger, and a replayed or foreign state are all refused: no session, no
// user, and an audit row that says why.
func TestSignInRefusals(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		ctx := context.Background()
		count := func(table string) int {
			n, err := sb.db.Bun().NewSelect().Table(table).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return int(n)
		}
		type tc struct {
			name, subject, reason string
			fault                 oidcprovider.Fault
		}
		var cases []tc
		for _, f := range oidcprovider.Faults() {
			if f == oidcprovider.FaultNone {
				continue
			}
			cases = append(cases, tc{name: string(f), subject: "sub-clinic_staff", fault: f})
		}
		cases = append(cases, tc{name: "not invited", subject: "stranger", reason: "not_invited"})
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				users, sessions := count("users"), count("sessions")
				sb.provider.SetFault(c.fault)
				defer sb.provider.SetFault(oidcprovider.FaultNone)
				resp := sb.signIn(t, c.subject)
				body := readAll(t, resp)
				if resp.StatusCode != http.StatusForbidden || sessionCookie(resp) != nil {
					t.Fatalf("status %d, cookies %v; want 403 and no session\n%s", resp.StatusCode, resp.Cookies(), body)
				}
				if users != count("users") || sessions != count("sessions") {
					t.Fatal("a refused sign-in created a user or a session")
				}
				entries, err := sb.policy.Audit.Search(ctx, sb.region.ID, tenants.AuditFilter{Action: "signin", Limit: 1})
				if err != nil || len(entries) != 1 || entries[0].Outcome != tenants.OutcomeFailed {
					t.Fatalf("audit: %+v, %v; want a failed sign-in", entries, err)
				}
				if c.reason != "" && !strings.Contains(entries[0].Reason, c.reason) {
					t.Errorf("audit reason %q, want %q", entries[0].Reason, c.reason)
				}
				t.Logf("refused: %s", entries[0].Reason)
			})
		}

		t.Run("state used twice", func(t *testing.T) {
			start := sb.send(t, http.MethodGet, "/r/"+sb.region.Slug+"/login/oidc/siths?hint=sub-viewer")
			noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := noFollow.Get(start.Header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			back, _ := url.Parse(resp.Header.Get("Location"))
			if first := sb.send(t, http.MethodGet, back.RequestURI()); first.StatusCode != http.StatusSeeOther {
				t.Fatalf("first use: %d", first.StatusCode)
			}
			if again := sb.send(t, http.MethodGet, back.RequestURI()); again.StatusCode != http.StatusForbidden || sessionCookie(again) != nil {
				t.Fatalf("replayed callback: %d", again.StatusCode)
			}
		})

		t.Run("issuer mix-up", func(t *testing.T) {
			start := sb.send(t, http.MethodGet, "/r/"+sb.region.Slug+"/login/oidc/siths?hint=sub-viewer")
			noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := noFollow.Get(start.Header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			back, _ := url.Parse(resp.Header.Get("Location"))
			q := back.Query()
			q.Set("iss", "https://evil.example")
			back.RawQuery = q.Encode()
			if r := sb.send(t, http.MethodGet, back.RequestURI()); r.StatusCode != http.StatusForbidden || sessionCookie(r) != nil {
				t.Fatalf("mixed-up issuer: %d", r.StatusCode)
			}
		})
	})
}

// TestInvitationAccepted: an invited person signs in with an account the
// region has never seen; the account is linked, the membership created, and
// the invitation cannot be used again.
func TestInvitationAccepted(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		ctx := context.Background()
		_, token, err := sb.policy.Identities.Invite(ctx, sb.region.ID, tenants.Invitation{Email: "ny@example.se", DisplayName: "Ny Person", Role: tenants.RoleViewer}, nil)
		if err != nil {
			t.Fatal(err)
		}
		page := sb.send(t, http.MethodGet, "/r/"+sb.region.Slug+"/invitations/"+token)
		if body := readAll(t, page); page.StatusCode != 200 || !strings.Contains(body, "invitation="+token) {
			t.Fatalf("invitation page %d:\n%s", page.StatusCode, body)
		}
		accept := func() *http.Response {
			start := sb.send(t, http.MethodGet, "/r/"+sb.region.Slug+"/login/oidc/siths?hint=stranger&invitation="+url.QueryEscape(token))
			if start.StatusCode != http.StatusSeeOther {
				return start
			}
			noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := noFollow.Get(start.Header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			back, _ := url.Parse(resp.Header.Get("Location"))
			return sb.send(t, http.MethodGet, back.RequestURI())
		}
		if resp := accept(); resp.StatusCode != http.StatusSeeOther || sessionCookie(resp) == nil {
			t.Fatalf("accepting the invitation: %d", resp.StatusCode)
		}
		u, err := sb.policy.Identities.UserByEmail(ctx, "ny@example.se")
		if err != nil {
			t.Fatal(err)
		}
		if m, err := sb.policy.Identities.Membership(ctx, sb.region.ID, u.ID); err != nil || m.Role != tenants.RoleViewer {
			t.Fatalf("membership after acceptance: %+v, %v", m, err)
		}
		if again := sb.send(t, http.MethodGet, "/r/"+sb.region.Slug+"/invitations/"+token); again.StatusCode != http.StatusNotFound {
			t.Fatalf("used invitation page: %d, want 404", again.StatusCode)
		}
		// The linked account now signs in without the invitation.
		if resp := sb.signIn(t, "stranger"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-in after acceptance: %d", resp.StatusCode)
		}
	})
}
