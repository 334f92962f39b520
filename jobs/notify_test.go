package jobs_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/kamrat/kamrat/jobs"
	"github.com/kamrat/kamrat/jobs/jobstest"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
	"github.com/kamrat/kamrat/ui"
)

// notifyWorld is a notification test's world: two regions (a speaks
// Swedish, b English), Anna a member of both, Bo shut out of a, a
// participant in a whose code and alias must never reach an e-mail, an
// SMTP server and a working client.
type notifyWorld struct {
	*emailBundle
	b             tenants.Tenant
	anna, bo      tenants.User
	code, alias   string
	phone         string
	notifications *tenants.NotificationStore
}

const notifyPublicURL = "https://kamrat.example/"

func setupNotify(t *testing.T, db *tenants.DB) *notifyWorld {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	w := &notifyWorld{emailBundle: &emailBundle{
		ctx: ctx, db: db, region: tenanttest.Tenant(t, db), outbox: tenants.NewEmailOutbox(db),
		smtp: jobstest.NewSMTPServer(t, jobstest.SMTPOptions{}),
	}, b: tenanttest.Tenant(t, db), notifications: tenants.NewNotificationStore(db)}
	if _, err := tenants.NewTenantStore(db).UpdateSettings(ctx, w.b.ID, w.b.Name, tenants.TenantSettings{DefaultLanguage: "en"}); err != nil {
		t.Fatal(err)
	}

	ids := tenants.NewIdentityStore(db)
	var err error
	if w.anna, err = ids.CreateUser(ctx, tenants.User{Email: "anna.notis@example.se", DisplayName: "Anna Notis"}); err != nil {
		t.Fatal(err)
	}
	if w.bo, err = ids.CreateUser(ctx, tenants.User{Email: "bo.notis@example.se", DisplayName: "Bo Notis"}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		region int64
		user   tenants.User
	}{{w.region.ID, w.anna}, {w.b.ID, w.anna}, {w.region.ID, w.bo}} {
		if _, err := ids.SetMembership(ctx, m.region, tenants.Membership{UserID: m.user.ID, Role: tenants.RoleViewer}); err != nil {
			t.Fatal(err)
		}
	}
	if err := ids.SetMemberDisabled(ctx, w.region.ID, w.bo.ID, true); err != nil {
		t.Fatal(err)
	}

	// A participant in region a: nothing of it may reach an e-mail.
	sealer, err := tenants.NewSealer(bytes.Repeat([]byte{9}, tenants.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	unit, err := tenants.NewUnitStore(db).Create(ctx, w.region.ID, tenants.Unit{Name: "Infektion", Kind: tenants.UnitInfectionClinic, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	w.alias, w.phone = "Zlatan Deltagare", "070-987 65 43"
	p, err := tenants.NewReferralStore(db, sealer).RegisterParticipant(ctx, w.region.ID, unit.ID, w.anna.ID, tenants.NewParticipant{
		TargetGroup: tenants.TargetHIV, Language: "sv",
		Contact: tenants.ParticipantContact{Alias: w.alias, Method: tenants.ContactPhone, Details: w.phone},
		Consent: tenants.ConsentScopes{ShareContact: true, FollowUp: true, ExpiresOn: tenants.Today(time.Now()).AddMonths(12)},
	})
	if err != nil {
		t.Fatal(err)
	}
	w.code = p.Code

	tr, err := ui.NewTranslator()
	if err != nil {
		t.Fatal(err)
	}
	mailer, err := jobs.NewSMTPMailer(jobs.SMTPConfig{
		Host: w.smtp.Host(), Port: w.smtp.Port(), TLS: jobs.SMTPNoTLS, From: "Kamrat <noreply@kamrat.example>", Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	client, err := jobs.NewClient(db, jobs.Deps{
		DB: db, PublicURL: notifyPublicURL, Outbox: w.outbox, Mailer: mailer,
		Notifications: w.notifications, Notices: ui.NewNotificationMailer(tr),
		Now: func() time.Time { return time.Date(2027, 1, 3, 7, 0, 0, 0, time.UTC) },
	}, jobs.Config{Work: true, PollInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	events, unsubscribe := client.Subscribe()
	t.Cleanup(unsubscribe)
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jobstest.Stop(t, client) })
	w.client, w.events = client, events
	return w
}

// notify runs notify in a committed transaction of region.
func (w *notifyWorld) notify(t *testing.T, region int64, n tenants.Notification, notify func(context.Context, *tenants.Tx, tenants.Notification) (bool, error)) bool {
	t.Helper()
	var created bool
	if err := w.db.InTenant(w.ctx, region, func(tx *tenants.Tx) error {
		var err error
		created, err = notify(w.ctx, tx, n)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return created
}

// assertNoParticipant fails when the participant's code, alias or phone
// is anywhere in s.
func (w *notifyWorld) assertNoParticipant(t *testing.T, what, s string) {
	t.Helper()
	for _, secret := range []string{w.code, w.alias, "Zlatan", w.phone, "987 65"} {
		if strings.Contains(s, secret) {
			t.Errorf("%s holds the participant's %q:\n%s", what, secret, s)
		}
	}
}

// TestNotifyQueuesOneEmail: a new notification queues exactly one e-mail
// in the notifying transaction, a repeat of its dedupe key none; the
// e-mail reaches the SMTP server, addressed to the user, in the region's
// language, with the notification's sentence and absolute link, and
// nothing of the participant it is about.
func TestNotifyQueuesOneEmail(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		w := setupNotify(t, db)
		link := "/r/" + w.region.Slug + "/my/matches/4"
		due := tenants.Notification{UserID: w.anna.ID, Kind: tenants.NotifyFollowUpDue, DedupeKey: "follow_up_due:17",
			Link: link, Args: map[string]string{tenants.NotifyArgDate: "2027-01-10"}}

		if !w.notify(t, w.region.ID, due, w.client.Notify) {
			t.Fatal("the first Notify did not create the notification")
		}
		// A reminder running again, through a worker's Deps this time.
		if w.notify(t, w.region.ID, due, jobs.DepsOf(w.client).Notify) {
			t.Fatal("a repeated dedupe key created a second notification")
		}
		w.waitForEmailJob(t, river.EventKindJobCompleted)
		w.quiet(t, 700*time.Millisecond) // time for a wrong second e-mail

		if ms := outboxMessages(t, w.ctx, db, w.region.ID); len(ms) != 1 {
			t.Fatalf("outbox holds %d messages, want 1", len(ms))
		}
		if js := emailJobs(t, w.ctx, db); len(js) != 1 {
			t.Fatalf("%d e-mail jobs, want 1", len(js))
		}
		list, err := w.notifications.List(w.ctx, w.region.ID, w.anna.ID, 0)
		if err != nil || len(list) != 1 || !list[0].CreatedAt.Equal(time.Date(2027, 1, 3, 7, 0, 0, 0, time.UTC)) {
			t.Fatalf("Anna's inbox %+v (%v), want one notification at the Deps' clock", list, err)
		}

		got := w.smtp.Messages()
		if len(got) != 1 {
			t.Fatalf("SMTP server received %d messages, want 1", len(got))
		}
		if len(got[0].To) != 1 || got[0].To[0] != w.anna.Email {
			t.Errorf("envelope recipients %q, want %s", got[0].To, w.anna.Email)
		}
		p, err := got[0].Parse()
		if err != nil {
			t.Fatal(err)
		}
		url := "https://kamrat.example" + link
		if p.Subject != "Kamrat: en uppföljning ska göras" {
			t.Errorf("subject %q, want the Swedish title", p.Subject)
		}
		if text := normalizeNewlines(p.Text); !strings.HasPrefix(text, "En uppföljning ska göras senast 2027-01-10.\n") ||
			!strings.Contains(text, "Öppna i Kamrat: "+url+"\n") {
			t.Errorf("text part %q, want the Swedish sentence and the link", text)
		}
		if !strings.Contains(p.HTML, `<html lang="sv">`) || !strings.Contains(p.HTML, `<a href="`+url+`">Öppna i Kamrat</a>`) {
			t.Errorf("HTML part lacks the language or the link:\n%s", p.HTML)
		}
		w.assertNoParticipant(t, "the e-mail", string(got[0].Data)+p.Text+p.HTML)
		for _, j := range emailJobs(t, w.ctx, db) {
			w.assertNoParticipant(t, "the e-mail job", j.Args+j.Errors)
		}
	})
}

// TestNotifyLanguageAndDisabled: the e-mail speaks the region's default
// language until the person chooses their own; a member shut out of the region gets the notification but no
// e-mail; a transaction that rolls back leaves neither.
func TestNotifyLanguageAndDisabled(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		w := setupNotify(t, db)
		report := tenants.Notification{UserID: w.anna.ID, Kind: tenants.NotifyReportReady, DedupeKey: "report_ready:2026Q4",
			Link: "/r/" + w.b.Slug + "/reports/9", Args: map[string]string{tenants.NotifyArgPeriod: "2026 Q4"}}
		if !w.notify(t, w.b.ID, report, w.client.Notify) {
			t.Fatal("not created")
		}
		w.waitForEmailJob(t, river.EventKindJobCompleted)
		got := w.smtp.Messages()
		if len(got) != 1 {
			t.Fatalf("SMTP server received %d messages, want 1", len(got))
		}
		p, err := got[0].Parse()
		if err != nil {
			t.Fatal(err)
		}
		if p.Subject != "Kamrat: a quarterly report is ready" ||
			!strings.HasPrefix(normalizeNewlines(p.Text), "The quarterly report for 2026 Q4 is ready for review.\n") ||
			!strings.Contains(p.HTML, `lang="en"`) || !strings.Contains(p.HTML, "https://kamrat.example/r/"+w.b.Slug+"/reports/9") {
			t.Errorf("English e-mail: subject %q\ntext %q\nhtml %s", p.Subject, p.Text, p.HTML)
		}

		// Anna chose Swedish (signed in, with the language link): her next
		// e-mail is in Swedish, whatever the region's default.
		if err := tenants.NewIdentityStore(db).SetLanguage(w.ctx, w.anna.ID, "sv"); err != nil {
			t.Fatal(err)
		}
		swedish := report
		swedish.DedupeKey = "report_ready:2026Q4:again"
		if !w.notify(t, w.b.ID, swedish, w.client.Notify) {
			t.Fatal("the second notification was not created")
		}
		w.waitForEmailJob(t, river.EventKindJobCompleted)
		if got = w.smtp.Messages(); len(got) != 2 {
			t.Fatalf("SMTP server received %d messages, want 2", len(got))
		}
		if p, err = got[1].Parse(); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(p.Subject, "en kvartalsrapport är klar") || !strings.Contains(p.HTML, `lang="sv"`) ||
			!strings.Contains(normalizeNewlines(p.Text), "Kvartalsrapporten för 2026 Q4 är klar") {
			t.Errorf("Swedish e-mail: subject %q\ntext %q", p.Subject, p.Text)
		}

		// Bo is shut out of region a: inbox yes, e-mail no.
		bo := report
		bo.UserID, bo.Link = w.bo.ID, "/r/"+w.region.Slug+"/reports/9"
		if !w.notify(t, w.region.ID, bo, w.client.Notify) {
			t.Fatal("Bo's notification was not created")
		}
		// A notification whose transaction rolls back leaves nothing.
		errRollback := errors.New("the reminder fails after notifying")
		rolled := report
		rolled.DedupeKey = "rolled back"
		if err := db.InTenant(w.ctx, w.b.ID, func(tx *tenants.Tx) error {
			if _, err := w.client.Notify(w.ctx, tx, rolled); err != nil {
				return err
			}
			return errRollback
		}); !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		w.quiet(t, 700*time.Millisecond)
		if n := len(w.smtp.Messages()); n != 2 {
			t.Fatalf("SMTP server has %d messages, want still 2", n)
		}
		if ms := outboxMessages(t, w.ctx, db, w.region.ID); len(ms) != 0 {
			t.Fatalf("region a's outbox holds %+v, want nothing for Bo", ms)
		}
		if list, _ := w.notifications.List(w.ctx, w.region.ID, w.bo.ID, 0); len(list) != 1 {
			t.Fatalf("Bo's inbox %+v, want his notification", list)
		}
		if list, _ := w.notifications.List(w.ctx, w.b.ID, w.anna.ID, 0); len(list) != 2 {
			t.Fatalf("Anna's inbox in b %+v, want only the committed one", list)
		}

		// A bad notification is refused and queues nothing.
		bad := report
		bad.DedupeKey, bad.Link = "bad", "https://evil.example/"
		var verr *tenants.ValidationError
		if err := db.InTenant(w.ctx, w.b.ID, func(tx *tenants.Tx) error {
			_, err := w.client.Notify(w.ctx, tx, bad)
			return err
		}); !errors.As(err, &verr) {
			t.Fatalf("a link outside Kamrat: %v, want a ValidationError", err)
		}
	})
}
