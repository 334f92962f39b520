package oidcprovider

import (
	"crypto/rand"
	"errors"
	"sync"
	"time"
)

// maxGrants bounds how many authorization codes, and separately how many
// access tokens, the provider keeps at once. Anyone who can reach /authorize
// in demo mode can make codes, so memory must not grow without end.
const maxGrants = 10_000

// pruneInterval is how often, at most, expired grants are swept out when the
// store is not full.
const pruneInterval = 30 * time.Second

var (
	errGrantUnknown = errors.New("unknown or expired")
	errCodeReused   = errors.New("authorization code already used")
	errStoreFull    = errors.New("too many outstanding grants")
)

// authCode is what an authorization code stands for.
type authCode struct {
	clientID    string
	redirectURI string
	subject     string
	scope       string
	nonce       string
	challenge   string // PKCE S256 code_challenge
	authTime    time.Time
	expires     time.Time

	redeemed    bool
	accessToken string // issued when the code was redeemed; revoked if it is presented again
}

// accessGrant is what an access token stands for. The fault is the one in
// force when the token was minted, so userinfo answers consistently with the
// ID token issued alongside.
type accessGrant struct {
	clientID string
	subject  string
	scope    string
	fault    Fault
	expires  time.Time
}

// grantStore keeps authorization codes and access tokens in memory. It is
// safe for concurrent use.
type grantStore struct {
	limit int

	mu        sync.Mutex
	codes     map[string]*authCode
	tokens    map[string]accessGrant
	nextPrune time.Time
}

func newGrantStore(limit int) *grantStore {
	return &grantStore{
		limit:  limit,
		codes:  make(map[string]*authCode),
		tokens: make(map[string]accessGrant),
	}
}

// addCode stores c under a new random code and returns the code. It returns
// errStoreFull if too many unexpired codes are outstanding.
func (s *grantStore) addCode(c authCode, now time.Time) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pruneIfDue(now, len(s.codes))
	if len(s.codes) >= s.limit {
		return "", errStoreFull
	}
	code := rand.Text()
	s.codes[code] = &c
	return code, nil
}

// redeemCode marks code as used and returns what it stands for. A code can be
// redeemed once: presenting it again returns errCodeReused and revokes the
// access token issued for it (RFC 6749 section 4.1.2). An unknown or expired
// code returns errGrantUnknown.
func (s *grantStore) redeemCode(code string, now time.Time) (authCode, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.codes[code]
	if !ok || !now.Before(c.expires) {
		return authCode{}, errGrantUnknown
	}
	if c.redeemed {
		delete(s.tokens, c.accessToken)
		return authCode{}, errCodeReused
	}
	c.redeemed = true
	return *c, nil
}

// addAccessToken stores g under a new random token, remembers it as issued for
// code, and returns the token. It returns errStoreFull if too many unexpired
// tokens are outstanding.
func (s *grantStore) addAccessToken(code string, g accessGrant, now time.Time) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pruneIfDue(now, len(s.tokens))
	if len(s.tokens) >= s.limit {
		return "", errStoreFull
	}
	token := rand.Text()
	s.tokens[token] = g
	if c, ok := s.codes[code]; ok {
		c.accessToken = token
	}
	return token, nil
}

// accessGrant returns what token stands for, if it is known and unexpired.
func (s *grantStore) accessGrant(token string, now time.Time) (accessGrant, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.tokens[token]
	if !ok || !now.Before(g.expires) {
		return accessGrant{}, false
	}
	return g, true
}

// pruneIfDue sweeps out expired codes and tokens when the last sweep is long
// enough ago or when the map about to grow is full. s.mu must be held.
func (s *grantStore) pruneIfDue(now time.Time, size int) {
	if size < s.limit && now.Before(s.nextPrune) {
		return
	}
	for k, c := range s.codes {
		if !now.Before(c.expires) {
			delete(s.codes, k)
		}
	}
	for k, g := range s.tokens {
		if !now.Before(g.expires) {
			delete(s.tokens, k)
		}
	}
	s.nextPrune = now.Add(pruneInterval)
}

// size returns the number of codes and tokens held, expired or not.
func (s *grantStore) size() (codes, tokens int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.codes), len(s.tokens)
}
