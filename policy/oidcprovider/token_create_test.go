package oidcprovider

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// TestToken_Refusals shows the token endpoint refusing exchanges a real
// provider refuses, as the oauth2 client sees them.
func TestToken_Refusals(t *testing.T) {
	t.Parallel()
	b := setup(t)

	otherConf := *b.oauth
	otherConf.ClientID, otherConf.ClientSecret, otherConf.RedirectURL = otherClientID, otherClientSecret, otherRedirectURI

	tests := []struct {
		name string
		// exchange gets a fresh code for the sign-in s and redeems it wrongly.
		exchange   func(t *testing.T, s signIn, code string) error
		wantCode   string
		wantStatus int
	}{
		{
			name: "wrong PKCE verifier",
			exchange: func(t *testing.T, s signIn, code string) error {
				_, err := b.oauth.Exchange(t.Context(), code, oauth2.VerifierOption(oauth2.GenerateVerifier()))
				return err
			},
			wantCode: errInvalidGrant, wantStatus: http.StatusBadRequest,
		},
		{
			name: "no PKCE verifier",
			exchange: func(t *testing.T, s signIn, code string) error {
				_, err := b.oauth.Exchange(t.Context(), code)
				return err
			},
			wantCode: errInvalidGrant, wantStatus: http.StatusBadRequest,
		},
		{
			name: "code used twice",
			exchange: func(t *testing.T, s signIn, code string) error {
				first, err := b.oauth.Exchange(t.Context(), code, oauth2.VerifierOption(s.verifier))
				if err != nil {
					t.Fatalf("first exchange: %v", err)
				}
				_, err = b.oauth.Exchange(t.Context(), code, oauth2.VerifierOption(s.verifier))
				// RFC 6749 section 4.1.2: tokens issued for a reused code are revoked.
				if _, uerr := b.rp.UserInfo(t.Context(), oauth2.StaticTokenSource(first)); uerr == nil {
					t.Error("the access token from the first exchange still works after the code was reused")
				}
				return err
			},
			wantCode: errInvalidGrant, wantStatus: http.StatusBadRequest,
		},
		{
			name: "redirect_uri differs from the authorization request",
			exchange: func(t *testing.T, s signIn, code string) error {
				conf := *b.oauth
				conf.RedirectURL = "http://rp.test/second" // registered, but not the one used
				_, err := conf.Exchange(t.Context(), code, oauth2.VerifierOption(s.verifier))
				return err
			},
			wantCode: errInvalidGrant, wantStatus: http.StatusBadRequest,
		},
		{
			name: "wrong client secret",
			exchange: func(t *testing.T, s signIn, code string) error {
				conf := *b.oauth
				conf.ClientSecret = "not-the-secret"
				_, err := conf.Exchange(t.Context(), code, oauth2.VerifierOption(s.verifier))
				return err
			},
			wantCode: errInvalidClient, wantStatus: http.StatusUnauthorized,
		},
		{
			name: "wrong client secret in the form",
			exchange: func(t *testing.T, s signIn, code string) error {
				conf := *b.oauth
				conf.ClientSecret = "not-the-secret"
				conf.Endpoint.AuthStyle = oauth2.AuthStyleInParams
				_, err := conf.Exchange(t.Context(), code, oauth2.VerifierOption(s.verifier))
				return err
			},
			wantCode: errInvalidClient, wantStatus: http.StatusUnauthorized,
		},
		{
			name: "unknown client",
			exchange: func(t *testing.T, s signIn, code string) error {
				conf := *b.oauth
				conf.ClientID = "nobody"
				_, err := conf.Exchange(t.Context(), code, oauth2.VerifierOption(s.verifier))
				return err
			},
			wantCode: errInvalidClient, wantStatus: http.StatusUnauthorized,
		},
		{
			name: "code issued to another client",
			exchange: func(t *testing.T, s signIn, code string) error {
				conf := otherConf
				conf.RedirectURL = testRedirectURI
				_, err := conf.Exchange(t.Context(), code, oauth2.VerifierOption(s.verifier))
				return err
			},
			wantCode: errInvalidGrant, wantStatus: http.StatusBadRequest,
		},
		{
			name: "unknown code",
			exchange: func(t *testing.T, s signIn, code string) error {
				_, err := b.oauth.Exchange(t.Context(), code+"x", oauth2.VerifierOption(s.verifier))
				return err
			},
			wantCode: errInvalidGrant, wantStatus: http.StatusBadRequest,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSignIn("anna")
			err := tt.exchange(t, s, b.code(t, b.oauth, s))
			if err == nil {
				t.Fatal("exchange succeeded, want it refused")
			}
			code, status := retrieveError(t, err)
			if code != tt.wantCode || status != tt.wantStatus {
				t.Errorf("error %q status %d, want %q %d (%v)", code, status, tt.wantCode, tt.wantStatus, err)
			}
		})
	}
}

// TestToken_CodeExpires gives each case its own provider because it moves the
// provider's clock.
func TestToken_CodeExpires(t *testing.T) {
	t.Parallel()
	tests := []struct {
		wait    time.Duration
		wantErr bool
	}{
		{codeTTL - time.Second, false},
		{codeTTL, true},
	}
	for _, tt := range tests {
		t.Run(tt.wait.String(), func(t *testing.T) {
			t.Parallel()
			b := setupWith(t, setupConfig{clock: true})
			s := newSignIn("anna")
			code := b.code(t, b.oauth, s)
			b.clock.Advance(tt.wait)
			_, err := b.oauth.Exchange(t.Context(), code, oauth2.VerifierOption(s.verifier))
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("Exchange after %v: %v", tt.wait, err)
				}
				return
			}
			if code, _ := retrieveError(t, err); code != errInvalidGrant {
				t.Errorf("error %q, want %q", code, errInvalidGrant)
			}
		})
	}
}

// TestToken_MalformedRequests posts by hand what the oauth2 client never
// sends.
func TestToken_MalformedRequests(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tokenURL := b.rp.Endpoint().TokenURL

	tests := []struct {
		name       string
		form       url.Values
		basic      bool
		wantCode   string
		wantStatus int
	}{
		{
			name:     "unsupported grant type",
			form:     url.Values{"grant_type": {"client_credentials"}},
			basic:    true,
			wantCode: errUnsupportedGrantType, wantStatus: http.StatusBadRequest,
		},
		{
			name:     "no grant type",
			form:     url.Values{"code": {"x"}},
			basic:    true,
			wantCode: errInvalidRequest, wantStatus: http.StatusBadRequest,
		},
		{
			name:     "no client authentication",
			form:     url.Values{"grant_type": {"authorization_code"}, "code": {"x"}},
			wantCode: errInvalidClient, wantStatus: http.StatusUnauthorized,
		},
		{
			name:     "client id without secret",
			form:     url.Values{"grant_type": {"authorization_code"}, "code": {"x"}, "client_id": {testClientID}},
			wantCode: errInvalidClient, wantStatus: http.StatusUnauthorized,
		},
		{
			name:     "two client authentication methods",
			form:     url.Values{"grant_type": {"authorization_code"}, "code": {"x"}, "client_id": {testClientID}, "client_secret": {testClientSecret}},
			basic:    true,
			wantCode: errInvalidRequest, wantStatus: http.StatusBadRequest,
		},
		{
			name:     "no code",
			form:     url.Values{"grant_type": {"authorization_code"}},
			basic:    true,
			wantCode: errInvalidRequest, wantStatus: http.StatusBadRequest,
		},
		{
			name:     "code given twice",
			form:     url.Values{"grant_type": {"authorization_code"}, "code": {"x", "y"}},
			basic:    true,
			wantCode: errInvalidRequest, wantStatus: http.StatusBadRequest,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, tokenURL, strings.NewReader(tt.form.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tt.basic {
				req.SetBasicAuth(testClientID, testClientSecret)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body oauthError
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatalf("decoding error body: %v", err)
			}
			if resp.StatusCode != tt.wantStatus || body.Code != tt.wantCode {
				t.Errorf("status %d error %q, want %d %q", resp.StatusCode, body.Code, tt.wantStatus, tt.wantCode)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q, want application/json", ct)
			}
			if resp.StatusCode == http.StatusUnauthorized && resp.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}

	t.Run("GET is not allowed", func(t *testing.T) {
		t.Parallel()
		resp := b.get(t, tokenURL)
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("status %d, want 405", resp.StatusCode)
		}
	})
}
