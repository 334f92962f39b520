package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestDBSetup follows the README's PostgreSQL steps: `kamrat db setup`
// creates the database and roles, migrations run as the owner, and the
// application role can use the tables but not change the schema.
func TestDBSetup(t *testing.T) {
	t.Parallel()
	admin := tenanttest.AdminURL(t)
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	dbName := fmt.Sprintf("kamrat_t_setup_%d", time.Now().UnixNano())
	u.Path = "/" + dbName
	ctx := context.Background()
	t.Cleanup(func() {
		if c, err := pgx.Connect(ctx, admin); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+dbName+" WITH (FORCE)")
			c.Close(ctx)
		}
	})

	args := []string{"db", "setup", "--admin-url", u.String(), "--owner", "kamrat_ci_owner", "--app", "kamrat_ci_app"}
	out, errOut, code := runKamrat(t, nil, args...)
	if code != 0 || !strings.Contains(out, "created database "+dbName) {
		t.Fatalf("db setup: code %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code := runKamrat(t, nil, args...); code != 0 {
		t.Fatalf("second db setup is not idempotent: %s", errOut)
	}

	as := func(role string) string {
		v := *u
		v.User = url.User(role)
		return v.String()
	}
	if out, errOut, code := runKamrat(t, []string{"KAMRAT_DATABASE_URL=" + as("kamrat_ci_app")}, "migrate", "up"); code == 0 {
		t.Fatalf("the application role could run migrations:\n%s", out)
	} else if !strings.Contains(errOut, "permission denied") {
		t.Fatalf("migrate as application role: %s", errOut)
	}
	if out, errOut, code := runKamrat(t, []string{"KAMRAT_DATABASE_URL=" + as("kamrat_ci_owner")}, "migrate", "up"); code != 0 {
		t.Fatalf("migrate as owner: %s%s", out, errOut)
	}
	appEnv := []string{"KAMRAT_DATABASE_URL=" + as("kamrat_ci_app")}
	if out, errOut, code := runKamrat(t, appEnv, "tenant", "create", "--slug", "uppsala", "--county", "03"); code != 0 {
		t.Fatalf("tenant create as application role: %s%s", out, errOut)
	}
	conn, err := pgx.Connect(ctx, as("kamrat_ci_app"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP TABLE units"); err == nil {
		t.Fatal("the application role dropped a table")
	}
}
