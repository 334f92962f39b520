package tenants

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"
)

// Audit outcomes.
const (
	OutcomeOK     = "ok"
	OutcomeDenied = "denied"
	OutcomeFailed = "failed"
)

// AuditEntry is one line of the append-only audit log: who (user, role,
// unit or organisation) did what (action) to which object, about which
// subject (a participant's pseudonym), when, and with what outcome.
type AuditEntry struct {
	bun.BaseModel `bun:"table:audit_log"`

	ID             int64     `bun:"id,pk,autoincrement"`
	TenantID       int64     `bun:"tenant_id,notnull"`
	At             time.Time `bun:"at,notnull"`
	UserID         *int64    `bun:"user_id"`
	UserLabel      string    `bun:"user_label,notnull"`
	Role           string    `bun:"role,notnull"`
	UnitID         *int64    `bun:"unit_id"`
	OrganisationID *int64    `bun:"organisation_id"`
	Action         string    `bun:"action,notnull"`
	ObjectType     string    `bun:"object_type,notnull"`
	ObjectID       string    `bun:"object_id,notnull"`
	Subject        string    `bun:"subject,notnull"`
	Outcome        string    `bun:"outcome,notnull"`
	Reason         string    `bun:"reason,notnull"`
	RequestID      string    `bun:"request_id,notnull"`
}

// AuditCheck records a regional administrator's sample check of the log
// (logguppföljning): who checked which period and scope, and the conclusion.
type AuditCheck struct {
	bun.BaseModel `bun:"table:audit_checks"`

	ID         int64     `bun:"id,pk,autoincrement"`
	TenantID   int64     `bun:"tenant_id,notnull"`
	CheckedBy  int64     `bun:"checked_by,notnull"`
	CheckedAt  time.Time `bun:"checked_at,notnull"`
	PeriodFrom time.Time `bun:"period_from,notnull"`
	PeriodTo   time.Time `bun:"period_to,notnull"`
	Scope      string    `bun:"scope,notnull"`
	Conclusion string    `bun:"conclusion,notnull"`
}

// AuditRetention is how long audit entries are kept at least.
const AuditRetention = 5 * 365 * 24 * time.Hour

// AuditLog writes and searches the audit log.
type AuditLog struct {
	db  *DB
	now func() time.Time
}

// NewAuditLog returns an AuditLog on db.
func NewAuditLog(db *DB) *AuditLog { return &AuditLog{db: db, now: time.Now} }

// Record appends an entry in its own transaction, so that a denial or a
// failed sign-in is logged even though the request's work is not done.
func (a *AuditLog) Record(ctx context.Context, e AuditEntry) error {
	return a.db.InTenant(ctx, e.TenantID, func(tx *Tx) error { return a.RecordTx(ctx, tx, e) })
}

// RecordTx appends an entry in the caller's transaction, so that an access
// and its log line commit together.
func (a *AuditLog) RecordTx(ctx context.Context, tx *Tx, e AuditEntry) error {
	e.ID, e.TenantID = 0, tx.TenantID()
	if e.At.IsZero() {
		e.At = a.now().UTC()
	}
	e.Reason = truncate(e.Reason, 500)
	_, err := tx.NewInsert().Model(&e).Exec(ctx)
	return translate(err, "audit")
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// AuditFilter narrows a search; zero fields match everything.
type AuditFilter struct {
	From, To time.Time
	UserID   int64
	Action   string // prefix, e.g. "signin"
	Outcome  string
	Subject  string
	Limit    int
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// Search returns the region's entries matching f, newest first (at most
// f.Limit, default 200).
func (a *AuditLog) Search(ctx context.Context, tenantID int64, f AuditFilter) ([]AuditEntry, error) {
	var list []AuditEntry
	err := a.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		q := tx.NewSelect().Model(&list).Where("tenant_id = ?", tenantID)
		if !f.From.IsZero() {
			q = q.Where("at >= ?", f.From.UTC())
		}
		if !f.To.IsZero() {
			q = q.Where("at < ?", f.To.UTC())
		}
		if f.UserID != 0 {
			q = q.Where("user_id = ?", f.UserID)
		}
		if f.Action != "" {
			// The prefix is matched literally: LIKE's wildcards in it
			// (action names have underscores) are escaped.
			q = q.Where(`action LIKE ? ESCAPE '\'`, likeEscaper.Replace(f.Action)+"%")
		}
		if f.Outcome != "" {
			q = q.Where("outcome = ?", f.Outcome)
		}
		if f.Subject != "" {
			// A participant ("participant CODE") is also found in the
			// lists that showed them ("participants CODE1 CODE2 …"), so that
			// a log extract for one person is whole.
			if code, ok := strings.CutPrefix(f.Subject, "participant "); ok && code != "" && !strings.ContainsAny(code, " ") {
				q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
					return q.Where("subject = ?", f.Subject).
						WhereOr(`subject LIKE 'participants %' AND ' ' || subject || ' ' LIKE ? ESCAPE '\'`, "% "+likeEscaper.Replace(code)+" %")
				})
			} else {
				q = q.Where("subject = ?", f.Subject)
			}
		}
		limit := f.Limit
		if limit <= 0 || limit > 1000 {
			limit = 200
		}
		return translate(q.Order("at DESC", "id DESC").Limit(int64(limit)).Scan(ctx), "search audit log")
	})
	return list, err
}

// RecordCheck stores a sample check. It returns a *ValidationError for an
// empty conclusion or a period that ends before it starts.
func (a *AuditLog) RecordCheck(ctx context.Context, tenantID int64, c AuditCheck) (AuditCheck, error) {
	var v ValidationError
	c.Conclusion = strings.TrimSpace(c.Conclusion)
	c.Scope = strings.TrimSpace(c.Scope)
	if c.Conclusion == "" {
		v.add("conclusion", "validation.required", nil)
	}
	if c.Scope == "" {
		v.add("scope", "validation.required", nil)
	}
	if c.PeriodFrom.IsZero() || c.PeriodTo.IsZero() || !c.PeriodTo.After(c.PeriodFrom) {
		v.add("period_to", "validation.period", nil)
	}
	if err := v.err(); err != nil {
		return AuditCheck{}, err
	}
	c.ID, c.TenantID, c.CheckedAt = 0, tenantID, a.now().UTC()
	err := a.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		_, err := tx.NewInsert().Model(&c).Returning("id").Exec(ctx)
		return translate(err, "record check")
	})
	return c, err
}

// Checks lists the region's sample checks, newest first.
func (a *AuditLog) Checks(ctx context.Context, tenantID int64) ([]AuditCheck, error) {
	var list []AuditCheck
	err := a.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&list).Where("tenant_id = ?", tenantID).Order("checked_at DESC").Scan(ctx), "list checks")
	})
	return list, err
}
