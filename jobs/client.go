package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"github.com/kamrat/kamrat/tenants"
)

// Config tunes a Client.
type Config struct {
	Logger *slog.Logger
	// Work makes this process execute jobs; without it the client only
	// inserts them (a web-only replica).
	Work bool
	// MaxWorkers is the number of jobs run at once (0: 10).
	MaxWorkers int
	// PollInterval is how often an idle worker looks for new jobs on
	// databases without notifications (SQLite). 0: River's default.
	PollInterval time.Duration
	// Register adds extra workers; tests use it for their own job kinds.
	Register func(*river.Workers)
	// RescueAfter is how long a job may run before River takes it as
	// stuck — its worker died — and runs it again (0: River's default,
	// an hour). Jobs are idempotent, so a rescued job does its work once.
	RescueAfter time.Duration
}

// Deps are what the workers need to do their work. Workers share one
// Deps (a pointer), which also carries the Client they run in, so that a
// job can enqueue others in its own transaction.
type Deps struct {
	// DB and Sealer let workers open the stores they need.
	DB     *tenants.DB
	Sealer *tenants.Sealer
	// Now is the clock of every schedule (reminders, reports, retention);
	// nil is time.Now. Tests move it to travel in time.
	Now func() time.Time
	// PublicURL is the site's external base URL, for links in e-mail.
	PublicURL string

	Heartbeats *tenants.HeartbeatStore
	// Outbox and Mailer send e-mail; without a Mailer, e-mail jobs fail
	// and are retried (see EmailSendWorker).
	Outbox *tenants.EmailOutbox
	Mailer Mailer

	// Notifications keeps the members' inboxes and Notices writes the
	// e-mail that tells of a new notification (see Client.Notify); nil
	// Notifications is a store on DB.
	Notifications *tenants.NotificationStore
	Notices       NotificationMailer

	// client is the Client the workers run in, set by NewClient.
	client *Client
}

// now returns the current time by the Deps' clock.
func (d *Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// Client inserts and (with Config.Work) works Kamrat's jobs on either
// database. It hides River's driver-specific transaction type.
type Client struct {
	insertTx      func(ctx context.Context, tx *tenants.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	start         func(ctx context.Context) error
	stop          func(ctx context.Context) error
	stopAndCancel func(ctx context.Context) error
	subscribe     func(kinds ...river.EventKind) (<-chan *river.Event, func())
	id            func() string
	work          bool
	// deps are the workers' Deps, which Notify uses too.
	deps *Deps

	// The operator's view (operator.go): River's job list, look-up, retry
	// and cancel, and db for counting jobs by kind and state.
	jobList   func(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	jobGet    func(ctx context.Context, id int64) (*rivertype.JobRow, error)
	jobRetry  func(ctx context.Context, id int64) (*rivertype.JobRow, error)
	jobCancel func(ctx context.Context, id int64) (*rivertype.JobRow, error)
	db        *tenants.DB

	// releases end the contexts Start handed River (see Start).
	mu       sync.Mutex
	releases []func()
}

// NewClient builds the River client for db with every Kamrat worker
// registered and the periodic schedule set.
func NewClient(db *tenants.DB, deps Deps, cfg Config) (*Client, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	shared := &deps
	workers := river.NewWorkers()
	if err := registerWorkers(workers, shared); err != nil {
		return nil, err
	}
	if cfg.Register != nil {
		cfg.Register(workers)
	}
	rcfg := &river.Config{
		Logger:  logger,
		Workers: workers,
		// REINDEX needs table ownership, which the application role lacks
		// by design; the database owner reindexes during maintenance.
		ReindexerSchedule:    river.NeverSchedule(),
		FetchPollInterval:    cfg.PollInterval,
		RescueStuckJobsAfter: cfg.RescueAfter,
	}
	if cfg.RescueAfter > 0 {
		// River wants a job's time limit no longer than the wait before
		// rescue; its default limit is a minute.
		rcfg.JobTimeout = min(time.Minute, cfg.RescueAfter)
	}
	if cfg.Work {
		maxWorkers := cfg.MaxWorkers
		if maxWorkers == 0 {
			maxWorkers = 10
		}
		rcfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: maxWorkers}}
		rcfg.PeriodicJobs = periodicJobs()
	}

	switch db.Dialect() {
	case tenants.SQLite:
		rc, err := river.NewClient(riversqlite.New(db.Bun().DB), rcfg)
		if err != nil {
			return nil, fmt.Errorf("river client: %w", err)
		}
		shared.client = &Client{
			insertTx: func(ctx context.Context, tx *tenants.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
				return rc.InsertTx(ctx, tx.Tx.Tx, args, opts)
			},
			start: rc.Start, stop: rc.Stop, stopAndCancel: rc.StopAndCancel, subscribe: rc.Subscribe, id: rc.ID, work: cfg.Work,
			deps:    shared,
			jobList: rc.JobList, jobGet: rc.JobGet, jobRetry: rc.JobRetry, jobCancel: rc.JobCancel, db: db,
		}
		return shared.client, nil
	case tenants.Postgres:
		rc, err := river.NewClient(riverpgxv5.New(db.PgxPool()), rcfg)
		if err != nil {
			return nil, fmt.Errorf("river client: %w", err)
		}
		shared.client = &Client{
			insertTx: func(ctx context.Context, tx *tenants.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
				var res *rivertype.JobInsertResult
				err := tx.WithDriverConn(func(dc any) error {
					sc, ok := dc.(*stdlib.Conn)
					if !ok {
						return fmt.Errorf("jobs: driver connection is %T, want *stdlib.Conn", dc)
					}
					var err error
					res, err = rc.InsertTx(ctx, &connTx{conn: sc.Conn()}, args, opts)
					return err
				})
				return res, err
			},
			start: rc.Start, stop: rc.Stop, stopAndCancel: rc.StopAndCancel, subscribe: rc.Subscribe, id: rc.ID, work: cfg.Work,
			deps:    shared,
			jobList: rc.JobList, jobGet: rc.JobGet, jobRetry: rc.JobRetry, jobCancel: rc.JobCancel, db: db,
		}
		return shared.client, nil
	}
	return nil, fmt.Errorf("jobs: no River driver for dialect %q", db.Dialect())
}

// InsertTx adds a job in tx: it becomes visible to workers only when tx
// commits, and vanishes if tx rolls back.
func (c *Client) InsertTx(ctx context.Context, tx *tenants.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	return c.insertTx(ctx, tx, args, opts)
}

// Start begins working jobs when the client was built with Work; otherwise
// it does nothing. Ending ctx (cancelled, or its deadline passed) stops the
// client at once, cancelling running jobs, as StopAndCancel does.
func (c *Client) Start(ctx context.Context) error {
	if !c.work {
		return nil
	}
	// River takes only cancellation of its context as the order to stop: a
	// context that ends by its deadline (context.DeadlineExceeded) leaves its
	// notifier reconnecting in a loop without pause, at full CPU, and Stop
	// and StopAndCancel then never return. So River gets a context of its own
	// that is cancelled when ctx ends, for whatever reason.
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	unhook := context.AfterFunc(ctx, cancel)
	release := func() {
		unhook()
		cancel()
	}
	if err := c.start(runCtx); err != nil {
		release()
		return err
	}
	c.mu.Lock()
	c.releases = append(c.releases, release)
	c.mu.Unlock()
	return nil
}

// Stop lets running jobs finish until ctx ends, then cancels them and waits
// for them to return (at most 10 s more). It returns nil when every job
// finished in time.
func (c *Client) Stop(ctx context.Context) error {
	if !c.work {
		return nil
	}
	err := c.stop(ctx)
	if err == nil || !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
		c.stopped()
		return err
	}
	cancelCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err2 := c.stopAndCancel(cancelCtx); err2 != nil {
		return errors.Join(err, err2)
	}
	c.stopped()
	return err
}

// stopped releases the contexts Start gave River once River has stopped.
func (c *Client) stopped() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, release := range c.releases {
		release()
	}
	c.releases = nil
}

// ID is River's name for this client: what river_leader.leader_id and a
// job's attempted_by hold while this process leads or works a job.
func (c *Client) ID() string { return c.id() }

// Subscribe returns a channel of job events of the given kinds (all when
// none are given) and a function that ends the subscription.
func (c *Client) Subscribe(kinds ...river.EventKind) (<-chan *river.Event, func()) {
	if len(kinds) == 0 {
		kinds = []river.EventKind{river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled, river.EventKindJobSnoozed}
	}
	return c.subscribe(kinds...)
}
