package oidcprovider

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Lifetimes of what the provider hands out.
const (
	codeTTL        = 60 * time.Second
	accessTokenTTL = 5 * time.Minute
	idTokenTTL     = 5 * time.Minute
)

// User is a person who can sign in at the provider.
type User struct {
	Subject string         // "sub"
	Label   string         // shown on the chooser page, e.g. "Anna Andersson — vårdpersonal, Skåne"
	Claims  map[string]any // extra ID-token/userinfo claims: given_name, family_name, email, email_verified, employeeHsaId, healthCareUnitHsaId, commissionHsaId, acr …
}

// Client is a relying party registered at the provider. Clients are
// confidential: they authenticate at the token endpoint with their secret.
type Client struct {
	ID, Secret   string
	RedirectURIs []string // exact match required
}

// Provider is an OpenID Provider serving the authorization code flow with
// PKCE. It is safe for concurrent use.
type Provider struct {
	issuer   string
	basePath string // the issuer's URL path, "" when the issuer has none

	clients map[string]Client
	users   []User
	byID    map[string]User

	keys      [2]signingKey
	rogueKey  func() (*rsa.PrivateKey, error) // for FaultBadSignature, made on first use
	discovery []byte
	jwks      []byte
	pages     *pages
	handler   http.Handler

	now    func() time.Time // time.Now; tests move it
	grants *grantStore

	mu    sync.Mutex
	fault Fault
}

// New returns a provider for issuer, the public base URL at which it is
// reachable, e.g. "http://127.0.0.1:8080/demo-idp", without a trailing slash.
// It generates two RSA-2048 signing keys and publishes both; tokens are signed
// RS256 with the first.
//
// New returns an error if the issuer is not an absolute http(s) URL without
// query, fragment or trailing slash; if there is no client, a client has no
// ID, no secret or no redirect URI, a redirect URI is not absolute or has a
// fragment, or two clients share an ID; if a user has no subject, two users
// share one, or a user's claims name a claim the provider sets itself or
// cannot be encoded as JSON; or if a key cannot be generated.
func New(issuer string, clients []Client, users []User) (*Provider, error) {
	basePath, err := parseIssuer(issuer)
	if err != nil {
		return nil, err
	}
	p := &Provider{
		issuer:   issuer,
		basePath: basePath,
		clients:  make(map[string]Client, len(clients)),
		byID:     make(map[string]User, len(users)),
		now:      time.Now,
		grants:   newGrantStore(maxGrants),
	}
	if len(clients) == 0 {
		return nil, errors.New("oidcprovider: at least one client is needed")
	}
	for _, c := range clients {
		if err := validateClient(c); err != nil {
			return nil, err
		}
		if _, dup := p.clients[c.ID]; dup {
			return nil, fmt.Errorf("oidcprovider: client %q is registered twice", c.ID)
		}
		c.RedirectURIs = slices.Clone(c.RedirectURIs)
		p.clients[c.ID] = c
	}
	for _, u := range users {
		if err := validateUser(u); err != nil {
			return nil, err
		}
		if _, dup := p.byID[u.Subject]; dup {
			return nil, fmt.Errorf("oidcprovider: user %q is listed twice", u.Subject)
		}
		u.Claims = maps.Clone(u.Claims)
		p.users = append(p.users, u)
		p.byID[u.Subject] = u
	}

	for i := range p.keys {
		if p.keys[i], err = newSigningKey(); err != nil {
			return nil, err
		}
	}
	p.rogueKey = sync.OnceValues(func() (*rsa.PrivateKey, error) {
		return rsa.GenerateKey(rand.Reader, 2048)
	})

	if p.discovery, err = json.Marshal(p.discoveryDocument()); err != nil {
		return nil, fmt.Errorf("oidcprovider: encoding discovery document: %w", err)
	}
	if p.jwks, err = json.Marshal(p.keySet()); err != nil {
		return nil, fmt.Errorf("oidcprovider: encoding key set: %w", err)
	}
	if p.pages, err = parsePages(); err != nil {
		return nil, err
	}
	p.handler = p.routes()
	return p, nil
}

func parseIssuer(issuer string) (basePath string, err error) {
	u, err := url.Parse(issuer)
	if err != nil {
		return "", fmt.Errorf("oidcprovider: issuer %q: %w", issuer, err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return "", fmt.Errorf("oidcprovider: issuer %q must be an absolute http or https URL", issuer)
	case u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(issuer, "?") || strings.HasSuffix(issuer, "#"):
		return "", fmt.Errorf("oidcprovider: issuer %q must not have a query or fragment", issuer)
	case strings.HasSuffix(u.Path, "/"):
		return "", fmt.Errorf("oidcprovider: issuer %q must not end with a slash", issuer)
	case u.User != nil:
		return "", fmt.Errorf("oidcprovider: issuer %q must not carry user information", issuer)
	}
	return u.Path, nil
}

func validateClient(c Client) error {
	if c.ID == "" {
		return errors.New("oidcprovider: a client has no ID")
	}
	if c.Secret == "" {
		return fmt.Errorf("oidcprovider: client %q has no secret", c.ID)
	}
	if len(c.RedirectURIs) == 0 {
		return fmt.Errorf("oidcprovider: client %q has no redirect URI", c.ID)
	}
	for _, r := range c.RedirectURIs {
		u, err := url.Parse(r)
		if err != nil || !u.IsAbs() || u.Host == "" || u.Fragment != "" || strings.Contains(r, "#") {
			return fmt.Errorf("oidcprovider: client %q: redirect URI %q must be an absolute URL without fragment", c.ID, r)
		}
	}
	return nil
}

func validateUser(u User) error {
	if u.Subject == "" {
		return fmt.Errorf("oidcprovider: user %q has no subject", u.Label)
	}
	for name := range u.Claims {
		if isProviderClaim(name) {
			return fmt.Errorf("oidcprovider: user %q: claim %q is set by the provider", u.Subject, name)
		}
	}
	if _, err := json.Marshal(u.Claims); err != nil {
		return fmt.Errorf("oidcprovider: user %q: claims cannot be encoded: %w", u.Subject, err)
	}
	return nil
}

// isProviderClaim reports whether the provider sets the claim itself, so a
// user's Claims may not.
func isProviderClaim(name string) bool {
	switch name {
	case "iss", "sub", "aud", "exp", "iat", "nbf", "jti", "nonce", "auth_time", "at_hash", "c_hash", "azp":
		return true
	}
	return false
}

type signingKey struct {
	private *rsa.PrivateKey
	kid     string
}

func newSigningKey() (signingKey, error) {
	private, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return signingKey{}, fmt.Errorf("oidcprovider: generating signing key: %w", err)
	}
	public := jose.JSONWebKey{Key: &private.PublicKey}
	thumb, err := public.Thumbprint(crypto.SHA256)
	if err != nil {
		return signingKey{}, fmt.Errorf("oidcprovider: key thumbprint: %w", err)
	}
	return signingKey{private: private, kid: base64.RawURLEncoding.EncodeToString(thumb)}, nil
}

// Handler returns the provider's HTTP handler. It serves
//
//	/.well-known/openid-configuration, /authorize, /token, /userinfo, /jwks
//
// under the issuer's path. It accepts request paths both relative to the
// issuer's path and in full, so for the issuer "http://host/demo-idp" either
// mounting works:
//
//	mux.Handle("/demo-idp/", http.StripPrefix("/demo-idp", p.Handler()))
//	mux.Handle("/demo-idp/", p.Handler())
//
// The second form suits routers that hand the full path on, such as fiber's
// adaptor.HTTPHandler. Requests outside the endpoints get 404, and a known
// endpoint asked with the wrong method 405.
func (p *Provider) Handler() http.Handler {
	return p.handler
}

func (p *Provider) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.handleDiscoveryShow)
	mux.HandleFunc("GET /jwks", p.handleKeySetShow)
	mux.HandleFunc("GET /authorize", p.handleAuthorizeShow)
	mux.HandleFunc("POST /authorize", p.handleAuthorizeShow)
	mux.HandleFunc("POST /token", p.handleTokenCreate)
	mux.HandleFunc("GET /userinfo", p.handleUserinfoShow)
	mux.HandleFunc("POST /userinfo", p.handleUserinfoShow)
	if p.basePath == "" {
		return mux
	}
	stripped := http.StripPrefix(p.basePath, mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, p.basePath+"/") {
			stripped.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// SetFault makes every token minted from now on carry fault f; FaultNone
// returns to correct tokens. Tokens already handed out keep the fault they
// were minted with. SetFault panics if f is not one of the Fault constants.
func (p *Provider) SetFault(f Fault) {
	if !f.known() {
		panic(fmt.Sprintf("oidcprovider: unknown fault %q", f))
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fault = f
}

func (p *Provider) currentFault() Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.fault
}

// Users returns the users who can sign in, in the order given to New.
func (p *Provider) Users() []User {
	users := make([]User, len(p.users))
	for i, u := range p.users {
		u.Claims = maps.Clone(u.Claims)
		users[i] = u
	}
	return users
}

// Issuer returns the issuer URL given to New.
func (p *Provider) Issuer() string {
	return p.issuer
}

func (p *Provider) endpoint(path string) string {
	return p.issuer + path
}
