package tenants

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// APITokenStore keeps the bearer tokens integrations use on the JSON API.
// A token acts as its user, in its region only.
type APITokenStore struct {
	db  *DB
	now func() time.Time
}

// NewAPITokenStore returns an APITokenStore on db.
func NewAPITokenStore(db *DB) *APITokenStore { return &APITokenStore{db: db, now: time.Now} }

// Create issues a token for a member of the region and returns the secret,
// shown once; only its hash is stored. It returns a *ValidationError for a
// bad name and ErrNotFound when the user is not a member of the region.
func (s *APITokenStore) Create(ctx context.Context, tenantID, userID int64, name string, createdBy *int64) (APIToken, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return APIToken{}, "", &ValidationError{Fields: []FieldError{{Field: "name", Key: "validation.required"}}}
	}
	token, hash := newToken()
	t := APIToken{TenantID: tenantID, UserID: userID, Name: name, TokenHash: hash, CreatedBy: createdBy, CreatedAt: s.now().UTC()}
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		n, err := tx.NewSelect().Model((*Membership)(nil)).Where("tenant_id = ? AND user_id = ? AND disabled_at IS NULL", tenantID, userID).Count(ctx)
		if err != nil {
			return translate(err, "check membership")
		}
		if n == 0 {
			return fmt.Errorf("membership: %w", ErrNotFound)
		}
		_, err = tx.NewInsert().Model(&t).Returning("id").Exec(ctx)
		return translate(err, "create token")
	})
	if err != nil {
		return APIToken{}, "", err
	}
	return t, "kmt_" + strconv.FormatInt(tenantID, 10) + "_" + token, nil
}

// ErrOtherTenant means a token belongs to another region: to the caller the
// region's objects do not exist, so it is reported as not found.
var ErrOtherTenant = fmt.Errorf("token of another region: %w", ErrNotFound)

// Authenticate returns the live token with this secret in the region and
// its user. A token of another region, a revoked token or a disabled user
// all give ErrNotFound.
func (s *APITokenStore) Authenticate(ctx context.Context, tenantID int64, secret string) (APIToken, User, error) {
	var t APIToken
	var u User
	// Tokens read kmt_<region id>_<secret>: the region is visible so that
	// a token used against another region is told apart from a bad one.
	rest, ok := strings.CutPrefix(secret, "kmt_")
	idText, secret, ok2 := strings.Cut(rest, "_")
	if !ok || !ok2 {
		return t, u, fmt.Errorf("token: %w", ErrNotFound)
	}
	if id, err := strconv.ParseInt(idText, 10, 64); err != nil || id != tenantID {
		if err == nil {
			return t, u, ErrOtherTenant
		}
		return t, u, fmt.Errorf("token: %w", ErrNotFound)
	}
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		err := tx.NewSelect().Model(&t).
			Where("tenant_id = ? AND token_hash = ? AND revoked_at IS NULL", tenantID, HashToken(secret)).Scan(ctx)
		if err != nil {
			return translate(err, "token")
		}
		if err := tx.NewSelect().Model(&u).Where("id = ?", t.UserID).Scan(ctx); err != nil {
			return translate(err, "token user")
		}
		if u.Disabled() {
			return fmt.Errorf("token user disabled: %w", ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return APIToken{}, User{}, err
	}
	now := s.now().UTC()
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > touchInterval {
		err = s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
			_, err := tx.NewUpdate().Model((*APIToken)(nil)).Set("last_used_at = ?", now).
				Where("tenant_id = ? AND id = ?", tenantID, t.ID).Exec(ctx)
			return translate(err, "touch token")
		})
	}
	return t, u, err
}

// Tokens lists the region's tokens (never their secrets), newest first.
func (s *APITokenStore) Tokens(ctx context.Context, tenantID int64) ([]APIToken, error) {
	var list []APIToken
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&list).Where("tenant_id = ?", tenantID).
			Order("created_at DESC", "id DESC").Scan(ctx), "list tokens")
	})
	return list, err
}

// Revoke ends a token at once. It returns ErrNotFound for a token not in the
// region.
func (s *APITokenStore) Revoke(ctx context.Context, tenantID, id int64) error {
	return s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		res, err := tx.NewUpdate().Model((*APIToken)(nil)).Set("revoked_at = ?", s.now().UTC()).
			Where("tenant_id = ? AND id = ? AND revoked_at IS NULL", tenantID, id).Exec(ctx)
		if err != nil {
			return translate(err, "revoke token")
		}
		return requireRows(res, "token")
	})
}
