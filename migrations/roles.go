package migrations

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Roles names the two PostgreSQL roles Kamrat uses. The owner runs
// migrations and owns every table; the application role, which the web and
// worker processes connect as, owns nothing and cannot bypass row-level
// security, so the policies hold for every query it makes.
type Roles struct {
	Owner         string
	OwnerPassword string // empty: no password (peer or trust authentication)
	App           string
	AppPassword   string
}

// SetupRoles creates the roles if they are missing and gives them their
// rights on database dbName. conn must be a superuser (or CREATEROLE)
// connection to dbName itself, because default privileges are per database.
// It is idempotent: run it again after adding a database or changing a
// password.
func SetupRoles(ctx context.Context, conn *pgx.Conn, dbName string, r Roles) error {
	if r.Owner == "" || r.App == "" || r.Owner == r.App {
		return fmt.Errorf("owner and application roles must be two different, non-empty names")
	}
	owner, app, db := pgx.Identifier{r.Owner}.Sanitize(), pgx.Identifier{r.App}.Sanitize(), pgx.Identifier{dbName}.Sanitize()
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	// Serialise concurrent set-ups of this database so that two never race
	// to create the same role. Advisory locks belong to one database, so
	// set-ups of different databases at once (parallel test processes)
	// must be serialised by their caller as well: tenanttest does.
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", advisoryLockKey+1); err != nil {
		return err
	}
	for _, role := range []struct{ name, password, attrs string }{
		{r.Owner, r.OwnerPassword, "LOGIN NOSUPERUSER NOCREATEROLE"},
		{r.App, r.AppPassword, "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS"},
	} {
		var exists bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", role.name).Scan(&exists); err != nil {
			return err
		}
		ident := pgx.Identifier{role.name}.Sanitize()
		verb := "ALTER"
		if !exists {
			verb = "CREATE"
		}
		stmt := fmt.Sprintf("%s ROLE %s %s", verb, ident, role.attrs)
		if role.password != "" {
			stmt += " PASSWORD " + quoteLiteral(role.password)
		}
		if _, err := tx.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("%s role %s: %w", verb, role.name, err)
		}
	}
	stmts := []string{
		"ALTER DATABASE " + db + " OWNER TO " + owner,
		"ALTER SCHEMA public OWNER TO " + owner,
		"REVOKE ALL ON DATABASE " + db + " FROM PUBLIC",
		"GRANT CONNECT, TEMPORARY ON DATABASE " + db + " TO " + app,
		"REVOKE CREATE ON SCHEMA public FROM PUBLIC",
		"GRANT USAGE ON SCHEMA public TO " + app,
		// Tables created later by the owner (migrations) are usable by the
		// application; tables that already exist get the same grants.
		"ALTER DEFAULT PRIVILEGES FOR ROLE " + owner + " IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO " + app,
		"ALTER DEFAULT PRIVILEGES FOR ROLE " + owner + " IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO " + app,
		"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + app,
		"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + app,
	}
	for _, s := range stmts {
		if _, err := tx.Exec(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return tx.Commit(ctx)
}

func quoteLiteral(s string) string {
	out := []byte{'\''}
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, s[i])
	}
	return string(append(out, '\''))
}
