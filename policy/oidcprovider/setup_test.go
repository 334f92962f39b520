package oidcprovider

import (
	"crypto/rand"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

const (
	testClientID     = "kamrat"
	testClientSecret = "kamrat-secret"
	testRedirectURI  = "http://rp.test/auth/callback"

	otherClientID     = "other"
	otherClientSecret = "other-secret"
	otherRedirectURI  = "http://other.test/cb"

	testACR = "http://id.elegnamnden.se/loa/1.0/loa3"
)

func testClients() []Client {
	return []Client{
		{ID: testClientID, Secret: testClientSecret, RedirectURIs: []string{testRedirectURI, "http://rp.test/second"}},
		{ID: otherClientID, Secret: otherClientSecret, RedirectURIs: []string{otherRedirectURI}},
	}
}

func testUsers() []User {
	return []User{
		{
			Subject: "anna",
			Label:   "Anna Andersson — vårdpersonal, Skåne",
			Claims: map[string]any{
				"given_name":          "Anna",
				"family_name":         "Andersson",
				"email":               "anna@example.se",
				"email_verified":      true,
				"employeeHsaId":       "SE2321000255-anna",
				"healthCareUnitHsaId": "SE2321000255-unit1",
				"commissionHsaId":     "SE2321000255-comm1",
				"acr":                 testACR,
			},
		},
		{
			Subject: "bo",
			Label:   "Bo Berg <admin> & co",
			Claims:  map[string]any{"given_name": "Bo", "family_name": "Berg", "acr": testACR},
		},
	}
}

// testBundle is a provider served over HTTP and a relying party that talks to
// it the way Kamrat does: go-oidc for discovery and verification, oauth2 for
// the code exchange.
type testBundle struct {
	provider *Provider
	server   *httptest.Server
	clock    *fakeClock // nil unless asked for

	rp       *oidc.Provider
	oauth    *oauth2.Config
	verifier *oidc.IDTokenVerifier
	browser  *http.Client // does not follow redirects
}

type setupConfig struct {
	issuerPath string // "/demo-idp" unless set; "/" for none
	mountFull  bool   // mount without http.StripPrefix
	clock      bool
	users      []User
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	return setupWith(t, setupConfig{})
}

func setupWith(t *testing.T, cfg setupConfig) *testBundle {
	t.Helper()
	path := cfg.issuerPath
	switch path {
	case "":
		path = "/demo-idp"
	case "/":
		path = ""
	}
	users := cfg.users
	if users == nil {
		users = testUsers()
	}

	server := httptest.NewUnstartedServer(nil)
	issuer := "http://" + server.Listener.Addr().String() + path
	p, err := New(issuer, testClients(), users)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	b := &testBundle{provider: p, server: server}
	if cfg.clock {
		b.clock = &fakeClock{now: time.Now()}
		p.now = b.clock.Now
	}

	mux := http.NewServeMux()
	switch {
	case path == "":
		mux.Handle("/", p.Handler())
	case cfg.mountFull:
		mux.Handle(path+"/", p.Handler())
	default:
		mux.Handle(path+"/", http.StripPrefix(path, p.Handler()))
	}
	if path != "" {
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "not the provider", http.StatusTeapot)
		})
	}
	server.Config.Handler = mux
	server.Start()
	t.Cleanup(server.Close)

	b.rp, err = oidc.NewProvider(t.Context(), issuer)
	if err != nil {
		t.Fatalf("oidc.NewProvider: %v", err)
	}
	endpoint := b.rp.Endpoint()
	endpoint.AuthStyle = oauth2.AuthStyleInHeader
	b.oauth = &oauth2.Config{
		ClientID:     testClientID,
		ClientSecret: testClientSecret,
		Endpoint:     endpoint,
		RedirectURL:  testRedirectURI,
		Scopes:       []string{oidc.ScopeOpenID, "profile", "email"},
	}
	b.verifier = b.rp.Verifier(&oidc.Config{ClientID: testClientID})
	b.browser = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return b
}

// signIn is one sign-in attempt's secrets, as the relying party keeps them in
// the session.
type signIn struct {
	state, nonce, verifier, loginHint string
}

func newSignIn(loginHint string) signIn {
	return signIn{state: rand.Text(), nonce: rand.Text(), verifier: oauth2.GenerateVerifier(), loginHint: loginHint}
}

func (b *testBundle) authCodeURL(conf *oauth2.Config, s signIn, extra ...oauth2.AuthCodeOption) string {
	opts := []oauth2.AuthCodeOption{oidc.Nonce(s.nonce), oauth2.S256ChallengeOption(s.verifier)}
	if s.loginHint != "" {
		opts = append(opts, oauth2.SetAuthURLParam("login_hint", s.loginHint))
	}
	return conf.AuthCodeURL(s.state, append(opts, extra...)...)
}

// get fetches rawURL without following redirects.
func (b *testBundle) get(t *testing.T, rawURL string) *http.Response {
	t.Helper()
	resp, err := b.browser.Get(rawURL)
	if err != nil {
		t.Fatalf("GET %s: %v", rawURL, err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// callback follows the provider's redirect to the relying party, checks it
// goes to wantRedirect with the sign-in's state and the issuer, and returns
// its query.
func (b *testBundle) callback(t *testing.T, resp *http.Response, s signIn, wantRedirect string) url.Values {
	t.Helper()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: status %d, want 302", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatalf("authorize: Location: %v", err)
	}
	q := loc.Query()
	loc.RawQuery = ""
	if loc.String() != wantRedirect {
		t.Fatalf("authorize redirected to %s, want %s", loc, wantRedirect)
	}
	if got := q.Get("state"); got != s.state {
		t.Fatalf("state = %q, want %q", got, s.state)
	}
	if got := q.Get("iss"); got != b.provider.Issuer() {
		t.Fatalf("iss = %q, want %q", got, b.provider.Issuer())
	}
	return q
}

// code runs the authorization request for s and returns the code.
func (b *testBundle) code(t *testing.T, conf *oauth2.Config, s signIn) string {
	t.Helper()
	q := b.callback(t, b.get(t, b.authCodeURL(conf, s)), s, conf.RedirectURL)
	if q.Get("error") != "" {
		t.Fatalf("authorize: error=%s (%s)", q.Get("error"), q.Get("error_description"))
	}
	if q.Get("code") == "" {
		t.Fatal("authorize: no code")
	}
	return q.Get("code")
}

// signIn runs a whole sign-in as subject and returns the token response.
func (b *testBundle) signIn(t *testing.T, subject string) (signIn, *oauth2.Token) {
	t.Helper()
	s := newSignIn(subject)
	code := b.code(t, b.oauth, s)
	tok, err := b.oauth.Exchange(t.Context(), code, oauth2.VerifierOption(s.verifier))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return s, tok
}

func rawIDToken(t *testing.T, tok *oauth2.Token) string {
	t.Helper()
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		t.Fatal("token response has no id_token")
	}
	return raw
}

// retrieveError returns err's OAuth error code and HTTP status.
func retrieveError(t *testing.T, err error) (string, int) {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T) is not an *oauth2.RetrieveError", err, err)
	}
	return re.ErrorCode, re.Response.StatusCode
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
