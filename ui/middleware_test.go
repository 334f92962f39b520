package ui

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	for _, tls := range []bool{false, true} {
		b := setup(t, nil, func(c *Config) { c.TLS = tls })
		failingRoutes(b.app)
		for _, target := range []string{"/", "/healthz", "/no-such-page", "/test/panic", "/metrics"} {
			name := target
			if tls {
				name += " with TLS"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				res, _ := b.get(t, target)
				for header, want := range map[string]string{
					"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
					"X-Content-Type-Options":  "nosniff",
					"Referrer-Policy":         "same-origin",
					"X-Frame-Options":         "DENY",
				} {
					if got := res.Header.Get(header); got != want {
						t.Errorf("%s = %q, want %q", header, got, want)
					}
				}
				hsts := res.Header.Get("Strict-Transport-Security")
				if tls && !strings.HasPrefix(hsts, "max-age=") {
					t.Errorf("HSTS = %q with TLS, want max-age", hsts)
				}
				if !tls && hsts != "" {
					t.Errorf("HSTS = %q without TLS, want none", hsts)
				}
			})
		}
	}
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	for _, tc := range []struct {
		name     string
		incoming string
		kept     bool
	}{
		{"sane id is kept", "0af7651916cd43dd8448eb211c80319c", true},
		{"uuid is kept", "4bf92f35-77b3-4da6-a3ce-929d0e0e4736", true},
		{"none is generated", "", false},
		{"markup is replaced", "<script>alert(1)</script>", false},
		{"log forging is replaced", "abc\" level=ERROR", false},
		{"too long is replaced", strings.Repeat("a", 65), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, _ := b.get(t, "/healthz", "X-Request-Id", tc.incoming)
			got := res.Header.Get("X-Request-Id")
			if tc.kept && got != tc.incoming {
				t.Errorf("X-Request-Id = %q, want the incoming %q", got, tc.incoming)
			}
			if !tc.kept && (got == tc.incoming || !saneRequestID(got)) {
				t.Errorf("X-Request-Id = %q, want a fresh sane id", got)
			}
		})
	}
}

func TestAccessLog(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	region := tenanttest.Tenant(t, b.db)
	b.get(t, "/r/"+region.Slug, "X-Request-Id", "log-region")
	b.get(t, "/", "X-Request-Id", "log-home")
	b.get(t, "/healthz", "X-Request-Id", "log-health")

	byID := map[string]map[string]any{}
	for _, e := range b.logs.find(t, "request") {
		byID[e["request_id"].(string)] = e
	}
	e, ok := byID["log-region"]
	if !ok {
		t.Fatalf("no access log line for the region page; got %v", b.logs.entries(t))
	}
	for key, want := range map[string]any{
		"method": "GET", "path": "/r/" + region.Slug, "status": float64(200), "tenant": region.Slug,
	} {
		if e[key] != want {
			t.Errorf("access log %s = %v, want %v", key, e[key], want)
		}
	}
	if _, ok := e["duration"]; !ok {
		t.Error("access log has no duration")
	}
	if _, ok := byID["log-home"]["tenant"]; ok {
		t.Errorf("landing page logged a tenant: %v", byID["log-home"])
	}
	if _, ok := byID["log-health"]; ok {
		t.Error("probe was access-logged; it should be quiet")
	}
}

func TestLanguageSwitch(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, func(c *Config) { c.TLS = true })
	region := tenanttest.Tenant(t, b.db)

	for _, tc := range []struct {
		name     string
		target   string
		location string
		cookie   string // "" means no cookie is set
	}{
		{"to English", "/r/" + region.Slug + "?lang=en", "/r/" + region.Slug, "lang=en"},
		{"to Swedish keeps other parameters", "/?page=2&lang=sv", "/?page=2", "lang=sv"},
		{"unknown language is dropped", "/?lang=fi", "/", ""},
		{"never leaves the site", "//evil.example/?lang=en", "/", "lang=en"},
		{"backslash never leaves the site", "/\\evil.example/?lang=en", "/", "lang=en"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, _ := b.get(t, tc.target)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("status = %d, want 303", res.StatusCode)
			}
			if got := res.Header.Get("Location"); got != tc.location {
				t.Errorf("Location = %q, want %q", got, tc.location)
			}
			set := res.Header.Get("Set-Cookie")
			if tc.cookie == "" {
				if set != "" {
					t.Errorf("Set-Cookie = %q, want none", set)
				}
				return
			}
			for _, want := range []string{tc.cookie, "path=/", "SameSite=Lax", "HttpOnly", "secure"} {
				if !strings.Contains(set, want) {
					t.Errorf("Set-Cookie = %q, lacks %q", set, want)
				}
			}
		})
	}

	t.Run("cookie sets the page language", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct{ cookie, lang, text, link string }{
			{"lang=en", "en", "Regions", `href="?lang=sv"`},
			{"lang=sv", "sv", "Regioner", `href="?lang=en"`},
			{"", "sv", "Regioner", `href="?lang=en"`},
			{"lang=xx", "sv", "Regioner", `href="?lang=en"`},
		} {
			res, body := b.get(t, "/", "Cookie", tc.cookie)
			if !strings.Contains(res.Header.Get("Vary"), "Cookie") {
				t.Errorf("Vary = %q; caches could mix languages", res.Header.Get("Vary"))
			}
			for _, want := range []string{`<html lang="` + tc.lang + `">`, tc.text, tc.link} {
				if !strings.Contains(body, want) {
					t.Errorf("cookie %q: page lacks %q", tc.cookie, want)
				}
			}
		}
	})
}

// TestLanguageSwitchSignedIn: a signed-in person's choice of language is
// remembered on their account too (for e-mail to them), and a switch
// signed out changes no account.
func TestLanguageSwitchSignedIn(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		ctx := context.Background()
		viewer := sb.users[tenants.RoleViewer]
		start := "/r/" + sb.region.Slug + "/start"
		if resp := sb.send(t, http.MethodGet, start+"?lang=en"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("switch signed out: %d", resp.StatusCode)
		}
		if u, err := sb.policy.Identities.UserByEmail(ctx, viewer.Email); err != nil || u.Language != "" {
			t.Fatalf("a switch signed out changed %q's language to %q (%v)", viewer.Email, u.Language, err)
		}
		session := sessionCookie(sb.signIn(t, "sub-viewer"))
		for _, lang := range []string{"en", "sv"} {
			if resp := sb.send(t, http.MethodGet, start+"?lang="+lang, session); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("switch to %s: %d", lang, resp.StatusCode)
			}
			if u, err := sb.policy.Identities.UserByEmail(ctx, viewer.Email); err != nil || u.Language != lang {
				t.Errorf("after switching to %s the account says %q (%v)", lang, u.Language, err)
			}
		}
	})
}
