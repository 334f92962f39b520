package oidcprovider

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"
)

// wantClaims returns the user's claims as they look after a JSON round trip.
func wantClaims(t *testing.T, u User) map[string]any {
	t.Helper()
	data, err := json.Marshal(u.Claims)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func userBySubject(t *testing.T, subject string) User {
	t.Helper()
	for _, u := range testUsers() {
		if u.Subject == subject {
			return u
		}
	}
	t.Fatalf("no test user %q", subject)
	return User{}
}

func TestCodeFlow(t *testing.T) {
	t.Parallel()
	b := setup(t)

	tests := []struct {
		name      string
		subject   string
		authStyle oauth2.AuthStyle
	}{
		{"client_secret_basic", "anna", oauth2.AuthStyleInHeader},
		{"client_secret_post", "anna", oauth2.AuthStyleInParams},
		{"auto-detected auth style", "bo", oauth2.AuthStyleAutoDetect},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			conf := *b.oauth
			conf.Endpoint.AuthStyle = tt.authStyle
			s := newSignIn(tt.subject)
			before := time.Now().Truncate(time.Second)
			code := b.code(t, &conf, s)
			tok, err := conf.Exchange(t.Context(), code, oauth2.VerifierOption(s.verifier))
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			after := time.Now()

			if tok.TokenType != "Bearer" || tok.AccessToken == "" {
				t.Errorf("token type %q, access token %q; want Bearer and a token", tok.TokenType, tok.AccessToken)
			}
			if d := time.Until(tok.Expiry); d < 4*time.Minute || d > 5*time.Minute {
				t.Errorf("access token expires in %v, want about 5m", d)
			}

			raw := rawIDToken(t, tok)
			idTok, err := b.verifier.Verify(t.Context(), raw)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if idTok.Subject != tt.subject {
				t.Errorf("sub = %q, want %q", idTok.Subject, tt.subject)
			}
			if idTok.Nonce != s.nonce {
				t.Errorf("nonce = %q, want %q", idTok.Nonce, s.nonce)
			}
			if idTok.Issuer != b.provider.Issuer() {
				t.Errorf("iss = %q, want %q", idTok.Issuer, b.provider.Issuer())
			}
			if !reflect.DeepEqual(idTok.Audience, []string{testClientID}) {
				t.Errorf("aud = %q, want [%q]", idTok.Audience, testClientID)
			}
			if idTok.IssuedAt.Before(before) || idTok.IssuedAt.After(after) {
				t.Errorf("iat = %v, want between %v and %v", idTok.IssuedAt, before, after)
			}
			if got := idTok.Expiry.Sub(idTok.IssuedAt); got != idTokenTTL {
				t.Errorf("exp - iat = %v, want %v", got, idTokenTTL)
			}
			if err := idTok.VerifyAccessToken(tok.AccessToken); err != nil {
				t.Errorf("at_hash: %v", err)
			}

			var claims map[string]any
			if err := idTok.Claims(&claims); err != nil {
				t.Fatal(err)
			}
			for name, want := range wantClaims(t, userBySubject(t, tt.subject)) {
				if !reflect.DeepEqual(claims[name], want) {
					t.Errorf("ID token claim %s = %#v, want %#v", name, claims[name], want)
				}
			}
			if at, ok := claims["auth_time"].(float64); !ok || int64(at) < before.Unix() || int64(at) > after.Unix() {
				t.Errorf("auth_time = %v, want the time of the authorization", claims["auth_time"])
			}

			jws, err := jose.ParseSigned(raw, []jose.SignatureAlgorithm{jose.RS256})
			if err != nil {
				t.Fatal(err)
			}
			if kid := jws.Signatures[0].Header.KeyID; kid != b.provider.keys[0].kid {
				t.Errorf("kid = %q, want the first key's %q", kid, b.provider.keys[0].kid)
			}

			info, err := b.rp.UserInfo(t.Context(), oauth2.StaticTokenSource(tok))
			if err != nil {
				t.Fatalf("UserInfo: %v", err)
			}
			if info.Subject != tt.subject {
				t.Errorf("userinfo sub = %q, want %q", info.Subject, tt.subject)
			}
			var infoClaims map[string]any
			if err := info.Claims(&infoClaims); err != nil {
				t.Fatal(err)
			}
			want := wantClaims(t, userBySubject(t, tt.subject))
			want["sub"] = tt.subject
			if !reflect.DeepEqual(infoClaims, want) {
				t.Errorf("userinfo claims = %v, want %v", infoClaims, want)
			}
		})
	}
}

// TestCodeFlow_Concurrent runs sign-ins side by side on one provider, for the
// race detector.
func TestCodeFlow_Concurrent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for i := range 8 {
		subject := []string{"anna", "bo"}[i%2]
		t.Run(fmt.Sprintf("%d-%s", i, subject), func(t *testing.T) {
			t.Parallel()
			s, tok := b.signIn(t, subject)
			idTok, err := b.verifier.Verify(t.Context(), rawIDToken(t, tok))
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if idTok.Subject != subject || idTok.Nonce != s.nonce {
				t.Errorf("sub %q nonce %q, want %q %q", idTok.Subject, idTok.Nonce, subject, s.nonce)
			}
		})
	}
}
