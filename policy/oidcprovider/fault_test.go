package oidcprovider

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"
)

// Which faults go-oidc (v3.21.0) catches, and which the Kamrat relying party
// must catch itself. TestFaults below shows each row.
//
//	Fault                  IDTokenVerifier.Verify                    Who must refuse it
//	---------------------  ----------------------------------------  --------------------------------------------
//	wrong_issuer           error "issued by a different provider"    go-oidc
//	wrong_aud              error "expected audience"                 go-oidc
//	expired                *oidc.TokenExpiredError                   go-oidc
//	bad_signature          error "failed to verify signature"        go-oidc
//	alg_none               error "malformed jwt" (alg not allowed)   go-oidc
//	missing_sub            accepts; IDToken.Subject == ""            caller: refuse an empty sub
//	missing_iat            accepts; IDToken.IssuedAt is zero         caller: require iat
//	future_iat             accepts; IssuedAt an hour ahead           caller: refuse iat beyond now + clock skew
//	wrong_nonce            accepts; IDToken.Nonce differs            caller: compare with the nonce in the session
//	userinfo_sub_mismatch  accepts (ID token is fine); UserInfo      caller: refuse when UserInfo.Subject differs
//	                       returns the other sub without complaint   from IDToken.Subject (OIDC Core 5.3.2)
//	missing_acr            accepts; no acr claim                     caller: require the expected acr
//	missing_kid            accepts: with no kid, go-oidc tries every  nobody: the token is validly signed by a
//	                       published key, and the second one fits    published key; a caller that wants a kid
//	                                                                 must look at the header itself
//
// go-oidc also checks nbf when present, which this provider never sets.

// faultOutcome is what a relying party sees of one sign-in.
type faultOutcome struct {
	b         *testBundle
	s         signIn
	tok       *oauth2.Token
	header    map[string]any // the ID token's JOSE header, unverified
	claims    map[string]any // the ID token's payload, unverified
	signature string
	idToken   *oidc.IDToken // nil when Verify failed
	verifyErr error
	userinfo  *oidc.UserInfo
}

func TestFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		fault         Fault
		goOIDCRejects bool
		check         func(t *testing.T, o faultOutcome)
	}{
		{
			fault: FaultNone,
			check: func(t *testing.T, o faultOutcome) {
				if o.idToken.Subject != "anna" || o.idToken.Nonce != o.s.nonce || o.idToken.IssuedAt.IsZero() || o.claims["acr"] != testACR {
					t.Errorf("a correct token is not correct: sub %q nonce %q iat %v acr %v", o.idToken.Subject, o.idToken.Nonce, o.idToken.IssuedAt, o.claims["acr"])
				}
				if o.header["kid"] != o.b.provider.keys[0].kid {
					t.Errorf("kid %v, want the first key's", o.header["kid"])
				}
			},
		},
		{
			fault:         FaultWrongIssuer,
			goOIDCRejects: true,
			check: func(t *testing.T, o faultOutcome) {
				wantErrContains(t, o.verifyErr, "issued by a different provider")
				if o.claims["iss"] == o.b.provider.Issuer() {
					t.Error("iss is the issuer")
				}
			},
		},
		{
			fault:         FaultWrongAudience,
			goOIDCRejects: true,
			check: func(t *testing.T, o faultOutcome) {
				wantErrContains(t, o.verifyErr, "expected audience")
				if o.claims["aud"] == testClientID {
					t.Error("aud is the client")
				}
			},
		},
		{
			fault:         FaultExpired,
			goOIDCRejects: true,
			check: func(t *testing.T, o faultOutcome) {
				var expired *oidc.TokenExpiredError
				if !errors.As(o.verifyErr, &expired) {
					t.Errorf("Verify error %v, want *oidc.TokenExpiredError", o.verifyErr)
				}
				if exp, _ := o.claims["exp"].(float64); int64(exp) >= time.Now().Unix() {
					t.Errorf("exp %v is not in the past", o.claims["exp"])
				}
			},
		},
		{
			fault:         FaultBadSignature,
			goOIDCRejects: true,
			check: func(t *testing.T, o faultOutcome) {
				wantErrContains(t, o.verifyErr, "failed to verify signature")
				if o.header["kid"] != o.b.provider.keys[0].kid {
					t.Errorf("kid %v, want the published first key's (only the key differs)", o.header["kid"])
				}
				for i, k := range o.b.provider.keys {
					if signedBy(t, o, &k.private.PublicKey) {
						t.Errorf("the token verifies with published key %d", i)
					}
				}
				rogue, err := o.b.provider.rogueKey()
				if err != nil {
					t.Fatal(err)
				}
				if !signedBy(t, o, &rogue.PublicKey) {
					t.Error("the token is not signed by the unpublished key")
				}
			},
		},
		{
			fault:         FaultAlgNone,
			goOIDCRejects: true,
			check: func(t *testing.T, o faultOutcome) {
				wantErrContains(t, o.verifyErr, "malformed jwt")
				if o.header["alg"] != "none" || o.signature != "" {
					t.Errorf("alg %v, signature %q; want none and empty", o.header["alg"], o.signature)
				}
			},
		},
		{
			fault: FaultMissingSubject,
			check: func(t *testing.T, o faultOutcome) {
				if _, ok := o.claims["sub"]; ok || o.idToken.Subject != "" {
					t.Errorf("sub is present: %q", o.idToken.Subject)
				}
			},
		},
		{
			fault: FaultMissingIssuedAt,
			check: func(t *testing.T, o faultOutcome) {
				if _, ok := o.claims["iat"]; ok || !o.idToken.IssuedAt.IsZero() {
					t.Errorf("iat is present: %v", o.idToken.IssuedAt)
				}
			},
		},
		{
			fault: FaultIssuedInFuture,
			check: func(t *testing.T, o faultOutcome) {
				if ahead := time.Until(o.idToken.IssuedAt); ahead < 55*time.Minute || ahead > time.Hour {
					t.Errorf("iat is %v ahead, want an hour", ahead)
				}
			},
		},
		{
			fault: FaultWrongNonce,
			check: func(t *testing.T, o faultOutcome) {
				if o.idToken.Nonce == o.s.nonce || o.idToken.Nonce == "" {
					t.Errorf("nonce %q, want another non-empty one than %q", o.idToken.Nonce, o.s.nonce)
				}
			},
		},
		{
			fault: FaultUserinfoSubMismatch,
			check: func(t *testing.T, o faultOutcome) {
				if o.idToken.Subject != "anna" {
					t.Errorf("ID token sub %q, want anna", o.idToken.Subject)
				}
				if o.userinfo.Subject == o.idToken.Subject || o.userinfo.Subject == "" {
					t.Errorf("userinfo sub %q, want another than the ID token's", o.userinfo.Subject)
				}
			},
		},
		{
			fault: FaultMissingKeyID,
			check: func(t *testing.T, o faultOutcome) {
				if _, ok := o.header["kid"]; ok {
					t.Errorf("kid header %v is present", o.header["kid"])
				}
				if signedBy(t, o, &o.b.provider.keys[0].private.PublicKey) || !signedBy(t, o, &o.b.provider.keys[1].private.PublicKey) {
					t.Error("the token is not signed by the second key alone")
				}
			},
		},
		{
			fault: FaultMissingACR,
			check: func(t *testing.T, o faultOutcome) {
				if _, ok := o.claims["acr"]; ok {
					t.Errorf("acr is present: %v", o.claims["acr"])
				}
				if o.claims["given_name"] != "Anna" {
					t.Errorf("given_name %v; only acr should go", o.claims["given_name"])
				}
			},
		},
	}

	covered := map[Fault]bool{}
	for _, tt := range tests {
		covered[tt.fault] = true
	}
	for _, f := range Faults() {
		if !covered[f] {
			t.Errorf("fault %q has no row in TestFaults", f)
		}
	}

	for _, tt := range tests {
		name := string(tt.fault)
		if name == "" {
			name = "none"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.provider.SetFault(tt.fault)
			o := faultOutcome{b: b}
			o.s, o.tok = b.signIn(t, "anna")
			raw := rawIDToken(t, o.tok)
			o.header, o.claims, o.signature = decodeJWT(t, raw)
			o.idToken, o.verifyErr = b.verifier.Verify(t.Context(), raw)
			if rejected := o.verifyErr != nil; rejected != tt.goOIDCRejects {
				t.Fatalf("go-oidc Verify error = %v; want rejected=%v", o.verifyErr, tt.goOIDCRejects)
			}
			var err error
			o.userinfo, err = b.rp.UserInfo(t.Context(), oauth2.StaticTokenSource(o.tok))
			if err != nil {
				t.Fatalf("UserInfo: %v", err)
			}
			if tt.fault != FaultUserinfoSubMismatch && o.userinfo.Subject != "anna" {
				t.Errorf("userinfo sub %q, want anna", o.userinfo.Subject)
			}
			tt.check(t, o)
		})
	}
}

// TestSetFault_AppliesFromNow shows that a fault touches tokens minted after
// SetFault and leaves earlier ones alone.
func TestSetFault_AppliesFromNow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, before := b.signIn(t, "anna")
	b.provider.SetFault(FaultUserinfoSubMismatch)
	_, during := b.signIn(t, "anna")
	b.provider.SetFault(FaultNone)
	_, after := b.signIn(t, "anna")

	for _, tt := range []struct {
		name    string
		tok     *oauth2.Token
		wantSub string
	}{
		{"minted before", before, "anna"},
		{"minted with the fault", during, "anna-other"},
		{"minted after", after, "anna"},
	} {
		info, err := b.rp.UserInfo(t.Context(), oauth2.StaticTokenSource(tt.tok))
		if err != nil {
			t.Fatalf("%s: UserInfo: %v", tt.name, err)
		}
		if info.Subject != tt.wantSub {
			t.Errorf("%s: userinfo sub %q, want %q", tt.name, info.Subject, tt.wantSub)
		}
	}
}

func TestSetFault_UnknownPanics(t *testing.T) {
	t.Parallel()
	p, err := New("http://idp.test", testClients(), testUsers())
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Error("SetFault with an unknown fault did not panic")
		}
	}()
	p.SetFault("wrong_everything")
}

func wantErrContains(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want one containing %q", err, want)
	}
}

// decodeJWT splits a compact JWT without verifying it.
func decodeJWT(t *testing.T, raw string) (header, claims map[string]any, signature string) {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("JWT has %d parts", len(parts))
	}
	for i, dst := range []*map[string]any{&header, &claims} {
		data, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatalf("JWT part %d: %v", i, err)
		}
		if err := json.Unmarshal(data, dst); err != nil {
			t.Fatalf("JWT part %d: %v", i, err)
		}
	}
	return header, claims, parts[2]
}

// signedBy reports whether the outcome's ID token verifies with key.
func signedBy(t *testing.T, o faultOutcome, key any) bool {
	t.Helper()
	jws, err := jose.ParseSigned(rawIDToken(t, o.tok), []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatalf("parsing ID token: %v", err)
	}
	_, err = jws.Verify(key)
	return err == nil
}
