package jobs

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kamrat/kamrat/tenants"
)

// NotificationMailer writes the e-mail that tells a user of a new
// notification, in lang ("sv" or "en"): the kind's sentence filled with
// the notification's args, and url, where it waits. Nothing else goes in,
// so the e-mail carries no participant data. html must be escaped as
// HTML. The ui package implements it from its catalogues
// (ui.NewNotificationMailer).
type NotificationMailer interface {
	NotificationEmail(lang string, n tenants.Notification, url string) (subject, text, html string)
}

// errNoNotices is the failure when Deps has no NotificationMailer.
var errNoNotices = errors.New("jobs: no notification e-mail writer (jobs.Deps.Notices is nil)")

// Notify adds n to its user's inbox in tx, the caller's transaction, and,
// only when it is new (not a repeat of the user's dedupe key), queues the
// e-mail that tells the user of it in the same transaction: both exist if
// and only if tx commits. It reports whether the notification was new.
//
// The e-mail goes to the user's address, in the language they chose last
// when signed in (the region's default language until they choose), with
// the link made absolute with Deps.PublicURL (the
// link alone without one). A user disabled everywhere, or shut out of the
// region, gets the notification in the inbox but no e-mail.
//
// Errors are those of tenants.NotificationStore.Notify (a
// *tenants.ValidationError for a bad notification, ErrNotFound for a user
// who is no member of the region) and of queuing the e-mail.
func (c *Client) Notify(ctx context.Context, tx *tenants.Tx, n tenants.Notification) (bool, error) {
	d := c.deps
	store := d.Notifications
	if store == nil {
		store = tenants.NewNotificationStore(d.DB)
	}
	if n.CreatedAt.IsZero() {
		n.CreatedAt = d.now()
	}
	stored, created, err := store.Notify(ctx, tx, n)
	if err != nil || !created {
		return false, err
	}
	to, err := store.Recipient(ctx, tx, stored.UserID)
	if err != nil {
		return false, err
	}
	if !to.Active {
		return true, nil
	}
	if d.Notices == nil {
		return false, errNoNotices
	}
	subject, text, html := d.Notices.NotificationEmail(to.Language, stored, strings.TrimRight(d.PublicURL, "/")+stored.Link)
	outbox := d.Outbox
	if outbox == nil {
		outbox = tenants.NewEmailOutbox(d.DB)
	}
	if err := c.EnqueueEmail(ctx, tx, outbox, tenants.EmailMessage{
		ToAddress: to.Email, Subject: subject, BodyText: text, BodyHTML: html, Language: to.Language,
	}); err != nil {
		return false, fmt.Errorf("queue the notification's e-mail: %w", err)
	}
	return true, nil
}

// Notify is Client.Notify for workers, which hold the Deps: a reminder
// notifies from inside its own transaction.
func (d *Deps) Notify(ctx context.Context, tx *tenants.Tx, n tenants.Notification) (bool, error) {
	if d.client == nil {
		return false, errors.New("jobs: Deps.Notify before NewClient")
	}
	return d.client.Notify(ctx, tx, n)
}
