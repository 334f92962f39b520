package oidcprovider

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
)

func TestDiscovery(t *testing.T) {
	t.Parallel()
	b := setup(t)
	issuer := b.provider.Issuer()

	resp := b.get(t, issuer+"/.well-known/openid-configuration")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var doc map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"issuer":                                issuer,
		"authorization_endpoint":                issuer + "/authorize",
		"token_endpoint":                        issuer + "/token",
		"userinfo_endpoint":                     issuer + "/userinfo",
		"jwks_uri":                              issuer + "/jwks",
		"response_types_supported":              []any{"code"},
		"code_challenge_methods_supported":      []any{"S256"},
		"id_token_signing_alg_values_supported": []any{"RS256"},
		"token_endpoint_auth_methods_supported": []any{"client_secret_basic", "client_secret_post"},
		"subject_types_supported":               []any{"public"},
		"scopes_supported":                      []any{"openid", "profile", "email"},
		"grant_types_supported":                 []any{"authorization_code"},
	}
	for name, w := range want {
		if !reflect.DeepEqual(doc[name], w) {
			t.Errorf("%s = %#v, want %#v", name, doc[name], w)
		}
	}
	claims, _ := doc["claims_supported"].([]any)
	for _, c := range []string{"sub", "iss", "nonce", "acr", "employeeHsaId", "healthCareUnitHsaId", "commissionHsaId", "email", "given_name"} {
		if !containsAny(claims, c) {
			t.Errorf("claims_supported %v lacks %s", claims, c)
		}
	}
}

func containsAny(list []any, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
