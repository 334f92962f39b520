package policy

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"time"

	"github.com/kamrat/kamrat/tenants"
)

// SessionConfig bounds how long a browser stays signed in.
type SessionConfig struct {
	// Idle ends a session unused for this long.
	Idle time.Duration
	// Absolute ends a session this long after sign-in, used or not.
	Absolute time.Duration
	// Secure: the site is served over https, so the cookie is
	// "__Host-"-prefixed and Secure.
	Secure bool
}

// Default session lifetimes.
const (
	DefaultIdle     = 30 * time.Minute
	DefaultAbsolute = 10 * time.Hour
)

// Service bundles who-may-do-what for the web layer.
type Service struct {
	Authorizer *Authorizer
	OIDC       *OIDC
	Sessions   *tenants.SessionStore
	Identities *tenants.IdentityStore
	Tokens     *tenants.APITokenStore
	Audit      *tenants.AuditLog
	SignIns    *tenants.SignInStore
	// EmailSignIn sends and redeems e-mailed sign-in links.
	EmailSignIn *EmailSignIn
	// Outbox keeps the e-mail the region sends (sign-in links,
	// invitations) until a worker has sent it.
	Outbox  *tenants.EmailOutbox
	CSRF    CSRF
	Session SessionConfig
}

// NewService wires the policy pieces on db. secretKey (the encryption key)
// also derives the CSRF key.
func NewService(db *tenants.DB, sealer *tenants.Sealer, secretKey []byte, sc SessionConfig) (*Service, error) {
	authz, err := NewAuthorizer()
	if err != nil {
		return nil, err
	}
	if sc.Idle == 0 {
		sc.Idle = DefaultIdle
	}
	if sc.Absolute == 0 {
		sc.Absolute = DefaultAbsolute
	}
	identities := tenants.NewIdentityStore(db)
	signIns := tenants.NewSignInStore(db, sealer)
	outbox := tenants.NewEmailOutbox(db)
	return &Service{
		EmailSignIn: &EmailSignIn{db: db, signIns: signIns, identities: identities, outbox: outbox, now: time.Now},
		Outbox:      outbox,
		Authorizer:  authz,
		OIDC:        NewOIDC(signIns, identities, tenants.NewUnitStore(db), nil),
		Sessions:    tenants.NewSessionStore(db),
		Identities:  identities,
		Tokens:      tenants.NewAPITokenStore(db),
		Audit:       tenants.NewAuditLog(db),
		SignIns:     signIns,
		CSRF:        NewCSRF(deriveKey(secretKey, "kamrat csrf v1")),
		Session:     sc,
	}, nil
}

func deriveKey(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// SessionCookie is the name of the session cookie: "__Host-" over https
// (no Domain, Path=/, Secure), a plain name on local http.
func (s *Service) SessionCookie() string {
	if s.Session.Secure {
		return "__Host-kamrat_session"
	}
	return "kamrat_session"
}

// Principal is who is making a request, and as what in the request's
// region.
type Principal struct {
	User tenants.User
	// Role in the request's region (or platform_operator); empty when the
	// user has no membership there.
	Role       tenants.Role
	Membership *tenants.Membership
	// SessionID is the session's stored id (a hash), for CSRF binding and
	// sign-out; empty for API tokens.
	SessionID string
	TokenID   int64
}

// CSRF issues and checks tokens that bind a form to the session (or, before
// sign-in, to a per-browser cookie). They are stateless, so every replica
// accepts every other's.
type CSRF struct{ key []byte }

// NewCSRF returns a CSRF with the given key.
func NewCSRF(key []byte) CSRF { return CSRF{key: key} }

// Token returns the token for a binding (a session id or pre-session id).
func (c CSRF) Token(binding string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(binding))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Valid reports whether token belongs to binding.
func (c CSRF) Valid(binding, token string) bool {
	if binding == "" || token == "" {
		return false
	}
	return hmac.Equal([]byte(c.Token(binding)), []byte(token))
}
