// Command load measures Kamrat's web server under HTTP load with wrk, on
// national-scale data, and compares it with a bare fiber server on the
// same machine in the same run:
//
//	(a) a bare fiber JSON handler (this program, in a process of its own)
//	(b) an authenticated, authorised, tenant-scoped JSON list: a partner
//	    organisation's referral inbox, GET /api/v1/regions/{region}/org/referrals,
//	    with an API token
//	(c) the region dashboard page, GET /r/{region}/dashboard, signed in
//
// For each database (SQLite, the default, and PostgreSQL) it makes a fresh
// database, fills it with `kamrat seed`, issues a token with `kamrat token
// create`, and starts `kamrat serve --mode web` afresh for each of (b) and
// (c), so that each target's peak RSS is its own. Each target first
// answers one request that is checked (status, and that the body is what
// it claims to be), then wrk warms it up and measures it; a run with any
// non-2xx answer or socket error is refused. It prints requests/s, p50 and
// p99 latency and peak RSS for each, then the ratio (b)/(a).
//
//	make bench          # both databases, national scale
//	go run ./bench/load -h
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

type options struct {
	kamrat       string
	databases    string
	postgresURL  string
	work         string
	reuse        bool
	keep         bool
	regions      int
	participants int
	meetings     int
	region       string
	duration     time.Duration
	warmup       time.Duration
	connections  int
	threads      int
	profile      string
	bareServe    string
}

func main() {
	var o options
	flag.StringVar(&o.kamrat, "kamrat", "bin/kamrat", "the kamrat binary to measure (make build)")
	flag.StringVar(&o.databases, "databases", "sqlite,postgres", "comma-separated: sqlite, postgres")
	flag.StringVar(&o.postgresURL, "postgres-url", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable",
		"PostgreSQL superuser URL; the run makes database kamrat_load beside it (roles kamrat_owner, kamrat_app)")
	flag.StringVar(&o.work, "work", filepath.Join(os.TempDir(), "kamrat-load"), "directory for the SQLite database, logs and profiles")
	flag.BoolVar(&o.reuse, "reuse", false, "use the databases a previous -keep run left instead of seeding afresh")
	flag.BoolVar(&o.keep, "keep", false, "keep the databases for a later -reuse run")
	flag.IntVar(&o.regions, "regions", 21, "kamrat seed --regions")
	flag.IntVar(&o.participants, "participants", 120_000, "kamrat seed --participants")
	flag.IntVar(&o.meetings, "meetings", 1_000_000, "kamrat seed --meetings")
	flag.StringVar(&o.region, "region", "stockholm", "the seeded region whose list and dashboard are measured")
	flag.DurationVar(&o.duration, "duration", 20*time.Second, "wrk measuring time per target")
	flag.DurationVar(&o.warmup, "warmup", 3*time.Second, "wrk warm-up per target, not counted")
	flag.IntVar(&o.connections, "connections", 32, "wrk connections (a request not answered within 30 s fails the run)")
	flag.IntVar(&o.threads, "threads", 2, "wrk threads")
	flag.StringVar(&o.profile, "profile", "", "directory to write a CPU profile of each kamrat target into (needs serve --debug-addr)")
	flag.StringVar(&o.bareServe, "bare-serve", "", "internal: serve the bare fiber handler on this address")
	flag.Parse()

	if o.bareServe != "" {
		if err := serveBare(o.bareServe); err != nil {
			fmt.Fprintln(os.Stderr, "bare:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// bareItem is what the bare handler lists: about the size of a referral
// in the inbox.
type bareItem struct {
	ID       int64  `json:"id"`
	Code     string `json:"code"`
	Status   string `json:"status"`
	Unit     string `json:"unit"`
	SentOn   string `json:"sent_on"`
	Language string `json:"language"`
}

// serveBare runs fiber with one JSON handler and nothing else: no
// middleware, no database. It is the ceiling the kamrat targets are
// compared with.
func serveBare(addr string) error {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	items := make([]bareItem, 3)
	for i := range items {
		items[i] = bareItem{ID: int64(i + 1), Code: fmt.Sprintf("K-%04d", i+1), Status: "received", Unit: "Infektionsmottagningen", SentOn: "2026-11-20", Language: "sv"}
	}
	app.Get("/bare", func(c *fiber.Ctx) error {
		return c.JSON(fiber.Map{"referrals": items})
	})
	return app.Listen(addr)
}

// target is one thing wrk measures.
type target struct {
	key, label string
	// profileName names the target's CPU profile: database and key.
	profileName string
	url         string
	header      []string
	// check reads the one answer checked before the run.
	check func(status int, body []byte) error
}

// result is one wrk run.
type result struct {
	target
	rps      float64
	p50, p99 time.Duration
	peakRSS  int64 // bytes
}

func run(ctx context.Context, o options) error {
	if _, err := exec.LookPath("wrk"); err != nil {
		return errors.New("wrk is not installed (Debian: apt-get install wrk)")
	}
	if _, err := os.Stat(o.kamrat); err != nil {
		return fmt.Errorf("%s: %w (make build makes it)", o.kamrat, err)
	}
	if err := os.MkdirAll(o.work, 0o755); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	fmt.Printf("load: %s, wrk -t%d -c%d -d%s (after %s warm-up), %d regions, %d participants, %d meetings, region %s\n",
		machine(), o.threads, o.connections, o.duration, o.warmup, o.regions, o.participants, o.meetings, o.region)
	var summary []string
	for _, d := range strings.Split(o.databases, ",") {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		results, err := runDatabase(ctx, o, self, d)
		if err != nil {
			return fmt.Errorf("%s: %w", d, err)
		}
		fmt.Println()
		fmt.Printf("%-10s %-44s %10s %9s %9s %9s\n", d, "target", "req/s", "p50 ms", "p99 ms", "peak RSS")
		for _, r := range results {
			fmt.Printf("%-10s %-44s %10.0f %9.2f %9.2f %7.0f MB\n", "", "("+r.key+") "+r.label, r.rps, ms(r.p50), ms(r.p99), float64(r.peakRSS)/(1<<20))
		}
		a, b, c := results[0], results[1], results[2]
		summary = append(summary,
			fmt.Sprintf("ratio %s (b)/(a): %.1f%% (%.0f / %.0f req/s; goal ≥ 40%%)", d, 100*b.rps/a.rps, b.rps, a.rps),
			fmt.Sprintf("ratio %s (c)/(a): %.1f%% (%.0f / %.0f req/s)", d, 100*c.rps/a.rps, c.rps, a.rps))
	}
	fmt.Println()
	for _, s := range summary {
		fmt.Println(s)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// runDatabase prepares one database and measures the three targets on it.
func runDatabase(ctx context.Context, o options, self, dialect string) ([]result, error) {
	db, err := prepare(ctx, o, dialect)
	if err != nil {
		return nil, err
	}
	if !o.keep {
		defer db.drop()
	}
	token, err := issueToken(ctx, o, db)
	if err != nil {
		return nil, err
	}
	cookie, err := signIn(ctx, db, "admin@"+o.region+".seed.example")
	if err != nil {
		return nil, err
	}

	var out []result
	// (a) the bare server.
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	bare, err := start(ctx, filepath.Join(o.work, dialect+"-bare.log"), nil, self, "-bare-serve", addr)
	if err != nil {
		return nil, err
	}
	if err := waitListening(addr, bare); err != nil {
		bare.stop()
		return nil, err
	}
	r, err := measure(ctx, o, bare, "", target{key: "a", label: "bare fiber JSON handler", url: "http://" + addr + "/bare",
		check: func(status int, body []byte) error { return checkJSONList(status, body, 3) }})
	bare.stop()
	if err != nil {
		return nil, err
	}
	out = append(out, r)

	targets := []target{
		{key: "b", label: "API list, token (org referral inbox)",
			url:    "/api/v1/regions/" + o.region + "/org/referrals",
			header: []string{"Authorization: Bearer " + token},
			check:  func(status int, body []byte) error { return checkJSONList(status, body, 1) }},
		{key: "c", label: "dashboard page, signed in",
			url:    "/r/" + o.region + "/dashboard",
			header: []string{"Cookie: kamrat_session=" + cookie},
			check: func(status int, body []byte) error {
				if status != http.StatusOK {
					return fmt.Errorf("answered %d", status)
				}
				if !strings.Contains(string(body), `<table data-figures="`) {
					return errors.New("the page has no figure tables")
				}
				return nil
			}},
	}
	for _, t := range targets {
		srv, base, debug, err := startKamrat(ctx, o, db, t.key)
		if err != nil {
			return nil, err
		}
		t.url, t.profileName = base+t.url, dialect+"-"+t.key
		r, err := measure(ctx, o, srv, debug, t)
		srv.stop()
		if err != nil {
			return nil, fmt.Errorf("(%s): %w\n%s", t.key, err, tail(srv.logPath, 20))
		}
		out = append(out, r)
	}
	return out, nil
}

// checkJSONList checks a {"referrals": [...]} answer with at least min
// entries.
func checkJSONList(status int, body []byte, min int) error {
	if status != http.StatusOK {
		return fmt.Errorf("answered %d: %.200s", status, body)
	}
	var v struct {
		Referrals []json.RawMessage `json:"referrals"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("not the JSON list: %v", err)
	}
	if len(v.Referrals) < min {
		return fmt.Errorf("lists %d entries, want at least %d", len(v.Referrals), min)
	}
	return nil
}

// database is one prepared database and how kamrat reaches it.
type database struct {
	dialect string
	env     []string // KAMRAT_* settings for kamrat commands
	appURL  string
	// superURL is the superuser's URL of the PostgreSQL database ("" on
	// SQLite).
	superURL string
	drop     func()
}

func prepare(ctx context.Context, o options, dialect string) (*database, error) {
	d := &database{dialect: dialect, drop: func() {}}
	switch dialect {
	case "sqlite":
		path := filepath.Join(o.work, "kamrat-load.db")
		d.appURL = "sqlite:" + path
		d.env = []string{"KAMRAT_DATABASE_URL=" + d.appURL}
		d.drop = func() {
			for _, s := range []string{"", "-wal", "-shm", ".key"} {
				os.Remove(path + s)
			}
		}
		if !o.reuse {
			d.drop()
		}
	case "postgres":
		admin, err := url.Parse(o.postgresURL)
		if err != nil {
			return nil, fmt.Errorf("-postgres-url: %w", err)
		}
		loadDB := *admin
		loadDB.Path = "/kamrat_load"
		d.superURL = loadDB.String()
		at := func(role string) string {
			u := loadDB
			u.User = url.User(role)
			return u.String()
		}
		d.appURL = at("kamrat_app")
		keyFile := filepath.Join(o.work, "postgres.key")
		key, err := os.ReadFile(keyFile)
		if err != nil || !o.reuse {
			b := make([]byte, 32)
			rand.Read(b)
			key = []byte(base64.StdEncoding.EncodeToString(b))
			if err := os.WriteFile(keyFile, key, 0o600); err != nil {
				return nil, err
			}
		}
		d.env = []string{"KAMRAT_DATABASE_URL=" + d.appURL, "KAMRAT_MIGRATION_DATABASE_URL=" + at("kamrat_owner"),
			"KAMRAT_ENCRYPTION_KEY=" + string(key)}
		dropDB := func() error {
			return psql(ctx, o.postgresURL, "DROP DATABASE IF EXISTS kamrat_load WITH (FORCE)")
		}
		d.drop = func() { dropDB() }
		if !o.reuse {
			if err := dropDB(); err != nil {
				return nil, err
			}
			if err := kamrat(ctx, o, nil, "db", "setup", "--admin-url", d.superURL); err != nil {
				return nil, err
			}
		}
	default:
		return nil, fmt.Errorf("unknown database %q (sqlite or postgres)", dialect)
	}
	if err := kamrat(ctx, o, d.env, "migrate", "up"); err != nil {
		return nil, err
	}
	if o.reuse {
		fmt.Printf("%s: reusing the seeded database\n", dialect)
		return d, nil
	}
	t0 := time.Now()
	err := kamrat(ctx, o, d.env, "seed", "--regions", strconv.Itoa(o.regions),
		"--participants", strconv.Itoa(o.participants), "--meetings", strconv.Itoa(o.meetings))
	if err != nil {
		return nil, err
	}
	if d.superURL != "" {
		// Statistics for the planner, as autovacuum would gather them in
		// time on a server that runs it (the test server here does not).
		if err := psql(ctx, d.superURL, "ANALYZE"); err != nil {
			return nil, err
		}
	}
	fmt.Printf("%s: seeded in %s\n", dialect, time.Since(t0).Round(time.Second))
	return d, nil
}

// psql runs one statement as the superuser, through the database named in
// the URL.
func psql(ctx context.Context, adminURL, stmt string) error {
	out, err := exec.CommandContext(ctx, "psql", adminURL, "-v", "ON_ERROR_STOP=1", "-qc", stmt).CombinedOutput()
	if err != nil {
		return fmt.Errorf("psql %q: %v\n%s", stmt, err, out)
	}
	return nil
}

// kamrat runs a kamrat command to its end, its output on ours.
func kamrat(ctx context.Context, o options, env []string, args ...string) error {
	cmd := exec.CommandContext(ctx, o.kamrat, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("kamrat %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

// issueToken makes an API token for the region's first organisation's
// coordinator, as an integration would be given one.
func issueToken(ctx context.Context, o options, d *database) (string, error) {
	cmd := exec.CommandContext(ctx, o.kamrat, "token", "create", "--tenant", o.region,
		"--email", "samordnare.a@"+o.region+".seed.example", "--name", "load benchmark")
	cmd.Env = append(os.Environ(), d.env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("kamrat token create: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	secret := strings.TrimSpace(lines[len(lines)-1])
	if !strings.HasPrefix(secret, "kmt_") {
		return "", fmt.Errorf("kamrat token create printed no token:\n%s", out)
	}
	return secret, nil
}

// signIn makes a session for a member of the region, as a completed
// sign-in would, and returns the session cookie's value. (Signing in
// through a browser is what the e2e journeys test; here only the session
// matters.)
func signIn(ctx context.Context, d *database, email string) (string, error) {
	loc, err := tenants.ParseDatabaseURL(d.appURL)
	if err != nil {
		return "", err
	}
	db, err := tenants.Open(ctx, loc, tenants.OpenOptions{})
	if err != nil {
		return "", err
	}
	defer db.Close()
	user, err := tenants.NewIdentityStore(db).UserByEmail(ctx, email)
	if err != nil {
		return "", fmt.Errorf("user %s: %w", email, err)
	}
	secret, _, err := tenants.NewSessionStore(db).Create(ctx, user.ID, nil, "email", 10*time.Hour)
	if err != nil {
		return "", fmt.Errorf("session for %s: %w", email, err)
	}
	return secret, nil
}

// process is a server started for one target.
type process struct {
	cmd     *exec.Cmd
	logPath string
	done    chan struct{}
}

func start(ctx context.Context, logPath string, env []string, name string, args ...string) (*process, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	p := &process{cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() { cmd.Wait(); logFile.Close(); close(p.done) }()
	return p, nil
}

func (p *process) stop() {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// peakRSS is the process's high-water resident set (VmHWM), in bytes.
func (p *process) peakRSS() (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}

// startKamrat starts kamrat serve (web only: the workers' schedule is not
// what is measured) and waits until it is ready.
func startKamrat(ctx context.Context, o options, d *database, key string) (*process, string, string, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, "", "", err
	}
	env := append([]string{"KAMRAT_ADDR=" + addr, "KAMRAT_MODE=web", "KAMRAT_AUTO_MIGRATE=false", "KAMRAT_LOG_LEVEL=warn"}, d.env...)
	debug := ""
	if o.profile != "" {
		if debug, err = freeAddr(); err != nil {
			return nil, "", "", err
		}
		env = append(env, "KAMRAT_DEBUG_ADDR="+debug)
	}
	p, err := start(ctx, filepath.Join(o.work, d.dialect+"-"+key+".log"), env, o.kamrat, "serve")
	if err != nil {
		return nil, "", "", err
	}
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, base, debug, nil
			}
		}
		select {
		case <-p.done:
			return nil, "", "", fmt.Errorf("kamrat serve ended at start:\n%s", tail(p.logPath, 20))
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, "", "", fmt.Errorf("kamrat serve not ready within 60 s:\n%s", tail(p.logPath, 20))
		}
	}
}

// measure checks the target's answer once, warms it up, and runs wrk.
func measure(ctx context.Context, o options, p *process, debug string, t target) (result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.url, nil)
	if err != nil {
		return result{}, err
	}
	for _, h := range t.header {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return result{}, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return result{}, err
	}
	if err := t.check(resp.StatusCode, body); err != nil {
		return result{}, fmt.Errorf("%s: %w", t.url, err)
	}
	fmt.Printf("  (%s) %s: %s answers %d bytes; warming up %s, measuring %s\n", t.key, t.label, t.url, len(body), o.warmup, o.duration)
	if o.warmup > 0 {
		if _, err := wrk(ctx, o, t, o.warmup); err != nil {
			return result{}, err
		}
	}
	profileDone := make(chan error, 1)
	if debug != "" {
		go func() { profileDone <- fetchProfile(ctx, o, debug, t.profileName) }()
	} else {
		profileDone <- nil
	}
	r, err := wrk(ctx, o, t, o.duration)
	if perr := <-profileDone; perr != nil && err == nil {
		err = perr
	}
	if err != nil {
		return result{}, err
	}
	r.peakRSS, err = p.peakRSS()
	return r, err
}

// waitListening waits until the process accepts connections on addr.
func waitListening(addr string, p *process) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("%s ended:\n%s", addr, tail(p.logPath, 20))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not listening within 30 s", addr)
		}
	}
}

// fetchProfile takes a CPU profile over the measured run.
func fetchProfile(ctx context.Context, o options, debug, name string) error {
	if err := os.MkdirAll(o.profile, 0o755); err != nil {
		return err
	}
	secs := max(1, int((o.duration - time.Second).Seconds()))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", debug, secs), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("profile: %s", resp.Status)
	}
	f, err := os.Create(filepath.Join(o.profile, "cpu-"+name+".pprof"))
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, resp.Body)
	return err
}

var (
	reRPS     = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)`)
	reLatency = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+[a-zµ]+)`)
	reBad     = regexp.MustCompile(`(?m)^\s*(Non-2xx or 3xx responses|Socket errors):.*$`)
)

// wrk runs wrk against the target for d and reads its summary.
func wrk(ctx context.Context, o options, t target, d time.Duration) (result, error) {
	args := []string{"-t", strconv.Itoa(o.threads), "-c", strconv.Itoa(o.connections), "-d", fmt.Sprintf("%ds", int(d.Seconds())),
		"--timeout", "30s", "--latency"}
	for _, h := range t.header {
		args = append(args, "-H", h)
	}
	args = append(args, t.url)
	out, err := exec.CommandContext(ctx, "wrk", args...).CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	r, err := parseWrk(string(out))
	r.target = t
	return r, err
}

// parseWrk reads wrk --latency's summary: requests/s and the
// 50th and 99th percentiles. Any non-2xx answer or socket error refuses
// the run.
func parseWrk(text string) (result, error) {
	if bad := reBad.FindString(text); bad != "" {
		return result{}, fmt.Errorf("wrk saw failures (%s); the run does not count:\n%s", strings.TrimSpace(bad), text)
	}
	var r result
	m := reRPS.FindStringSubmatch(text)
	lat := reLatency.FindAllStringSubmatch(text, -1)
	if m == nil || len(lat) != 2 {
		return result{}, fmt.Errorf("cannot read wrk's summary:\n%s", text)
	}
	r.rps, _ = strconv.ParseFloat(m[1], 64)
	for _, l := range lat {
		v, err := time.ParseDuration(l[2])
		if err != nil {
			return result{}, fmt.Errorf("wrk latency %q: %v", l[2], err)
		}
		if l[1] == "50" {
			r.p50 = v
		} else {
			r.p99 = v
		}
	}
	return r, nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// machine describes where the run happens.
func machine() string {
	cpu := "?"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	load := "?"
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	return fmt.Sprintf("%d CPUs (%s), load %s", runtime.NumCPU(), cpu, load)
}

func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
