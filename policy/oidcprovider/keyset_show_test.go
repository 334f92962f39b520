package oidcprovider

import (
	"encoding/json"
	"net/http"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

func TestKeySet(t *testing.T) {
	t.Parallel()
	b := setup(t)
	resp := b.get(t, b.provider.Issuer()+"/jwks")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != 2 {
		t.Fatalf("%d keys, want 2", len(set.Keys))
	}
	for i, k := range set.Keys {
		if !k.IsPublic() || k.Use != "sig" || k.Algorithm != "RS256" || k.KeyID != b.provider.keys[i].kid {
			t.Errorf("key %d: public %v use %q alg %q kid %q; want public sig RS256 %q", i, k.IsPublic(), k.Use, k.Algorithm, k.KeyID, b.provider.keys[i].kid)
		}
	}
	if set.Keys[0].KeyID == set.Keys[1].KeyID {
		t.Error("both keys have the same kid")
	}
}
