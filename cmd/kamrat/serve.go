package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/kamrat/kamrat/jobs"
	"github.com/kamrat/kamrat/migrations"
	"github.com/kamrat/kamrat/policy"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/ui"
)

// Process modes: one process may serve the web, work jobs, or both.
const (
	modeAll    = "all"
	modeWeb    = "web"
	modeWorker = "worker"
)

type serveConfig struct {
	db              databaseFlags
	migrationURL    string
	addr            string
	mode            string
	autoMigrate     bool
	shutdownTimeout time.Duration
	logLevel        string
	tls             bool
	maxWorkers      int
	rescueAfter     time.Duration
	keys            keyFlags
	publicURL       string
	sessionIdle     time.Duration
	sessionAbsolute time.Duration
	demo            bool
	smtp            jobs.SMTPConfig
	smtpTLS         string
	trustedProxies  string
	debugAddr       string
}

func parseServe(args []string, out io.Writer, getenv env) (serveConfig, tenants.Location, slog.Level, error) {
	var c serveConfig
	fs := newFlagSet("serve", out)
	c.db.register(fs)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "address the web server listens on (host:port; :0 picks a free port)")
	fs.fromEnv("addr", "KAMRAT_ADDR")
	fs.StringVar(&c.mode, "mode", modeAll, "what this process runs: all (web and workers), web, or worker")
	fs.fromEnv("mode", "KAMRAT_MODE")
	fs.BoolVar(&c.autoMigrate, "auto-migrate", true, "apply pending database migrations at start")
	fs.fromEnv("auto-migrate", "KAMRAT_AUTO_MIGRATE")
	fs.StringVar(&c.migrationURL, "migration-database-url", "", "database URL of the schema owner, for migrations (default: --database-url)")
	fs.fromEnv("migration-database-url", "KAMRAT_MIGRATION_DATABASE_URL")
	fs.DurationVar(&c.shutdownTimeout, "shutdown-timeout", 30*time.Second, "how long in-flight requests and jobs may take to finish on SIGTERM")
	fs.fromEnv("shutdown-timeout", "KAMRAT_SHUTDOWN_TIMEOUT")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.fromEnv("log-level", "KAMRAT_LOG_LEVEL")
	fs.BoolVar(&c.tls, "tls", false, "the public URL is https (behind a TLS-terminating proxy): send HSTS and use secure cookies")
	fs.fromEnv("tls", "KAMRAT_TLS")
	fs.IntVar(&c.maxWorkers, "max-workers", 10, "background jobs run at once by this process")
	fs.fromEnv("max-workers", "KAMRAT_MAX_WORKERS")
	fs.DurationVar(&c.rescueAfter, "job-rescue-after", 5*time.Minute, "a job still running this long is taken as lost with its process (killed, crashed) and run again; at least 1s")
	fs.fromEnv("job-rescue-after", "KAMRAT_JOB_RESCUE_AFTER")
	c.keys.register(fs)
	fs.StringVar(&c.publicURL, "public-url", "", "external base URL, e.g. https://kamrat.regionskane.se (default: taken from each request)")
	fs.fromEnv("public-url", "KAMRAT_PUBLIC_URL")
	fs.DurationVar(&c.sessionIdle, "session-idle", 30*time.Minute, "sign out after this long without activity")
	fs.fromEnv("session-idle", "KAMRAT_SESSION_IDLE")
	fs.DurationVar(&c.sessionAbsolute, "session-absolute", 10*time.Hour, "sign out this long after sign-in, whatever the activity")
	fs.fromEnv("session-absolute", "KAMRAT_SESSION_ABSOLUTE")
	fs.StringVar(&c.smtp.Host, "smtp-host", "", "SMTP server that relays Kamrat's e-mail (empty: e-mail waits in the outbox)")
	fs.fromEnv("smtp-host", "KAMRAT_SMTP_HOST")
	fs.IntVar(&c.smtp.Port, "smtp-port", 0, "SMTP port (default: 587, or 465 with --smtp-tls tls, 25 with none)")
	fs.fromEnv("smtp-port", "KAMRAT_SMTP_PORT")
	fs.StringVar(&c.smtp.Username, "smtp-username", "", "SMTP user name")
	fs.fromEnv("smtp-username", "KAMRAT_SMTP_USERNAME")
	fs.StringVar(&c.smtp.Password, "smtp-password", "", "SMTP password (prefer the variable: flags show in the process list)")
	fs.fromEnv("smtp-password", "KAMRAT_SMTP_PASSWORD")
	fs.StringVar(&c.smtp.From, "smtp-from", "", "sender of Kamrat's e-mail, e.g. \"Kamrat <noreply@region.se>\"")
	fs.fromEnv("smtp-from", "KAMRAT_SMTP_FROM")
	fs.StringVar(&c.smtpTLS, "smtp-tls", "starttls", "SMTP encryption: starttls, tls, opportunistic or none")
	fs.fromEnv("smtp-tls", "KAMRAT_SMTP_TLS")
	fs.StringVar(&c.trustedProxies, "trusted-proxies", "", "comma-separated addresses or CIDR ranges of the reverse proxies whose X-Forwarded-For is believed (for per-client rate limits)")
	fs.fromEnv("trusted-proxies", "KAMRAT_TRUSTED_PROXIES")
	fs.StringVar(&c.debugAddr, "debug-addr", "", "address of a separate listener serving Go's profiler (/debug/pprof/) for diagnosing performance; keep it on localhost (empty: off)")
	fs.fromEnv("debug-addr", "KAMRAT_DEBUG_ADDR")
	fs.BoolVar(&c.demo, "demo", false, "demo mode: seed demo regions and users and serve a built-in OpenID provider (never in production)")
	if err := fs.parse(args, getenv); err != nil {
		return c, tenants.Location{}, 0, err
	}
	if fs.NArg() > 0 {
		return c, tenants.Location{}, 0, usagef("unexpected argument %q", fs.Arg(0))
	}

	loc, err := c.db.location(fs)
	if err != nil {
		return c, loc, 0, err
	}
	if c.migrationURL != "" {
		mloc, err := tenants.ParseDatabaseURL(c.migrationURL)
		if err != nil {
			return c, loc, 0, usagef("%s: %v", fs.setting("migration-database-url"), err)
		}
		if mloc.Dialect != loc.Dialect {
			return c, loc, 0, usagef("%s: must be the same kind of database as %s", fs.setting("migration-database-url"), fs.setting("database-url"))
		}
	}
	if _, _, err := net.SplitHostPort(c.addr); err != nil {
		return c, loc, 0, usagef("%s: %q is not host:port", fs.setting("addr"), c.addr)
	}
	if c.debugAddr != "" {
		if _, _, err := net.SplitHostPort(c.debugAddr); err != nil {
			return c, loc, 0, usagef("%s: %q is not host:port", fs.setting("debug-addr"), c.debugAddr)
		}
	}
	switch c.mode {
	case modeAll, modeWeb, modeWorker:
	default:
		return c, loc, 0, usagef("%s: %q is not one of all, web, worker", fs.setting("mode"), c.mode)
	}
	if c.shutdownTimeout <= 0 {
		return c, loc, 0, usagef("%s: must be positive", fs.setting("shutdown-timeout"))
	}
	if c.maxWorkers < 1 || c.maxWorkers > 1000 {
		return c, loc, 0, usagef("%s: must be between 1 and 1000", fs.setting("max-workers"))
	}
	if c.rescueAfter < time.Second {
		return c, loc, 0, usagef("%s: must be at least 1s", fs.setting("job-rescue-after"))
	}
	if c.sessionIdle <= 0 || c.sessionAbsolute < c.sessionIdle {
		return c, loc, 0, usagef("%s must be positive and at most %s", fs.setting("session-idle"), fs.setting("session-absolute"))
	}
	if c.publicURL != "" {
		u, err := url.Parse(c.publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			return c, loc, 0, usagef("%s: %q is not a base URL like https://kamrat.example.se", fs.setting("public-url"), c.publicURL)
		}
		c.publicURL = strings.TrimSuffix(c.publicURL, "/")
	}
	for _, p := range c.proxyList() {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return c, loc, 0, usagef("%s: %q is neither an IP address nor a CIDR range", fs.setting("trusted-proxies"), p)
		}
	}
	tlsPolicy, err := jobs.ParseSMTPTLSPolicy(c.smtpTLS)
	if err != nil {
		return c, loc, 0, usagef("%s: %v", fs.setting("smtp-tls"), err)
	}
	c.smtp.TLS = tlsPolicy
	if c.smtp.Host == "" && (c.smtp.From != "" || c.smtp.Username != "" || c.smtp.Port != 0) {
		return c, loc, 0, usagef("%s is required with the other SMTP settings", fs.setting("smtp-host"))
	}
	if c.smtp.Host != "" {
		if err := c.smtp.Validate(); err != nil {
			return c, loc, 0, usagef("%s: %v", fs.setting("smtp-host"), strings.ReplaceAll(err.Error(), "\n", "; "))
		}
	}
	level, err := parseLogLevel(c.logLevel)
	if err != nil {
		return c, loc, 0, usagef("%s: %q: %v", fs.setting("log-level"), c.logLevel, err)
	}
	return c, loc, level, nil
}

// proxyList splits --trusted-proxies.
func (c serveConfig) proxyList() []string {
	var out []string
	for _, p := range strings.Split(c.trustedProxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func runServe(ctx context.Context, args []string, out, errOut io.Writer, getenv env) error {
	cfg, loc, level, err := parseServe(args, out, getenv)
	if err != nil {
		return err
	}
	keys, err := loadKeyring(cfg.keys, loc, true)
	if err != nil {
		return err
	}
	sealer, key := keys.sealer, keys.current
	logger := slog.New(slog.NewJSONHandler(errOut, &slog.HandlerOptions{Level: level}))
	if prev := sealer.PreviousKeyIDs(); len(prev) > 0 {
		logger.Info("encryption keys: sealing with the current key, also opening data sealed with previous keys (`kamrat keys rotate` re-encrypts it)",
			"current_key_id", sealer.KeyID(), "previous_key_ids", prev)
	}
	web, work := cfg.mode != modeWorker, cfg.mode != modeWeb

	// Listen first: a taken port is reported before anything else starts.
	var ln net.Listener
	if web {
		ln, err = net.Listen("tcp", cfg.addr)
		if err != nil {
			return fmt.Errorf("cannot listen on %s: %w", cfg.addr, unwrapOpError(err))
		}
		defer ln.Close()
	}
	if cfg.debugAddr != "" {
		stopDebug, err := serveDebug(cfg.debugAddr, logger)
		if err != nil {
			return err
		}
		defer stopDebug()
	}

	db, err := tenants.Open(ctx, loc, tenants.OpenOptions{})
	if err != nil {
		return fmt.Errorf("cannot open the database: %w", err)
	}
	defer db.Close()

	if err := prepareSchema(ctx, db, cfg, logger); err != nil {
		return err
	}

	mailer, err := newMailer(cfg, logger)
	if err != nil {
		return err
	}
	// Notification e-mail is written from the interface's catalogues.
	translator, err := ui.NewTranslator()
	if err != nil {
		return err
	}
	client, err := jobs.NewClient(db, jobs.Deps{
		DB: db, Sealer: sealer, PublicURL: cfg.publicURL,
		Heartbeats: tenants.NewHeartbeatStore(db), Outbox: tenants.NewEmailOutbox(db), Mailer: mailer,
		Notifications: tenants.NewNotificationStore(db), Notices: ui.NewNotificationMailer(translator),
	}, jobs.Config{
		Logger: logger.With("component", "river"), Work: work, MaxWorkers: cfg.maxWorkers, RescueAfter: cfg.rescueAfter,
	})
	if err != nil {
		return err
	}

	registry := prometheus.NewRegistry()
	registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db.Bun().DB, "kamrat"),
	)

	serveErr := make(chan error, 1)
	var app interface {
		ShutdownWithTimeout(time.Duration) error
	}
	if web {
		pol, err := policy.NewService(db, sealer, key, policy.SessionConfig{
			Idle: cfg.sessionIdle, Absolute: cfg.sessionAbsolute, Secure: cfg.tls,
		})
		if err != nil {
			return err
		}
		uiCfg := ui.Config{
			Logger:        logger,
			Tenants:       tenants.NewTenantStore(db),
			Ready:         (&readiness{db: db}).check,
			Metrics:       registry,
			Version:       version,
			TLS:           cfg.tls,
			Policy:        pol,
			Units:         tenants.NewUnitStore(db),
			Organisations: tenants.NewOrganisationStore(db),
			Agreements:    tenants.NewAgreementStore(db),
			Peers:         tenants.NewPeerStore(db, sealer),
			Supervision:   tenants.NewSupervisionStore(db),
			Gatherings:    tenants.NewGatheringStore(db),
			Placements:    tenants.NewPlacementStore(db),
			Offers:        tenants.NewOfferStore(db),
			Referrals:     tenants.NewReferralStore(db, sealer),
			Support:       tenants.NewSupportStore(db, sealer),
			Notifications: tenants.NewNotificationStore(db),
			Reports:       tenants.NewReportStore(db),
			Dashboards:    tenants.NewDashboardStore(db),
			PublicURL:     cfg.publicURL,
			Mail:          client,
			Jobs:          client,
		}
		if cfg.demo {
			stopDemo, err := setUpDemo(ctx, db, sealer, &uiCfg, ln.Addr().String(), logger)
			if err != nil {
				return fmt.Errorf("demo mode: %w", err)
			}
			defer stopDemo()
		}
		fiberApp, err := ui.New(uiCfg)
		if err != nil {
			return err
		}
		app = fiberApp
		go func() { serveErr <- fiberApp.Listener(ln) }()
		logger.Info("listening", "addr", ln.Addr().String(), "database", loc.String(), "mode", cfg.mode, "version", version)
	}
	// The workers' context outlives the signal: a cancelled start context
	// makes River cancel running jobs at once, while Stop below lets them
	// finish within the grace period.
	if err := client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start background workers: %w", err)
	}
	if work {
		logger.Info("workers started", "max_workers", cfg.maxWorkers, "mode", cfg.mode, "client_id", client.ID())
	}

	select {
	case <-ctx.Done():
		logger.Info("shutting down", "grace", cfg.shutdownTimeout.String())
	case err := <-serveErr:
		if err != nil {
			return fmt.Errorf("web server: %w", err)
		}
	}

	// Drain HTTP and jobs together within one grace period.
	deadline := time.Now().Add(cfg.shutdownTimeout)
	var errs []error
	if app != nil {
		if err := app.ShutdownWithTimeout(cfg.shutdownTimeout); err != nil {
			errs = append(errs, fmt.Errorf("web shutdown: %w", err))
		}
	}
	stopCtx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline)
	defer cancel()
	if err := client.Stop(stopCtx); err != nil {
		errs = append(errs, fmt.Errorf("workers shutdown: %w", err))
	}
	if len(errs) == 0 {
		logger.Info("stopped")
	}
	return errors.Join(errs...)
}

// newMailer returns the SMTP mailer the settings describe. Without an SMTP
// server, demo mode writes each e-mail to the log (a newcomer can follow
// sign-in links from the terminal); otherwise e-mail waits in the outbox,
// retried, until a worker with SMTP settings sends it.
func newMailer(cfg serveConfig, logger *slog.Logger) (jobs.Mailer, error) {
	if cfg.smtp.Host != "" {
		m, err := jobs.NewSMTPMailer(cfg.smtp)
		if err != nil {
			return nil, err
		}
		logger.Info("e-mail goes out through SMTP", "smtp", cfg.smtp.String())
		return m, nil
	}
	if cfg.demo {
		return demoMailer{logger: logger}, nil
	}
	if cfg.mode != modeWeb {
		logger.Warn("no SMTP server configured (--smtp-host / KAMRAT_SMTP_HOST): e-mail waits in the outbox until a worker with SMTP settings sends it")
	}
	return nil, nil
}

// prepareSchema applies migrations at start (as the migration role when one
// is configured) or, with auto-migrate off, refuses to run on an old schema.
func prepareSchema(ctx context.Context, db *tenants.DB, cfg serveConfig, logger *slog.Logger) error {
	if !cfg.autoMigrate {
		st, err := migrations.CurrentStatus(ctx, db)
		if err != nil {
			return fmt.Errorf("read migration status: %w", err)
		}
		if !st.Current() {
			return migrations.ErrPending
		}
		return buildDashboards(ctx, db, logger)
	}
	mdb := db
	if cfg.migrationURL != "" {
		loc, _ := tenants.ParseDatabaseURL(cfg.migrationURL)
		var err error
		if mdb, err = tenants.Open(ctx, loc, tenants.OpenOptions{MaxConns: 2}); err != nil {
			return fmt.Errorf("cannot open the migration database: %w", err)
		}
		defer mdb.Close()
	}
	applied, err := migrations.Up(ctx, mdb, logger.With("component", "migrate"))
	if err != nil {
		return err
	}
	if len(applied) > 0 {
		logger.Info("migrations applied", "migrations", applied)
	}
	return buildDashboards(ctx, db, logger)
}

// buildDashboards builds the dashboard counts of regions that existed
// before the counts did (once per region, whichever replica gets there
// first).
func buildDashboards(ctx context.Context, db *tenants.DB, logger *slog.Logger) error {
	built, err := tenants.NewDashboardStore(db).BuildMissing(ctx, time.Now())
	if built > 0 {
		logger.Info("dashboard counts built for existing regions", "regions", built)
	}
	if err != nil {
		return fmt.Errorf("build dashboard counts: %w", err)
	}
	return nil
}

// readiness is the readiness check: the database answers and has every
// migration this build expects. Once the schema has been seen current it
// stays current for this process (migrations only move forward), so later
// probes only ping.
type readiness struct {
	db            *tenants.DB
	schemaCurrent atomic.Bool
}

func (r *readiness) check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := r.db.Ping(ctx); err != nil {
		return fmt.Errorf("database unreachable")
	}
	if r.schemaCurrent.Load() {
		return nil
	}
	st, err := migrations.CurrentStatus(ctx, r.db)
	if err != nil {
		return fmt.Errorf("database unreachable")
	}
	if !st.Current() {
		return migrations.ErrPending
	}
	r.schemaCurrent.Store(true)
	return nil
}

// unwrapOpError drops the "listen tcp …:" prefix the caller already says.
func unwrapOpError(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		if sys, ok := op.Err.(*os.SyscallError); ok {
			return sys.Err
		}
		return op.Err
	}
	return err
}
