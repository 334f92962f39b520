package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/kamrat/kamrat/migrations"
	"github.com/kamrat/kamrat/tenants"
)

func runMigrate(ctx context.Context, args []string, out, _ io.Writer, getenv env) error {
	fs := newFlagSet("migrate", out)
	var db databaseFlags
	db.register(fs)
	var migrationURL string
	fs.StringVar(&migrationURL, "migration-database-url", "", "database URL of the schema owner (default: --database-url)")
	fs.fromEnv("migration-database-url", "KAMRAT_MIGRATION_DATABASE_URL")
	if err := fs.parse(args, getenv); err != nil {
		return err
	}
	action := "up"
	if fs.NArg() > 0 {
		action = fs.Arg(0)
	}
	if action != "up" && action != "status" {
		return usagef("unknown action %q; use up or status", action)
	}
	if migrationURL != "" {
		db.url = migrationURL
	}
	loc, err := db.location(fs)
	if err != nil {
		return err
	}
	conn, err := tenants.Open(ctx, loc, tenants.OpenOptions{MaxConns: 2})
	if err != nil {
		return fmt.Errorf("cannot open the database: %w", err)
	}
	defer conn.Close()

	if action == "up" {
		applied, err := migrations.Up(ctx, conn, nil)
		for _, name := range applied {
			fmt.Fprintln(out, "applied", name)
		}
		if err != nil {
			return err
		}
		if len(applied) == 0 {
			fmt.Fprintln(out, "database is up to date")
		}
		built, err := tenants.NewDashboardStore(conn).BuildMissing(ctx, time.Now())
		if built > 0 {
			fmt.Fprintf(out, "built the dashboard counts of %d existing regions\n", built)
		}
		return err
	}
	st, err := migrations.CurrentStatus(ctx, conn)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "database: %s\n", loc)
	for _, name := range st.Applied {
		fmt.Fprintln(out, "  applied ", name)
	}
	for _, name := range st.Pending {
		fmt.Fprintln(out, "  pending ", name)
	}
	fmt.Fprintf(out, "river schema: version %d of %d\n", st.RiverVersion, st.RiverLatest)
	if st.Current() {
		fmt.Fprintln(out, "status: up to date")
	} else {
		fmt.Fprintln(out, "status: migrations pending; run `kamrat migrate up`")
	}
	return nil
}
