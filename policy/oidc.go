package policy

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/kamrat/kamrat/tenants"
)

// SignInError is a refused sign-in. Reason is a stable code, written to the
// audit log and used to pick the message the person sees.
type SignInError struct {
	Reason string
	Err    error
}

func (e *SignInError) Error() string {
	if e.Err != nil {
		return "sign-in refused: " + e.Reason + ": " + e.Err.Error()
	}
	return "sign-in refused: " + e.Reason
}

func (e *SignInError) Unwrap() error { return e.Err }

func refuse(reason string, err error) error { return &SignInError{Reason: reason, Err: err} }

// Sign-in refusal reasons.
const (
	ReasonState        = "state"         // unknown, used or expired state
	ReasonProvider     = "provider"      // provider error or unreachable
	ReasonIssuer       = "issuer"        // issuer mix-up
	ReasonExchange     = "code_exchange" // the token endpoint refused the code
	ReasonToken        = "id_token"      // missing or invalid ID token (signature, issuer, audience, expiry, alg)
	ReasonNonce        = "nonce"
	ReasonSubject      = "subject"
	ReasonIssuedAt     = "issued_at"
	ReasonACR          = "acr"
	ReasonUserinfo     = "userinfo"
	ReasonNotInvited   = "not_invited"
	ReasonNoMembership = "no_membership"
	ReasonDisabled     = "disabled"
	ReasonUnit         = "unit"
	ReasonInvitation   = "invitation"
)

// Allowed clock skew and age for an ID token's iat.
const (
	iatSkew   = 2 * time.Minute
	iatMaxAge = 10 * time.Minute
)

// OIDC signs people in with their region's OpenID providers: authorization
// code with PKCE, and the checks go-oidc leaves to its caller (nonce, sub,
// iat, acr, userinfo sub, issuer bound to the state).
type OIDC struct {
	signIns    *tenants.SignInStore
	identities *tenants.IdentityStore
	units      *tenants.UnitStore
	httpClient *http.Client
	now        func() time.Time

	mu        sync.Mutex
	discovery map[string]discovered // by issuer
}

type discovered struct {
	provider *oidc.Provider
	at       time.Time
}

// discoveryTTL bounds how long a provider's metadata and keys URL are reused.
const discoveryTTL = time.Hour

// NewOIDC returns the sign-in flow; httpClient may be nil for the default.
func NewOIDC(signIns *tenants.SignInStore, identities *tenants.IdentityStore, units *tenants.UnitStore, httpClient *http.Client) *OIDC {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 10 * time.Second}
	}
	return &OIDC{signIns: signIns, identities: identities, units: units, httpClient: httpClient, now: time.Now, discovery: map[string]discovered{}}
}

func (o *OIDC) provider(ctx context.Context, issuer string) (*oidc.Provider, error) {
	o.mu.Lock()
	d, ok := o.discovery[issuer]
	o.mu.Unlock()
	if ok && o.now().Sub(d.at) < discoveryTTL {
		return d.provider, nil
	}
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, o.httpClient), issuer)
	if err != nil {
		return nil, err
	}
	o.mu.Lock()
	o.discovery[issuer] = discovered{provider: p, at: o.now()}
	o.mu.Unlock()
	return p, nil
}

func (o *OIDC) oauthConfig(ctx context.Context, p tenants.OIDCProvider, redirectURL string) (*oauth2.Config, *oidc.Provider, error) {
	op, err := o.provider(ctx, p.Issuer)
	if err != nil {
		return nil, nil, refuse(ReasonProvider, err)
	}
	secret, err := o.signIns.ClientSecret(p)
	if err != nil {
		return nil, nil, fmt.Errorf("provider %s client secret: %w", p.Slug, err)
	}
	endpoint := op.Endpoint()
	// Basic authentication (RFC 6749 2.3.1). Auto-detection would retry a
	// refused exchange with the secret in the form, spending the one-time
	// code twice.
	endpoint.AuthStyle = oauth2.AuthStyleInHeader
	return &oauth2.Config{
		ClientID: p.ClientID, ClientSecret: secret, Endpoint: endpoint,
		RedirectURL: redirectURL, Scopes: p.ScopeList(),
	}, op, nil
}

// BeginOptions shape a sign-in.
type BeginOptions struct {
	// ReturnTo is the local path to land on after sign-in.
	ReturnTo string
	// InvitationID, when set, is accepted by the account that signs in.
	InvitationID *int64
	// LoginHint names the account to the provider (demo mode's one-click
	// sign-in as a chosen demo user).
	LoginHint string
}

// Begin starts a sign-in with the region's provider and returns the URL to
// send the browser to.
func (o *OIDC) Begin(ctx context.Context, tenantID int64, providerSlug, redirectURL string, opt BeginOptions) (string, error) {
	p, err := o.signIns.Provider(ctx, tenantID, providerSlug)
	if err != nil {
		return "", err
	}
	cfg, _, err := o.oauthConfig(ctx, p, redirectURL)
	if err != nil {
		return "", err
	}
	verifier := oauth2.GenerateVerifier()
	nonce := oauth2.GenerateVerifier()
	state, err := o.signIns.BeginOIDC(ctx, tenantID, tenants.OIDCLogin{
		ProviderID: p.ID, Nonce: nonce, CodeVerifier: verifier, InvitationID: opt.InvitationID, ReturnTo: opt.ReturnTo,
	})
	if err != nil {
		return "", err
	}
	params := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce)}
	if p.RequiredACR != "" {
		params = append(params, oauth2.SetAuthURLParam("acr_values", p.RequiredACR))
	}
	if opt.LoginHint != "" {
		params = append(params, oauth2.SetAuthURLParam("login_hint", opt.LoginHint))
	}
	return cfg.AuthCodeURL(state, params...), nil
}

// Callback is what the provider sent back to the redirect URL.
type Callback struct {
	State, Code, Issuer, Error, ErrorDescription string
}

// SignedIn is a successful sign-in.
type SignedIn struct {
	User       tenants.User
	Membership tenants.Membership
	Provider   tenants.OIDCProvider
	ReturnTo   string
}

// Complete finishes a sign-in. Every refusal is a *SignInError with a
// reason; the caller records it in the audit log. Nothing is created for a
// refused sign-in.
func (o *OIDC) Complete(ctx context.Context, tenantID int64, redirectURL string, cb Callback) (SignedIn, error) {
	login, err := o.signIns.ConsumeOIDC(ctx, tenantID, cb.State)
	if err != nil {
		return SignedIn{}, refuse(ReasonState, err)
	}
	p, err := o.signIns.ProviderByID(ctx, tenantID, login.ProviderID)
	if err != nil {
		return SignedIn{}, refuse(ReasonProvider, err)
	}
	if cb.Error != "" {
		return SignedIn{}, refuse(ReasonProvider, fmt.Errorf("%s: %s", cb.Error, cb.ErrorDescription))
	}
	// RFC 9207: a provider that names itself must be the one this state
	// was sent to; otherwise another provider is answering (mix-up).
	if cb.Issuer != "" && cb.Issuer != p.Issuer {
		return SignedIn{}, refuse(ReasonIssuer, fmt.Errorf("callback from %q for a sign-in sent to %q", cb.Issuer, p.Issuer))
	}
	cfg, op, err := o.oauthConfig(ctx, p, redirectURL)
	if err != nil {
		return SignedIn{}, err
	}
	hctx := oidc.ClientContext(ctx, o.httpClient)
	tok, err := cfg.Exchange(hctx, cb.Code, oauth2.VerifierOption(login.CodeVerifier))
	if err != nil {
		return SignedIn{}, refuse(ReasonExchange, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return SignedIn{}, refuse(ReasonToken, errors.New("no id_token in the token response"))
	}
	// Verify checks signature (only the provider's keys, only RS256/ES256
	// and friends, never "none"), issuer, audience and expiry.
	idt, err := op.Verifier(&oidc.Config{ClientID: p.ClientID}).Verify(hctx, raw)
	if err != nil {
		return SignedIn{}, refuse(ReasonToken, err)
	}
	if err := requireKeyID(raw); err != nil {
		return SignedIn{}, refuse(ReasonToken, err)
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return SignedIn{}, refuse(ReasonToken, err)
	}
	if idt.Nonce != login.Nonce {
		return SignedIn{}, refuse(ReasonNonce, errors.New("nonce does not match the sign-in"))
	}
	if idt.Subject == "" {
		return SignedIn{}, refuse(ReasonSubject, errors.New("ID token has no sub"))
	}
	if err := o.checkIssuedAt(claims); err != nil {
		return SignedIn{}, refuse(ReasonIssuedAt, err)
	}
	if p.RequiredACR != "" {
		if acr, _ := claims["acr"].(string); acr != p.RequiredACR {
			return SignedIn{}, refuse(ReasonACR, fmt.Errorf("acr %q, required %q", acr, p.RequiredACR))
		}
	}
	if op.UserInfoEndpoint() != "" {
		ui, err := op.UserInfo(hctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return SignedIn{}, refuse(ReasonUserinfo, err)
		}
		if ui.Subject != idt.Subject {
			return SignedIn{}, refuse(ReasonUserinfo, fmt.Errorf("userinfo sub %q differs from the ID token's", ui.Subject))
		}
	}

	key := tenants.IdentityKey{Issuer: p.Issuer, Subject: idt.Subject}
	user, err := o.identities.UserByIdentity(ctx, key)
	switch {
	case errors.Is(err, tenants.ErrNotFound) && login.InvitationID != nil:
		user, err = o.acceptInvitation(ctx, tenantID, *login.InvitationID, key)
		if err != nil {
			return SignedIn{}, refuse(ReasonInvitation, err)
		}
	case errors.Is(err, tenants.ErrNotFound):
		return SignedIn{}, refuse(ReasonNotInvited, err)
	case err != nil:
		return SignedIn{}, err
	}
	if user.Disabled() {
		return SignedIn{}, refuse(ReasonDisabled, nil)
	}
	m, err := o.identities.Membership(ctx, tenantID, user.ID)
	switch {
	case errors.Is(err, tenants.ErrNotFound) && user.PlatformOperator:
		// The operator signs in through a region's provider but gets no
		// role in it: only the platform's own pages.
		m = tenants.Membership{TenantID: tenantID, UserID: user.ID, Role: tenants.RolePlatformOperator}
		login.ReturnTo = "/"
	case errors.Is(err, tenants.ErrNotFound) && user.NationalViewer:
		// So does a national viewer, for the national view only.
		m = tenants.Membership{TenantID: tenantID, UserID: user.ID, Role: tenants.RoleNationalViewer}
		login.ReturnTo = "/national"
	case err != nil:
		return SignedIn{}, refuse(ReasonNoMembership, err)
	}
	if err := o.checkUnit(ctx, tenantID, p, claims, m); err != nil {
		return SignedIn{}, refuse(ReasonUnit, err)
	}
	return SignedIn{User: user, Membership: m, Provider: p, ReturnTo: login.ReturnTo}, nil
}

// checkIssuedAt requires iat, not in the future beyond clock skew and not
// older than a sign-in takes.
func (o *OIDC) checkIssuedAt(claims map[string]any) error {
	v, ok := claims["iat"].(float64)
	if !ok {
		return errors.New("ID token has no iat")
	}
	iat := time.Unix(int64(v), 0)
	now := o.now()
	if iat.After(now.Add(iatSkew)) {
		return fmt.Errorf("iat %s is in the future", iat.UTC().Format(time.RFC3339))
	}
	if now.Sub(iat) > iatMaxAge {
		return fmt.Errorf("iat %s is too old", iat.UTC().Format(time.RFC3339))
	}
	return nil
}

// checkUnit maps a SITHS commission's care unit to the clinic: staff
// scoped to a unit must sign in with a commission for that unit.
func (o *OIDC) checkUnit(ctx context.Context, tenantID int64, p tenants.OIDCProvider, claims map[string]any, m tenants.Membership) error {
	if p.Claims.UnitHSAID == "" || m.Role != tenants.RoleClinicStaff || m.UnitID == nil {
		return nil
	}
	hsa, _ := claims[p.Claims.UnitHSAID].(string)
	if hsa == "" {
		return fmt.Errorf("no %s claim", p.Claims.UnitHSAID)
	}
	unit, err := o.units.Unit(ctx, tenantID, *m.UnitID)
	if err != nil {
		return err
	}
	if unit.HSAID != hsa {
		return fmt.Errorf("commission for unit %s, membership at %s", hsa, unit.HSAID)
	}
	return nil
}

func (o *OIDC) acceptInvitation(ctx context.Context, tenantID, invitationID int64, key tenants.IdentityKey) (tenants.User, error) {
	u, _, err := o.identities.AcceptInvitationID(ctx, tenantID, invitationID, &key)
	return u, err
}

// requireKeyID refuses an ID token whose header names no signing key. go-oidc
// would try every key of the provider in turn; a token that does not say
// which key signed it is not what a well-behaved provider sends, and when the
// provider publishes several keys it leaves the choice to the attacker.
func requireKeyID(raw string) error {
	header, _, ok := strings.Cut(raw, ".")
	if !ok {
		return errors.New("ID token is not a JWS")
	}
	b, err := base64.RawURLEncoding.DecodeString(header)
	if err != nil {
		return fmt.Errorf("ID token header: %w", err)
	}
	// Header parameter names are case-sensitive (RFC 7515 §4): a map, not
	// a struct, since encoding/json would take "kId" or "KID" for "kid"
	// where go-jose, choosing the key, does not.
	var h map[string]any
	if err := json.Unmarshal(b, &h); err != nil {
		return fmt.Errorf("ID token header: %w", err)
	}
	if kid, _ := h["kid"].(string); kid == "" {
		return errors.New("ID token header has no kid")
	}
	return nil
}
