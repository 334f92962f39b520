package ui

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// caller is one way of calling the app: a browser session or an API token
// of a user with a role, or nobody.
type caller struct {
	role    tenants.Role
	cookie  *http.Cookie
	token   string
	binding string // CSRF binding of the session
}

// callersFor gives every member of sb's region a session and an API token.
func callersFor(t *testing.T, sb *signInBundle) []caller {
	t.Helper()
	ctx := context.Background()
	var out []caller
	for role, u := range sb.users {
		secret, _, err := sb.policy.Sessions.Create(ctx, u.ID, &sb.region.ID, "test", sb.policy.Session.Absolute)
		if err != nil {
			t.Fatal(err)
		}
		_, tok, err := sb.policy.Tokens.Create(ctx, sb.region.ID, u.ID, "test", nil)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, caller{role: role, cookie: &http.Cookie{Name: "kamrat_session", Value: secret}, token: tok, binding: tenants.HashToken(secret)})
	}
	return out
}

func (sb *signInBundle) call(t *testing.T, c caller, method, path string) int {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	if strings.HasPrefix(path, "/api/") {
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
	} else if c.cookie != nil {
		req.AddCookie(c.cookie)
		req.Header.Set("X-CSRF-Token", sb.policy.CSRF.Token(c.binding))
	}
	resp, err := sb.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// regionPath fills a route's parameters for a region: :region with slug,
// and every other parameter (:id, :doc, …) with the id of the fixture
// object of its kind, which ids maps from the path segment before it
// (/units/:id/sessions/:session takes ids["units"] and ids["sessions"]).
func regionPath(t *testing.T, r route, slug string, ids map[string]int64) string {
	t.Helper()
	segments := strings.Split(r.path, "/")
	for i, seg := range segments {
		switch {
		case seg == ":region":
			segments[i] = slug
		case strings.HasPrefix(seg, ":"):
			id, ok := ids[segments[i-1]]
			if !ok {
				t.Fatalf("route %s: no fixture for %s after /%s/; add one to ids", r.path, seg, segments[i-1])
			}
			segments[i] = strconv.FormatInt(id, 10)
		}
	}
	return strings.Join(segments, "/")
}

// accessFixtures makes one object of each kind the region routes act on by
// id, apart from the callers' own, so that changing them (a member shut
// out, a token revoked) does not disturb the walk.
func accessFixtures(t *testing.T, sb *signInBundle) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	pol, region := sb.policy, sb.region.ID
	u, err := pol.Identities.CreateUser(ctx, tenants.User{Email: "fixture-" + sb.region.Slug + "@example.se", DisplayName: "Fixture"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pol.Identities.SetMembership(ctx, region, tenants.Membership{UserID: u.ID, Role: tenants.RoleViewer}); err != nil {
		t.Fatal(err)
	}
	inv, _, err := pol.Identities.Invite(ctx, region, tenants.Invitation{Email: "invited@example.se", DisplayName: "Invited", Role: tenants.RoleViewer}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := pol.Tokens.Create(ctx, region, u.ID, "fixture", nil)
	if err != nil {
		t.Fatal(err)
	}
	prov, err := pol.SignIns.CreateProvider(ctx, region, tenants.OIDCProvider{
		Slug: "fixture", DisplayName: "Fixture", Preset: tenants.PresetGeneric, Issuer: "https://idp.example.se", ClientID: "k",
	}, "secret")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{"members": u.ID, "invitations": inv.ID, "tokens": tok.ID, "providers": prov.ID}
	unitFixtures(t, sb, ids)
	agreementFixtures(t, sb, ids)
	peerFixtures(t, sb, ids)
	peerWorkFixtures(t, sb, ids)
	offerFixtures(t, sb, ids)
	referralFixtures(t, sb, ids)
	supportFixtures(t, sb, ids)
	myMatchFixtures(t, sb, ids)
	notificationFixtures(t, sb, ids)
	reportFixtures(t, sb, ids)
	return ids
}

// TestEveryRouteEveryRole walks every region route with every role (through
// a session, or an API token on /api/) and compares the answer with the role
// matrix; then it does the same against another region, where every route
// must answer 404 to everyone.
func TestEveryRouteEveryRole(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		other := tenanttest.Tenant(t, sb.db)
		callers := callersFor(t, sb)
		ids := accessFixtures(t, sb)
		s := &server{log: slog.New(slog.DiscardHandler), cfg: Config{Metrics: prometheus.NewRegistry()}}
		checked := 0
		for _, r := range s.routes() {
			if r.access != accessRegion {
				continue
			}
			// The foreign path carries the own region's ids: another
			// region's objects are not found through this one either.
			own, foreign := regionPath(t, r, sb.region.Slug, ids), regionPath(t, r, other.Slug, ids)
			for _, c := range callers {
				allowed := sb.policy.Authorizer.Allowed(c.role, sb.region.Slug, r.resource, r.action)
				got := sb.call(t, c, r.method, own)
				switch {
				case allowed && (got == 401 || got == 403 || got == 404):
					t.Errorf("%s %s as %s: %d, but the matrix allows %s.%s", r.method, own, c.role, got, r.resource, r.action)
				case allowed && got >= 500:
					// An empty request is refused (400, 422) or does
					// something; it never fails the server.
					t.Errorf("%s %s as %s: %d, a server error", r.method, own, c.role, got)
				case !allowed && got != http.StatusForbidden:
					t.Errorf("%s %s as %s: %d, want 403 (the matrix refuses %s.%s)", r.method, own, c.role, got, r.resource, r.action)
				}
				if got := sb.call(t, c, r.method, foreign); got != http.StatusNotFound {
					t.Errorf("%s %s as %s of another region: %d, want 404", r.method, foreign, c.role, got)
				}
				checked++
			}
			anon := sb.call(t, caller{}, r.method, own)
			if strings.HasPrefix(own, "/api/") && anon != http.StatusUnauthorized {
				t.Errorf("%s %s without a token: %d, want 401", r.method, own, anon)
			}
			switch {
			case strings.HasPrefix(own, "/api/"):
			case r.method == http.MethodGet && anon != http.StatusSeeOther:
				t.Errorf("%s %s signed out: %d, want a redirect to sign-in", r.method, own, anon)
			case r.method != http.MethodGet && anon != http.StatusUnauthorized && anon != http.StatusForbidden:
				// Without a session there is no CSRF token either.
				t.Errorf("%s %s signed out: %d, want 401 or 403", r.method, own, anon)
			}
		}
		if checked == 0 {
			t.Fatal("no region routes were checked")
		}
		denied, err := sb.policy.Audit.Search(context.Background(), sb.region.ID, tenants.AuditFilter{Outcome: tenants.OutcomeDenied})
		if err != nil || len(denied) == 0 {
			t.Fatalf("denied requests left no audit rows (%v)", err)
		}
	})
}

// TestSessions: the session id changes at sign-in; a cookie replayed after
// sign-out, or after the user is disabled, is refused; a POST without the
// CSRF token is refused and changes nothing.
func TestSessions(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		ctx := context.Background()
		startPath := "/r/" + sb.region.Slug + "/start"

		first := sessionCookie(sb.signIn(t, "sub-viewer"))
		second := sessionCookie(sb.signIn(t, "sub-viewer", first))
		if first == nil || second == nil || first.Value == second.Value {
			t.Fatalf("session id did not change at sign-in: %v → %v", first, second)
		}
		if got := sb.call(t, caller{cookie: first}, http.MethodGet, startPath); got != http.StatusSeeOther {
			t.Fatalf("the session replaced at sign-in still works: %d", got)
		}
		live := caller{cookie: second, binding: tenants.HashToken(second.Value)}
		if got := sb.call(t, live, http.MethodGet, startPath); got != http.StatusOK {
			t.Fatalf("new session: %d", got)
		}

		// POST /logout without a CSRF token: refused, still signed in.
		req := httptest.NewRequest(http.MethodPost, "/logout", nil)
		req.AddCookie(second)
		resp, err := sb.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("POST without CSRF token: %d, want 403", resp.StatusCode)
		}
		if got := sb.call(t, live, http.MethodGet, startPath); got != http.StatusOK {
			t.Fatalf("a refused POST changed the session: %d", got)
		}

		if got := sb.call(t, live, http.MethodPost, "/logout"); got != http.StatusSeeOther {
			t.Fatalf("sign-out: %d", got)
		}
		if got := sb.call(t, live, http.MethodGet, startPath); got != http.StatusSeeOther {
			t.Fatalf("cookie replayed after sign-out: %d, want a redirect to sign-in", got)
		}

		third := sessionCookie(sb.signIn(t, "sub-viewer"))
		if err := sb.policy.Identities.SetDisabled(ctx, sb.users[tenants.RoleViewer].ID, true); err != nil {
			t.Fatal(err)
		}
		if got := sb.call(t, caller{cookie: third}, http.MethodGet, startPath); got != http.StatusSeeOther {
			t.Fatalf("cookie of a disabled user: %d, want a redirect to sign-in", got)
		}
		if resp := sb.signIn(t, "sub-viewer"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a disabled user signed in again: %d", resp.StatusCode)
		}
	})
}

// TestPublicRoutesLookUpSessionsOnlyForPages: a probe or an asset never
// touches the session store; a page does, to show who is signed in. A stale
// cookie makes the difference visible: only a lookup clears it.
func TestPublicRoutesLookUpSessionsOnlyForPages(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	stale := &http.Cookie{Name: "kamrat_session", Value: "no-such-session"}
	cleared := func(path string) bool {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(stale)
		resp, err := b.app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for _, c := range resp.Cookies() {
			if c.Name == "kamrat_session" && c.Value == "" {
				return true
			}
		}
		return false
	}
	if cleared("/healthz") || cleared("/readyz") {
		t.Error("a probe looked up the session")
	}
	if !cleared("/") {
		t.Error("the landing page did not look up the session for its header")
	}
}
