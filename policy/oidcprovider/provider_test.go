package oidcprovider

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestNew_Refuses(t *testing.T) {
	t.Parallel()
	client := Client{ID: "c", Secret: "s", RedirectURIs: []string{"http://rp.test/cb"}}
	user := User{Subject: "u"}
	tests := []struct {
		name    string
		issuer  string
		clients []Client
		users   []User
		wantErr string
	}{
		{"relative issuer", "/demo-idp", []Client{client}, nil, "absolute"},
		{"issuer with another scheme", "ftp://idp.test", []Client{client}, nil, "absolute"},
		{"issuer with a trailing slash", "http://idp.test/demo-idp/", []Client{client}, nil, "slash"},
		{"root issuer with a trailing slash", "http://idp.test/", []Client{client}, nil, "slash"},
		{"issuer with a query", "http://idp.test/x?a=b", []Client{client}, nil, "query"},
		{"issuer with a fragment", "http://idp.test/x#f", []Client{client}, nil, "fragment"},
		{"no clients", "http://idp.test", nil, nil, "at least one client"},
		{"client without ID", "http://idp.test", []Client{{Secret: "s", RedirectURIs: client.RedirectURIs}}, nil, "no ID"},
		{"client without secret", "http://idp.test", []Client{{ID: "c", RedirectURIs: client.RedirectURIs}}, nil, "no secret"},
		{"client without redirect URI", "http://idp.test", []Client{{ID: "c", Secret: "s"}}, nil, "no redirect URI"},
		{"relative redirect URI", "http://idp.test", []Client{{ID: "c", Secret: "s", RedirectURIs: []string{"/cb"}}}, nil, "absolute"},
		{"redirect URI with fragment", "http://idp.test", []Client{{ID: "c", Secret: "s", RedirectURIs: []string{"http://rp.test/cb#x"}}}, nil, "fragment"},
		{"duplicate client", "http://idp.test", []Client{client, client}, nil, "twice"},
		{"user without subject", "http://idp.test", []Client{client}, []User{{Label: "Nobody"}}, "no subject"},
		{"duplicate user", "http://idp.test", []Client{client}, []User{user, user}, "twice"},
		{"user claim the provider sets", "http://idp.test", []Client{client}, []User{{Subject: "u", Claims: map[string]any{"iss": "x"}}}, `"iss"`},
		{"user claim that is not JSON", "http://idp.test", []Client{client}, []User{{Subject: "u", Claims: map[string]any{"f": func() {}}}}, "encoded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(tt.issuer, tt.clients, tt.users)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("New error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestNew_CopiesItsInput(t *testing.T) {
	t.Parallel()
	users := testUsers()
	clients := testClients()
	p, err := New("http://idp.test/demo-idp", clients, users)
	if err != nil {
		t.Fatal(err)
	}
	if p.Issuer() != "http://idp.test/demo-idp" {
		t.Errorf("Issuer() = %q", p.Issuer())
	}
	users[0].Claims["acr"] = "changed by the caller"
	clients[0].RedirectURIs[0] = "http://evil.test/"
	got := p.Users()
	if !reflect.DeepEqual(got, testUsers()) {
		t.Errorf("Users() = %v, want %v", got, testUsers())
	}
	got[0].Claims["acr"] = "changed through Users()"
	if p.Users()[0].Claims["acr"] != testACR {
		t.Error("changing the result of Users() changes the provider")
	}
	if p.clients[testClientID].RedirectURIs[0] != testRedirectURI {
		t.Error("changing the caller's clients changes the provider")
	}
}

// TestMounting signs in through the provider mounted in each supported way.
func TestMounting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  setupConfig
	}{
		{"under the issuer path with StripPrefix", setupConfig{issuerPath: "/demo-idp"}},
		{"under the issuer path with full paths", setupConfig{issuerPath: "/demo-idp", mountFull: true}},
		{"under a nested path with StripPrefix", setupConfig{issuerPath: "/a/b"}},
		{"under a nested path with full paths", setupConfig{issuerPath: "/a/b", mountFull: true}},
		{"at the root", setupConfig{issuerPath: "/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setupWith(t, tt.cfg) // fails unless discovery works
			s, tok := b.signIn(t, "anna")
			idTok, err := b.verifier.Verify(t.Context(), rawIDToken(t, tok))
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if idTok.Subject != "anna" || idTok.Nonce != s.nonce {
				t.Errorf("sub %q nonce %q", idTok.Subject, idTok.Nonce)
			}
			if resp := b.get(t, b.server.URL+"/authorize"); tt.cfg.issuerPath != "/" && resp.StatusCode != http.StatusTeapot {
				t.Errorf("the provider answered outside its path: %d", resp.StatusCode)
			}
		})
	}
}
