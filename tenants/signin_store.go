package tenants

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Provider presets.
const (
	PresetGeneric = "generic"
	PresetSITHS   = "siths"
)

// SITHS (Inera IdP) facts used by the preset.
const (
	SITHSAssurance = "http://id.sambi.se/loa/loa3"
	SITHSUnitClaim = "healthCareUnitHsaId"
)

// ClaimMapping says which ID-token claims carry what Kamrat needs.
type ClaimMapping struct {
	Email      string `json:"email,omitempty"`
	GivenName  string `json:"given_name,omitempty"`
	FamilyName string `json:"family_name,omitempty"`
	Name       string `json:"name,omitempty"`
	// UnitHSAID is the claim with the care unit's HSA-id (SITHS).
	UnitHSAID string `json:"unit_hsa_id,omitempty"`
}

// OIDCProvider is one sign-in provider of a region.
type OIDCProvider struct {
	bun.BaseModel `bun:"table:oidc_providers"`

	ID              int64        `bun:"id,pk,autoincrement"`
	TenantID        int64        `bun:"tenant_id,notnull"`
	Slug            string       `bun:"slug,notnull"`
	DisplayName     string       `bun:"display_name,notnull"`
	Preset          string       `bun:"preset,notnull"`
	Issuer          string       `bun:"issuer,notnull"`
	ClientID        string       `bun:"client_id,notnull"`
	ClientSecretEnc string       `bun:"client_secret_enc,notnull"`
	Scopes          string       `bun:"scopes,notnull"`
	RequiredACR     string       `bun:"required_acr,nullzero"`
	Claims          ClaimMapping `bun:"claims,notnull"`
	Enabled         bool         `bun:"enabled,notnull"`
	CreatedAt       time.Time    `bun:"created_at,notnull"`
}

// ScopeList returns the scopes to request, always including openid.
func (p OIDCProvider) ScopeList() []string {
	scopes := strings.Fields(p.Scopes)
	for _, s := range scopes {
		if s == "openid" {
			return scopes
		}
	}
	return append([]string{"openid"}, scopes...)
}

// ApplyPreset fills in what a preset implies: SITHS requires LoA3 and maps
// the unit HSA-id and the name claims.
func (p *OIDCProvider) ApplyPreset() {
	if p.Preset == PresetSITHS {
		if p.RequiredACR == "" {
			p.RequiredACR = SITHSAssurance
		}
		if p.Claims.UnitHSAID == "" {
			p.Claims.UnitHSAID = SITHSUnitClaim
		}
	}
	if p.Claims.GivenName == "" {
		p.Claims.GivenName = "given_name"
	}
	if p.Claims.FamilyName == "" {
		p.Claims.FamilyName = "family_name"
	}
	if p.Claims.Email == "" {
		p.Claims.Email = "email"
	}
	if p.Scopes == "" {
		p.Scopes = "openid profile email"
	}
}

// OIDCLogin is a sign-in under way: the state sent to the provider, bound to
// the provider it started with, with the nonce and PKCE verifier to check
// the answer against.
type OIDCLogin struct {
	bun.BaseModel `bun:"table:oidc_logins"`

	ID           int64      `bun:"id,pk,autoincrement"`
	TenantID     int64      `bun:"tenant_id,notnull"`
	ProviderID   int64      `bun:"provider_id,notnull"`
	StateHash    string     `bun:"state_hash,notnull"`
	Nonce        string     `bun:"nonce,notnull"`
	CodeVerifier string     `bun:"code_verifier,notnull"`
	InvitationID *int64     `bun:"invitation_id"`
	ReturnTo     string     `bun:"return_to,notnull"`
	CreatedAt    time.Time  `bun:"created_at,notnull"`
	ExpiresAt    time.Time  `bun:"expires_at,notnull"`
	UsedAt       *time.Time `bun:"used_at"`
}

// LoginLink is a single-use e-mailed sign-in link.
type LoginLink struct {
	bun.BaseModel `bun:"table:login_links"`

	ID        int64      `bun:"id,pk,autoincrement"`
	TenantID  int64      `bun:"tenant_id,notnull"`
	Email     string     `bun:"email,notnull"`
	UserID    *int64     `bun:"user_id"`
	TokenHash string     `bun:"token_hash,notnull"`
	CreatedAt time.Time  `bun:"created_at,notnull"`
	ExpiresAt time.Time  `bun:"expires_at,notnull"`
	UsedAt    *time.Time `bun:"used_at"`
}

// Lifetimes of sign-in secrets.
const (
	OIDCLoginTTL = 10 * time.Minute
	LoginLinkTTL = 15 * time.Minute
)

// SignInStore keeps providers, pending OIDC sign-ins and e-mail links.
type SignInStore struct {
	db     *DB
	sealer *Sealer
	now    func() time.Time
}

// NewSignInStore returns a SignInStore; sealer encrypts client secrets.
func NewSignInStore(db *DB, sealer *Sealer) *SignInStore {
	return &SignInStore{db: db, sealer: sealer, now: time.Now}
}

// CreateProvider adds a provider; the client secret is encrypted. It returns
// a *ValidationError for bad fields and ErrConflict for a taken slug.
func (s *SignInStore) CreateProvider(ctx context.Context, tenantID int64, p OIDCProvider, clientSecret string) (OIDCProvider, error) {
	var v ValidationError
	if !slugRE.MatchString(p.Slug) {
		v.add("slug", "validation.slug", nil)
	}
	if strings.TrimSpace(p.DisplayName) == "" {
		v.add("display_name", "validation.required", nil)
	}
	if !strings.HasPrefix(p.Issuer, "https://") && !strings.HasPrefix(p.Issuer, "http://127.0.0.1") && !strings.HasPrefix(p.Issuer, "http://localhost") {
		v.add("issuer", "validation.issuer", nil)
	}
	if p.ClientID == "" {
		v.add("client_id", "validation.required", nil)
	}
	if clientSecret == "" {
		v.add("client_secret", "validation.required", nil)
	}
	if p.Preset != PresetGeneric && p.Preset != PresetSITHS {
		v.add("preset", "validation.choice", nil)
	}
	if err := v.err(); err != nil {
		return OIDCProvider{}, err
	}
	p.ApplyPreset()
	sealed, err := s.sealer.Seal(clientSecret)
	if err != nil {
		return OIDCProvider{}, err
	}
	p.ID, p.TenantID, p.ClientSecretEnc, p.CreatedAt, p.Enabled = 0, tenantID, sealed, s.now().UTC(), true
	err = s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		_, err := tx.NewInsert().Model(&p).Returning("id").Exec(ctx)
		return translate(err, "create provider")
	})
	return p, err
}

// Providers lists the region's enabled providers.
func (s *SignInStore) Providers(ctx context.Context, tenantID int64) ([]OIDCProvider, error) {
	var list []OIDCProvider
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&list).Where("tenant_id = ? AND enabled", tenantID).Order("display_name").Scan(ctx), "list providers")
	})
	return list, err
}

// AllProviders lists every provider of the region, disabled ones too, for
// its administrators.
func (s *SignInStore) AllProviders(ctx context.Context, tenantID int64) ([]OIDCProvider, error) {
	var list []OIDCProvider
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&list).Where("tenant_id = ?", tenantID).Order("display_name").Scan(ctx), "list providers")
	})
	return list, err
}

// SetProviderEnabled turns a provider on or off; sign-ins under way with a
// disabled provider fail at the callback. ErrNotFound for an id not in the
// region.
func (s *SignInStore) SetProviderEnabled(ctx context.Context, tenantID, id int64, enabled bool) error {
	return s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		res, err := tx.NewUpdate().Model((*OIDCProvider)(nil)).Set("enabled = ?", enabled).
			Where("tenant_id = ? AND id = ?", tenantID, id).Exec(ctx)
		if err != nil {
			return translate(err, "enable provider")
		}
		return requireRows(res, "provider")
	})
}

// Provider returns one enabled provider by slug, or ErrNotFound.
func (s *SignInStore) Provider(ctx context.Context, tenantID int64, slug string) (OIDCProvider, error) {
	var p OIDCProvider
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&p).Where("tenant_id = ? AND slug = ? AND enabled", tenantID, slug).Scan(ctx), "provider")
	})
	return p, err
}

// ProviderByID returns one enabled provider by id, or ErrNotFound.
func (s *SignInStore) ProviderByID(ctx context.Context, tenantID, id int64) (OIDCProvider, error) {
	var p OIDCProvider
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&p).Where("tenant_id = ? AND id = ? AND enabled", tenantID, id).Scan(ctx), "provider")
	})
	return p, err
}

// ClientSecret decrypts a provider's client secret.
func (s *SignInStore) ClientSecret(p OIDCProvider) (string, error) {
	return s.sealer.Open(p.ClientSecretEnc)
}

// BeginOIDC records a sign-in under way and returns the state to send.
func (s *SignInStore) BeginOIDC(ctx context.Context, tenantID int64, l OIDCLogin) (string, error) {
	state, hash := newToken()
	now := s.now().UTC()
	l.ID, l.TenantID, l.StateHash, l.CreatedAt, l.ExpiresAt, l.UsedAt = 0, tenantID, hash, now, now.Add(OIDCLoginTTL), nil
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		_, err := tx.NewInsert().Model(&l).Exec(ctx)
		return translate(err, "begin sign-in")
	})
	return state, err
}

// ConsumeOIDC uses up the sign-in with this state: ErrNotFound for an
// unknown state, ErrExpired for a used or expired one.
func (s *SignInStore) ConsumeOIDC(ctx context.Context, tenantID int64, state string) (OIDCLogin, error) {
	var l OIDCLogin
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		if err := tx.NewSelect().Model(&l).Where("tenant_id = ? AND state_hash = ?", tenantID, HashToken(state)).Scan(ctx); err != nil {
			return translate(err, "sign-in state")
		}
		now := s.now().UTC()
		res, err := tx.NewUpdate().Model((*OIDCLogin)(nil)).Set("used_at = ?", now).
			Where("tenant_id = ? AND id = ? AND used_at IS NULL", tenantID, l.ID).Exec(ctx)
		if err != nil {
			return translate(err, "use sign-in state")
		}
		if n, _ := res.RowsAffected(); n != 1 || !now.Before(l.ExpiresAt) {
			return fmt.Errorf("sign-in state: %w", ErrExpired)
		}
		return nil
	})
	return l, err
}

// CreateLoginLink stores a sign-in link for the address in the caller's
// transaction and returns its secret.
func (s *SignInStore) CreateLoginLink(ctx context.Context, tx *Tx, email string, userID *int64) (string, error) {
	token, hash := newToken()
	now := s.now().UTC()
	l := LoginLink{TenantID: tx.TenantID(), Email: email, UserID: userID, TokenHash: hash, CreatedAt: now, ExpiresAt: now.Add(LoginLinkTTL)}
	_, err := tx.NewInsert().Model(&l).Exec(ctx)
	return token, translate(err, "create sign-in link")
}

// RecentLoginLinks counts the links asked for this address since t, for
// rate limiting.
func (s *SignInStore) RecentLoginLinks(ctx context.Context, tx *Tx, email string, since time.Time) (int, error) {
	n, err := tx.NewSelect().Model((*LoginLink)(nil)).
		Where("tenant_id = ? AND email = ? AND created_at >= ?", tx.TenantID(), email, since.UTC()).Count(ctx)
	return int(n), translate(err, "count sign-in links")
}

// LoginLink returns the unused, unexpired link with this secret without
// using it (for the confirmation page): ErrNotFound or ErrExpired otherwise.
func (s *SignInStore) LoginLink(ctx context.Context, tenantID int64, token string) (LoginLink, error) {
	var l LoginLink
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		if err := tx.NewSelect().Model(&l).Where("tenant_id = ? AND token_hash = ?", tenantID, HashToken(token)).Scan(ctx); err != nil {
			return translate(err, "sign-in link")
		}
		if l.UsedAt != nil || !s.now().Before(l.ExpiresAt) || l.UserID == nil {
			return fmt.Errorf("sign-in link: %w", ErrExpired)
		}
		return nil
	})
	return l, err
}

// ConsumeLoginLink uses up a link: ErrNotFound for an unknown secret,
// ErrExpired for a used or expired one, or one for no user.
func (s *SignInStore) ConsumeLoginLink(ctx context.Context, tenantID int64, token string) (LoginLink, error) {
	var l LoginLink
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		if err := tx.NewSelect().Model(&l).Where("tenant_id = ? AND token_hash = ?", tenantID, HashToken(token)).Scan(ctx); err != nil {
			return translate(err, "sign-in link")
		}
		now := s.now().UTC()
		res, err := tx.NewUpdate().Model((*LoginLink)(nil)).Set("used_at = ?", now).
			Where("tenant_id = ? AND id = ? AND used_at IS NULL", tenantID, l.ID).Exec(ctx)
		if err != nil {
			return translate(err, "use sign-in link")
		}
		if n, _ := res.RowsAffected(); n != 1 || !now.Before(l.ExpiresAt) || l.UserID == nil {
			return fmt.Errorf("sign-in link: %w", ErrExpired)
		}
		return nil
	})
	return l, err
}

// SaveProvider creates the provider with p.Slug or, if the region has one,
// replaces its issuer, client and settings (demo mode re-points its built-in
// provider at each start).
func (s *SignInStore) SaveProvider(ctx context.Context, tenantID int64, p OIDCProvider, clientSecret string) (OIDCProvider, error) {
	existing, err := s.Provider(ctx, tenantID, p.Slug)
	if errors.Is(err, ErrNotFound) {
		return s.CreateProvider(ctx, tenantID, p, clientSecret)
	}
	if err != nil {
		return OIDCProvider{}, err
	}
	p.ApplyPreset()
	sealed, err := s.sealer.Seal(clientSecret)
	if err != nil {
		return OIDCProvider{}, err
	}
	p.ID, p.TenantID, p.ClientSecretEnc, p.CreatedAt, p.Enabled = existing.ID, tenantID, sealed, existing.CreatedAt, true
	err = s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		_, err := tx.NewUpdate().Model(&p).Where("tenant_id = ? AND id = ?", tenantID, p.ID).Exec(ctx)
		return translate(err, "update provider")
	})
	return p, err
}
