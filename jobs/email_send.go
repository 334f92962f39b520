package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/kamrat/kamrat/tenants"
)

// EmailSendMaxAttempts is how often a message is tried before River gives
// up; with River's default backoff (attempt⁴ seconds) eight attempts span
// about 80 minutes.
const EmailSendMaxAttempts = 8

// EmailSendArgs sends one message from the e-mail outbox. It carries ids
// only: the worker loads the address and the bodies under the tenant.
type EmailSendArgs struct {
	TenantID  int64 `json:"tenant_id"`
	MessageID int64 `json:"message_id"`
}

func (EmailSendArgs) Kind() string { return "email_send" }

func (EmailSendArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: EmailSendMaxAttempts}
}

// EnqueueEmail puts msg into outbox and the job that sends it into tx, the
// caller's transaction, in tx's tenant: the e-mail goes out only if tx
// commits, and never inside the request itself.
//
// It returns a *tenants.ValidationError for a bad message (nothing is
// inserted) and tenants.ErrNoTenant for a transaction without a tenant.
func (c *Client) EnqueueEmail(ctx context.Context, tx *tenants.Tx, outbox *tenants.EmailOutbox, msg tenants.EmailMessage) error {
	stored, err := outbox.Enqueue(ctx, tx, msg)
	if err != nil {
		return err
	}
	if _, err := c.InsertTx(ctx, tx, EmailSendArgs{TenantID: stored.TenantID, MessageID: stored.ID}, nil); err != nil {
		return fmt.Errorf("enqueue e-mail job: %w", err)
	}
	return nil
}

// errNoMailer is the failure when the worker process has no SMTP settings.
var errNoMailer = errors.New("no SMTP server configured for this worker (jobs.Deps.Mailer is nil)")

// EmailSendWorker sends a message from the outbox, marks it sent and erases
// its bodies.
//
// It is idempotent: a message already marked sent is not sent again. The
// one gap every outbox has remains: if the database fails between the SMTP
// server's acceptance and MarkSent, the next run sends a second copy.
//
// A failed attempt is recorded on the message (attempts, last_error) and
// returned to River, which retries with backoff up to EmailSendMaxAttempts.
// The error River stores names the failure's kind but not the server's text,
// which may repeat the address; the full text is in email_outbox.last_error,
// under the tenant. A permanently refused recipient cancels the job instead,
// since sending again cannot help.
//
// Without a Mailer (a worker started without SMTP settings) the job fails
// and is retried like any other failure rather than cancelled: nothing is
// pretended sent, the reason is recorded on the message, and a correctly
// configured worker delivers it within the retry window.
type EmailSendWorker struct {
	river.WorkerDefaults[EmailSendArgs]
	deps *Deps
}

func (w *EmailSendWorker) Work(ctx context.Context, job *river.Job[EmailSendArgs]) error {
	tenantID, id := job.Args.TenantID, job.Args.MessageID
	outbox := w.deps.Outbox
	if outbox == nil {
		return errors.New("jobs: e-mail worker has no outbox (jobs.Deps.Outbox is nil)")
	}
	msg, err := outbox.Message(ctx, tenantID, id)
	if errors.Is(err, tenants.ErrNotFound) {
		return river.JobCancel(fmt.Errorf("e-mail message %d of tenant %d does not exist", id, tenantID))
	}
	if err != nil {
		return fmt.Errorf("load e-mail message %d of tenant %d: %w", id, tenantID, err)
	}
	if msg.Sent() {
		return nil // an earlier run sent it
	}

	sendErr := errNoMailer
	if w.deps.Mailer != nil {
		sendErr = w.deps.Mailer.Send(ctx, msg.ToAddress, msg.Subject, msg.BodyText, msg.BodyHTML)
	}

	// Bookkeeping after the attempt must happen even when the job's
	// context has just run out, or a sent message would be sent again.
	bookCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if sendErr == nil {
		if err := outbox.MarkSent(bookCtx, tenantID, id, time.Now()); err != nil {
			return fmt.Errorf("e-mail message %d of tenant %d was sent but not marked sent: %w", id, tenantID, err)
		}
		return nil
	}

	failure := fmt.Errorf("e-mail message %d of tenant %d not sent: %s; details in email_outbox.last_error",
		id, tenantID, failureSummary(sendErr))
	if err := outbox.RecordFailure(bookCtx, tenantID, id, sendErr.Error()); err != nil {
		failure = errors.Join(failure, fmt.Errorf("record the failure: %w", err))
	}
	if errors.Is(sendErr, ErrRecipientRefused) {
		return river.JobCancel(failure)
	}
	return failure
}

func failureSummary(err error) string {
	if errors.Is(err, errNoMailer) {
		return err.Error()
	}
	return smtpFailureSummary(err)
}
