package tenants

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// IdentityStore keeps users, their identities at OpenID providers, their
// memberships in regions and the invitations that create memberships.
type IdentityStore struct {
	db  *DB
	now func() time.Time
}

// NewIdentityStore returns an IdentityStore on db.
func NewIdentityStore(db *DB) *IdentityStore { return &IdentityStore{db: db, now: time.Now} }

// IdentityKey names an account at an OpenID provider.
type IdentityKey struct{ Issuer, Subject string }

// ErrExpired means a single-use secret (invitation, sign-in link, sign-in
// state) was used, revoked or is past its expiry.
var ErrExpired = errors.New("expired or already used")

// Invite records an invitation and returns it with the secret token to send
// to the invitee (only its hash is stored). It returns a *ValidationError
// for bad fields, including a unit or organisation not in the region.
//
// notify, when not nil, runs in the same transaction with the stored
// invitation and its token (to queue the e-mail that carries it): if it
// fails, no invitation exists.
func (s *IdentityStore) Invite(ctx context.Context, tenantID int64, inv Invitation, notify func(tx *Tx, inv Invitation, token string) error) (Invitation, string, error) {
	if err := inv.Validate(); err != nil {
		return Invitation{}, "", err
	}
	token, hash := newToken()
	now := s.now().UTC()
	inv.ID, inv.TenantID, inv.TokenHash, inv.CreatedAt, inv.ExpiresAt = 0, tenantID, hash, now, now.Add(InvitationTTL)
	inv.AcceptedAt, inv.AcceptedUserID, inv.RevokedAt = nil, nil, nil
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		if err := checkScope(ctx, tx, inv.UnitID, inv.OrganisationID); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(&inv).Returning("id").Exec(ctx); err != nil {
			return translate(err, "create invitation")
		}
		if notify != nil {
			return notify(tx, inv, token)
		}
		return nil
	})
	if err != nil {
		return Invitation{}, "", err
	}
	return inv, token, nil
}

// RevokeInvitation makes an open invitation unusable. It returns
// ErrNotFound for an id not in the region and ErrExpired for one already
// accepted, revoked or expired.
func (s *IdentityStore) RevokeInvitation(ctx context.Context, tenantID, id int64) error {
	return s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		var inv Invitation
		if err := tx.NewSelect().Model(&inv).Where("tenant_id = ? AND id = ?", tenantID, id).Scan(ctx); err != nil {
			return translate(err, "invitation")
		}
		now := s.now().UTC()
		if !inv.Open(now) {
			return fmt.Errorf("invitation: %w", ErrExpired)
		}
		_, err := tx.NewUpdate().Model((*Invitation)(nil)).Set("revoked_at = ?", now).
			Where("tenant_id = ? AND id = ?", tenantID, id).Exec(ctx)
		return translate(err, "revoke invitation")
	})
}

// checkScope verifies that the unit or organisation exists in the
// transaction's region.
func checkScope(ctx context.Context, tx *Tx, unitID, orgID *int64) error {
	var v ValidationError
	if unitID != nil {
		if err := checkInRegion(ctx, tx, (*Unit)(nil), tx.TenantID(), []int64{*unitID}, "unit_id", "validation.scope_unit", &v); err != nil {
			return err
		}
	}
	if orgID != nil {
		if err := checkInRegion(ctx, tx, (*Organisation)(nil), tx.TenantID(), []int64{*orgID}, "organisation_id", "validation.scope_organisation", &v); err != nil {
			return err
		}
	}
	return v.err()
}

// Invitation returns the open invitation with this token, ErrNotFound for
// an unknown token and ErrExpired for one used, revoked or expired.
func (s *IdentityStore) Invitation(ctx context.Context, tenantID int64, token string) (Invitation, error) {
	var inv Invitation
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return s.openInvitation(ctx, tx, token, &inv)
	})
	return inv, err
}

func (s *IdentityStore) openInvitation(ctx context.Context, tx *Tx, token string, inv *Invitation) error {
	err := tx.NewSelect().Model(inv).
		Where("tenant_id = ? AND token_hash = ?", tx.TenantID(), HashToken(token)).Scan(ctx)
	if err != nil {
		return translate(err, "invitation")
	}
	if !inv.Open(s.now()) {
		return fmt.Errorf("invitation: %w", ErrExpired)
	}
	return nil
}

// Invitations lists the region's invitations, newest first.
func (s *IdentityStore) Invitations(ctx context.Context, tenantID int64) ([]Invitation, error) {
	var list []Invitation
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&list).Where("tenant_id = ?", tenantID).
			Order("created_at DESC", "id DESC").Limit(500).Scan(ctx), "list invitations")
	})
	return list, err
}

// AcceptInvitation uses the invitation: it finds or creates the user with
// the invited address, links the identity if one is given, gives the user
// the invited membership (replacing an earlier one in this region) and
// marks the invitation used — all in one transaction.
//
// It returns ErrNotFound or ErrExpired for a bad token, and ErrConflict when
// the identity already belongs to another user.
func (s *IdentityStore) AcceptInvitation(ctx context.Context, tenantID int64, token string, link *IdentityKey) (User, Membership, error) {
	return s.accept(ctx, tenantID, func(tx *Tx, inv *Invitation) error { return s.openInvitation(ctx, tx, token, inv) }, link)
}

// AcceptInvitationID is AcceptInvitation for an invitation whose token was
// checked earlier in the same sign-in (the OIDC state remembers its id).
func (s *IdentityStore) AcceptInvitationID(ctx context.Context, tenantID, id int64, link *IdentityKey) (User, Membership, error) {
	return s.accept(ctx, tenantID, func(tx *Tx, inv *Invitation) error {
		if err := tx.NewSelect().Model(inv).Where("tenant_id = ? AND id = ?", tenantID, id).Scan(ctx); err != nil {
			return translate(err, "invitation")
		}
		if !inv.Open(s.now()) {
			return fmt.Errorf("invitation: %w", ErrExpired)
		}
		return nil
	}, link)
}

func (s *IdentityStore) accept(ctx context.Context, tenantID int64, load func(*Tx, *Invitation) error, link *IdentityKey) (User, Membership, error) {
	var user User
	var m Membership
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		var inv Invitation
		if err := load(tx, &inv); err != nil {
			return err
		}
		now := s.now().UTC()
		// Single use even under concurrency: only one transaction can
		// flip accepted_at from NULL.
		res, err := tx.NewUpdate().Model((*Invitation)(nil)).
			Set("accepted_at = ?", now).
			Where("tenant_id = ? AND id = ? AND accepted_at IS NULL", tenantID, inv.ID).Exec(ctx)
		if err != nil {
			return translate(err, "accept invitation")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("invitation: %w", ErrExpired)
		}

		err = tx.NewSelect().Model(&user).Where("email = ?", inv.Email).Scan(ctx)
		switch err = translate(err, "user"); {
		case errors.Is(err, ErrNotFound):
			user = User{Email: inv.Email, DisplayName: inv.DisplayName, CreatedAt: now}
			if _, err := tx.NewInsert().Model(&user).Returning("id").Exec(ctx); err != nil {
				return translate(err, "create user")
			}
		case err != nil:
			return err
		}
		if user.Disabled() {
			return fmt.Errorf("user is disabled: %w", ErrExpired)
		}
		if link != nil {
			if err := linkIdentity(ctx, tx, user.ID, *link, now); err != nil {
				return err
			}
		}

		m = Membership{TenantID: tenantID, UserID: user.ID, Role: inv.Role, UnitID: inv.UnitID, OrganisationID: inv.OrganisationID, CreatedAt: now}
		if _, err := tx.NewDelete().Model((*Membership)(nil)).Where("tenant_id = ? AND user_id = ?", tenantID, user.ID).Exec(ctx); err != nil {
			return translate(err, "replace membership")
		}
		if _, err := tx.NewInsert().Model(&m).Returning("id").Exec(ctx); err != nil {
			return translate(err, "create membership")
		}
		_, err = tx.NewUpdate().Model((*Invitation)(nil)).Set("accepted_user_id = ?", user.ID).
			Where("tenant_id = ? AND id = ?", tenantID, inv.ID).Exec(ctx)
		return translate(err, "accept invitation")
	})
	if err != nil {
		return User{}, Membership{}, err
	}
	return user, m, nil
}

func linkIdentity(ctx context.Context, tx *Tx, userID int64, key IdentityKey, now time.Time) error {
	var existing Identity
	err := translate(tx.NewSelect().Model(&existing).Where("issuer = ? AND subject = ?", key.Issuer, key.Subject).Scan(ctx), "identity")
	switch {
	case err == nil && existing.UserID == userID:
		return nil
	case err == nil:
		return fmt.Errorf("identity belongs to another user: %w", ErrConflict)
	case !errors.Is(err, ErrNotFound):
		return err
	}
	_, err = tx.NewInsert().Model(&Identity{UserID: userID, Issuer: key.Issuer, Subject: key.Subject, CreatedAt: now, LastUsedAt: now}).Exec(ctx)
	return translate(err, "link identity")
}

// UserByIdentity returns the user linked to an OpenID account, or
// ErrNotFound, and records that the identity was used.
func (s *IdentityStore) UserByIdentity(ctx context.Context, key IdentityKey) (User, error) {
	var u User
	err := s.db.InPlatform(ctx, func(tx *Tx) error {
		var id Identity
		if err := tx.NewSelect().Model(&id).Where("issuer = ? AND subject = ?", key.Issuer, key.Subject).Scan(ctx); err != nil {
			return translate(err, "identity")
		}
		if _, err := tx.NewUpdate().Model((*Identity)(nil)).Set("last_used_at = ?", s.now().UTC()).Where("id = ?", id.ID).Exec(ctx); err != nil {
			return translate(err, "touch identity")
		}
		return translate(tx.NewSelect().Model(&u).Where("id = ?", id.UserID).Scan(ctx), "user")
	})
	return u, err
}

// UserByEmail returns the user with this address, or ErrNotFound.
func (s *IdentityStore) UserByEmail(ctx context.Context, email string) (User, error) {
	email, _ = NormalizeEmail(email)
	var u User
	err := s.db.InPlatformReadOnly(ctx, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&u).Where("email = ?", email).Scan(ctx), "user")
	})
	return u, err
}

// User returns the user with this id, or ErrNotFound.
func (s *IdentityStore) User(ctx context.Context, id int64) (User, error) {
	var u User
	err := s.db.InPlatformReadOnly(ctx, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&u).Where("id = ?", id).Scan(ctx), "user")
	})
	return u, err
}

// Membership returns the user's membership in the region, or ErrNotFound.
func (s *IdentityStore) Membership(ctx context.Context, tenantID, userID int64) (Membership, error) {
	var m Membership
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&m).Where("tenant_id = ? AND user_id = ? AND disabled_at IS NULL", tenantID, userID).Scan(ctx), "membership")
	})
	return m, err
}

// Member is a membership with its user, for administrators' lists.
type Member struct {
	Membership
	Email       string `bun:"email"`
	DisplayName string `bun:"display_name"`
	// UserDisabledAt is set when the user is disabled everywhere (by the
	// platform operator); Membership.DisabledAt when only this region has
	// shut the member out.
	UserDisabledAt *time.Time `bun:"user_disabled_at"`
}

// Members lists the region's members by name.
func (s *IdentityStore) Members(ctx context.Context, tenantID int64) ([]Member, error) {
	var list []Member
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return translate(tx.NewSelect().Model((*Membership)(nil)).
			ColumnExpr("membership.*, u.email, u.display_name, u.disabled_at AS user_disabled_at").
			Join("JOIN users AS u ON u.id = membership.user_id").
			Where("membership.tenant_id = ?", tenantID).
			Order("u.display_name", "u.id").Scan(ctx, &list), "list members")
	})
	return list, err
}

// SetDisabled disables or re-enables a user. Disabling ends every session
// of the user at once.
// SetLanguage remembers a person's choice of language ("sv" or "en"); it
// returns a *ValidationError for another value and ErrNotFound for no such
// user.
func (s *IdentityStore) SetLanguage(ctx context.Context, userID int64, lang string) error {
	if lang != "sv" && lang != "en" {
		return fieldProblem("language", "validation.language", nil)
	}
	return s.db.InPlatform(ctx, func(tx *Tx) error {
		res, err := tx.NewUpdate().Model((*User)(nil)).Set("language = ?", lang).Where("id = ?", userID).Exec(ctx)
		if err != nil {
			return translate(err, "set language")
		}
		return requireRows(res, "user")
	})
}

func (s *IdentityStore) SetDisabled(ctx context.Context, userID int64, disabled bool) error {
	return s.db.InPlatform(ctx, func(tx *Tx) error {
		now := s.now().UTC()
		var at *time.Time
		if disabled {
			at = &now
		}
		res, err := tx.NewUpdate().Model((*User)(nil)).Set("disabled_at = ?", at).Where("id = ?", userID).Exec(ctx)
		if err != nil {
			return translate(err, "disable user")
		}
		if err := requireRows(res, "user"); err != nil {
			return err
		}
		if disabled {
			return revokeUserSessions(ctx, tx, userID, now)
		}
		return nil
	})
}

// SetMemberDisabled shuts a member out of one region, or lets them back
// in. Disabling ends the member's sessions signed in to the region at
// once; their access to other regions is the other regions' business. It
// returns ErrNotFound when the user is not a member of the region.
func (s *IdentityStore) SetMemberDisabled(ctx context.Context, tenantID, userID int64, disabled bool) error {
	return s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		now := s.now().UTC()
		var at *time.Time
		if disabled {
			at = &now
		}
		res, err := tx.NewUpdate().Model((*Membership)(nil)).Set("disabled_at = ?", at).
			Where("tenant_id = ? AND user_id = ?", tenantID, userID).Exec(ctx)
		if err != nil {
			return translate(err, "disable member")
		}
		if err := requireRows(res, "member"); err != nil {
			return err
		}
		if !disabled {
			return nil
		}
		_, err = tx.NewUpdate().Model((*Session)(nil)).Set("revoked_at = ?", now).
			Where("user_id = ? AND signed_in_tenant_id = ? AND revoked_at IS NULL", userID, tenantID).Exec(ctx)
		return translate(err, "end member's sessions")
	})
}

// CreateUser adds a user directly (demo data, platform operators);
// ordinary users come in through invitations.
func (s *IdentityStore) CreateUser(ctx context.Context, u User) (User, error) {
	var ok bool
	if u.Email, ok = NormalizeEmail(u.Email); !ok {
		return User{}, &ValidationError{Fields: []FieldError{{Field: "email", Key: "validation.email"}}}
	}
	u.ID, u.CreatedAt = 0, s.now().UTC()
	err := s.db.InPlatform(ctx, func(tx *Tx) error {
		_, err := tx.NewInsert().Model(&u).Returning("id").Exec(ctx)
		return translate(err, "create user")
	})
	return u, err
}

// LinkIdentity links an OpenID account to a user (idempotent). It returns
// ErrConflict when the account belongs to another user.
func (s *IdentityStore) LinkIdentity(ctx context.Context, userID int64, key IdentityKey) error {
	return s.db.InPlatform(ctx, func(tx *Tx) error { return linkIdentity(ctx, tx, userID, key, s.now().UTC()) })
}

// SetMembership gives a user a role in the region, replacing any earlier
// membership there (administrative and demo set-up; people normally come in
// through invitations). It returns a *ValidationError for a role without its
// scope or a scope outside the region.
func (s *IdentityStore) SetMembership(ctx context.Context, tenantID int64, m Membership) (Membership, error) {
	var v ValidationError
	validateScope(&v, m.Role, &m.UnitID, &m.OrganisationID)
	if err := v.err(); err != nil {
		return Membership{}, err
	}
	m.ID, m.TenantID, m.CreatedAt = 0, tenantID, s.now().UTC()
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		if err := checkScope(ctx, tx, m.UnitID, m.OrganisationID); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*Membership)(nil)).Where("tenant_id = ? AND user_id = ?", tenantID, m.UserID).Exec(ctx); err != nil {
			return translate(err, "replace membership")
		}
		_, err := tx.NewInsert().Model(&m).Returning("id").Exec(ctx)
		return translate(err, "set membership")
	})
	return m, err
}
