package tenants

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// NotificationStore keeps every member's inbox. Each method is scoped to
// one user in one region: another user's notifications are never listed,
// counted or marked.
type NotificationStore struct {
	db  *DB
	now func() time.Time
}

// NewNotificationStore returns a NotificationStore on db.
func NewNotificationStore(db *DB) *NotificationStore {
	return &NotificationStore{db: db, now: time.Now}
}

// Notification list sizes.
const (
	DefaultNotificationLimit = 50
	MaxNotificationLimit     = 500
)

// Notify adds n to its user's inbox in tx, the caller's transaction, in
// tx's tenant: it exists only if tx commits. The user must be a member of
// the region (ErrNotFound otherwise).
//
// A user has at most one notification per DedupeKey: when one exists,
// nothing is written and Notify returns that one with created false, so a
// reminder that runs again notifies nobody twice. The id is the user's
// next number; CreatedAt is kept when the caller sets it (a worker's
// clock), else now. TenantID and ReadAt are set here.
//
// It returns a *ValidationError for an unknown kind, a missing or
// malformed dedupe key, a link that is not a path inside Kamrat (it must
// start with "/"), or args that are unknown, too long or missing for the
// kind (see NotificationArgs); ErrNoTenant for a transaction without a
// tenant.
//
// Notify locks the user's membership row until tx ends (on PostgreSQL;
// SQLite's writers are serialised anyway), so that concurrent
// notifications of one user take distinct numbers.
func (s *NotificationStore) Notify(ctx context.Context, tx *Tx, n Notification) (Notification, bool, error) {
	tenantID := tx.TenantID()
	if tenantID <= 0 {
		return Notification{}, false, ErrNoTenant
	}
	if err := n.validate(); err != nil {
		return Notification{}, false, err
	}
	n.TenantID, n.ID, n.ReadAt = tenantID, 0, nil
	if n.Args == nil {
		n.Args = map[string]string{}
	}
	if n.CreatedAt.IsZero() {
		n.CreatedAt = s.now()
	}
	n.CreatedAt = n.CreatedAt.UTC()

	lock := tx.NewSelect().Model((*Membership)(nil)).Column("id").
		Where("tenant_id = ? AND user_id = ?", tenantID, n.UserID)
	if tx.Dialect() == Postgres {
		lock = lock.For("NO KEY UPDATE")
	}
	var membershipID int64
	if err := lock.Scan(ctx, &membershipID); err != nil {
		return Notification{}, false, translate(err, "notify: member")
	}
	if existing, err := s.byDedupeKey(ctx, tx, n); err == nil {
		return existing, false, nil
	} else if !errors.Is(err, ErrNotFound) {
		return Notification{}, false, err
	}
	var last int64
	if err := tx.NewSelect().Model((*Notification)(nil)).ColumnExpr("coalesce(max(id), 0)").
		Where("tenant_id = ? AND user_id = ?", tenantID, n.UserID).Scan(ctx, &last); err != nil {
		return Notification{}, false, translate(err, "notify: number")
	}
	n.ID = last + 1
	res, err := tx.NewInsert().Model(&n).On("CONFLICT (tenant_id, user_id, dedupe_key) DO NOTHING").Exec(ctx)
	if err != nil {
		return Notification{}, false, translate(err, "notify")
	}
	if rows, err := res.RowsAffected(); err != nil {
		return Notification{}, false, translate(err, "notify")
	} else if rows == 0 {
		existing, err := s.byDedupeKey(ctx, tx, n)
		return existing, false, err
	}
	return n, true, nil
}

func (s *NotificationStore) byDedupeKey(ctx context.Context, tx *Tx, n Notification) (Notification, error) {
	var existing Notification
	err := tx.NewSelect().Model(&existing).
		Where("tenant_id = ? AND user_id = ? AND dedupe_key = ?", n.TenantID, n.UserID, n.DedupeKey).Scan(ctx)
	return existing, translate(err, "notification")
}

// List returns the user's notifications in the region, newest first, at
// most limit of them (DefaultNotificationLimit when limit is 0 or less,
// never more than MaxNotificationLimit).
func (s *NotificationStore) List(ctx context.Context, tenantID, userID int64, limit int) ([]Notification, error) {
	if limit <= 0 {
		limit = DefaultNotificationLimit
	}
	limit = min(limit, MaxNotificationLimit)
	list := []Notification{}
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&list).
			Where("tenant_id = ? AND user_id = ?", tenantID, userID).
			Order("id DESC").Limit(int64(limit)).Scan(ctx), "list notifications")
	})
	return list, err
}

// UnreadCount is how many of the user's notifications in the region are
// unread.
func (s *NotificationStore) UnreadCount(ctx context.Context, tenantID, userID int64) (int, error) {
	var n int64
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		var err error
		n, err = tx.NewSelect().Model((*Notification)(nil)).
			Where("tenant_id = ? AND user_id = ? AND read_at IS NULL", tenantID, userID).Count(ctx)
		return translate(err, "count unread notifications")
	})
	return int(n), err
}

// MarkRead marks the user's notification id read. Marking one already
// read changes nothing and returns nil; an id the user does not have in
// the region is ErrNotFound.
func (s *NotificationStore) MarkRead(ctx context.Context, tenantID, userID, id int64) error {
	return s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		res, err := tx.NewUpdate().Model((*Notification)(nil)).
			Set("read_at = ?", s.now().UTC()).
			Where("tenant_id = ? AND user_id = ? AND id = ? AND read_at IS NULL", tenantID, userID, id).
			Exec(ctx)
		if err != nil {
			return translate(err, "mark notification read")
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return translate(err, "mark notification read")
		}
		return rowOfUser(ctx, tx, tenantID, userID, id)
	})
}

func rowOfUser(ctx context.Context, tx *Tx, tenantID, userID, id int64) error {
	exists, err := tx.NewSelect().Model((*Notification)(nil)).
		Where("tenant_id = ? AND user_id = ? AND id = ?", tenantID, userID, id).Exists(ctx)
	if err != nil {
		return translate(err, "notification")
	}
	if !exists {
		return translate(sql.ErrNoRows, "notification")
	}
	return nil
}

// MarkAllRead marks every unread notification of the user in the region
// read and returns how many it marked.
func (s *NotificationStore) MarkAllRead(ctx context.Context, tenantID, userID int64) (int, error) {
	var marked int64
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		res, err := tx.NewUpdate().Model((*Notification)(nil)).
			Set("read_at = ?", s.now().UTC()).
			Where("tenant_id = ? AND user_id = ? AND read_at IS NULL", tenantID, userID).
			Exec(ctx)
		if err != nil {
			return translate(err, "mark notifications read")
		}
		marked, err = res.RowsAffected()
		return translate(err, "mark notifications read")
	})
	return int(marked), err
}

// NotificationRecipient is where a notification's e-mail goes.
type NotificationRecipient struct {
	Email string
	// Active: neither the user (everywhere) nor their membership (in this
	// region) is disabled. Nobody e-mails an inactive user.
	Active bool
	// Language is the person's own choice of language ("sv" or "en"), or
	// the region's default language when they have not chosen.
	Language string
}

// Recipient returns the e-mail address, state and language for a
// notification of userID, read in tx (the transaction that notifies). It
// returns ErrNotFound when the user is not a member of tx's region.
func (s *NotificationStore) Recipient(ctx context.Context, tx *Tx, userID int64) (NotificationRecipient, error) {
	tenantID := tx.TenantID()
	if tenantID <= 0 {
		return NotificationRecipient{}, ErrNoTenant
	}
	var row struct {
		Email              string     `bun:"email"`
		Language           string     `bun:"language"`
		UserDisabledAt     *time.Time `bun:"user_disabled_at"`
		MembershipDisabled *time.Time `bun:"membership_disabled_at"`
	}
	if err := tx.NewSelect().Model((*Membership)(nil)).
		ColumnExpr("u.email, u.language, u.disabled_at AS user_disabled_at, membership.disabled_at AS membership_disabled_at").
		Join("JOIN users AS u ON u.id = membership.user_id").
		Where("membership.tenant_id = ? AND membership.user_id = ?", tenantID, userID).
		Scan(ctx, &row); err != nil {
		return NotificationRecipient{}, translate(err, "notification recipient")
	}
	var region Tenant
	if err := tx.NewSelect().Model(&region).Where("id = ?", tenantID).Scan(ctx); err != nil {
		return NotificationRecipient{}, translate(err, "region")
	}
	lang := row.Language
	if lang == "" {
		lang = region.Settings.Effective().DefaultLanguage
	}
	return NotificationRecipient{
		Email:    row.Email,
		Active:   row.UserDisabledAt == nil && row.MembershipDisabled == nil,
		Language: lang,
	}, nil
}
