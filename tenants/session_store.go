package tenants

import (
	"context"
	"fmt"
	"time"
)

// SessionStore keeps signed-in browsers. Sessions are platform data: one
// session can visit every region its user is a member of.
type SessionStore struct {
	db  *DB
	now func() time.Time
}

// NewSessionStore returns a SessionStore on db.
func NewSessionStore(db *DB) *SessionStore { return &SessionStore{db: db, now: time.Now} }

// Create starts a session for the user and returns the secret for the
// cookie; only its hash is stored. absolute bounds the session's life.
func (s *SessionStore) Create(ctx context.Context, userID int64, tenantID *int64, method string, absolute time.Duration) (string, Session, error) {
	token, hash := newToken()
	now := s.now().UTC()
	sess := Session{ID: hash, UserID: userID, TenantID: tenantID, Method: method, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(absolute)}
	err := s.db.InPlatform(ctx, func(tx *Tx) error {
		_, err := tx.NewInsert().Model(&sess).Exec(ctx)
		return translate(err, "create session")
	})
	return token, sess, err
}

// touchInterval bounds how often a live session or token records activity:
// a write per request would make every page view a write.
const touchInterval = time.Minute

// Lookup returns the live session for a cookie secret with its user. It
// returns ErrNotFound for an unknown, revoked, expired or idle session, or
// one whose user is disabled. It reads in a read-only transaction and
// records activity, in a write of its own, at most once a minute.
func (s *SessionStore) Lookup(ctx context.Context, token string, idle time.Duration) (Session, User, error) {
	var sess Session
	var user User
	now := s.now().UTC()
	err := s.db.InPlatformReadOnly(ctx, func(tx *Tx) error {
		if err := tx.NewSelect().Model(&sess).Where("id = ?", HashToken(token)).Scan(ctx); err != nil {
			return translate(err, "session")
		}
		if sess.RevokedAt != nil || !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) > idle {
			return fmt.Errorf("session ended: %w", ErrNotFound)
		}
		if err := tx.NewSelect().Model(&user).Where("id = ?", sess.UserID).Scan(ctx); err != nil {
			return translate(err, "session user")
		}
		if user.Disabled() {
			return fmt.Errorf("session user disabled: %w", ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return Session{}, User{}, err
	}
	if now.Sub(sess.LastSeenAt) > touchInterval {
		sess.LastSeenAt = now
		err := s.db.InPlatform(ctx, func(tx *Tx) error {
			_, err := tx.NewUpdate().Model((*Session)(nil)).Set("last_seen_at = ?", now).
				Where("id = ? AND last_seen_at < ?", sess.ID, now).Exec(ctx)
			return translate(err, "touch session")
		})
		if err != nil {
			return Session{}, User{}, err
		}
	}
	return sess, user, nil
}

// Revoke ends one session (sign-out). Revoking an unknown session is not
// an error.
func (s *SessionStore) Revoke(ctx context.Context, token string) error {
	return s.db.InPlatform(ctx, func(tx *Tx) error {
		_, err := tx.NewUpdate().Model((*Session)(nil)).Set("revoked_at = ?", s.now().UTC()).
			Where("id = ? AND revoked_at IS NULL", HashToken(token)).Exec(ctx)
		return translate(err, "revoke session")
	})
}

// RevokeAll ends every session of the user ("sign out everywhere").
func (s *SessionStore) RevokeAll(ctx context.Context, userID int64) error {
	return s.db.InPlatform(ctx, func(tx *Tx) error {
		return revokeUserSessions(ctx, tx, userID, s.now().UTC())
	})
}

func revokeUserSessions(ctx context.Context, tx *Tx, userID int64, now time.Time) error {
	_, err := tx.NewUpdate().Model((*Session)(nil)).Set("revoked_at = ?", now).
		Where("user_id = ? AND revoked_at IS NULL", userID).Exec(ctx)
	return translate(err, "revoke sessions")
}
