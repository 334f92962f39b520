package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kamrat/kamrat/cmd/kamrat/kamrattest"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// TestMain lets the test binary stand in for the kamrat binary: a child
// process started with KAMRAT_TEST_AS_MAIN=1 runs main() itself, so the
// whole-app tests exercise the real process — flags, signals, exit codes —
// with the race detector and without a separate build.
func TestMain(m *testing.M) {
	if os.Getenv("KAMRAT_TEST_AS_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// testKey is an encryption key for tests (32 bytes, base64).
const testKey = "a2FtcmF0LXRlc3Qta2V5LTMyLWJ5dGVzLWxvbmchISE="

// process is a kamrat child process whose server listens.
type process struct{ *kamrattest.Process }

// kamratCmd prepares `kamrat args…` as a child process with env added.
func kamratCmd(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "KAMRAT_TEST_AS_MAIN=1")
	cmd.Env = append(cmd.Env, env...)
	cmd.Dir = t.TempDir()
	return cmd
}

// runKamrat runs a short command to completion.
func runKamrat(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := kamratCmd(t, env, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("run kamrat %v: %v", args, err)
		}
	}
	return out.String(), errOut.String(), cmd.ProcessState.ExitCode()
}

// startServe starts `kamrat serve` on a free port and waits until it
// listens; it is killed when the test ends if still running.
func startServe(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	kp, err := kamrattest.Start(kamratCmd(t, env, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...), 60*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if kp.Cmd.ProcessState == nil {
			kp.Cmd.Process.Kill()
			<-kp.Done
		}
	})
	return &process{kp}
}

// stop sends SIGTERM and returns the exit code.
func (p *process) stop(t *testing.T) int {
	t.Helper()
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.Done:
	case <-time.After(60 * time.Second):
		t.Fatalf("kamrat did not stop within 60s after SIGTERM:\n%s", p.Log)
	}
	return p.Cmd.ProcessState.ExitCode()
}

func get(t *testing.T, url string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestWholeApp boots the real binary on each database, creates a region
// with the CLI, and reads it back through the web; SIGTERM ends it with 0.
func TestWholeApp(t *testing.T) {
	for _, d := range []tenants.Dialect{tenants.SQLite, tenants.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			appURL, ownerURL := tenanttest.URL(t, d)
			env := []string{"KAMRAT_DATABASE_URL=" + appURL, "KAMRAT_MIGRATION_DATABASE_URL=" + ownerURL, "KAMRAT_ENCRYPTION_KEY=" + testKey}
			if d == tenants.SQLite {
				env = env[:1]
			}
			debug, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			debugAddr := debug.Addr().String()
			debug.Close()
			p := startServe(t, append(env, "KAMRAT_DEBUG_ADDR="+debugAddr))

			if code, body := get(t, p.URL("/readyz")); code != http.StatusOK {
				t.Fatalf("/readyz = %d %q, want 200", code, body)
			}
			if code, _ := get(t, p.URL("/healthz")); code != http.StatusOK {
				t.Fatalf("/healthz = %d, want 200", code)
			}

			out, errOut, code := runKamrat(t, env, "tenant", "create", "--slug", "skane", "--name", "Region Skåne", "--county", "12")
			if code != 0 || !strings.Contains(out, "created region skane") {
				t.Fatalf("tenant create: code %d\nstdout: %s\nstderr: %s", code, out, errOut)
			}
			code, body := get(t, p.URL("/"))
			if code != http.StatusOK || !strings.Contains(body, "Region Skåne") || !strings.Contains(body, `href="/r/skane"`) {
				t.Fatalf("landing page = %d, want 200 listing Region Skåne:\n%s", code, body)
			}
			if code, body := get(t, p.URL("/r/skane")); code != http.StatusOK || !strings.Contains(body, "Region Skåne") {
				t.Fatalf("/r/skane = %d:\n%s", code, body)
			}
			if code, _ := get(t, p.URL("/r/nowhere"), "Accept", "application/json"); code != http.StatusNotFound {
				t.Fatalf("/r/nowhere = %d, want 404", code)
			}
			if code, body := get(t, p.URL("/metrics")); code != http.StatusOK || !strings.Contains(body, "kamrat_") {
				t.Fatalf("/metrics = %d, want kamrat metrics", code)
			}
			// The profiler answers on its own address only.
			if code, body := get(t, "http://"+debugAddr+"/debug/pprof/"); code != http.StatusOK || !strings.Contains(body, "goroutine") {
				t.Fatalf("profiler index on --debug-addr = %d:\n%.300s", code, body)
			}
			if code, _ := get(t, p.URL("/debug/pprof/")); code != http.StatusNotFound {
				t.Fatalf("/debug/pprof/ on the application's address = %d, want 404", code)
			}

			if code := p.stop(t); code != 0 {
				t.Fatalf("exit code after SIGTERM = %d, want 0\n%s", code, p.Log)
			}
			if !strings.Contains(p.Log.String(), `"msg":"stopped"`) {
				t.Errorf("no clean stop logged:\n%s", p.Log)
			}
		})
	}
}

// TestSIGTERMLetsSlowRequestFinish: a request still arriving when SIGTERM
// comes is served to the end, and the process then exits 0.
func TestSIGTERMLetsSlowRequestFinish(t *testing.T) {
	t.Parallel()
	p := startServe(t, []string{"KAMRAT_DATABASE_URL=sqlite:" + filepath.Join(t.TempDir(), "k.db")})

	conn, err := net.Dial("tcp", p.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Half a request: headers announce a body that is not all sent yet.
	fmt.Fprintf(conn, "POST /healthz HTTP/1.1\r\nHost: %s\r\nContent-Type: text/plain\r\nContent-Length: 10\r\nConnection: close\r\n\r\n12345", p.Addr)
	time.Sleep(200 * time.Millisecond)
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	select {
	case <-p.Done:
		t.Fatalf("process exited while a request was in flight:\n%s", p.Log)
	default:
	}
	if _, err := io.WriteString(conn, "67890"); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request got no response: %v\n%s", err, p.Log)
	}
	resp.Body.Close()
	if resp.StatusCode == 0 || resp.StatusCode >= 500 {
		t.Fatalf("in-flight request answered %d", resp.StatusCode)
	}
	select {
	case <-p.Done:
	case <-time.After(30 * time.Second):
		t.Fatal("process did not exit after the last request")
	}
	if code := p.Cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit code %d, want 0\n%s", code, p.Log)
	}
}

// TestBadSettings: each bad setting ends `kamrat serve` with one line that
// names it, and a non-zero status — no stack trace, nothing started.
func TestBadSettings(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { busy.Close() }) // not defer: the subtests run after this function returns
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close()

	tests := []struct {
		name string
		env  []string
		args []string
		code int
		want []string
		// ownAddr: the case sets the address itself; others get a free port.
		ownAddr bool
	}{
		{"unknown database scheme", []string{"KAMRAT_DATABASE_URL=mysql://root@localhost/kamrat"}, nil, 2,
			[]string{"KAMRAT_DATABASE_URL", `unsupported scheme "mysql"`}, false},
		{"unreachable postgres", []string{fmt.Sprintf("KAMRAT_DATABASE_URL=postgres://kamrat@127.0.0.1:%d/kamrat?connect_timeout=2", deadPort), "KAMRAT_ENCRYPTION_KEY=" + testKey}, nil, 1,
			[]string{"cannot open the database", "connect"}, false},
		{"port in use", nil, []string{"--addr", busy.Addr().String()}, 1,
			[]string{"cannot listen on " + busy.Addr().String(), "address already in use"}, true},
		{"address without port", []string{"KAMRAT_ADDR=localhost"}, nil, 2,
			[]string{"KAMRAT_ADDR", "host:port"}, true},
		{"debug address without port", []string{"KAMRAT_DEBUG_ADDR=localhost"}, nil, 2,
			[]string{"KAMRAT_DEBUG_ADDR", "host:port"}, false},
		{"debug port in use", nil, []string{"--debug-addr", busy.Addr().String()}, 1,
			[]string{"cannot listen on " + busy.Addr().String(), "--debug-addr", "address already in use"}, false},
		{"bad mode", nil, []string{"--mode", "everything"}, 2,
			[]string{"--mode / KAMRAT_MODE", "everything"}, false},
		{"bad duration in environment", []string{"KAMRAT_SHUTDOWN_TIMEOUT=soon"}, nil, 2,
			[]string{"KAMRAT_SHUTDOWN_TIMEOUT", `"soon"`}, false},
		{"bad boolean in environment", []string{"KAMRAT_AUTO_MIGRATE=maybe"}, nil, 2,
			[]string{"KAMRAT_AUTO_MIGRATE"}, false},
		{"unknown flag", nil, []string{"--colour", "blue"}, 2,
			[]string{"colour"}, false},
		{"SMTP password in clear", []string{"KAMRAT_SMTP_HOST=smtp.example.se", "KAMRAT_SMTP_FROM=kamrat@example.se", "KAMRAT_SMTP_USERNAME=k", "KAMRAT_SMTP_PASSWORD=p", "KAMRAT_SMTP_TLS=none"}, nil, 2,
			[]string{"KAMRAT_SMTP_HOST", "unencrypted"}, false},
		{"SMTP without a host", []string{"KAMRAT_SMTP_FROM=kamrat@example.se"}, nil, 2,
			[]string{"KAMRAT_SMTP_HOST", "required"}, false},
		{"unknown SMTP encryption", []string{"KAMRAT_SMTP_HOST=smtp.example.se", "KAMRAT_SMTP_TLS=ssl3"}, nil, 2,
			[]string{"KAMRAT_SMTP_TLS", "ssl3"}, false},
		{"bad trusted proxy", nil, []string{"--trusted-proxies", "10.0.0.0/8, ingress"}, 2,
			[]string{"--trusted-proxies", `"ingress"`}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := append([]string{"KAMRAT_DATABASE_URL=sqlite:" + filepath.Join(t.TempDir(), "k.db")}, tt.env...)
			args := append([]string{"serve"}, tt.args...)
			if !tt.ownAddr {
				args = append(args, "--addr", "127.0.0.1:0")
			}
			stdout, stderr, code := runKamrat(t, env, args...)
			if code != tt.code {
				t.Fatalf("exit code %d, want %d\nstderr: %s", code, tt.code, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if len(lines) != 1 || stdout != "" {
				t.Fatalf("want exactly one line on stderr and nothing on stdout, got:\nstdout: %s\nstderr: %s", stdout, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(lines[0], w) {
					t.Errorf("message %q does not contain %q", lines[0], w)
				}
			}
		})
	}
}

// TestCLI covers the administrative commands on SQLite.
func TestCLI(t *testing.T) {
	t.Parallel()
	env := []string{"KAMRAT_DATABASE_URL=sqlite:" + filepath.Join(t.TempDir(), "k.db")}

	out, _, code := runKamrat(t, env, "migrate", "status")
	if code != 0 || !strings.Contains(out, "pending") || !strings.Contains(out, "river schema: version 0") {
		t.Fatalf("status before migrating (code %d):\n%s", code, out)
	}
	_, errOut, code := runKamrat(t, env, "tenant", "list")
	if code == 0 || !strings.Contains(errOut, "kamrat migrate up") {
		t.Fatalf("tenant list on an unmigrated database: code %d, stderr %q", code, errOut)
	}
	out, _, code = runKamrat(t, env, "migrate", "up")
	if code != 0 || !strings.Contains(out, "applied 0001_platform") {
		t.Fatalf("migrate up (code %d):\n%s", code, out)
	}
	out, _, code = runKamrat(t, env, "migrate", "up")
	if code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("second migrate up (code %d):\n%s", code, out)
	}

	_, errOut, code = runKamrat(t, env, "tenant", "create", "--slug", "Skåne!", "--county", "99")
	if code != 2 || !strings.Contains(errOut, "--slug") || !strings.Contains(errOut, "--county") {
		t.Fatalf("invalid tenant: code %d, stderr %q; want both fields named", code, errOut)
	}
	out, _, code = runKamrat(t, env, "tenant", "create", "--slug", "vgr", "--county", "14")
	if code != 0 || !strings.Contains(out, "Västra Götalandsregionen") {
		t.Fatalf("tenant create with default name (code %d): %s", code, out)
	}
	_, errOut, code = runKamrat(t, env, "tenant", "create", "--slug", "vgr", "--county", "14")
	if code != 2 || !strings.Contains(errOut, "already exists") {
		t.Fatalf("duplicate slug: code %d, stderr %q", code, errOut)
	}
	out, _, code = runKamrat(t, env, "tenant", "list")
	if code != 0 || !strings.Contains(out, "vgr") || !strings.Contains(out, "14") {
		t.Fatalf("tenant list (code %d):\n%s", code, out)
	}
	out, errOut, code = runKamrat(t, env, "user", "invite", "--tenant", "vgr", "--email", "Anna@Example.se", "--name", "Anna A", "--role", "region_admin")
	if code != 0 || !strings.Contains(out, "anna@example.se") || !strings.Contains(out, "/r/vgr/invitations/") {
		t.Fatalf("user invite (code %d): %s%s", code, out, errOut)
	}
	_, errOut, code = runKamrat(t, env, "user", "invite", "--tenant", "vgr", "--email", "x@example.se", "--name", "X", "--role", "clinic_staff")
	if code != 2 || !strings.Contains(errOut, "--unit") {
		t.Fatalf("clinic staff without a unit: code %d, %q", code, errOut)
	}
	_, errOut, code = runKamrat(t, env, "token", "create", "--tenant", "vgr", "--email", "anna@example.se", "--name", "export")
	if code != 2 || !strings.Contains(errOut, "no user") {
		t.Fatalf("token for a user who has not accepted yet: code %d, %q", code, errOut)
	}
	out, _, code = runKamrat(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "kamrat ") {
		t.Fatalf("version: %q", out)
	}
	_, errOut, code = runKamrat(t, nil, "frobnicate")
	if code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Fatalf("unknown command: code %d, %q", code, errOut)
	}
}

// TestWebAndWorkerModes: a web-only process serves pages without working
// jobs; a worker-only process works jobs (the heartbeat) without listening.
func TestWebAndWorkerModes(t *testing.T) {
	t.Parallel()
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "k.db")
	env := []string{"KAMRAT_DATABASE_URL=" + dbURL}
	web := startServe(t, env, "--mode", "web")
	if code, _ := get(t, web.URL("/readyz")); code != http.StatusOK {
		t.Fatalf("web-only /readyz = %d", code)
	}

	worker := kamratCmd(t, append(env, "KAMRAT_MODE=worker"), "serve")
	var errOut kamrattest.LockedBuffer
	worker.Stderr = &errOut
	if err := worker.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- worker.Wait() }()

	loc, _ := tenants.ParseDatabaseURL(dbURL)
	db, err := tenants.Open(context.Background(), loc, tenants.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := tenants.NewHeartbeatStore(db).Latest(context.Background()); err == nil {
			break
		}
		if time.Now().After(deadline) {
			worker.Process.Kill()
			t.Fatalf("worker-only process recorded no heartbeat:\n%s", errOut.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if strings.Contains(errOut.String(), `"msg":"listening"`) {
		t.Error("worker-only process listened for HTTP")
	}
	worker.Process.Signal(syscall.SIGTERM)
	if err := <-done; err != nil {
		t.Fatalf("worker exit: %v\n%s", err, errOut.String())
	}
	if code := web.stop(t); code != 0 {
		t.Fatalf("web exit %d", code)
	}
}
