package policy

import (
	"context"
	"errors"
	"time"

	"github.com/kamrat/kamrat/tenants"
)

// MailQueue puts an e-mail and the job that sends it into the caller's
// transaction (jobs.Client does).
type MailQueue interface {
	EnqueueEmail(ctx context.Context, tx *tenants.Tx, outbox *tenants.EmailOutbox, msg tenants.EmailMessage) error
}

// EmailSignInAllowed reports whether a role may sign in with an e-mailed
// link. Clinic staff handle the clinic's side of the pathway and must sign
// in with the region's identity provider (SITHS); partner-organisation
// staff, viewers and regional administrators often have no such account.
func EmailSignInAllowed(r tenants.Role) bool {
	switch r {
	case tenants.RoleRegionAdmin, tenants.RoleOrgCoordinator, tenants.RolePeerSupporter, tenants.RoleViewer:
		return true
	}
	return false
}

// LoginLinkLimit is how many links one address may ask for per
// LoginLinkWindow; more are silently not sent.
const (
	LoginLinkLimit  = 3
	LoginLinkWindow = 15 * time.Minute
)

// EmailSignIn sends and redeems single-use sign-in links.
type EmailSignIn struct {
	db         *tenants.DB
	signIns    *tenants.SignInStore
	identities *tenants.IdentityStore
	outbox     *tenants.EmailOutbox
	now        func() time.Time
}

// LinkMail writes the e-mail that carries a sign-in link to user.
type LinkMail func(user tenants.User, token string) tenants.EmailMessage

// Request asks for a sign-in link for address in the region. Whatever the
// address, the caller learns nothing: a link is recorded in every case (so
// that the rate limit counts unknown addresses too), but an e-mail is
// queued only when the address belongs to an enabled member whose role may
// sign in by e-mail, and at most LoginLinkLimit times per LoginLinkWindow.
//
// It returns a *tenants.ValidationError only for a malformed address.
// sent reports whether an e-mail was queued, for the audit log only; it
// must not reach the person asking.
func (e *EmailSignIn) Request(ctx context.Context, tenantID int64, address string, mail MailQueue, compose LinkMail) (sent bool, err error) {
	address, ok := tenants.NormalizeEmail(address)
	if !ok {
		return false, &tenants.ValidationError{Fields: []tenants.FieldError{{Field: "email", Key: "validation.email"}}}
	}
	user, err := e.identities.UserByEmail(ctx, address)
	if err == nil {
		_, err = e.linkMembership(ctx, tenantID, user)
	}
	known := err == nil
	if err != nil && !errors.Is(err, tenants.ErrNotFound) && !errors.Is(err, tenants.ErrExpired) {
		return false, err
	}
	err = e.db.InTenant(ctx, tenantID, func(tx *tenants.Tx) error {
		recent, err := e.signIns.RecentLoginLinks(ctx, tx, address, e.now().Add(-LoginLinkWindow))
		if err != nil {
			return err
		}
		if recent >= LoginLinkLimit {
			return nil
		}
		var userID *int64
		if known {
			userID = &user.ID
		}
		token, err := e.signIns.CreateLoginLink(ctx, tx, address, userID)
		if err != nil || !known {
			return err
		}
		if err := mail.EnqueueEmail(ctx, tx, e.outbox, compose(user, token)); err != nil {
			return err
		}
		sent = true
		return nil
	})
	return sent, err
}

// Redeem uses up a link and returns the member it signs in. A used,
// expired or unknown link, a disabled user, and a membership that has
// since ended or changed to a role that may not use e-mail links all give
// ErrExpired or ErrNotFound.
func (e *EmailSignIn) Redeem(ctx context.Context, tenantID int64, token string) (tenants.User, tenants.Membership, error) {
	link, err := e.signIns.ConsumeLoginLink(ctx, tenantID, token)
	if err != nil {
		return tenants.User{}, tenants.Membership{}, err
	}
	user, err := e.identities.User(ctx, *link.UserID)
	if err != nil {
		return tenants.User{}, tenants.Membership{}, err
	}
	m, err := e.linkMembership(ctx, tenantID, user)
	if err != nil {
		return tenants.User{}, tenants.Membership{}, err
	}
	return user, m, nil
}

// linkMembership returns user's membership in the region when user may sign
// in there with an e-mailed link: ErrNotFound without a membership, and
// ErrExpired for a disabled user or a role that must use the region's
// identity provider.
func (e *EmailSignIn) linkMembership(ctx context.Context, tenantID int64, user tenants.User) (tenants.Membership, error) {
	if user.Disabled() {
		return tenants.Membership{}, tenants.ErrExpired
	}
	m, err := e.identities.Membership(ctx, tenantID, user.ID)
	if err != nil {
		return tenants.Membership{}, err
	}
	if !EmailSignInAllowed(m.Role) {
		return tenants.Membership{}, tenants.ErrExpired
	}
	return m, nil
}
