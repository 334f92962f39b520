package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/kamrat/kamrat/tenants"
)

func runUser(ctx context.Context, args []string, out, _ io.Writer, getenv env) error {
	if len(args) > 0 && args[0] == "national-viewer" {
		return runNationalViewer(ctx, args[1:], out, getenv)
	}
	if len(args) == 0 || args[0] != "invite" {
		return usagef("use `kamrat user invite --tenant SLUG --email ADDRESS --name NAME --role ROLE [--unit ID | --organisation ID]` or `kamrat user national-viewer --email ADDRESS [--revoke]`")
	}
	fs := newFlagSet("user invite", out)
	var dbf databaseFlags
	dbf.register(fs)
	var slug, email, name, role, unit, org, publicURL string
	fs.StringVar(&slug, "tenant", "", "region slug")
	fs.StringVar(&email, "email", "", "the invitee's e-mail address")
	fs.StringVar(&name, "name", "", "the invitee's name")
	fs.StringVar(&role, "role", "", "region_admin, clinic_staff, org_coordinator, peer_supporter or viewer")
	fs.StringVar(&unit, "unit", "", "unit id (clinic_staff)")
	fs.StringVar(&org, "organisation", "", "organisation id (org_coordinator, peer_supporter)")
	fs.StringVar(&publicURL, "public-url", "http://127.0.0.1:8080", "the site's external base URL, for the invitation link")
	fs.fromEnv("public-url", "KAMRAT_PUBLIC_URL")
	if err := fs.parse(args[1:], getenv); err != nil {
		return err
	}
	db, region, err := openRegion(ctx, dbf, fs, slug)
	if err != nil {
		return err
	}
	defer db.Close()
	inv := tenants.Invitation{Email: email, DisplayName: name, Role: tenants.Role(role)}
	if inv.UnitID, err = optionalID(unit, "--unit"); err != nil {
		return err
	}
	if inv.OrganisationID, err = optionalID(org, "--organisation"); err != nil {
		return err
	}
	created, token, err := tenants.NewIdentityStore(db).Invite(ctx, region.ID, inv, nil)
	var verr *tenants.ValidationError
	if errors.As(err, &verr) {
		return usageError{describeValidation(verr)}
	} else if err != nil {
		return err
	}
	fmt.Fprintf(out, "invited %s as %s in %s; the invitation expires %s\n", created.Email, created.Role, region.Name, created.ExpiresAt.Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(out, "send them this link (shown once): %s/r/%s/invitations/%s\n", publicURL, region.Slug, token)
	return nil
}

// runNationalViewer grants (or with --revoke takes back) the national view
// to a user who has an account: someone who has accepted an invitation to
// some region. A national viewer signs in through any region's sign-in and
// sees only the figures regions share nationally.
func runNationalViewer(ctx context.Context, args []string, out io.Writer, getenv env) error {
	fs := newFlagSet("user national-viewer", out)
	var dbf databaseFlags
	dbf.register(fs)
	var email string
	var revoke bool
	fs.StringVar(&email, "email", "", "the user's e-mail address")
	fs.BoolVar(&revoke, "revoke", false, "take the national view away instead of granting it")
	if err := fs.parse(args, getenv); err != nil {
		return err
	}
	if email == "" {
		return usagef("--email is required")
	}
	db, err := openMigrated(ctx, dbf, fs)
	if err != nil {
		return err
	}
	defer db.Close()
	identities := tenants.NewIdentityStore(db)
	user, err := identities.UserByEmail(ctx, email)
	if errors.Is(err, tenants.ErrNotFound) {
		return usagef("--email: no user %q; a national viewer needs an account first (invite them to a region with `kamrat user invite`)", email)
	} else if err != nil {
		return err
	}
	if err := identities.SetNationalViewer(ctx, user.ID, !revoke); err != nil {
		return err
	}
	if revoke {
		fmt.Fprintf(out, "%s is no longer a national viewer\n", user.Email)
		return nil
	}
	fmt.Fprintf(out, "%s is a national viewer: after signing in through any region's sign-in they see /national\n", user.Email)
	return nil
}

func optionalID(s, flag string) (*int64, error) {
	if s == "" {
		return nil, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return nil, usagef("%s: %q is not an id", flag, s)
	}
	return &id, nil
}

func runToken(ctx context.Context, args []string, out, _ io.Writer, getenv env) error {
	if len(args) == 0 || args[0] != "create" {
		return usagef("use `kamrat token create --tenant SLUG --email ADDRESS --name NAME`")
	}
	fs := newFlagSet("token create", out)
	var dbf databaseFlags
	dbf.register(fs)
	var slug, email, name string
	fs.StringVar(&slug, "tenant", "", "region slug")
	fs.StringVar(&email, "email", "", "the member the token acts as")
	fs.StringVar(&name, "name", "", "what the token is for, e.g. \"statistics export\"")
	if err := fs.parse(args[1:], getenv); err != nil {
		return err
	}
	db, region, err := openRegion(ctx, dbf, fs, slug)
	if err != nil {
		return err
	}
	defer db.Close()
	user, err := tenants.NewIdentityStore(db).UserByEmail(ctx, email)
	if errors.Is(err, tenants.ErrNotFound) {
		return usagef("--email: no user %q", email)
	} else if err != nil {
		return err
	}
	tok, secret, err := tenants.NewAPITokenStore(db).Create(ctx, region.ID, user.ID, name, nil)
	var verr *tenants.ValidationError
	switch {
	case errors.As(err, &verr):
		return usageError{describeValidation(verr)}
	case errors.Is(err, tenants.ErrNotFound):
		return usagef("--email: %s is not a member of %s", email, region.Name)
	case err != nil:
		return err
	}
	fmt.Fprintf(out, "token %d for %s in %s (shown once):\n%s\n", tok.ID, user.Email, region.Slug, secret)
	return nil
}

// openRegion opens the migrated database and finds the region named by
// --tenant.
func openRegion(ctx context.Context, dbf databaseFlags, fs *flagSet, slug string) (*tenants.DB, tenants.Tenant, error) {
	db, err := openMigrated(ctx, dbf, fs)
	if err != nil {
		return nil, tenants.Tenant{}, err
	}
	region, err := tenants.NewTenantStore(db).BySlug(ctx, slug)
	if err != nil {
		db.Close()
		if errors.Is(err, tenants.ErrNotFound) {
			return nil, tenants.Tenant{}, usagef("--tenant: no region %q (see `kamrat tenant list`)", slug)
		}
		return nil, tenants.Tenant{}, err
	}
	return db, region, nil
}
