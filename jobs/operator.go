package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/kamrat/kamrat/tenants"
)

// The platform operator's view of the job queue: how many jobs of each kind
// are in each state, which failed and why, and retrying or cancelling one.
// Jobs belong to no region, so these methods take no tenant; job arguments
// carry ids and dates only, never participant data (see doc.go), and a
// worker's error names the rows it could not handle rather than their
// contents, so what the operator sees here is free of participant data.

// OperatorStates are the job states the operator's view counts, in the
// order a job passes through them.
func OperatorStates() []rivertype.JobState {
	return []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStateScheduled, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateCompleted, rivertype.JobStateCancelled,
		rivertype.JobStateDiscarded,
	}
}

// QueueStat is how many jobs of one kind are in each state.
type QueueStat struct {
	Kind string
	// Counts has an entry for each state with jobs of this kind.
	Counts map[rivertype.JobState]int
}

// Total is the number of jobs of the kind in any state.
func (q QueueStat) Total() int {
	n := 0
	for _, c := range q.Counts {
		n += c
	}
	return n
}

// JobFilter chooses the jobs Client.Jobs lists.
type JobFilter struct {
	// States are the states wanted; none means every state.
	States []rivertype.JobState
	// Kind is the one kind wanted; "" means every kind.
	Kind string
	// Limit caps the list (0: DefaultJobLimit; at most MaxJobLimit).
	Limit int
}

// Job list sizes.
const (
	DefaultJobLimit = 100
	MaxJobLimit     = 1000
)

// JobView is one job as the operator sees it.
type JobView struct {
	ID          int64
	Kind, Queue string
	State       rivertype.JobState
	// Attempt is how many times the job has been tried so far.
	Attempt, MaxAttempts int
	CreatedAt            time.Time
	ScheduledAt          time.Time
	// AttemptedAt is when the last attempt began; FinalizedAt when the job
	// completed, was cancelled or discarded. Nil when not (yet).
	AttemptedAt, FinalizedAt *time.Time
	// LastError is the latest attempt's error; nil when none failed.
	LastError *AttemptError
	// Errors is how many attempts failed.
	Errors int
	// Args are the job's arguments as JSON: ids and dates, never
	// participant data.
	Args string
}

// AttemptError is one failed attempt. The stack trace of a panic is left
// out: it is for the logs, not the page.
type AttemptError struct {
	Attempt int
	At      time.Time
	Error   string
}

// CanRetry reports whether RetryJob accepts the job: it failed, was
// discarded after its last attempt, or was cancelled.
func (j JobView) CanRetry() bool {
	switch j.State {
	case rivertype.JobStateRetryable, rivertype.JobStateDiscarded, rivertype.JobStateCancelled:
		return true
	}
	return false
}

// CanCancel reports whether CancelJob accepts the job: it has not finished.
// A running job is asked to stop; it ends as cancelled if it then fails.
func (j JobView) CanCancel() bool {
	switch j.State {
	case rivertype.JobStateAvailable, rivertype.JobStateScheduled, rivertype.JobStateRetryable,
		rivertype.JobStateRunning, rivertype.JobStatePending:
		return true
	}
	return false
}

// QueueStats counts the jobs by kind and state, kinds in name order.
// Completed jobs are counted until River's cleaner removes them (a day).
func (c *Client) QueueStats(ctx context.Context) ([]QueueStat, error) {
	var rows []struct {
		Kind  string `bun:"kind"`
		State string `bun:"state"`
		N     int    `bun:"n"`
	}
	err := c.db.Bun().NewRaw("SELECT kind, CAST(state AS TEXT) AS state, count(*) AS n FROM river_job GROUP BY kind, state ORDER BY kind").
		Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("count jobs: %w", err)
	}
	var out []QueueStat
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].Kind != r.Kind {
			out = append(out, QueueStat{Kind: r.Kind, Counts: map[rivertype.JobState]int{}})
		}
		out[len(out)-1].Counts[rivertype.JobState(r.State)] += r.N
	}
	return out, nil
}

// Jobs lists the jobs f chooses, newest first.
func (c *Client) Jobs(ctx context.Context, f JobFilter) ([]JobView, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultJobLimit
	}
	limit = min(limit, MaxJobLimit)
	params := river.NewJobListParams().First(limit).OrderBy(river.JobListOrderByID, river.SortOrderDesc)
	if len(f.States) > 0 {
		params = params.States(f.States...)
	}
	if f.Kind != "" {
		params = params.Kinds(f.Kind)
	}
	res, err := c.jobList(ctx, params)
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	out := make([]JobView, 0, len(res.Jobs))
	for _, row := range res.Jobs {
		out = append(out, jobView(row))
	}
	return out, nil
}

// RetryJob makes a failed, discarded or cancelled job available to run
// now (a discarded job gets one more attempt). It returns the job as it is
// afterwards, tenants.ErrNotFound when there is no such job, and
// tenants.ErrConflict when the job is in another state (a completed job is
// not run again; a waiting or running one is left alone).
func (c *Client) RetryJob(ctx context.Context, id int64) (JobView, error) {
	return c.operate(ctx, id, JobView.CanRetry, c.jobRetry)
}

// CancelJob cancels a job that has not finished: a waiting one at once, a
// running one by asking its worker to stop. It returns the job as it is
// afterwards, tenants.ErrNotFound when there is no such job, and
// tenants.ErrConflict when the job has already finished.
func (c *Client) CancelJob(ctx context.Context, id int64) (JobView, error) {
	return c.operate(ctx, id, JobView.CanCancel, c.jobCancel)
}

// operate checks that the job may be acted on, then acts. Between the two
// a worker may move the job on; River's own checks then decide (a running
// job is not retried, a finished one not cancelled), and the state
// returned says what happened.
func (c *Client) operate(ctx context.Context, id int64, allowed func(JobView) bool, act func(context.Context, int64) (*rivertype.JobRow, error)) (JobView, error) {
	row, err := c.jobGet(ctx, id)
	if err != nil {
		return JobView{}, riverError(id, err)
	}
	if !allowed(jobView(row)) {
		return jobView(row), fmt.Errorf("job %d is %s: %w", id, row.State, tenants.ErrConflict)
	}
	row, err = act(ctx, id)
	if err != nil {
		return JobView{}, riverError(id, err)
	}
	return jobView(row), nil
}

func riverError(id int64, err error) error {
	if errors.Is(err, rivertype.ErrNotFound) {
		return fmt.Errorf("job %d: %w", id, tenants.ErrNotFound)
	}
	return fmt.Errorf("job %d: %w", id, err)
}

func jobView(row *rivertype.JobRow) JobView {
	v := JobView{
		ID: row.ID, Kind: row.Kind, Queue: row.Queue, State: row.State,
		Attempt: row.Attempt, MaxAttempts: row.MaxAttempts,
		CreatedAt: row.CreatedAt, ScheduledAt: row.ScheduledAt, AttemptedAt: row.AttemptedAt, FinalizedAt: row.FinalizedAt,
		Errors: len(row.Errors), Args: string(row.EncodedArgs),
	}
	if n := len(row.Errors); n > 0 {
		last := row.Errors[n-1]
		v.LastError = &AttemptError{Attempt: last.Attempt, At: last.At, Error: last.Error}
	}
	return v
}
