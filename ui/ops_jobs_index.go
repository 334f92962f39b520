package ui

import (
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/riverqueue/river/rivertype"

	"github.com/kamrat/kamrat/jobs"
)

// opsJobsURL is the operator's view of the job queue.
const opsJobsURL = "/ops/jobs"

// opsJobsPage shows the job queue: how many jobs of each kind are in each
// state, then lists of jobs — those that failed and those running, or,
// filtered, those of one state and kind — with retry and cancel buttons.
type opsJobsPage struct {
	basePage
	// Unavailable: this process has no jobs client to ask.
	Unavailable bool
	// Notice says what the last action did.
	Notice string
	// States are the count table's columns; Kinds its rows.
	States []opsStateColumn
	Kinds  []opsKindRow
	Totals []int
	Total  int
	// StateFilter and KindFilter are the filter form's selects.
	StateFilter, KindFilter fieldView
	// FilterState and FilterKind are the filter in force, which the
	// retry and cancel forms carry so as to come back to it.
	FilterState, FilterKind string
	Sections                []opsJobSection
}

func (opsJobsPage) templateName() string { return "ops_jobs" }

type opsStateColumn struct {
	State, Label string
}

// opsKindRow is one kind's counts, in the order of the page's States.
type opsKindRow struct {
	Kind   string
	Counts []int
	Total  int
}

// opsJobSection is one list of jobs under its heading.
type opsJobSection struct {
	Heading string
	Jobs    []opsJobRow
}

// opsJobRow is one job; the action URLs are empty when the job's state
// does not allow the action.
type opsJobRow struct {
	ID                                   int64
	Kind, State, Attempts, Args          string
	Created, Scheduled, Attempted, Ended opsTime
	// Error is the last failed attempt's error text, from attempt
	// ErrorAttempt at ErrorAt; Errors how many attempts failed.
	Error        string
	ErrorAttempt int
	ErrorAt      opsTime
	Errors       int
	RetryAction  string
	CancelAction string
}

// opsTime is a moment for <time>: local text and its RFC 3339 form; zero
// when there is none.
type opsTime struct {
	Text, DateTime string
}

func opsTimeOf(t *time.Time) opsTime {
	if t == nil || t.IsZero() {
		return opsTime{}
	}
	return opsTime{Text: t.In(stockholm).Format("2006-01-02 15:04:05"), DateTime: t.UTC().Format(time.RFC3339)}
}

// opsJobsIndex shows the counts and the jobs the filter chooses.
func (s *server) opsJobsIndex(c *fiber.Ctx) error {
	lang := s.language(c)
	p := opsJobsPage{basePage: s.newBasePage(c, lang)}
	if s.cfg.Jobs == nil {
		p.Unavailable = true
		return s.renderPage(c, p)
	}
	t := func(key string, args ...any) string { v, _ := p.T(key, args...); return v }
	ctx := c.UserContext()
	stats, err := s.cfg.Jobs.QueueStats(ctx)
	if err != nil {
		return err
	}
	states := jobs.OperatorStates()
	stateOptions := []option{{Value: "", Label: t("ops.jobs.filter.failed_and_running")}}
	for _, st := range states {
		label := t("ops.state." + string(st))
		p.States = append(p.States, opsStateColumn{State: string(st), Label: label})
		stateOptions = append(stateOptions, option{Value: string(st), Label: label})
	}
	p.Totals = make([]int, len(states))
	kindOptions := []option{{Value: "", Label: t("ops.jobs.filter.all_kinds")}}
	for _, q := range stats {
		row := opsKindRow{Kind: q.Kind, Total: q.Total()}
		for i, st := range states {
			row.Counts = append(row.Counts, q.Counts[st])
			p.Totals[i] += q.Counts[st]
		}
		p.Total += row.Total
		p.Kinds = append(p.Kinds, row)
		kindOptions = append(kindOptions, option{Value: q.Kind, Label: q.Kind})
	}

	// An unknown state or kind in the address lists nothing rather than
	// failing: the filter is only a view.
	state, kind := c.Query("state"), c.Query("kind")
	if !slices.Contains(states, rivertype.JobState(state)) {
		state = ""
	}
	p.StateFilter = choice("state", t("ops.jobs.filter.state"), state, "", stateOptions)
	p.KindFilter = choice("kind", t("ops.jobs.filter.kind"), kind, "", kindOptions)
	p.FilterState, p.FilterKind = state, kind

	type list struct {
		heading string
		states  []rivertype.JobState
	}
	lists := []list{
		{t("ops.jobs.failed"), []rivertype.JobState{rivertype.JobStateRetryable, rivertype.JobStateDiscarded}},
		{t("ops.jobs.running"), []rivertype.JobState{rivertype.JobStateRunning}},
	}
	if state != "" {
		lists = []list{{t("ops.jobs.in_state", "State", t("ops.state."+state)), []rivertype.JobState{rivertype.JobState(state)}}}
	}
	for _, l := range lists {
		found, err := s.cfg.Jobs.Jobs(ctx, jobs.JobFilter{States: l.states, Kind: kind})
		if err != nil {
			return err
		}
		sec := opsJobSection{Heading: l.heading}
		for _, j := range found {
			sec.Jobs = append(sec.Jobs, opsRowOf(j, t))
		}
		p.Sections = append(p.Sections, sec)
	}

	if id, err := strconv.ParseInt(c.Query("retried"), 10, 64); err == nil {
		p.Notice = t("ops.jobs.notice.retried", "ID", id)
	} else if id, err := strconv.ParseInt(c.Query("cancelled"), 10, 64); err == nil {
		p.Notice = t("ops.jobs.notice.cancelled", "ID", id)
	}
	return s.renderPage(c, p)
}

func opsRowOf(j jobs.JobView, t func(string, ...any) string) opsJobRow {
	created, scheduled := j.CreatedAt, j.ScheduledAt
	r := opsJobRow{
		ID: j.ID, Kind: j.Kind, State: t("ops.state." + string(j.State)),
		Attempts: t("ops.jobs.attempts", "Attempt", j.Attempt, "Max", j.MaxAttempts), Args: j.Args,
		Created: opsTimeOf(&created), Scheduled: opsTimeOf(&scheduled), Attempted: opsTimeOf(j.AttemptedAt), Ended: opsTimeOf(j.FinalizedAt),
		Errors: j.Errors,
	}
	if e := j.LastError; e != nil {
		at := e.At
		r.Error, r.ErrorAttempt, r.ErrorAt = e.Error, e.Attempt, opsTimeOf(&at)
	}
	if j.CanRetry() {
		r.RetryAction = opsJobsURL + "/" + itoa(j.ID) + "/retry"
	}
	if j.CanCancel() {
		r.CancelAction = opsJobsURL + "/" + itoa(j.ID) + "/cancel"
	}
	return r
}

// opsBackURL is the job list with the filter the form carried and the
// notice of what was done.
func opsBackURL(c *fiber.Ctx, done string, id int64) string {
	q := url.Values{done: {itoa(id)}}
	if v := c.FormValue("state"); v != "" {
		q.Set("state", v)
	}
	if v := c.FormValue("kind"); v != "" {
		q.Set("kind", v)
	}
	return opsJobsURL + "?" + q.Encode()
}
