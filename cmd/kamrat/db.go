package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/kamrat/kamrat/migrations"
)

func runDB(ctx context.Context, args []string, out, _ io.Writer, getenv env) error {
	if len(args) == 0 || args[0] != "setup" {
		return usagef("use `kamrat db setup --admin-url postgres://postgres@HOST/DATABASE`")
	}
	fs := newFlagSet("db setup", out)
	var adminURL string
	var roles migrations.Roles
	fs.StringVar(&adminURL, "admin-url", "", "superuser URL of the database to set up (created if missing)")
	fs.fromEnv("admin-url", "KAMRAT_ADMIN_DATABASE_URL")
	fs.StringVar(&roles.Owner, "owner", "kamrat_owner", "role that owns the schema and runs migrations")
	fs.StringVar(&roles.App, "app", "kamrat_app", "role the web and workers connect as (no table ownership, no RLS bypass)")
	if err := fs.parse(args[1:], getenv); err != nil {
		return err
	}
	roles.OwnerPassword = getenv("KAMRAT_OWNER_PASSWORD")
	roles.AppPassword = getenv("KAMRAT_APP_PASSWORD")
	u, err := url.Parse(adminURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return usagef("%s: want postgres://SUPERUSER@HOST:PORT/DATABASE", fs.setting("admin-url"))
	}
	dbName := strings.TrimPrefix(u.Path, "/")
	if dbName == "" || dbName == "postgres" {
		return usagef("%s: name the database to set up in the URL path, e.g. /kamrat", fs.setting("admin-url"))
	}

	maint := *u
	maint.Path = "/postgres"
	mconn, err := pgx.Connect(ctx, maint.String())
	if err != nil {
		return fmt.Errorf("connect to %s: %w", maint.Redacted(), err)
	}
	defer mconn.Close(ctx)
	var exists bool
	if err := mconn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", dbName).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		if _, err := mconn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{dbName}.Sanitize()); err != nil {
			return fmt.Errorf("create database %s: %w", dbName, err)
		}
		fmt.Fprintf(out, "created database %s\n", dbName)
	}

	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return fmt.Errorf("connect to %s: %w", u.Redacted(), err)
	}
	defer conn.Close(ctx)
	if err := migrations.SetupRoles(ctx, conn, dbName, roles); err != nil {
		return err
	}
	fmt.Fprintf(out, "roles ready on database %s: owner %s (migrations), application %s (row-level security applies)\n", dbName, roles.Owner, roles.App)
	fmt.Fprintf(out, "next: KAMRAT_MIGRATION_DATABASE_URL=postgres://%s@%s/%s KAMRAT_DATABASE_URL=postgres://%s@%s/%s kamrat serve\n",
		roles.Owner, u.Host, dbName, roles.App, u.Host, dbName)
	return nil
}
