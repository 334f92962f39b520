package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestUserNationalViewer: `kamrat user national-viewer` grants the national
// view to a user with an account and --revoke takes it back; an unknown
// address or a missing --email is a usage error that changes nothing.
func TestUserNationalViewer(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		ids := tenants.NewIdentityStore(db)
		nina, err := ids.CreateUser(ctx, tenants.User{Email: "nina@example.se", DisplayName: "Nina"})
		if err != nil {
			t.Fatal(err)
		}
		dbURL := db.Location().URL
		if db.Dialect() == tenants.SQLite {
			dbURL = "sqlite:" + db.Location().Path
		}
		kamrat := func(args ...string) (string, string, int) {
			t.Helper()
			var out, errOut bytes.Buffer
			code := run(ctx, append(append([]string{"user", "national-viewer"}, args...), "--database-url", dbURL), &out, &errOut, func(string) string { return "" })
			return out.String(), errOut.String(), code
		}
		viewer := func() bool {
			t.Helper()
			u, err := ids.User(ctx, nina.ID)
			if err != nil {
				t.Fatal(err)
			}
			return u.NationalViewer
		}

		if _, errOut, code := kamrat("--email", "okand@example.se"); code != 2 || !strings.Contains(errOut, "no user") {
			t.Errorf("unknown address: code %d, %q", code, errOut)
		}
		if _, errOut, code := kamrat(); code != 2 || !strings.Contains(errOut, "--email") {
			t.Errorf("no --email: code %d, %q", code, errOut)
		}
		if viewer() {
			t.Fatal("a refused command made Nina a national viewer")
		}
		if out, errOut, code := kamrat("--email", "Nina@Example.se"); code != 0 || !strings.Contains(out, "nina@example.se is a national viewer") {
			t.Fatalf("grant: code %d, %q %q", code, out, errOut)
		}
		if !viewer() {
			t.Fatal("granted, but Nina is no national viewer")
		}
		if out, errOut, code := kamrat("--email", "nina@example.se", "--revoke"); code != 0 || !strings.Contains(out, "no longer") {
			t.Fatalf("revoke: code %d, %q %q", code, out, errOut)
		}
		if viewer() {
			t.Fatal("revoked, but Nina is still a national viewer")
		}
	})
}
