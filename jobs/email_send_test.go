package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/kamrat/kamrat/jobs"
	"github.com/kamrat/kamrat/jobs/jobstest"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

const (
	recipient = "anna.andersson@example.se"
	signInURL = "https://kamrat.example/r/skane/signin/c2luZ2xlLXVzZQ"
)

func signInEmail(subject string) tenants.EmailMessage {
	return tenants.EmailMessage{
		ToAddress: "Anna Andersson <" + recipient + ">",
		Subject:   subject,
		BodyText:  "Hej Anna!\nLogga in med länken: " + signInURL + "\n",
		BodyHTML:  `<p>Hej Anna!</p><p><a href="` + signInURL + `">Logga in</a></p>`,
		Language:  "sv",
	}
}

// emailBundle is one e-mail test's world: a database with a region, an
// SMTP server, and a working River client whose events the test reads.
type emailBundle struct {
	ctx    context.Context
	db     *tenants.DB
	region tenants.Tenant
	outbox *tenants.EmailOutbox
	smtp   *jobstest.SMTPServer
	client *jobs.Client
	events <-chan *river.Event
}

// setupEmail starts the client; withMailer false leaves Deps.Mailer nil.
func setupEmail(t *testing.T, db *tenants.DB, withMailer bool) *emailBundle {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	b := &emailBundle{
		ctx:    ctx,
		db:     db,
		region: tenanttest.Tenant(t, db),
		outbox: tenants.NewEmailOutbox(db),
		smtp:   jobstest.NewSMTPServer(t, jobstest.SMTPOptions{}),
	}
	deps := jobs.Deps{Heartbeats: tenants.NewHeartbeatStore(db), Outbox: b.outbox}
	if withMailer {
		mailer, err := jobs.NewSMTPMailer(jobs.SMTPConfig{
			Host: b.smtp.Host(), Port: b.smtp.Port(), TLS: jobs.SMTPNoTLS,
			From: "Kamrat <noreply@kamrat.example>", Timeout: 5 * time.Second,
		})
		if err != nil {
			t.Fatal(err)
		}
		deps.Mailer = mailer
	}
	client, err := jobs.NewClient(db, deps, jobs.Config{Work: true, PollInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	events, unsubscribe := client.Subscribe()
	t.Cleanup(unsubscribe)
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// Registered after the database's own cleanup, so it runs before it.
	t.Cleanup(func() { jobstest.Stop(t, client) })
	b.client, b.events = client, events
	return b
}

// enqueue runs EnqueueEmail in a region transaction that then commits, or
// rolls back when rollback is set.
func (b *emailBundle) enqueue(t *testing.T, msg tenants.EmailMessage, rollback bool) error {
	t.Helper()
	errRollback := errors.New("the use case fails after enqueueing")
	err := b.db.InTenant(b.ctx, b.region.ID, func(tx *tenants.Tx) error {
		if err := b.client.EnqueueEmail(b.ctx, tx, b.outbox, msg); err != nil {
			return err
		}
		if rollback {
			return errRollback
		}
		return nil
	})
	if errors.Is(err, errRollback) {
		return nil
	}
	return err
}

// waitForEmailJob returns the next event of an email_send job, failing the
// test when it is not of the wanted kind.
func (b *emailBundle) waitForEmailJob(t *testing.T, want river.EventKind) *river.Event {
	t.Helper()
	for {
		select {
		case ev := <-b.events:
			if ev.Job.Kind != (jobs.EmailSendArgs{}).Kind() {
				continue
			}
			if ev.Kind != want {
				t.Fatalf("email_send job: event %s, want %s; job errors: %+v", ev.Kind, want, ev.Job.Errors)
			}
			return ev
		case <-b.ctx.Done():
			t.Fatalf("no email_send %s event: %v", want, b.ctx.Err())
		}
	}
}

// quiet fails the test if an email_send job does anything within d.
func (b *emailBundle) quiet(t *testing.T, d time.Duration) {
	t.Helper()
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case ev := <-b.events:
			if ev.Job.Kind == (jobs.EmailSendArgs{}).Kind() {
				t.Fatalf("unexpected email_send event %s for job %d", ev.Kind, ev.Job.ID)
			}
		case <-timer.C:
			return
		}
	}
}

// storedJob is a row of river_job, its JSON columns as text.
type storedJob struct {
	ID     int64  `bun:"id"`
	State  string `bun:"state"`
	Args   string `bun:"args"`
	Errors string `bun:"errors"`
}

func emailJobs(t *testing.T, ctx context.Context, db *tenants.DB) []storedJob {
	t.Helper()
	query := `SELECT id, state, json(args) AS args, coalesce(json(errors), '[]') AS errors
		FROM river_job WHERE kind = 'email_send' ORDER BY id`
	if db.Dialect() == tenants.Postgres {
		query = `SELECT id, state::text AS state, args::text AS args, coalesce(array_to_json(errors)::text, '[]') AS errors
			FROM river_job WHERE kind = 'email_send' ORDER BY id`
	}
	var rows []storedJob
	if err := db.Bun().NewRaw(query).Scan(ctx, &rows); err != nil {
		t.Fatalf("read river_job: %v", err)
	}
	return rows
}

func outboxMessages(t *testing.T, ctx context.Context, db *tenants.DB, tenantID int64) []tenants.EmailMessage {
	t.Helper()
	var ms []tenants.EmailMessage
	if err := db.InTenant(ctx, tenantID, func(tx *tenants.Tx) error {
		return tx.NewSelect().Model(&ms).Where("tenant_id = ?", tenantID).Order("id").Scan(ctx)
	}); err != nil {
		t.Fatal(err)
	}
	return ms
}

// assertNoPersonalData fails when a job's stored arguments or errors hold
// the address, the subject or anything of the body.
func assertNoPersonalData(t *testing.T, j storedJob) {
	t.Helper()
	for _, secret := range []string{recipient, "Anna", "example.se", "signin", "Logga", "c2luZ2xlLXVzZQ"} {
		if strings.Contains(j.Args, secret) || strings.Contains(j.Errors, secret) {
			t.Errorf("river_job %d holds %q:\nargs %s\nerrors %s", j.ID, secret, j.Args, j.Errors)
		}
	}
}

// TestEmailSendDeliversOnce: a committed e-mail is delivered exactly once
// with the right recipient, subject and both parts; its bodies are then
// erased; the job carries ids only; and running the job again sends
// nothing more.
func TestEmailSendDeliversOnce(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		b := setupEmail(t, db, true)
		want := signInEmail("Logga in på Kamrat")
		if err := b.enqueue(t, want, false); err != nil {
			t.Fatal(err)
		}
		b.waitForEmailJob(t, river.EventKindJobCompleted)

		got := b.smtp.Messages()
		if len(got) != 1 {
			t.Fatalf("SMTP server received %d messages, want 1", len(got))
		}
		if len(got[0].To) != 1 || got[0].To[0] != recipient {
			t.Errorf("envelope recipients %q, want %s", got[0].To, recipient)
		}
		p, err := got[0].Parse()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(p.Header.Get("To"), "<"+recipient+">") || p.Subject != want.Subject {
			t.Errorf("To %q, subject %q; want %s, %q", p.Header.Get("To"), p.Subject, recipient, want.Subject)
		}
		if normalizeNewlines(p.Text) != want.BodyText || p.HTML != want.BodyHTML {
			t.Errorf("parts:\ntext %q\nhtml %q\nwant\ntext %q\nhtml %q", p.Text, p.HTML, want.BodyText, want.BodyHTML)
		}

		ms := outboxMessages(t, b.ctx, db, b.region.ID)
		if len(ms) != 1 {
			t.Fatalf("outbox holds %d messages, want 1", len(ms))
		}
		m := ms[0]
		if !m.Sent() || m.BodyText != "" || m.BodyHTML != "" || m.Attempts != 1 || m.LastError != "" {
			t.Fatalf("after sending: %+v, want sent, bodies erased, 1 attempt, no error", m)
		}

		js := emailJobs(t, b.ctx, db)
		if len(js) != 1 || js[0].State != "completed" {
			t.Fatalf("email jobs %+v, want one completed", js)
		}
		var args map[string]any
		if err := json.Unmarshal([]byte(js[0].Args), &args); err != nil {
			t.Fatalf("job args %q: %v", js[0].Args, err)
		}
		if len(args) != 2 || args["tenant_id"] != float64(b.region.ID) || args["message_id"] != float64(m.ID) {
			t.Errorf("job args %s, want only tenant_id %d and message_id %d", js[0].Args, b.region.ID, m.ID)
		}
		assertNoPersonalData(t, js[0])

		// River runs the job a second time (a retry after a lost ack, say).
		if err := db.InTenant(b.ctx, b.region.ID, func(tx *tenants.Tx) error {
			_, err := b.client.InsertTx(b.ctx, tx, jobs.EmailSendArgs{TenantID: b.region.ID, MessageID: m.ID}, nil)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		b.waitForEmailJob(t, river.EventKindJobCompleted)
		if n := len(b.smtp.Messages()); n != 1 {
			t.Fatalf("after the job ran again the server has %d messages, want still 1", n)
		}
		if again := outboxMessages(t, b.ctx, db, b.region.ID)[0]; !again.SentAt.Equal(m.SentAt) || again.Attempts != 1 {
			t.Fatalf("second run changed the message: %+v", again)
		}
	})
}

// TestEmailSendRolledBackSendsNothing: an e-mail enqueued in a transaction
// that rolls back leaves no message and no job, and is never sent; one
// committed beside it is.
func TestEmailSendRolledBackSendsNothing(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		b := setupEmail(t, db, true)
		if err := b.enqueue(t, signInEmail("rolled back"), true); err != nil {
			t.Fatal(err)
		}
		if err := b.enqueue(t, signInEmail("committed"), false); err != nil {
			t.Fatal(err)
		}
		b.waitForEmailJob(t, river.EventKindJobCompleted)
		b.quiet(t, 700*time.Millisecond) // time for a wrongly surviving job to run

		got := b.smtp.Messages()
		if len(got) != 1 {
			t.Fatalf("SMTP server received %d messages, want 1", len(got))
		}
		if p, err := got[0].Parse(); err != nil || p.Subject != "committed" {
			t.Fatalf("received %q (%v), want the committed message", p.Subject, err)
		}
		if ms := outboxMessages(t, b.ctx, db, b.region.ID); len(ms) != 1 || ms[0].Subject != "committed" {
			t.Fatalf("outbox %+v, want only the committed message", ms)
		}
		if js := emailJobs(t, b.ctx, db); len(js) != 1 {
			t.Fatalf("email jobs %+v, want 1", js)
		}
	})
}

// TestEmailSendRetriesTemporaryFailure: a 451 from the server fails the
// attempt, which is recorded on the message (not in River, which gets no
// address); River retries and the message is delivered exactly once.
func TestEmailSendRetriesTemporaryFailure(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		b := setupEmail(t, db, true)
		b.smtp.RejectRcpt(1, 451, "greylisted, try again later")
		if err := b.enqueue(t, signInEmail("Logga in på Kamrat"), false); err != nil {
			t.Fatal(err)
		}

		b.waitForEmailJob(t, river.EventKindJobFailed)
		m := outboxMessages(t, b.ctx, db, b.region.ID)[0]
		if m.Sent() || m.Attempts != 1 || !strings.Contains(m.LastError, "451") || m.BodyText == "" {
			t.Fatalf("after the refused attempt: %+v, want unsent, 1 attempt, the 451 recorded, body kept", m)
		}
		js := emailJobs(t, b.ctx, db)
		if len(js) != 1 || !strings.Contains(js[0].Errors, "451") {
			t.Fatalf("email jobs %+v, want one with the 451 in its errors", js)
		}
		assertNoPersonalData(t, js[0])
		if n := len(b.smtp.Messages()); n != 0 {
			t.Fatalf("server kept %d messages from a refused attempt", n)
		}

		b.waitForEmailJob(t, river.EventKindJobCompleted)
		if n := len(b.smtp.Messages()); n != 1 {
			t.Fatalf("after the retry the server has %d messages, want 1", n)
		}
		m = outboxMessages(t, b.ctx, db, b.region.ID)[0]
		if !m.Sent() || m.Attempts != 2 || m.BodyText != "" || m.BodyHTML != "" || !strings.Contains(m.LastError, "451") {
			t.Fatalf("after the retry: %+v, want sent after 2 attempts, bodies erased, the earlier error kept", m)
		}
		b.quiet(t, 500*time.Millisecond)
		if n := len(b.smtp.Messages()); n != 1 {
			t.Fatalf("server has %d messages, want exactly 1", n)
		}
	})
}

// TestEmailSendRecipientRefusedCancels: a permanent refusal of the address
// (550 at RCPT TO) is recorded and ends the job without retries.
func TestEmailSendRecipientRefusedCancels(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		b := setupEmail(t, db, true)
		b.smtp.RejectRcpt(-1, 550, "no such user here")
		if err := b.enqueue(t, signInEmail("Logga in på Kamrat"), false); err != nil {
			t.Fatal(err)
		}
		b.waitForEmailJob(t, river.EventKindJobCancelled)
		b.quiet(t, 1500*time.Millisecond) // a retry would come after about a second

		if n := b.smtp.Rejected(); n != 1 {
			t.Errorf("server refused %d times, want 1 (no retries)", n)
		}
		m := outboxMessages(t, b.ctx, db, b.region.ID)[0]
		if m.Sent() || m.Attempts != 1 || !strings.Contains(m.LastError, "550") {
			t.Fatalf("message %+v, want unsent with 1 attempt and the 550 recorded", m)
		}
		js := emailJobs(t, b.ctx, db)
		if len(js) != 1 || js[0].State != "cancelled" {
			t.Fatalf("email jobs %+v, want one cancelled", js)
		}
		assertNoPersonalData(t, js[0])
	})
}

// TestEmailSendWithoutMailer: a worker without SMTP settings does not
// pretend: the attempt fails, the reason is recorded, the message stays
// unsent with its body, and River will retry it.
func TestEmailSendWithoutMailer(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		b := setupEmail(t, db, false)
		if err := b.enqueue(t, signInEmail("Logga in på Kamrat"), false); err != nil {
			t.Fatal(err)
		}
		b.waitForEmailJob(t, river.EventKindJobFailed)
		m := outboxMessages(t, b.ctx, db, b.region.ID)[0]
		if m.Sent() || m.Attempts != 1 || !strings.Contains(m.LastError, "no SMTP server configured") || m.BodyText == "" {
			t.Fatalf("message %+v, want unsent, 1 attempt, the missing mailer recorded, body kept", m)
		}
		js := emailJobs(t, b.ctx, db)
		if len(js) != 1 || (js[0].State != "retryable" && js[0].State != "available") ||
			!strings.Contains(js[0].Errors, "no SMTP server configured") {
			t.Fatalf("email jobs %+v, want one waiting to be retried with the reason", js)
		}
	})
}

// TestEnqueueEmailRefusesInvalidAddress: a bad address is refused with a
// ValidationError, and neither a message nor a job is stored even though
// the caller commits.
func TestEnqueueEmailRefusesInvalidAddress(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		region := tenanttest.Tenant(t, db)
		outbox := tenants.NewEmailOutbox(db)
		client, err := jobs.NewClient(db, jobs.Deps{Outbox: outbox}, jobs.Config{})
		if err != nil {
			t.Fatal(err)
		}
		msg := signInEmail("Logga in på Kamrat")
		msg.ToAddress = "anna.andersson at example.se"
		var enqueueErr error
		if err := db.InTenant(ctx, region.ID, func(tx *tenants.Tx) error {
			enqueueErr = client.EnqueueEmail(ctx, tx, outbox, msg)
			return nil // the caller ignores the error and commits
		}); err != nil {
			t.Fatal(err)
		}
		var verr *tenants.ValidationError
		if !errors.As(enqueueErr, &verr) || len(verr.Fields) != 1 || verr.Fields[0].Field != "to_address" {
			t.Fatalf("err = %v, want a ValidationError on to_address", enqueueErr)
		}
		if ms := outboxMessages(t, ctx, db, region.ID); len(ms) != 0 {
			t.Fatalf("outbox holds %+v, want nothing", ms)
		}
		if js := emailJobs(t, ctx, db); len(js) != 0 {
			t.Fatalf("email jobs %+v, want none", js)
		}
	})
}
