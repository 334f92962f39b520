package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/kamrat/kamrat/migrations"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/ui"
)

func runTenant(ctx context.Context, args []string, out, _ io.Writer, getenv env) error {
	if len(args) == 0 {
		return usagef("use `kamrat tenant create --slug … --name … --county …` or `kamrat tenant list`")
	}
	switch args[0] {
	case "create":
		return tenantCreate(ctx, args[1:], out, getenv)
	case "list":
		return tenantList(ctx, args[1:], out, getenv)
	}
	return usagef("unknown action %q; use create or list", args[0])
}

func tenantCreate(ctx context.Context, args []string, out io.Writer, getenv env) error {
	fs := newFlagSet("tenant create", out)
	var dbf databaseFlags
	dbf.register(fs)
	var t tenants.Tenant
	fs.StringVar(&t.Slug, "slug", "", "short name used in addresses, e.g. skane (lower-case letters, digits, hyphens)")
	fs.StringVar(&t.Name, "name", "", `display name, e.g. "Region Skåne" (default: the county's region name)`)
	fs.StringVar(&t.CountyCode, "county", "", "county code (länskod), e.g. 12 for Skåne")
	if err := fs.parse(args, getenv); err != nil {
		return err
	}
	if t.Name == "" {
		t.Name = tenants.Counties[t.CountyCode]
	}
	db, err := openMigrated(ctx, dbf, fs)
	if err != nil {
		return err
	}
	defer db.Close()
	created, err := tenants.NewTenantStore(db).Create(ctx, t)
	var verr *tenants.ValidationError
	switch {
	case errors.As(err, &verr):
		return usageError{describeValidation(verr)}
	case errors.Is(err, tenants.ErrConflict):
		return usagef("a region with slug %q already exists", t.Slug)
	case err != nil:
		return err
	}
	fmt.Fprintf(out, "created region %s: %s (county %s), id %d\n", created.Slug, created.Name, created.CountyCode, created.ID)
	return nil
}

func tenantList(ctx context.Context, args []string, out io.Writer, getenv env) error {
	fs := newFlagSet("tenant list", out)
	var dbf databaseFlags
	dbf.register(fs)
	if err := fs.parse(args, getenv); err != nil {
		return err
	}
	db, err := openMigrated(ctx, dbf, fs)
	if err != nil {
		return err
	}
	defer db.Close()
	list, err := tenants.NewTenantStore(db).List(ctx)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(out, "no regions yet; create one with `kamrat tenant create --slug skane --county 12`")
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSLUG\tCOUNTY\tNAME")
	for _, t := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", t.ID, t.Slug, t.CountyCode, t.Name)
	}
	return tw.Flush()
}

// openMigrated opens the database and checks that its schema is current.
func openMigrated(ctx context.Context, dbf databaseFlags, fs *flagSet) (*tenants.DB, error) {
	loc, err := dbf.location(fs)
	if err != nil {
		return nil, err
	}
	db, err := tenants.Open(ctx, loc, tenants.OpenOptions{MaxConns: 2})
	if err != nil {
		return nil, fmt.Errorf("cannot open the database: %w", err)
	}
	st, err := migrations.CurrentStatus(ctx, db)
	if err == nil && !st.Current() {
		err = migrations.ErrPending
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// describeValidation renders a validation error for the terminal.
func describeValidation(verr *tenants.ValidationError) string {
	tr, err := ui.NewTranslator()
	if err != nil {
		return verr.Error()
	}
	parts := make([]string, len(verr.Fields))
	for i, f := range verr.Fields {
		// The same English text the web shows for the field.
		parts[i] = "--" + strings.ReplaceAll(f.Field, "_", "-") + ": " + tr.Translate("en", f.Key, f.Args)
	}
	return strings.Join(parts, "; ")
}
