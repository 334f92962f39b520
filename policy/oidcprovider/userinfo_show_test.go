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

func TestUserinfo(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, tok := b.signIn(t, "anna")
	endpoint := b.rp.UserInfoEndpoint()

	tests := []struct {
		name       string
		req        func(t *testing.T) *http.Request
		wantStatus int
		wantAuth   string // in WWW-Authenticate
	}{
		{"GET with Bearer", func(t *testing.T) *http.Request {
			return newRequest(t, http.MethodGet, endpoint, "", "Bearer "+tok.AccessToken)
		}, http.StatusOK, ""},
		{"POST with Bearer", func(t *testing.T) *http.Request {
			return newRequest(t, http.MethodPost, endpoint, "", "Bearer "+tok.AccessToken)
		}, http.StatusOK, ""},
		{"POST with the token in the form", func(t *testing.T) *http.Request {
			return newRequest(t, http.MethodPost, endpoint, url.Values{"access_token": {tok.AccessToken}}.Encode(), "")
		}, http.StatusOK, ""},
		{"no token", func(t *testing.T) *http.Request {
			return newRequest(t, http.MethodGet, endpoint, "", "")
		}, http.StatusUnauthorized, `Bearer realm=`},
		{"unknown token", func(t *testing.T) *http.Request {
			return newRequest(t, http.MethodGet, endpoint, "", "Bearer "+tok.AccessToken+"x")
		}, http.StatusUnauthorized, `error="invalid_token"`},
		{"ID token instead of access token", func(t *testing.T) *http.Request {
			return newRequest(t, http.MethodGet, endpoint, "", "Bearer "+rawIDToken(t, tok))
		}, http.StatusUnauthorized, `error="invalid_token"`},
		{"Basic scheme", func(t *testing.T) *http.Request {
			return newRequest(t, http.MethodGet, endpoint, "", "Basic "+tok.AccessToken)
		}, http.StatusUnauthorized, `Bearer realm=`},
		{"token in header and form", func(t *testing.T) *http.Request {
			return newRequest(t, http.MethodPost, endpoint, url.Values{"access_token": {tok.AccessToken}}.Encode(), "Bearer "+tok.AccessToken)
		}, http.StatusBadRequest, `error="invalid_request"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, err := http.DefaultClient.Do(tt.req(t))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if got := resp.Header.Get("WWW-Authenticate"); !strings.Contains(got, tt.wantAuth) || (tt.wantAuth == "") != (got == "") {
				t.Errorf("WWW-Authenticate %q, want one containing %q", got, tt.wantAuth)
			}
			if resp.StatusCode == http.StatusOK {
				var claims map[string]any
				if err := json.NewDecoder(resp.Body).Decode(&claims); err != nil {
					t.Fatal(err)
				}
				if claims["sub"] != "anna" || claims["employeeHsaId"] != "SE2321000255-anna" {
					t.Errorf("claims %v", claims)
				}
			}
		})
	}
}

func newRequest(t *testing.T, method, target, form, authorization string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, target, strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	return req
}

func TestUserinfo_TokenExpires(t *testing.T) {
	t.Parallel()
	tests := []struct {
		wait    time.Duration
		wantErr bool
	}{
		{accessTokenTTL - time.Second, false},
		{accessTokenTTL, true},
	}
	for _, tt := range tests {
		t.Run(tt.wait.String(), func(t *testing.T) {
			t.Parallel()
			b := setupWith(t, setupConfig{clock: true})
			_, tok := b.signIn(t, "anna")
			b.clock.Advance(tt.wait)
			_, err := b.rp.UserInfo(t.Context(), oauth2.StaticTokenSource(tok))
			if (err != nil) != tt.wantErr {
				t.Errorf("UserInfo after %v: error %v, want error %v", tt.wait, err, tt.wantErr)
			}
			if tt.wantErr && err != nil && !strings.Contains(err.Error(), "401") {
				t.Errorf("error %v, want a 401", err)
			}
		})
	}
}
