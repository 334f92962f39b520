package tenants_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

func signInMessage(to string) tenants.EmailMessage {
	return tenants.EmailMessage{
		ToAddress: to,
		Subject:   "Logga in på Kamrat",
		BodyText:  "Öppna länken: https://kamrat.example/r/x/signin/abc123",
		BodyHTML:  `<p><a href="https://kamrat.example/r/x/signin/abc123">Logga in</a></p>`,
		Language:  "sv",
	}
}

func enqueue(t *testing.T, db *tenants.DB, outbox *tenants.EmailOutbox, tenantID int64, msg tenants.EmailMessage) tenants.EmailMessage {
	t.Helper()
	var stored tenants.EmailMessage
	err := db.InTenant(context.Background(), tenantID, func(tx *tenants.Tx) error {
		var err error
		stored, err = outbox.Enqueue(context.Background(), tx, msg)
		return err
	})
	if err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return stored
}

// TestEmailOutboxLifecycle: a message is stored in its region only, failures
// are counted, and marking it sent erases the bodies once — on both
// databases.
func TestEmailOutboxLifecycle(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		a, b := tenanttest.Tenant(t, db), tenanttest.Tenant(t, db)
		outbox := tenants.NewEmailOutbox(db)
		want := signInMessage("Anna Åberg <anna@example.se>")
		stored := enqueue(t, db, outbox, a.ID, want)
		if stored.ID == 0 || stored.TenantID != a.ID || stored.CreatedAt.IsZero() || stored.Sent() || stored.Attempts != 0 {
			t.Fatalf("enqueued %+v", stored)
		}

		got, err := outbox.Message(ctx, a.ID, stored.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ToAddress != want.ToAddress || got.Subject != want.Subject || got.BodyText != want.BodyText ||
			got.BodyHTML != want.BodyHTML || got.Language != "sv" || got.Sent() || got.LastError != "" {
			t.Fatalf("read back %+v, want the fields of %+v", got, want)
		}

		// Another region sees nothing and changes nothing.
		if _, err := outbox.Message(ctx, b.ID, stored.ID); !errors.Is(err, tenants.ErrNotFound) {
			t.Errorf("other region reads the message: err = %v, want ErrNotFound", err)
		}
		if err := outbox.RecordFailure(ctx, b.ID, stored.ID, "x"); !errors.Is(err, tenants.ErrNotFound) {
			t.Errorf("other region records a failure: err = %v, want ErrNotFound", err)
		}
		if err := outbox.MarkSent(ctx, b.ID, stored.ID, time.Now()); !errors.Is(err, tenants.ErrNotFound) {
			t.Errorf("other region marks it sent: err = %v, want ErrNotFound", err)
		}
		if err := outbox.MarkSent(ctx, a.ID, stored.ID+1000, time.Now()); !errors.Is(err, tenants.ErrNotFound) {
			t.Errorf("marking a missing message: err = %v, want ErrNotFound", err)
		}
		if got, _ := outbox.Message(ctx, a.ID, stored.ID); got.Attempts != 0 || got.Sent() || got.BodyText == "" {
			t.Fatalf("after the other region's attempts: %+v, want it untouched", got)
		}

		if err := outbox.RecordFailure(ctx, a.ID, stored.ID, "451 4.3.0 try again later"); err != nil {
			t.Fatal(err)
		}
		got, _ = outbox.Message(ctx, a.ID, stored.ID)
		if got.Attempts != 1 || got.LastError != "451 4.3.0 try again later" || got.Sent() || got.BodyText != want.BodyText {
			t.Fatalf("after a failure: %+v", got)
		}

		sentAt := time.Date(2026, 3, 4, 10, 11, 12, 0, time.UTC)
		if err := outbox.MarkSent(ctx, a.ID, stored.ID, sentAt); err != nil {
			t.Fatal(err)
		}
		got, _ = outbox.Message(ctx, a.ID, stored.ID)
		if !got.SentAt.Equal(sentAt) || got.BodyText != "" || got.BodyHTML != "" || got.Attempts != 2 {
			t.Fatalf("after sending: %+v, want sent at %v with the bodies erased and 2 attempts", got, sentAt)
		}
		if got.LastError == "" || got.ToAddress != want.ToAddress || got.Subject != want.Subject {
			t.Fatalf("after sending: %+v, want address, subject and last error kept", got)
		}

		// A repeated job marks it again: nothing changes.
		if err := outbox.MarkSent(ctx, a.ID, stored.ID, sentAt.Add(time.Hour)); err != nil {
			t.Fatalf("second MarkSent: %v", err)
		}
		again, _ := outbox.Message(ctx, a.ID, stored.ID)
		if !again.SentAt.Equal(sentAt) || again.Attempts != 2 {
			t.Fatalf("second MarkSent changed the row: %+v", again)
		}
	})
}

// TestEmailOutboxRecordFailureBoundsText: an enormous error text is cut,
// not refused.
func TestEmailOutboxRecordFailureBoundsText(t *testing.T) {
	t.Parallel()
	db := tenanttest.Open(t, tenants.SQLite)
	region := tenanttest.Tenant(t, db)
	outbox := tenants.NewEmailOutbox(db)
	stored := enqueue(t, db, outbox, region.ID, signInMessage("anna@example.se"))
	if err := outbox.RecordFailure(context.Background(), region.ID, stored.ID, strings.Repeat("å", 10000)); err != nil {
		t.Fatal(err)
	}
	got, _ := outbox.Message(context.Background(), region.ID, stored.ID)
	if n := len([]rune(got.LastError)); n == 0 || n > 2000 {
		t.Fatalf("last error has %d runes, want 1–2000", n)
	}
}

// TestEmailOutboxEnqueueRefusesBadInput: each bad message is refused with a
// ValidationError naming the field, and nothing is stored even though the
// transaction commits.
func TestEmailOutboxEnqueueRefusesBadInput(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*tenants.EmailMessage)
		field string
		key   string
	}{
		{"no address", func(m *tenants.EmailMessage) { m.ToAddress = " " }, "to_address", "validation.required"},
		{"not an address", func(m *tenants.EmailMessage) { m.ToAddress = "anna.example.se" }, "to_address", "validation.email"},
		{"two addresses", func(m *tenants.EmailMessage) { m.ToAddress = "anna@example.se, eve@example.org" }, "to_address", "validation.email"},
		{"header injection", func(m *tenants.EmailMessage) { m.ToAddress = "anna@example.se\r\nBcc: eve@example.org" }, "to_address", "validation.email"},
		{"no subject", func(m *tenants.EmailMessage) { m.Subject = "" }, "subject", "validation.required"},
		{"subject with a line break", func(m *tenants.EmailMessage) { m.Subject = "Hej\r\nBcc: eve@example.org" }, "subject", "validation.single_line"},
		{"no text body", func(m *tenants.EmailMessage) { m.BodyText = "  " }, "body_text", "validation.required"},
		{"unknown language", func(m *tenants.EmailMessage) { m.Language = "de" }, "language", "validation.language"},
	}
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		region := tenanttest.Tenant(t, db)
		outbox := tenants.NewEmailOutbox(db)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				msg := signInMessage("anna@example.se")
				c.edit(&msg)
				var enqueueErr error
				// The caller ignores the error and commits: still nothing.
				if err := db.InTenant(ctx, region.ID, func(tx *tenants.Tx) error {
					_, enqueueErr = outbox.Enqueue(ctx, tx, msg)
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				var verr *tenants.ValidationError
				if !errors.As(enqueueErr, &verr) {
					t.Fatalf("err = %v, want a *ValidationError", enqueueErr)
				}
				if len(verr.Fields) != 1 || verr.Fields[0].Field != c.field || verr.Fields[0].Key != c.key {
					t.Fatalf("fields %+v, want only %s: %s", verr.Fields, c.field, c.key)
				}
			})
		}
		var n int
		if err := db.InTenant(ctx, region.ID, func(tx *tenants.Tx) error {
			return tx.NewRaw("SELECT count(*) FROM email_outbox").Scan(ctx, &n)
		}); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("%d messages stored after refused input, want 0", n)
		}
		if err := db.InPlatform(ctx, func(tx *tenants.Tx) error {
			_, err := outbox.Enqueue(ctx, tx, signInMessage("anna@example.se"))
			return err
		}); !errors.Is(err, tenants.ErrNoTenant) {
			t.Fatalf("enqueue without a tenant: err = %v, want ErrNoTenant", err)
		}
	})
}

// TestEmailOutboxEnqueueRollsBack: a message enqueued in a transaction that
// rolls back does not exist.
func TestEmailOutboxEnqueueRollsBack(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		region := tenanttest.Tenant(t, db)
		outbox := tenants.NewEmailOutbox(db)
		var stored tenants.EmailMessage
		err := db.InTenant(ctx, region.ID, func(tx *tenants.Tx) error {
			var err error
			if stored, err = outbox.Enqueue(ctx, tx, signInMessage("anna@example.se")); err != nil {
				return err
			}
			return errors.New("the use case fails after enqueueing")
		})
		if err == nil || stored.ID == 0 {
			t.Fatalf("err = %v, id %d: want the use case's error after a successful enqueue", err, stored.ID)
		}
		if _, err := outbox.Message(ctx, region.ID, stored.ID); !errors.Is(err, tenants.ErrNotFound) {
			t.Fatalf("rolled-back message: err = %v, want ErrNotFound", err)
		}
	})
}
