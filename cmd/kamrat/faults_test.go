package main

// Fault tests: whole kamrat processes on PostgreSQL under a mixed load,
// one of them killed (SIGKILL), the database restarted, and a graceful stop
// (SIGTERM) with work in flight. Each checks afterwards that whatever the
// application acknowledged is in the database, and that background work
// happened once.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/kamrat/kamrat/cmd/kamrat/kamrattest"
	"github.com/kamrat/kamrat/jobs/jobstest"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// riverClientID reads the River client id a process logged when its
// workers started.
func riverClientID(t *testing.T, p *process) string {
	t.Helper()
	var id string
	kamrattest.WaitFor(t, 30*time.Second, "the workers to start", func() bool {
		sc := bufio.NewScanner(strings.NewReader(p.Log.String()))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var line struct {
				Msg      string `json:"msg"`
				ClientID string `json:"client_id"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "workers started" {
				id = line.ClientID
				return id != ""
			}
		}
		return false
	}, p.Log.String)
	return id
}

// logsOf joins the processes' logs for a failure message.
func logsOf(procs ...*process) string {
	var b strings.Builder
	for i, p := range procs {
		fmt.Fprintf(&b, "--- process %d (%s) ---\n%s\n", i, p.Addr, p.Log.String())
	}
	return b.String()
}

// jobRow is a River job as the checks read it.
type jobRow struct {
	ID        int64     `bun:"id"`
	Kind      string    `bun:"kind"`
	State     string    `bun:"state"`
	Attempt   int       `bun:"attempt"`
	Args      string    `bun:"args"`
	CreatedAt time.Time `bun:"created_at"`
}

func riverJobs(t *testing.T, db *tenants.DB, where string, args ...any) []jobRow {
	t.Helper()
	var out []jobRow
	if err := db.Bun().NewRaw("SELECT id, kind, state, attempt, CAST(args AS TEXT) AS args, created_at FROM river_job WHERE "+where+" ORDER BY id", args...).
		Scan(context.Background(), &out); err != nil {
		t.Fatalf("read river_job: %v", err)
	}
	return out
}

// TestThreeProcessesSurviveSIGKILL: three kamrat processes (web and
// workers each) on one PostgreSQL database take a mixed load spread
// round-robin across them — API writes and reads as clinic staff and a
// coordinator, and an administrator's browser session making invitations
// that queue e-mail. The process that leads River's periodic work is
// killed with SIGKILL mid-run and restarted on its address while the load
// goes on. Afterwards every acknowledged write is in the database, every
// read saw every write acknowledged before it, each late referral was
// notified once per person and each e-mail sent once, the quarter's report
// was built once although the periodic schedule ran again under the new
// leader, and the session works on the restarted process.
//
// All three run both web and workers (mode all) rather than two web and
// one worker: killing such a process takes down requests, running jobs and
// River's leader at once, which is the harder case, and it leaves two
// workers to carry on.
func TestThreeProcessesSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three kamrat processes and waits for River's leader election (about a minute)")
	}
	t.Parallel()
	began := time.Now()
	appURL, ownerURL := tenanttest.URL(t, tenants.Postgres)
	smtp := jobstest.NewSMTPServer(t, jobstest.SMTPOptions{})
	// A job left running by the killed process is taken up again after
	// 5 s (by the leader's rescuer, which looks every 30 s).
	env := faultEnv(appURL, ownerURL, smtp, "KAMRAT_JOB_RESCUE_AFTER=5s")
	migrateUp(t, env)
	region := setUpFaultRegion(t, appURL)
	// Two referrals late since before the processes started: the first
	// leader's reminder scan finds them.
	early := []int64{region.referDirectly(t), region.referDirectly(t)}
	region.backdate(t, early...)

	var procs []*process
	for range 3 {
		procs = append(procs, startServe(t, env))
	}
	reps := newReplicas(procs...)
	ids := map[string]int{}
	for i, p := range procs {
		ids[riverClientID(t, p)] = i
	}
	t.Logf("%s: three processes up", time.Since(began).Round(time.Millisecond))

	admin := signInByEmail(t, reps, smtp, region.region.Slug, region.admin.Email)
	// The first leader's scan has notified the early referrals.
	expectNotified := func(refs []int64) func() bool {
		return func() bool {
			var n int
			region.query(t, &n, "SELECT COUNT(*) FROM notifications WHERE tenant_id = ? AND dedupe_key IN (?)", region.region.ID, bun.In(dedupeKeys(refs)))
			return n == 3*len(refs)
		}
	}
	kamrattest.WaitFor(t, 60*time.Second, "the first reminder scan to notify the early referrals", expectNotified(early), func() string { return logsOf(procs...) })
	t.Logf("%s: signed in, first reminders out", time.Since(began).Round(time.Millisecond))

	l := startLoad(t, reps, region, admin)
	answered := func(replica int, since time.Time, n int) func() bool {
		return func() bool {
			l.acks.mu.Lock()
			defer l.acks.mu.Unlock()
			k := 0
			for _, a := range l.acks.answers {
				if a.replica == replica && a.at.After(since) && a.status >= 200 && a.status < 400 {
					k++
				}
			}
			return k >= n
		}
	}
	loadFrom := time.Now()
	kamrattest.WaitFor(t, 60*time.Second, "the load to get going", func() bool {
		l.acks.mu.Lock()
		defer l.acks.mu.Unlock()
		return time.Since(loadFrom) > 4*time.Second && len(l.acks.referrals) >= 10 && len(l.acks.invitations) >= 5
	}, func() string { return logsOf(procs...) })
	// Three referrals acknowledged by the load become late too: only the
	// reminder scan of the next leader can find them.
	mid := l.acks.snapshotReferrals()[:3]
	region.backdate(t, mid...)

	var leaderID string
	if err := region.db.Bun().NewRaw("SELECT leader_id FROM river_leader").Scan(context.Background(), &leaderID); err != nil {
		t.Fatalf("read River's leader: %v", err)
	}
	victim, ok := ids[leaderID]
	if !ok {
		t.Fatalf("River's leader %q is none of the processes %v", leaderID, ids)
	}
	// The leader dies in the middle of sending an e-mail: the SMTP server
	// holds every message, unanswered, until the leader has one.
	release := smtp.Hold()
	var inFlight []jobRow
	kamrattest.WaitFor(t, 30*time.Second, "the leader to be sending an e-mail", func() bool {
		inFlight = riverJobs(t, region.db, "kind = 'email_send' AND state = 'running' AND attempted_by[array_length(attempted_by, 1)] = ?", leaderID)
		return len(inFlight) > 0 && smtp.Held() > 0
	}, func() string { return logsOf(procs...) })
	killedAt := time.Now()
	if err := procs[victim].Cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-procs[victim].Done
	release()
	t.Logf("%s: killed process %d, River's leader, with SIGKILL while it sent e-mail (jobs %v)", time.Since(began).Round(time.Millisecond), victim, inFlight)
	for i := range procs {
		if i != victim {
			kamrattest.WaitFor(t, 60*time.Second, fmt.Sprintf("replica %d to serve while %d is down", i, victim), answered(i, killedAt, 15), func() string { return logsOf(procs...) })
		}
	}
	killed := procs[victim]
	procs[victim] = startServe(t, env, "--addr", killed.Addr)
	restartedAt := time.Now() // listening
	kamrattest.WaitFor(t, 60*time.Second, "the restarted process to serve the load", answered(victim, restartedAt, 15), func() string { return logsOf(procs...) })
	t.Logf("%s: process %d restarted and serving", time.Since(began).Round(time.Millisecond), victim)

	// The session and its CSRF tokens work on the restarted process.
	slug := region.region.Slug
	if a := admin.do(http.MethodGet, reps.base(victim)+"/r/"+slug+"/start", nil); a.status != http.StatusOK || !strings.Contains(a.body, region.admin.DisplayName) {
		t.Errorf("the start page on the restarted process: %s", a)
	}
	form := admin.do(http.MethodGet, reps.base(victim)+"/r/"+slug+"/admin/invitations", nil)
	other := (victim + 1) % len(procs)
	lastInvite := "efter-omstart@example.se"
	if a := admin.do(http.MethodPost, reps.base(other)+"/r/"+slug+"/admin/invitations", url.Values{
		"_csrf": {csrfOf(form.body)}, "email": {lastInvite}, "display_name": {"Efter Omstart"}, "role": {"viewer"},
	}); a.status != http.StatusOK || !strings.Contains(a.body, lastInvite) {
		t.Errorf("an invitation on the form of the restarted process: %s", a)
	}
	acks := l.halt()
	acks.invitations = append(acks.invitations, lastInvite)
	t.Logf("%s: load stopped: %d answers, %d referrals, %d weeks, %d encounters, %d accepted, %d invitations acknowledged",
		time.Since(began).Round(time.Millisecond), len(acks.answers), len(acks.referrals), len(acks.weeks), acks.encounters, len(acks.accepted), len(acks.invitations))

	// Under the new leader the periodic jobs ran again and reminded of
	// the referrals that became late mid-run; then everything settles.
	kamrattest.WaitFor(t, 90*time.Second, "the new leader's reminder scan to notify the referrals made late mid-run", func() bool {
		return expectNotified(mid)()
	}, func() string { return logsOf(procs...) })
	kamrattest.WaitFor(t, 90*time.Second, "every job to be done", func() bool {
		return len(riverJobs(t, region.db, "state NOT IN ('completed', 'cancelled', 'discarded') AND kind <> 'worker_heartbeat'")) == 0
	}, func() string {
		return fmt.Sprintf("unfinished: %+v\n%s", riverJobs(t, region.db, "state NOT IN ('completed', 'cancelled', 'discarded')"), logsOf(procs...))
	})
	unanswered := 0
	for _, a := range acks.answers {
		if a.status == 0 {
			unanswered++
		}
	}
	t.Logf("%s: every job done; %d requests went unanswered while process %d was down; jobs run more than once: %+v",
		time.Since(began).Round(time.Millisecond), unanswered, victim, riverJobs(t, region.db, "attempt > 1"))

	for _, j := range inFlight {
		if got := riverJobs(t, region.db, "id = ?", j.ID); len(got) != 1 || got[0].State != "completed" || got[0].Attempt < 2 {
			t.Errorf("the e-mail job the killed process was running: %+v, want completed by another process", got)
		}
	}
	checkAnswers(t, acks, func(a answer) bool { return a.replica == victim && a.at.Before(restartedAt) })
	checkAcknowledged(t, region, acks)
	checkReminders(t, region, append(early, mid...))
	checkEmailOnce(t, region, smtp)

	// Periodic work: the schedule ran again under the new leader, and
	// still the quarter's report was built by one job, once.
	if scans := riverJobs(t, region.db, "kind = 'reminder_scan' AND state = 'completed' AND created_at > ?", killedAt); len(scans) == 0 {
		t.Errorf("no reminder scan ran after the leader was killed: %+v", riverJobs(t, region.db, "kind = 'reminder_scan'"))
	}
	if schedules := riverJobs(t, region.db, "kind = 'report_schedule' AND state = 'completed'"); len(schedules) < 2 {
		t.Errorf("report schedule ran %d times, want again under the new leader", len(schedules))
	}
	if builds := riverJobs(t, region.db, "kind = 'report_build'"); len(builds) != 1 || builds[0].State != "completed" {
		t.Errorf("report_build jobs = %+v, want one, completed", builds)
	}
	var reports []struct {
		Scope string `bun:"scope"`
		N     int    `bun:"n"`
	}
	region.query(t, &reports, "SELECT scope, COUNT(*) AS n FROM reports WHERE tenant_id = ? GROUP BY scope, scope_id, period_start", region.region.ID)
	if len(reports) == 0 {
		t.Error("no report was built")
	}
	for _, r := range reports {
		if r.N != 1 {
			t.Errorf("%d reports of one %s scope and quarter, want 1", r.N, r.Scope)
		}
	}
	var dupJobs []struct {
		Kind string `bun:"kind"`
		Args string `bun:"args"`
		N    int    `bun:"n"`
	}
	if err := region.db.Bun().NewRaw(`SELECT kind, CAST(args AS TEXT) AS args, COUNT(*) AS n FROM river_job
		WHERE kind LIKE 'reminder\_%' AND kind <> 'reminder_scan' OR kind = 'report_build'
		GROUP BY kind, args HAVING COUNT(*) > 1`).Scan(context.Background(), &dupJobs); err != nil {
		t.Fatal(err)
	}
	if len(dupJobs) > 0 {
		t.Errorf("reminders or builds enqueued more than once: %+v", dupJobs)
	}

	for i, p := range procs {
		if code := p.stop(t); code != 0 {
			t.Errorf("process %d: exit %d after SIGTERM\n%s", i, code, p.Log)
		}
	}
	t.Logf("%s: done", time.Since(began).Round(time.Millisecond))
}

// migrateUp runs `kamrat migrate up` with env's settings.
func migrateUp(t *testing.T, env []string) {
	t.Helper()
	if out, errOut, code := runKamrat(t, env, "migrate", "up"); code != 0 {
		t.Fatalf("migrate up: exit %d\n%s\n%s", code, out, errOut)
	}
}

// dedupeKeys are the notification keys of late referrals: the
// coordinators' reminder and the administrators' escalation.
func dedupeKeys(refs []int64) []string {
	var keys []string
	for _, id := range refs {
		keys = append(keys, fmt.Sprintf("referral_not_contacted:%d", id), fmt.Sprintf("referral_escalated:%d", id))
	}
	return keys
}

// checkAnswers: no client got a server error, and a request went
// unanswered only where excused (the process was down).
func checkAnswers(t *testing.T, acks *acks, excused func(answer) bool) {
	t.Helper()
	var bad []string
	for _, a := range acks.answers {
		switch {
		case a.status == 0 && !excused(a):
			bad = append(bad, "no answer: "+a.String())
		case a.status >= 400:
			bad = append(bad, "refused: "+a.String())
		}
	}
	bad = append(bad, acks.problems...)
	if len(bad) > 0 {
		t.Errorf("%d of %d requests went wrong:\n%s", len(bad), len(acks.answers), strings.Join(bad[:min(len(bad), 30)], "\n"))
	}
}

// checkAcknowledged: every write the application acknowledged is in the
// database, and writes sent without an answer account for any more.
func checkAcknowledged(t *testing.T, region *faultRegion, acks *acks) {
	t.Helper()
	id := region.region.ID
	var refs []int64
	region.query(t, &refs, "SELECT id FROM referrals WHERE tenant_id = ? AND unit_id = ?", id, region.unit)
	for _, r := range acks.referrals {
		if !slices.Contains(refs, r) {
			t.Errorf("acknowledged referral %d is not in the database", r)
		}
	}
	var accepted []int64
	region.query(t, &accepted, "SELECT id FROM referrals WHERE tenant_id = ? AND status <> 'received'", id)
	for _, r := range acks.accepted {
		if !slices.Contains(accepted, r) {
			t.Errorf("referral %d, acknowledged as accepted, is still received", r)
		}
	}
	var weeks []string
	region.query(t, &weeks, "SELECT to_char(week_start, 'YYYY-MM-DD') FROM offer_weeks WHERE tenant_id = ? AND unit_id = ?", id, region.unit)
	for _, w := range acks.weeks {
		if !slices.Contains(weeks, w) {
			t.Errorf("acknowledged offer week %s is not in the database", w)
		}
	}
	if extra := len(weeks) - len(acks.weeks); extra < 0 || extra > acks.weekUnknown {
		t.Errorf("%d offer weeks in the database; %d acknowledged and %d unanswered", len(weeks), len(acks.weeks), acks.weekUnknown)
	}
	// Each week counts 2 met, each encounter 1.
	var met int
	region.query(t, &met, "SELECT COALESCE(SUM(met), 0) FROM offer_tallies WHERE tenant_id = ? AND unit_id = ?", id, region.unit)
	encounters := met - 2*len(weeks)
	if encounters < acks.encounters || encounters > acks.encounters+acks.encUnknown {
		t.Errorf("the tallies count %d encounters; %d acknowledged and %d unanswered", encounters, acks.encounters, acks.encUnknown)
	}
	var invited []string
	region.query(t, &invited, "SELECT email FROM invitations WHERE tenant_id = ?", id)
	for _, e := range acks.invitations {
		if !slices.Contains(invited, e) {
			t.Errorf("acknowledged invitation of %s is not in the database", e)
		}
	}
}

// checkReminders: each late referral was notified once to each
// coordinator (not contacted) and to the administrator (escalated).
func checkReminders(t *testing.T, region *faultRegion, late []int64) {
	t.Helper()
	var got []struct {
		UserID    int64  `bun:"user_id"`
		DedupeKey string `bun:"dedupe_key"`
	}
	region.query(t, &got, "SELECT user_id, dedupe_key FROM notifications WHERE tenant_id = ? AND kind IN ('referral_not_contacted', 'referral_escalated')", region.region.ID)
	count := map[string]int{}
	for _, n := range got {
		count[fmt.Sprintf("%d %s", n.UserID, n.DedupeKey)]++
	}
	want := map[string]bool{}
	for _, r := range late {
		for _, c := range region.coords {
			want[fmt.Sprintf("%d referral_not_contacted:%d", c.ID, r)] = true
		}
		want[fmt.Sprintf("%d referral_escalated:%d", region.admin.ID, r)] = true
	}
	for k := range want {
		if count[k] != 1 {
			t.Errorf("notification %q exists %d times, want once", k, count[k])
		}
	}
	for k, n := range count {
		if !want[k] {
			t.Errorf("unexpected notification %q (%d times)", k, n)
		}
	}
}

// checkEmailOnce: every message of the outbox was sent, and the SMTP
// server received each address's messages as often as the outbox holds
// them. The one exception is the gap every outbox has: a process killed
// after the SMTP server accepted a message and before it was marked sent;
// the rescued job sends it again. A second copy is excused only for a
// message whose job ran more than once.
func checkEmailOnce(t *testing.T, region *faultRegion, smtp *jobstest.SMTPServer) {
	t.Helper()
	var outbox []struct {
		ID   int64      `bun:"id"`
		To   string     `bun:"to_address"`
		Sent *time.Time `bun:"sent_at"`
	}
	region.query(t, &outbox, "SELECT id, to_address, sent_at FROM email_outbox WHERE tenant_id = ?", region.region.ID)
	queued := map[string]int{}
	for _, m := range outbox {
		if m.Sent == nil {
			t.Errorf("e-mail %d to %s was never sent", m.ID, m.To)
		}
		queued[m.To]++
	}
	received := map[string]int{}
	for _, m := range smtp.Messages() {
		for _, to := range m.To {
			received[to]++
		}
	}
	retried := map[string]bool{}
	for _, j := range riverJobs(t, region.db, "kind = 'email_send' AND attempt > 1") {
		var args struct {
			MessageID int64 `json:"message_id"`
		}
		json.Unmarshal([]byte(j.Args), &args)
		for _, m := range outbox {
			if m.ID == args.MessageID {
				retried[m.To] = true
			}
		}
	}
	for to, n := range received {
		switch {
		case n == queued[to]:
		case n == queued[to]+1 && retried[to]:
			t.Logf("%s received one message twice: its job was taken up again after the kill (the outbox's known gap)", to)
		default:
			t.Errorf("%s received %d messages; the outbox holds %d", to, n, queued[to])
		}
	}
	for to, n := range queued {
		if received[to] == 0 {
			t.Errorf("%s received none of its %d messages", to, n)
		}
	}
}

// unavailableText is the catalogue's Swedish message of a 503.
const unavailableText = "Tjänsten är tillfälligt otillgänglig. Försök igen om en stund."

// leaks are pieces of driver and runtime text no answer may carry.
var leaks = []string{"SQLSTATE", "failed to connect", "dial tcp", "connection refused", "pgx", "pgconn", "kamrat_app", "terminating connection", "goroutine", "panic"}

// cleanUnavailable checks that a 503 says the catalogue's message, as
// JSON or as a page, asks to retry, and leaks nothing.
func cleanUnavailable(a answer) error {
	if a.status != http.StatusServiceUnavailable {
		return fmt.Errorf("status %d, want 503", a.status)
	}
	if a.header.Get("Retry-After") == "" {
		return fmt.Errorf("503 without Retry-After")
	}
	for _, leak := range leaks {
		if strings.Contains(a.body, leak) {
			return fmt.Errorf("the answer leaks %q", leak)
		}
	}
	if strings.HasPrefix(a.header.Get("Content-Type"), "application/json") {
		var e struct {
			Error struct {
				Status  int
				Message string
				Detail  string
			}
		}
		if err := json.Unmarshal([]byte(a.body), &e); err != nil || e.Error.Status != 503 || e.Error.Message != unavailableText || e.Error.Detail != "" {
			return fmt.Errorf("JSON error %+v (%v), want status 503 and %q", e.Error, err, unavailableText)
		}
		return nil
	}
	if !strings.Contains(a.body, unavailableText) {
		return fmt.Errorf("the page lacks %q", unavailableText)
	}
	return nil
}

// TestPostgresRestartUnderLoad: two kamrat processes on a private
// PostgreSQL cluster take the mixed load while the database is stopped
// (as a restart does: sessions terminated) for five seconds and started
// again. While it is down every request gets a clean answer — 503 with the
// catalogue's message and Retry-After, as JSON or a page, no driver text —
// /readyz says 503 and /healthz 200; once it is back both processes serve
// again by themselves within a bounded time, without being restarted, and
// every write acknowledged before, during or after is in the database.
// The shared server other tests use is never touched.
func TestPostgresRestartUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a private PostgreSQL cluster and two kamrat processes")
	}
	t.Parallel()
	began := time.Now()
	pg := kamrattest.StartPostgres(t)
	if out, errOut, code := runKamrat(t, nil, "db", "setup", "--admin-url", pg.URL("kamrat")); code != 0 {
		t.Fatalf("db setup: exit %d\n%s\n%s", code, out, errOut)
	}
	appURL := "postgres://kamrat_app@" + pg.Addr() + "/kamrat?sslmode=disable"
	ownerURL := "postgres://kamrat_owner@" + pg.Addr() + "/kamrat?sslmode=disable"
	smtp := jobstest.NewSMTPServer(t, jobstest.SMTPOptions{})
	env := faultEnv(appURL, ownerURL, smtp)
	migrateUp(t, env)
	region := setUpFaultRegion(t, appURL)
	procs := []*process{startServe(t, env), startServe(t, env)}
	reps := newReplicas(procs...)
	admin := region.adminBrowser(t)
	t.Logf("%s: private PostgreSQL and two processes up", time.Since(began).Round(time.Millisecond))

	l := startLoad(t, reps, region, admin)
	loadFrom := time.Now()
	kamrattest.WaitFor(t, 60*time.Second, "the load to get going", func() bool {
		l.acks.mu.Lock()
		defer l.acks.mu.Unlock()
		return time.Since(loadFrom) > 2*time.Second && len(l.acks.referrals) >= 5
	}, func() string { return logsOf(procs...) })

	downAt := time.Now()
	pg.Stop(t)
	t.Logf("%s: PostgreSQL stopped", time.Since(began).Round(time.Millisecond))
	// While it is down, each process answers cleanly: a page, the API, and
	// the probes.
	slug := region.region.Slug
	for i := range procs {
		base := reps.base(i)
		page := admin.do(http.MethodGet, base+"/r/"+slug+"/start", nil)
		api := send(http.MethodGet, base+"/api/v1/regions/"+slug+"/clinic/referrals", http.Header{"Authorization": {"Bearer " + region.clinicAPI}}, nil)
		for _, a := range []answer{page, api} {
			a.replica = i
			if err := cleanUnavailable(a); err != nil {
				t.Errorf("process %d while the database is down: %v: %s", i, err, a)
			}
		}
		if a := send(http.MethodGet, base+"/readyz", nil, nil); a.status != http.StatusServiceUnavailable {
			t.Errorf("process %d: /readyz while the database is down: %s", i, a)
		}
		if a := send(http.MethodGet, base+"/healthz", nil, nil); a.status != http.StatusOK {
			t.Errorf("process %d: /healthz while the database is down: %s", i, a)
		}
	}
	// Five seconds of outage, under load.
	kamrattest.WaitFor(t, 30*time.Second, "five seconds of load on the stopped database", func() bool {
		return time.Since(downAt) >= 5*time.Second
	}, nil)
	pg.Start(t)
	upAt := time.Now()
	t.Logf("%s: PostgreSQL started again after %s", time.Since(began).Round(time.Millisecond), upAt.Sub(downAt).Round(time.Millisecond))

	// Each process serves again by itself: ready, and a write through it
	// is acknowledged.
	for i := range procs {
		kamrattest.WaitFor(t, 30*time.Second, fmt.Sprintf("process %d to recover", i), func() bool {
			if a := send(http.MethodGet, reps.base(i)+"/readyz", nil, nil); a.status != http.StatusOK {
				return false
			}
			a := send(http.MethodPost, reps.base(i)+"/api/v1/regions/"+slug+"/offers/encounters",
				http.Header{"Authorization": {"Bearer " + region.clinicAPI}}, map[string]any{"informed": true})
			if a.status == http.StatusCreated {
				l.acks.mu.Lock()
				l.acks.encounters++
				l.acks.mu.Unlock()
			}
			return a.status == http.StatusCreated
		}, func() string { return logsOf(procs...) + pg.Log() })
	}
	recoveredAt := time.Now()
	t.Logf("%s: both processes recovered %s after the start", time.Since(began).Round(time.Millisecond), recoveredAt.Sub(upAt).Round(time.Millisecond))
	answered := func(replica int, n int) func() bool {
		return func() bool {
			l.acks.mu.Lock()
			defer l.acks.mu.Unlock()
			k := 0
			for _, a := range l.acks.answers {
				if a.replica == replica && a.at.After(recoveredAt) && a.status >= 200 && a.status < 400 {
					k++
				}
			}
			return k >= n
		}
	}
	for i := range procs {
		kamrattest.WaitFor(t, 60*time.Second, fmt.Sprintf("process %d to serve the load again", i), answered(i, 10), func() string { return logsOf(procs...) })
	}
	acks := l.halt()

	// Answers: clean 503s (or successes) during the outage, successes
	// outside it; never a 500 or a dropped connection.
	var bad []string
	outage, unavailable := 0, 0
	for _, a := range acks.answers {
		during := a.at.Before(recoveredAt) && !a.done.Before(downAt) // overlaps the outage
		if during {
			outage++
		}
		switch {
		case a.status == http.StatusServiceUnavailable && during:
			unavailable++
			if err := cleanUnavailable(a); err != nil {
				bad = append(bad, err.Error()+": "+a.String())
			}
		case a.status >= 200 && a.status < 400:
		default:
			bad = append(bad, a.String())
		}
	}
	bad = append(bad, acks.problems...)
	if len(bad) > 0 {
		t.Errorf("%d of %d answers went wrong:\n%s", len(bad), len(acks.answers), strings.Join(bad[:min(len(bad), 30)], "\n"))
	}
	if unavailable == 0 {
		t.Errorf("no request of the load met the outage (%d answers during it)", outage)
	}
	t.Logf("%s: %d answers, %d during the outage (%d of them 503); %d referrals, %d weeks, %d encounters, %d invitations acknowledged",
		time.Since(began).Round(time.Millisecond), len(acks.answers), outage, unavailable, len(acks.referrals), len(acks.weeks), acks.encounters, len(acks.invitations))
	checkAcknowledged(t, region, acks)
	// The workers came back too: the invitations' e-mail went out.
	kamrattest.WaitFor(t, 90*time.Second, "every job to be done", func() bool {
		return len(riverJobs(t, region.db, "state NOT IN ('completed', 'cancelled', 'discarded') AND kind <> 'worker_heartbeat'")) == 0
	}, func() string {
		return fmt.Sprintf("unfinished: %+v\n%s", riverJobs(t, region.db, "state NOT IN ('completed', 'cancelled', 'discarded')"), logsOf(procs...))
	})
	checkEmailOnce(t, region, smtp)

	for i, p := range procs {
		select {
		case <-p.Done:
			t.Fatalf("process %d exited during the test:\n%s", i, p.Log)
		default:
		}
		if code := p.stop(t); code != 0 {
			t.Errorf("process %d: exit %d after SIGTERM\n%s", i, code, p.Log)
		}
	}
	t.Logf("%s: done", time.Since(began).Round(time.Millisecond))
}

// halfRequest starts a POST whose body is only half sent: a request in
// flight for as long as the test holds the rest back. finish sends the
// rest and reads the answer.
func halfRequest(t *testing.T, addr, path, token, body string) (finish func() (*http.Response, string)) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	half := len(body) / 2
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		path, addr, token, len(body), body[:half])
	return func() (*http.Response, string) {
		t.Helper()
		if _, err := io.WriteString(conn, body[half:]); err != nil {
			t.Fatalf("send the rest of the request: %v", err)
		}
		conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("the request in flight got no answer: %v", err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
}

// TestSIGTERMFinishesWorkInFlight: SIGTERM comes while a write request is
// half received and an e-mail job is in the middle of its SMTP exchange.
// The process takes no new connections, serves the request to the end,
// lets the job finish, and exits 0 within the grace period; the write is
// in the database and the e-mail went out once. When the job outlasts the
// grace period instead, the process stops it and exits non-zero, and
// nothing is lost: the next process sends the e-mail, once.
func TestSIGTERMFinishesWorkInFlight(t *testing.T) {
	for _, d := range []tenants.Dialect{tenants.SQLite, tenants.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			appURL, ownerURL := tenanttest.URL(t, d)
			smtp := jobstest.NewSMTPServer(t, jobstest.SMTPOptions{})
			env := faultEnv(appURL, ownerURL, smtp)
			migrateUp(t, env)
			region := setUpFaultRegion(t, appURL)
			admin := region.adminBrowser(t)
			slug := region.region.Slug

			// invite makes an invitation on p, which queues its e-mail, and
			// waits until the e-mail's job is held in the SMTP exchange.
			invite := func(p *process, email string) jobRow {
				t.Helper()
				form := admin.do(http.MethodGet, p.URL("/r/"+slug+"/admin/invitations"), nil)
				made := admin.do(http.MethodPost, p.URL("/r/"+slug+"/admin/invitations"), url.Values{
					"_csrf": {csrfOf(form.body)}, "email": {email}, "display_name": {"Inbjuden"}, "role": {"viewer"},
				})
				if made.status != http.StatusOK || !strings.Contains(made.body, email) {
					t.Fatalf("invite %s: %s", email, made)
				}
				var job []jobRow
				kamrattest.WaitFor(t, 30*time.Second, "the e-mail job to be in its SMTP exchange", func() bool {
					job = riverJobs(t, region.db, "kind = 'email_send' AND state = 'running'")
					return len(job) == 1 && smtp.Held() == 1
				}, p.Log.String)
				return job[0]
			}
			sent := func(email string) int {
				n := 0
				for _, m := range smtp.Messages() {
					if slices.Contains(m.To, email) {
						n++
					}
				}
				return n
			}

			t.Run("within the grace period", func(t *testing.T) {
				p := startServe(t, append(env, "KAMRAT_SHUTDOWN_TIMEOUT=20s"))
				release := smtp.Hold()
				defer release()
				job := invite(p, "inom-respiten@example.se")
				finish := halfRequest(t, p.Addr, "/api/v1/regions/"+slug+"/offers/encounters", region.clinicAPI, `{"informed": true, "offered": true, "response": "accepted"}`)
				time.Sleep(300 * time.Millisecond) // let the server take the connection and read the headers
				termAt := time.Now()
				if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
					t.Fatal(err)
				}
				kamrattest.WaitFor(t, 10*time.Second, "the listener to close", func() bool {
					c, err := net.DialTimeout("tcp", p.Addr, time.Second)
					if err == nil {
						c.Close()
					}
					return err != nil
				}, p.Log.String)
				select {
				case <-p.Done:
					t.Fatalf("exited with a request and a job in flight:\n%s", p.Log)
				case <-time.After(500 * time.Millisecond):
				}
				resp, body := finish()
				if resp.StatusCode != http.StatusCreated {
					t.Errorf("the request in flight answered %d: %s", resp.StatusCode, body)
				}
				select {
				case <-p.Done:
					t.Fatalf("exited with the e-mail job in flight:\n%s", p.Log)
				case <-time.After(500 * time.Millisecond):
				}
				release()
				select {
				case <-p.Done:
				case <-time.After(20 * time.Second):
					t.Fatalf("not stopped within the grace period:\n%s", p.Log)
				}
				t.Logf("stopped %s after SIGTERM", time.Since(termAt).Round(time.Millisecond))
				if code := p.Cmd.ProcessState.ExitCode(); code != 0 || !strings.Contains(p.Log.String(), `"msg":"stopped"`) {
					t.Errorf("exit %d, want 0 and a clean stop:\n%s", code, p.Log)
				}
				var met int
				region.query(t, &met, "SELECT COALESCE(SUM(met), 0) FROM offer_tallies WHERE tenant_id = ?", region.region.ID)
				if met != 1 {
					t.Errorf("the tallies count %d encounters, want the one answered after SIGTERM", met)
				}
				if got := riverJobs(t, region.db, "id = ?", job.ID); len(got) != 1 || got[0].State != "completed" || got[0].Attempt != 1 {
					t.Errorf("the e-mail job: %+v, want completed at its first attempt", got)
				}
				if n := sent("inom-respiten@example.se"); n != 1 {
					t.Errorf("the invitation e-mail was received %d times, want once", n)
				}
			})

			if d != tenants.Postgres {
				return // the stop is River's; once is enough for the overrun
			}
			t.Run("past the grace period", func(t *testing.T) {
				p := startServe(t, append(env, "KAMRAT_SHUTDOWN_TIMEOUT=2s"))
				release := smtp.Hold()
				defer release()
				job := invite(p, "efter-respiten@example.se")
				termAt := time.Now()
				if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
					t.Fatal(err)
				}
				select {
				case <-p.Done:
				case <-time.After(20 * time.Second):
					t.Fatalf("not stopped within the grace period and River's 10 s to cancel:\n%s", p.Log)
				}
				t.Logf("stopped %s after SIGTERM", time.Since(termAt).Round(time.Millisecond))
				if code := p.Cmd.ProcessState.ExitCode(); code == 0 || !strings.Contains(p.Log.String(), "workers shutdown") {
					t.Errorf("exit %d, want non-zero naming the workers' shutdown:\n%s", code, p.Log)
				}
				release()
				if got := riverJobs(t, region.db, "id = ?", job.ID); len(got) != 1 || got[0].State == "completed" || got[0].State == "running" {
					t.Fatalf("the cancelled e-mail job: %+v, want waiting to be retried", got)
				}
				next := startServe(t, env)
				kamrattest.WaitFor(t, 60*time.Second, "the next process to send the e-mail", func() bool {
					got := riverJobs(t, region.db, "id = ?", job.ID)
					return len(got) == 1 && got[0].State == "completed"
				}, next.Log.String)
				if n := sent("efter-respiten@example.se"); n != 1 {
					t.Errorf("the invitation e-mail was received %d times, want once", n)
				}
				if code := next.stop(t); code != 0 {
					t.Errorf("exit %d after SIGTERM\n%s", code, next.Log)
				}
			})
		})
	}
}
