package tenants

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
)

// EmailMessage is one e-mail a region sends, kept in the outbox until a
// worker has sent it. The bodies are erased once it is sent, because they
// may hold single-use sign-in links; the row itself remains as a record of
// what was sent to whom and when.
type EmailMessage struct {
	bun.BaseModel `bun:"table:email_outbox"`

	ID       int64 `bun:"id,pk,autoincrement"`
	TenantID int64 `bun:"tenant_id,notnull"`
	// ToAddress is one RFC 5322 address, with or without a display name.
	ToAddress string `bun:"to_address,notnull"`
	Subject   string `bun:"subject,notnull"`
	// BodyText is the plain-text part, always present until sent.
	BodyText string `bun:"body_text,nullzero"`
	// BodyHTML is an optional HTML alternative to BodyText.
	BodyHTML string `bun:"body_html,nullzero"`
	// Language is the message's language: "sv" or "en".
	Language  string    `bun:"language,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull"`
	// SentAt is zero until the message has been handed to the SMTP server.
	SentAt time.Time `bun:"sent_at,nullzero"`
	// Attempts counts send attempts, failed and successful.
	Attempts int `bun:"attempts,notnull"`
	// LastError is the most recent failure, kept after a later success.
	LastError string `bun:"last_error,nullzero"`
}

// Sent reports whether the message has been sent.
func (m *EmailMessage) Sent() bool { return !m.SentAt.IsZero() }

// Limits on an e-mail's fields.
const (
	maxEmailSubject   = 250
	maxEmailAddress   = 320
	maxEmailLastError = 2000
)

// Validate reports every problem with the message's fields as a
// *ValidationError, or nil.
func (m *EmailMessage) Validate() error {
	var v ValidationError
	to := strings.TrimSpace(m.ToAddress)
	switch {
	case to == "":
		v.add("to_address", "validation.required", nil)
	case len(to) > maxEmailAddress || strings.ContainsAny(to, "\r\n\x00"):
		v.add("to_address", "validation.email", nil)
	default:
		// ParseAddress accepts exactly one address, so a list cannot
		// smuggle in extra recipients.
		if _, err := mail.ParseAddress(to); err != nil {
			v.add("to_address", "validation.email", nil)
		}
	}
	subject := strings.TrimSpace(m.Subject)
	switch {
	case subject == "":
		v.add("subject", "validation.required", nil)
	case strings.ContainsAny(subject, "\r\n\x00"):
		// A line break in a header would start a new header.
		v.add("subject", "validation.single_line", nil)
	case utf8.RuneCountInString(subject) > maxEmailSubject:
		v.add("subject", "validation.too_long", map[string]any{"Max": maxEmailSubject})
	}
	if strings.TrimSpace(m.BodyText) == "" {
		v.add("body_text", "validation.required", nil)
	}
	if strings.ContainsRune(m.BodyText, 0) || strings.ContainsRune(m.BodyHTML, 0) {
		v.add("body_text", "validation.invalid", nil)
	}
	if m.Language != "sv" && m.Language != "en" {
		v.add("language", "validation.language", nil)
	}
	return v.err()
}

// EmailOutbox keeps the e-mail a region has yet to send, or has sent.
// Messages enter it in the caller's transaction (Enqueue), together with
// the job that sends them; the sender reads and updates them afterwards.
type EmailOutbox struct {
	db  *DB
	now func() time.Time
}

// NewEmailOutbox returns an EmailOutbox on db.
func NewEmailOutbox(db *DB) *EmailOutbox {
	return &EmailOutbox{db: db, now: time.Now}
}

// Enqueue adds msg to the outbox in tx, in tx's tenant: it exists only if tx
// commits. The caller inserts the job that sends it in the same transaction
// (jobs.Client.EnqueueEmail does both). ID, TenantID, CreatedAt and the
// delivery fields are set here; whatever msg carried in them is ignored.
//
// It returns a *ValidationError for a bad address, an empty subject or text
// body, or a language other than "sv" and "en" (nothing is written), and
// ErrNoTenant when tx has no tenant.
func (o *EmailOutbox) Enqueue(ctx context.Context, tx *Tx, msg EmailMessage) (EmailMessage, error) {
	if tx.TenantID() <= 0 {
		return EmailMessage{}, ErrNoTenant
	}
	msg.ToAddress = strings.TrimSpace(msg.ToAddress)
	msg.Subject = strings.TrimSpace(msg.Subject)
	if err := msg.Validate(); err != nil {
		return EmailMessage{}, err
	}
	msg.ID, msg.TenantID, msg.CreatedAt = 0, tx.TenantID(), o.now().UTC()
	msg.SentAt, msg.Attempts, msg.LastError = time.Time{}, 0, ""
	if _, err := tx.NewInsert().Model(&msg).Returning("id").Exec(ctx); err != nil {
		return EmailMessage{}, translate(err, "enqueue e-mail")
	}
	return msg, nil
}

// Message returns one message of the region, or ErrNotFound (also when the
// id belongs to another region).
func (o *EmailOutbox) Message(ctx context.Context, tenantID, id int64) (EmailMessage, error) {
	var m EmailMessage
	err := o.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&m).
			Where("tenant_id = ? AND id = ?", tenantID, id).Scan(ctx), "e-mail message")
	})
	return m, err
}

// MarkSent records that the message was sent at at, counts the attempt and
// erases both bodies. Marking a message that is already sent changes
// nothing and returns nil, so a repeated job is harmless. It returns
// ErrNotFound when the region has no such message.
func (o *EmailOutbox) MarkSent(ctx context.Context, tenantID, id int64, at time.Time) error {
	return o.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		res, err := tx.NewUpdate().Model((*EmailMessage)(nil)).
			Set("sent_at = ?", at.UTC()).
			Set("body_text = NULL").
			Set("body_html = NULL").
			Set("attempts = attempts + 1").
			Where("tenant_id = ? AND id = ? AND sent_at IS NULL", tenantID, id).
			Exec(ctx)
		if err != nil {
			return translate(err, "mark e-mail sent")
		}
		n, err := res.RowsAffected()
		if err != nil {
			return translate(err, "mark e-mail sent")
		}
		if n == 1 {
			return nil
		}
		// Nothing changed: either sent before, which is fine, or absent.
		exists, err := tx.NewSelect().Model((*EmailMessage)(nil)).
			Where("tenant_id = ? AND id = ?", tenantID, id).Exists(ctx)
		if err != nil {
			return translate(err, "mark e-mail sent")
		}
		if !exists {
			return fmt.Errorf("mark e-mail sent: %w", ErrNotFound)
		}
		return nil
	})
}

// RecordFailure counts a failed send attempt and keeps errText (cut to a
// bounded length) as the message's last error. It returns ErrNotFound when
// the region has no such message.
func (o *EmailOutbox) RecordFailure(ctx context.Context, tenantID, id int64, errText string) error {
	errText = truncateRunes(strings.TrimSpace(strings.ToValidUTF8(strings.ReplaceAll(errText, "\x00", ""), "?")), maxEmailLastError)
	if errText == "" {
		errText = "unknown error"
	}
	return o.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		res, err := tx.NewUpdate().Model((*EmailMessage)(nil)).
			Set("attempts = attempts + 1").
			Set("last_error = ?", errText).
			Where("tenant_id = ? AND id = ?", tenantID, id).
			Exec(ctx)
		if err != nil {
			return translate(err, "record e-mail failure")
		}
		return requireRows(res, "record e-mail failure")
	})
}

// truncateRunes cuts s to at most limit runes.
func truncateRunes(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	return string([]rune(s)[:limit-1]) + "…"
}
