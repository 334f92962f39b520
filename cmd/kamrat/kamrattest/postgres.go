package kamrattest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Postgres is a private PostgreSQL cluster for one test: its own data
// directory and port, so that the test may stop and start it without
// disturbing the shared server other tests use. Connections from
// 127.0.0.1 are trusted; the superuser is "postgres".
type Postgres struct {
	bin     string // directory of initdb, pg_ctl, postgres
	dir     string // parent of data/ and the socket; removed at cleanup
	port    int
	runAs   string // OS user that runs the server ("" for this one)
	logFile string
}

// StartPostgres initialises and starts a cluster on a free port; it is
// stopped and removed when the test ends. Without the PostgreSQL server
// binaries the test is skipped, or, under CI (CI=true), fails.
//
// The binaries are looked up under /usr/lib/postgresql/*/bin (Debian,
// newest version first), then on PATH. initdb refuses to run as root, so
// as root the cluster runs as the "postgres" user, which owns its
// directory.
func StartPostgres(t testing.TB) *Postgres {
	t.Helper()
	bin := postgresBin()
	if bin == "" {
		missing(t, "PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin or on PATH")
	}
	p := &Postgres{bin: bin}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			missing(t, "running as root and there is no postgres user to run a private PostgreSQL cluster as")
		}
		p.runAs = "postgres"
	}
	// Not t.TempDir: its parent is private to root, and the server may
	// run as another user.
	dir, err := os.MkdirTemp("", "kamrat-pg-")
	if err != nil {
		t.Fatal(err)
	}
	p.dir = dir
	t.Cleanup(func() { os.RemoveAll(dir) })
	if p.runAs != "" {
		if out, err := exec.Command("chown", p.runAs, dir).CombinedOutput(); err != nil {
			t.Fatalf("chown %s: %v\n%s", dir, err, out)
		}
	}
	p.logFile = filepath.Join(dir, "server.log")
	if out, err := p.command("initdb", "-D", p.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	p.port = freePort(t)
	conf := fmt.Sprintf("\nlisten_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = '%s'\n"+
		"fsync = off\nfull_page_writes = off\nmax_connections = 100\n", p.port, dir)
	f, err := os.OpenFile(filepath.Join(p.data(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err == nil {
		_, err = f.WriteString(conf)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		t.Fatalf("configure the cluster: %v", err)
	}
	p.Start(t)
	t.Cleanup(func() {
		// Immediate: nothing of this cluster needs to survive.
		p.command("pg_ctl", "stop", "-D", p.data(), "-m", "immediate", "-w").Run()
	})
	return p
}

// URL is the superuser's URL of database db on this cluster.
func (p *Postgres) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", p.port, db)
}

// Addr is host:port of the server.
func (p *Postgres) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(p.port)) }

// Stop shuts the server down the way an operator's restart does: "fast"
// ends every session (clients see their connections terminated) and
// waits until it is down.
func (p *Postgres) Stop(t testing.TB) {
	t.Helper()
	if out, err := p.command("pg_ctl", "stop", "-D", p.data(), "-m", "fast", "-w", "-t", "60").CombinedOutput(); err != nil {
		t.Fatalf("pg_ctl stop: %v\n%s\n%s", err, out, p.Log())
	}
}

// Start starts the server (again) and waits until it accepts connections.
func (p *Postgres) Start(t testing.TB) {
	t.Helper()
	cmd := p.command("pg_ctl", "start", "-D", p.data(), "-l", p.logFile, "-w", "-t", "60")
	// pg_ctl leaves the server running with our stdout open unless it has
	// its own: do not let it hold a pipe the test waits on.
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out.String(), p.Log())
	}
}

// Log returns the server's log so far, for failure messages.
func (p *Postgres) Log() string {
	b, _ := os.ReadFile(p.logFile)
	return string(b)
}

func (p *Postgres) data() string { return filepath.Join(p.dir, "data") }

// command prepares one of the cluster's programs, run as the cluster's
// user.
func (p *Postgres) command(name string, args ...string) *exec.Cmd {
	prog := filepath.Join(p.bin, name)
	var cmd *exec.Cmd
	if p.runAs != "" {
		cmd = exec.Command("runuser", append([]string{"-u", p.runAs, "--", prog}, args...)...)
	} else {
		cmd = exec.Command(prog, args...)
	}
	cmd.Dir = p.dir
	return cmd
}

// postgresBin finds the directory holding initdb and pg_ctl.
func postgresBin() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "pg_ctl")) {
			return d
		}
	}
	if path, err := exec.LookPath("pg_ctl"); err == nil && isFile(filepath.Join(filepath.Dir(path), "initdb")) {
		return filepath.Dir(path)
	}
	return ""
}

// versionOf reads the major version from /usr/lib/postgresql/N/bin.
func versionOf(bin string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(bin)))
	return n
}

func isFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}

// freePort returns a TCP port nobody listens on at the moment.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// missing skips the test, or fails it under CI, where everything a test
// needs must be installed.
func missing(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s; under CI this test must run", why)
	}
	t.Skip(why)
}

// WaitFor polls ok every 50 ms until it is true, failing the test with
// what and detail() after limit.
func WaitFor(t testing.TB, limit time.Duration, what string, ok func() bool, detail func() string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			msg := fmt.Sprintf("timed out after %s waiting for %s", limit, what)
			if detail != nil {
				msg += "\n" + strings.TrimSpace(detail())
			}
			t.Fatal(msg)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
