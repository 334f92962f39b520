// Command kamrat runs Kamrat: the web server and background workers, and the
// administrative commands around them (migrations, regions, database roles).
//
// Every setting is a flag and a KAMRAT_* environment variable; the flag wins.
// A bad setting ends the command with one line that names it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// usageError is a mistake in how the command was called or configured: it
// is reported in one line with exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// env reads an environment variable; tests pass their own.
type env func(string) string

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, out io.Writer, errOut io.Writer, getenv env) error
}

func commands() []command {
	return []command{
		{"serve", "run the web server and background workers", runServe},
		{"demo", "run with demo regions and users, and a built-in sign-in provider (kamrat-demo.db)", runDemo},
		{"migrate", "apply database migrations (up) or show them (status)", runMigrate},
		{"tenant", "create or list regions (tenants)", runTenant},
		{"user", "invite a user to a region with a role, or make a user a national viewer", runUser},
		{"token", "create an API token for a member of a region", runToken},
		{"seed", "fill the database with national-scale test data: regions, people to sign in as, participants and meetings", runSeed},
		{"db", "set up the PostgreSQL roles Kamrat connects as", runDB},
		{"keys", "print a new encryption key (generate), or re-encrypt data at rest under the current key (rotate)", runKeys},
		{"version", "print the version", runVersion},
	}
}

// run executes one command line and returns the process exit status.
func run(ctx context.Context, args []string, out, errOut io.Writer, getenv env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(out)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], out, errOut, getenv)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, errHelp):
			return 0
		case errors.As(err, new(usageError)):
			fmt.Fprintf(errOut, "kamrat %s: %s\n", c.name, oneLine(err))
			return 2
		default:
			fmt.Fprintf(errOut, "kamrat %s: %s\n", c.name, oneLine(err))
			return 1
		}
	}
	fmt.Fprintf(errOut, "kamrat: unknown command %q; run `kamrat help` for the list\n", args[0])
	return 2
}

// oneLine folds a multi-line error (pgx lists each address it tried) into
// one line, dropping repeated parts, so that every failure reads as one line.
func oneLine(err error) string {
	var parts []string
	seen := map[string]bool{}
	for _, p := range strings.Split(err.Error(), "\n") {
		p = strings.TrimSpace(p)
		if p != "" && !seen[p] {
			seen[p] = true
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Kamrat — systematised peer support for Swedish regions.")
	fmt.Fprintln(w, "\nUsage: kamrat COMMAND [flags]   (kamrat COMMAND -h for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
}

func runVersion(_ context.Context, _ []string, out, _ io.Writer, _ env) error {
	fmt.Fprintln(out, "kamrat", version)
	return nil
}
