package oidcprovider

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// validAuthorizeParams returns the parameters of a correct authorization
// request for s, which the cases below spoil one at a time.
func validAuthorizeParams(s signIn) url.Values {
	return url.Values{
		"client_id":             {testClientID},
		"redirect_uri":          {testRedirectURI},
		"response_type":         {"code"},
		"scope":                 {"openid profile"},
		"state":                 {s.state},
		"nonce":                 {s.nonce},
		"code_challenge":        {oauth2.S256ChallengeFromVerifier(s.verifier)},
		"code_challenge_method": {"S256"},
		"login_hint":            {s.loginHint},
	}
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// TestAuthorize_ErrorPage shows that a request with an untrusted client or
// redirect URI is answered with a page, never with a redirect.
func TestAuthorize_ErrorPage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		name  string
		spoil func(q url.Values)
	}{
		{"unknown client", func(q url.Values) { q.Set("client_id", "nobody") }},
		{"no client", func(q url.Values) { q.Del("client_id") }},
		{"client given twice", func(q url.Values) { q.Add("client_id", otherClientID) }},
		{"redirect URI of another client", func(q url.Values) { q.Set("redirect_uri", otherRedirectURI) }},
		{"redirect URI with a trailing slash", func(q url.Values) { q.Set("redirect_uri", testRedirectURI+"/") }},
		{"redirect URI with an extra query", func(q url.Values) { q.Set("redirect_uri", testRedirectURI+"?next=/") }},
		{"no redirect URI", func(q url.Values) { q.Del("redirect_uri") }},
		{"redirect URI given twice", func(q url.Values) { q.Add("redirect_uri", "http://evil.test/") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := validAuthorizeParams(newSignIn("anna"))
			tt.spoil(q)
			resp := b.get(t, b.provider.Issuer()+"/authorize?"+q.Encode())
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d, want 400", resp.StatusCode)
			}
			if loc := resp.Header.Get("Location"); loc != "" {
				t.Errorf("redirected to %s", loc)
			}
			body := readBody(t, resp)
			if !strings.Contains(body, "Inloggningen kunde inte startas") || !strings.Contains(body, "The sign-in could not be started") {
				t.Errorf("error page lacks its heading:\n%s", body)
			}
		})
	}
}

// TestAuthorize_ErrorRedirect shows the errors that go back to the client,
// with the state, per RFC 6749 section 4.1.2.1.
func TestAuthorize_ErrorRedirect(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		name      string
		spoil     func(q url.Values)
		wantError string
	}{
		{"response type token", func(q url.Values) { q.Set("response_type", "token") }, errUnsupportedResponseType},
		{"no response type", func(q url.Values) { q.Del("response_type") }, errInvalidRequest},
		{"scope without openid", func(q url.Values) { q.Set("scope", "profile email") }, errInvalidScope},
		{"no code challenge", func(q url.Values) { q.Del("code_challenge") }, errInvalidRequest},
		{"plain code challenge", func(q url.Values) { q.Set("code_challenge_method", "plain") }, errInvalidRequest},
		{"no code challenge method", func(q url.Values) { q.Del("code_challenge_method") }, errInvalidRequest},
		{"code challenge too short", func(q url.Values) { q.Set("code_challenge", "abc") }, errInvalidRequest},
		{"nonce given twice", func(q url.Values) { q.Add("nonce", "again") }, errInvalidRequest},
		{"nonce too long", func(q url.Values) { q.Set("nonce", strings.Repeat("n", maxNonceLength+1)) }, errInvalidRequest},
		{"prompt none without a known user", func(q url.Values) { q.Set("prompt", "none"); q.Del("login_hint") }, errLoginRequired},
		{"cancelled on the chooser", func(q url.Values) { q.Set("cancel", "1") }, errAccessDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSignIn("anna")
			q := validAuthorizeParams(s)
			tt.spoil(q)
			got := b.callback(t, b.get(t, b.provider.Issuer()+"/authorize?"+q.Encode()), s, testRedirectURI)
			if got.Get("error") != tt.wantError {
				t.Errorf("error=%q (%s), want %q", got.Get("error"), got.Get("error_description"), tt.wantError)
			}
			if got.Has("code") {
				t.Error("an error redirect carries a code")
			}
		})
	}

	t.Run("valid request for comparison", func(t *testing.T) {
		t.Parallel()
		s := newSignIn("anna")
		got := b.callback(t, b.get(t, b.provider.Issuer()+"/authorize?"+validAuthorizeParams(s).Encode()), s, testRedirectURI)
		if got.Has("error") || !got.Has("code") {
			t.Errorf("callback query %v, want a code", got)
		}
	})
}

var hrefPattern = regexp.MustCompile(`href="([^"]*)"`)

// TestAuthorize_Chooser shows the chooser page when no login_hint names a
// user, and that choosing on it completes the sign-in.
func TestAuthorize_Chooser(t *testing.T) {
	t.Parallel()
	b := setup(t)

	for _, hint := range []string{"", "nobody-by-this-name"} {
		t.Run("login_hint="+hint, func(t *testing.T) {
			t.Parallel()
			s := newSignIn(hint)
			authURL, err := url.Parse(b.authCodeURL(b.oauth, s))
			if err != nil {
				t.Fatal(err)
			}
			sent := authURL.Query()
			resp := b.get(t, authURL.String())
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200", resp.StatusCode)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			body := readBody(t, resp)
			for _, want := range []string{`<html lang="sv">`, "Välj demoanvändare", `lang="en">Choose a demo user`, "Anna Andersson — vårdpersonal, Skåne", "Bo Berg &lt;admin&gt; &amp; co"} {
				if !strings.Contains(body, want) {
					t.Errorf("chooser page lacks %q", want)
				}
			}
			if strings.Contains(body, "<script") || strings.Contains(body, "<admin>") {
				t.Error("chooser page has a script or unescaped label")
			}
			if sv, en := strings.Index(body, "Välj demoanvändare"), strings.Index(body, "Choose a demo user</p>"); sv > en {
				t.Error("English comes before Swedish")
			}

			links := map[string]url.Values{}
			for _, m := range hrefPattern.FindAllStringSubmatch(body, -1) {
				u, err := url.Parse(html.UnescapeString(m[1]))
				if err != nil {
					t.Fatal(err)
				}
				if u.Query().Has("cancel") {
					continue
				}
				links[u.Query().Get("login_hint")] = u.Query()
			}
			for _, u := range testUsers() {
				q, ok := links[u.Subject]
				if !ok {
					t.Errorf("no link for %s; links %v", u.Subject, links)
					continue
				}
				for _, name := range []string{"state", "nonce", "code_challenge", "code_challenge_method", "client_id", "redirect_uri", "scope"} {
					if q.Get(name) == "" || q.Get(name) != sent.Get(name) {
						t.Errorf("link for %s: %s = %q, want %q", u.Subject, name, q.Get(name), sent.Get(name))
					}
				}
			}

			// Follow Bo's link, as a person would, and finish the sign-in.
			boLink := b.provider.Issuer() + "/authorize?" + links["bo"].Encode()
			code := b.callback(t, b.get(t, boLink), s, testRedirectURI).Get("code")
			tok, err := b.oauth.Exchange(t.Context(), code, oauth2.VerifierOption(s.verifier))
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			idTok, err := b.verifier.Verify(t.Context(), rawIDToken(t, tok))
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if idTok.Subject != "bo" || idTok.Nonce != s.nonce {
				t.Errorf("sub %q nonce %q, want bo %q", idTok.Subject, idTok.Nonce, s.nonce)
			}
		})
	}
}

var stylePattern = regexp.MustCompile(`(?s)<style>(.*)</style>`)

// TestPages renders every page template, checking the security headers and
// that the Content-Security-Policy admits the page's own stylesheet.
func TestPages(t *testing.T) {
	t.Parallel()
	p, err := New("http://idp.test/x", testClients(), testUsers())
	if err != nil {
		t.Fatal(err)
	}
	req := authorizeRequest{client: testClients()[0], params: validAuthorizeParams(newSignIn(""))}
	noUsers, err := New("http://idp.test/x", testClients(), nil)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		p    *Provider
		page func(p *Provider) (tmplName string, status int, data any)
		want []string
	}{
		{"chooser", p, func(p *Provider) (string, int, any) { return "chooser", 200, p.chooserPage(req) },
			[]string{"Välj demoanvändare", "Anna Andersson", "Avbryt"}},
		{"chooser without users", noUsers, func(p *Provider) (string, int, any) { return "chooser", 200, p.chooserPage(req) },
			[]string{"Det finns inga demoanvändare", "There are no demo users"}},
		{"error", p, func(p *Provider) (string, int, any) {
			return "error", 400, errorPage{CSS: p.pages.css, Reason: "unknown client_id"}
		}, []string{"Inloggningen kunde inte startas", "unknown client_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			name, status, data := tt.page(tt.p)
			tmpl := tt.p.pages.chooser
			if name == "error" {
				tmpl = tt.p.pages.error
			}
			rec := httptest.NewRecorder()
			tt.p.pages.render(rec, status, tmpl, data)
			body := rec.Body.String()
			if rec.Code != status {
				t.Errorf("status %d, want %d", rec.Code, status)
			}
			for _, want := range tt.want {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			m := stylePattern.FindStringSubmatch(body)
			if m == nil {
				t.Fatal("page has no stylesheet")
			}
			sum := sha256.Sum256([]byte(m[1]))
			csp := rec.Header().Get("Content-Security-Policy")
			if !strings.Contains(csp, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
				t.Errorf("CSP %q does not admit the page's stylesheet", csp)
			}
			if !strings.Contains(csp, "default-src 'none'") || rec.Header().Get("X-Frame-Options") != "DENY" {
				t.Errorf("weak headers: %v", rec.Header())
			}
		})
	}
}
