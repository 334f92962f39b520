package ui

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/kamrat/kamrat/jobs"
	"github.com/kamrat/kamrat/jobs/jobstest"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// opsPageExamples are the operator's job view with jobs, empty, and in a
// process without a jobs client.
func opsPageExamples(base basePage) map[string]page {
	at := opsTime{Text: "2027-04-01 08:00:00", DateTime: "2027-04-01T06:00:00Z"}
	stateFilter := fieldView{Name: "state", Label: "Läge", Options: []option{{Value: "", Label: "Misslyckade och pågående"}, {Value: "discarded", Label: "misslyckat, gett upp"}}}
	kindFilter := fieldView{Name: "kind", Label: "Typ", Value: "email_send", Options: []option{{Value: "", Label: "Alla typer"}, {Value: "email_send", Label: "email_send"}}}
	return map[string]page{
		"ops jobs": opsJobsPage{basePage: base, Notice: "Jobb 7 ligger i kön igen.",
			States: []opsStateColumn{{State: "available", Label: "väntar"}, {State: "discarded", Label: "gett upp"}},
			Kinds:  []opsKindRow{{Kind: "email_send", Counts: []int{2, 1}, Total: 3}, {Kind: "report_build", Counts: []int{0, 0}, Total: 0}},
			Totals: []int{2, 1}, Total: 3, StateFilter: stateFilter, KindFilter: kindFilter, FilterKind: "email_send",
			Sections: []opsJobSection{
				{Heading: "Misslyckade jobb", Jobs: []opsJobRow{
					{ID: 7, Kind: "email_send", State: "misslyckat, gett upp", Attempts: "5 av 5", Args: `{"tenant_id":1,"message_id":3}`,
						Created: at, Scheduled: at, Attempted: at, Ended: at, Error: "e-mail message 3 of tenant 1 not sent: <refused>", ErrorAttempt: 5, ErrorAt: at, Errors: 5,
						RetryAction: "/ops/jobs/7/retry"},
					{ID: 6, Kind: "report_build", State: "misslyckat, försöks igen", Attempts: "1 av 25", Args: "{}", Created: at, Scheduled: at,
						Error: "x", ErrorAttempt: 1, ErrorAt: at, Errors: 1, RetryAction: "/ops/jobs/6/retry", CancelAction: "/ops/jobs/6/cancel"},
				}},
				{Heading: "Pågående jobb"},
			}},
		"ops jobs empty":       opsJobsPage{basePage: base, StateFilter: stateFilter, KindFilter: kindFilter, Sections: []opsJobSection{{Heading: "Jobb som är klart"}}},
		"ops jobs unavailable": opsJobsPage{basePage: base, Unavailable: true},
	}
}

// opsCaller is a browser session for the ops pages.
type opsCaller struct {
	cookie  *http.Cookie
	binding string
}

// opsSession signs userID in (a session as the sign-in pages would start).
func opsSession(t *testing.T, b *testBundle, userID int64, tenantID *int64) opsCaller {
	t.Helper()
	secret, _, err := b.policy.Sessions.Create(context.Background(), userID, tenantID, "test", b.policy.Session.Absolute)
	if err != nil {
		t.Fatal(err)
	}
	return opsCaller{cookie: &http.Cookie{Name: "kamrat_session", Value: secret}, binding: tenants.HashToken(secret)}
}

// opsOperator makes a platform operator, a member of no region, and signs
// them in.
func opsOperator(t *testing.T, b *testBundle, tenantID *int64) opsCaller {
	t.Helper()
	u, err := b.policy.Identities.CreateUser(context.Background(), tenants.User{Email: "operator@example.se", DisplayName: "Operatören", PlatformOperator: true})
	if err != nil {
		t.Fatal(err)
	}
	return opsSession(t, b, u.ID, tenantID)
}

// opsRequest sends method to path as c (nobody when c is zero), a POST
// with the CSRF token in its form.
func opsRequest(t *testing.T, b *testBundle, c opsCaller, method, path string, extra ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	var req *http.Request
	if method == http.MethodPost {
		form := url.Values{}
		if c.cookie != nil {
			form.Set("_csrf", b.policy.CSRF.Token(c.binding))
		}
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	if c.cookie != nil {
		req.AddCookie(c.cookie)
	}
	for _, ck := range extra {
		req.AddCookie(ck)
	}
	return b.do(t, req)
}

// TestOpsJobs: the platform operator sees the job queue — counts per kind
// and state, failed jobs with their errors — retries a discarded job, which
// then (its worker mended) completes, and cancels a scheduled one; a job in
// the wrong state is refused with 409 and an unknown one with 404; every
// region member, the region administrator included, is refused, as is a
// visitor not signed in; each action is logged — on both databases.
func TestOpsJobs(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		flaky := &jobstest.FlakyWorker{}
		flaky.Fail.Store(true)
		client, err := jobs.NewClient(db, jobs.Deps{DB: db, Sealer: testSealer(t), Heartbeats: tenants.NewHeartbeatStore(db), Outbox: tenants.NewEmailOutbox(db)}, jobs.Config{
			Logger: slog.New(slog.DiscardHandler), Work: true, PollInterval: 100 * time.Millisecond,
			Register: func(w *river.Workers) { river.AddWorker(w, flaky) },
		})
		if err != nil {
			t.Fatal(err)
		}
		sb := setupSignIn(t, db, func(c *Config) { c.Jobs = client })
		insert := func(label string, opts *river.InsertOpts) int64 {
			t.Helper()
			var id int64
			if err := db.InTenant(ctx, sb.region.ID, func(tx *tenants.Tx) error {
				res, err := client.InsertTx(ctx, tx, jobstest.FlakyArgs{Label: label}, opts)
				if err == nil {
					id = res.Job.ID
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return id
		}
		discarded := insert("once", &river.InsertOpts{MaxAttempts: 1})
		retryable := insert("twice", &river.InsertOpts{MaxAttempts: 2})
		scheduled := insert("later", &river.InsertOpts{ScheduledAt: time.Now().Add(24 * time.Hour)})
		events, unsubscribe := client.Subscribe(river.EventKindJobFailed, river.EventKindJobCompleted)
		defer unsubscribe()
		if err := client.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer jobstest.Stop(t, client)
		opsWaitFor(t, ctx, events, river.EventKindJobFailed, discarded, retryable)

		operator := opsOperator(t, sb.testBundle, &sb.region.ID)
		kind := jobstest.FlakyArgs{}.Kind()
		// The count row of the test's kind: available, scheduled, running,
		// retryable, completed, cancelled, discarded, total.
		countRow := func(counts ...string) string {
			return "<code>" + kind + "</code></th><td>" + strings.Join(counts, "</td><td>") + "</td></tr>"
		}

		res, body := opsRequest(t, sb.testBundle, operator, http.MethodGet, "/ops/jobs")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("operator: GET /ops/jobs %d: %s", res.StatusCode, body)
		}
		checkWellFormed(t, body)
		for _, want := range []string{
			"Bakgrundsjobb", countRow("0", "1", "0", "1", "0", "0", "1", "3"),
			"flaky test worker failed on once", "flaky test worker failed on twice", "misslyckat, gett upp", "misslyckat, försöks igen",
			`action="/ops/jobs/` + itoa(discarded) + `/retry"`, `action="/ops/jobs/` + itoa(retryable) + `/retry"`,
			`action="/ops/jobs/` + itoa(retryable) + `/cancel"`, "Försök igen", "Avbryt", "1 av 1", "1 av 2", "&#34;label&#34;",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("operator's page lacks %q", want)
			}
		}
		for _, unwanted := range []string{`action="/ops/jobs/` + itoa(discarded) + `/cancel"`, "/ops/jobs/" + itoa(scheduled) + "/"} {
			if strings.Contains(body, unwanted) {
				t.Errorf("operator's page has %q: a discarded job cannot be cancelled, a scheduled one is not listed unless asked for", unwanted)
			}
		}
		if _, en := opsRequest(t, sb.testBundle, operator, http.MethodGet, "/ops/jobs", &http.Cookie{Name: "lang", Value: "en"}); !strings.Contains(en, "Background jobs") || !strings.Contains(en, ">Retry<") {
			t.Error("the English page is not in English")
		}

		// Nobody else gets in: not the members of the region, nor a visitor.
		for _, c := range callersFor(t, sb) {
			oc := opsCaller{cookie: c.cookie, binding: c.binding}
			if res, _ := opsRequest(t, sb.testBundle, oc, http.MethodGet, "/ops/jobs"); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: GET /ops/jobs %d, want 404", c.role, res.StatusCode)
			}
			for _, path := range []string{"/ops/jobs/" + itoa(discarded) + "/retry", "/ops/jobs/" + itoa(scheduled) + "/cancel"} {
				if res, _ := opsRequest(t, sb.testBundle, oc, http.MethodPost, path); res.StatusCode != http.StatusNotFound {
					t.Errorf("%s: POST %s %d, want 404", c.role, path, res.StatusCode)
				}
			}
		}
		if res, _ := opsRequest(t, sb.testBundle, opsCaller{}, http.MethodGet, "/ops/jobs"); res.StatusCode != http.StatusUnauthorized {
			t.Errorf("signed out: GET /ops/jobs %d, want 401", res.StatusCode)
		}
		if res, _ := opsRequest(t, sb.testBundle, opsCaller{}, http.MethodPost, "/ops/jobs/"+itoa(discarded)+"/retry"); res.StatusCode != http.StatusUnauthorized && res.StatusCode != http.StatusForbidden {
			t.Errorf("signed out: POST retry %d, want 401 or 403", res.StatusCode)
		}
		stateOf := func(id int64) rivertype.JobState {
			t.Helper()
			list, err := client.Jobs(ctx, jobs.JobFilter{Kind: kind})
			if err != nil {
				t.Fatal(err)
			}
			for _, j := range list {
				if j.ID == id {
					return j.State
				}
			}
			t.Fatalf("job %d is gone", id)
			return ""
		}
		if stateOf(discarded) != rivertype.JobStateDiscarded || stateOf(scheduled) != rivertype.JobStateScheduled {
			t.Fatal("refused requests changed the jobs")
		}

		// Retry the discarded job with its worker mended.
		flaky.Fail.Store(false)
		res, _ = opsRequest(t, sb.testBundle, operator, http.MethodPost, "/ops/jobs/"+itoa(discarded)+"/retry")
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/ops/jobs?retried="+itoa(discarded) {
			t.Fatalf("retry: %d to %q, want 303 back to the list", res.StatusCode, loc)
		}
		if _, body := opsRequest(t, sb.testBundle, operator, http.MethodGet, "/ops/jobs?retried="+itoa(discarded)); !strings.Contains(body, "Jobb "+itoa(discarded)+" ligger i kön igen") {
			t.Error("no notice after retry")
		}
		opsWaitFor(t, ctx, events, river.EventKindJobCompleted, discarded)
		_, body = opsRequest(t, sb.testBundle, operator, http.MethodGet, "/ops/jobs?state=completed&kind="+kind)
		if !strings.Contains(body, "Jobb som är klart") || !strings.Contains(body, "<th scope=\"row\">"+itoa(discarded)+"</th>") || !strings.Contains(body, "2 av 2") {
			t.Errorf("the retried job is not listed as completed on its second attempt:\n%s", body)
		}
		if res, _ := opsRequest(t, sb.testBundle, operator, http.MethodPost, "/ops/jobs/"+itoa(discarded)+"/retry"); res.StatusCode != http.StatusConflict {
			t.Errorf("retry a completed job: %d, want 409", res.StatusCode)
		}

		// Cancel the scheduled job, from the filtered list.
		_, body = opsRequest(t, sb.testBundle, operator, http.MethodGet, "/ops/jobs?state=scheduled")
		cancelAction := "/ops/jobs/" + itoa(scheduled) + "/cancel"
		if !strings.Contains(body, `action="`+cancelAction+`"`) || !strings.Contains(body, `name="state" value="scheduled"`) {
			t.Fatalf("the scheduled job has no cancel button that keeps the filter:\n%s", body)
		}
		req := httptest.NewRequest(http.MethodPost, cancelAction, strings.NewReader(url.Values{
			"_csrf": {sb.policy.CSRF.Token(operator.binding)}, "state": {"scheduled"},
		}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(operator.cookie)
		res, _ = sb.do(t, req)
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/ops/jobs?cancelled="+itoa(scheduled)+"&state=scheduled" {
			t.Fatalf("cancel: %d to %q", res.StatusCode, loc)
		}
		if st := stateOf(scheduled); st != rivertype.JobStateCancelled {
			t.Errorf("cancelled job is %s", st)
		}
		if res, _ := opsRequest(t, sb.testBundle, operator, http.MethodPost, cancelAction); res.StatusCode != http.StatusConflict {
			t.Errorf("cancel a cancelled job: %d, want 409", res.StatusCode)
		}
		if res, _ := opsRequest(t, sb.testBundle, operator, http.MethodPost, "/ops/jobs/"+itoa(scheduled+1000)+"/cancel"); res.StatusCode != http.StatusNotFound {
			t.Errorf("cancel an unknown job: %d, want 404", res.StatusCode)
		}
		_, body = opsRequest(t, sb.testBundle, operator, http.MethodGet, "/ops/jobs")
		if !strings.Contains(body, countRow("0", "0", "0", "1", "1", "1", "0", "3")) {
			t.Errorf("counts after retry and cancel are wrong:\n%s", body)
		}

		logged := map[string]bool{}
		for _, e := range sb.logs.find(t, "operator job action") {
			if e["user"] == "operator@example.se" {
				logged[e["action"].(string)+" "+e["kind"].(string)] = true
			}
		}
		if !logged["job.retry "+kind] || !logged["job.cancel "+kind] {
			t.Errorf("operator actions not logged: %v", logged)
		}
	})
}

// TestOpsJobsWithoutClient: a process without a jobs client says the view
// is not available, and the actions are not found.
func TestOpsJobsWithoutClient(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	operator := opsOperator(t, b, nil)
	res, body := opsRequest(t, b, operator, http.MethodGet, "/ops/jobs")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "finns inte i den här installationen") {
		t.Errorf("GET /ops/jobs without a client: %d\n%s", res.StatusCode, body)
	}
	if res, _ := opsRequest(t, b, operator, http.MethodPost, "/ops/jobs/1/retry"); res.StatusCode != http.StatusNotFound {
		t.Errorf("POST retry without a client: %d, want 404", res.StatusCode)
	}
}

// opsWaitFor waits until each of ids has sent an event of kind.
func opsWaitFor(t *testing.T, ctx context.Context, events <-chan *river.Event, kind river.EventKind, ids ...int64) {
	t.Helper()
	waiting := map[int64]bool{}
	for _, id := range ids {
		waiting[id] = true
	}
	for len(waiting) > 0 {
		select {
		case ev := <-events:
			if ev.Kind == kind {
				delete(waiting, ev.Job.ID)
			}
		case <-ctx.Done():
			t.Fatalf("jobs %v sent no %s event: %v", waiting, kind, ctx.Err())
		}
	}
}
