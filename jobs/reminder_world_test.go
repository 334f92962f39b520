package jobs_test

import (
	"bytes"
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/kamrat/kamrat/jobs"
	"github.com/kamrat/kamrat/jobs/jobstest"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
	"github.com/kamrat/kamrat/ui"
)

// reminderWorld is a reminder test's world: a Swedish-speaking region
// with a clinic, organisation A (coordinators Kim and Lo, and Dan, whose
// membership is disabled) and organisation B (coordinator Ola), two
// regional administrators, a nurse and a peer supporter of A with an
// account; an SMTP server; and a working client whose clock the test
// moves.
type reminderWorld struct {
	ctx     context.Context
	db      *tenants.DB
	region  tenants.Tenant
	sealer  *tenants.Sealer
	refs    *tenants.ReferralStore
	peers   *tenants.PeerStore
	support *tenants.SupportStore
	inbox   *tenants.NotificationStore
	smtp    *jobstest.SMTPServer
	client  *jobs.Client

	clinic               tenants.Unit
	orgA, orgB           tenants.Organisation
	kim, lo, dan, ola    tenants.User
	ada, bea, nurse, pia tenants.User
	peer                 tenants.Peer
	users                []tenants.User
	mu                   sync.Mutex
	now                  time.Time
}

const reminderPublicURL = "https://kamrat.example"

// swedish returns the time at hour on the day in Sweden.
func swedish(year int, month time.Month, day, hour int) time.Time {
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		panic(err)
	}
	return time.Date(year, month, day, hour, 0, 0, 0, loc)
}

func newReminderWorld(t *testing.T, db *tenants.DB, start time.Time) *reminderWorld {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	sealer, err := tenants.NewSealer(bytes.Repeat([]byte{7}, tenants.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	w := &reminderWorld{
		ctx: ctx, db: db, region: tenanttest.Tenant(t, db), sealer: sealer,
		refs: tenants.NewReferralStore(db, sealer), peers: tenants.NewPeerStore(db, sealer),
		support: tenants.NewSupportStore(db, sealer), inbox: tenants.NewNotificationStore(db),
		smtp: jobstest.NewSMTPServer(t, jobstest.SMTPOptions{}), now: start,
	}
	if w.clinic, err = tenants.NewUnitStore(db).Create(ctx, w.region.ID, tenants.Unit{Name: "Infektionskliniken Malmö", Kind: tenants.UnitInfectionClinic, Active: true}); err != nil {
		t.Fatal(err)
	}
	orgs := tenants.NewOrganisationStore(db)
	for _, o := range []struct {
		dst  *tenants.Organisation
		name string
	}{{&w.orgA, "Positiva gruppen Syd"}, {&w.orgB, "Noaks Ark"}} {
		if *o.dst, err = orgs.Save(ctx, w.region.ID, tenants.Organisation{Name: o.name, Kind: tenants.OrgPatient, Focus: []tenants.TargetGroup{tenants.TargetHIV}, Active: true}, []int64{w.clinic.ID}); err != nil {
			t.Fatal(err)
		}
	}
	ids := tenants.NewIdentityStore(db)
	for _, u := range []struct {
		dst  *tenants.User
		name string
		role tenants.Role
		org  *int64
		unit *int64
	}{
		{&w.kim, "kim", tenants.RoleOrgCoordinator, &w.orgA.ID, nil},
		{&w.lo, "lo", tenants.RoleOrgCoordinator, &w.orgA.ID, nil},
		{&w.dan, "dan", tenants.RoleOrgCoordinator, &w.orgA.ID, nil},
		{&w.ola, "ola", tenants.RoleOrgCoordinator, &w.orgB.ID, nil},
		{&w.ada, "ada", tenants.RoleRegionAdmin, nil, nil},
		{&w.bea, "bea", tenants.RoleRegionAdmin, nil, nil},
		{&w.nurse, "nurse", tenants.RoleClinicStaff, nil, &w.clinic.ID},
		{&w.pia, "pia", tenants.RolePeerSupporter, &w.orgA.ID, nil},
	} {
		user, err := ids.CreateUser(ctx, tenants.User{Email: u.name + "." + w.region.Slug + "@example.se", DisplayName: u.name})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ids.SetMembership(ctx, w.region.ID, tenants.Membership{UserID: user.ID, Role: u.role, OrganisationID: u.org, UnitID: u.unit}); err != nil {
			t.Fatal(err)
		}
		*u.dst = user
		w.users = append(w.users, user)
	}
	if err := ids.SetMemberDisabled(ctx, w.region.ID, w.dan.ID, true); err != nil {
		t.Fatal(err)
	}
	if w.peer, err = w.peers.Create(ctx, w.region.ID, w.orgA.ID, w.kim.ID, tenants.Peer{
		DisplayName: "Pia Kamrat", Languages: []string{"sv"}, Experience: []tenants.ExperienceArea{tenants.ExperienceHIV},
		Gender: tenants.GenderWoman, AgeBand: tenants.Age30to44, Capacity: 3, Status: tenants.PeerActive,
	}); err != nil {
		t.Fatal(err)
	}
	if w.peer, err = w.peers.SetUser(ctx, w.region.ID, w.orgA.ID, w.peer.ID, &w.pia.ID); err != nil {
		t.Fatal(err)
	}

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
	if w.client, err = jobs.NewClient(db, jobs.Deps{
		DB: db, Sealer: sealer, PublicURL: reminderPublicURL, Outbox: tenants.NewEmailOutbox(db), Mailer: mailer,
		Heartbeats: tenants.NewHeartbeatStore(db), Notifications: w.inbox, Notices: ui.NewNotificationMailer(tr),
		Now: w.clock,
	}, jobs.Config{Work: true, PollInterval: 100 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if err := w.client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jobstest.Stop(t, w.client) })
	return w
}

func (w *reminderWorld) clock() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

func (w *reminderWorld) setClock(at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = at
}

// exec runs a statement in a committed transaction of the region: the
// tests' way to move the story's days, as the stores stamp the real time.
func (w *reminderWorld) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	if err := w.db.InTenant(w.ctx, w.region.ID, func(tx *tenants.Tx) error {
		_, err := tx.ExecContext(w.ctx, query, args...)
		return err
	}); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// settle waits until no reminder job (the scan and every kind it leads
// to, all named with jobs.ReminderKindPrefix) waits or runs, failing on one that
// failed.
func (w *reminderWorld) settle(t *testing.T) {
	t.Helper()
	for {
		var jobsLeft []storedJob
		query := `SELECT id, state, kind AS args, coalesce(json(errors), '[]') AS errors FROM river_job
			WHERE kind LIKE ? AND state NOT IN ('completed', 'cancelled')`
		if w.db.Dialect() == tenants.Postgres {
			query = `SELECT id, state::text AS state, kind AS args, coalesce(array_to_json(errors)::text, '[]') AS errors FROM river_job
			WHERE kind LIKE ? AND state NOT IN ('completed', 'cancelled')`
		}
		if err := w.db.Bun().NewRaw(query, jobs.ReminderKindPrefix+"%").Scan(w.ctx, &jobsLeft); err != nil {
			t.Fatalf("read river_job: %v", err)
		}
		for _, j := range jobsLeft {
			if j.State == "retryable" || j.State == "discarded" {
				t.Fatalf("%s job %d %s: %s", j.Args, j.ID, j.State, j.Errors)
			}
		}
		if len(jobsLeft) == 0 {
			return
		}
		select {
		case <-time.After(50 * time.Millisecond):
		case <-w.ctx.Done():
			t.Fatalf("reminder jobs still under way: %+v", jobsLeft)
		}
	}
}

// scan runs the reminder scan at the given time, as the hourly schedule
// would, and waits for it and the reminders it enqueued.
func (w *reminderWorld) scan(t *testing.T, at time.Time) {
	t.Helper()
	w.settle(t) // the scan run on start, or an earlier one
	w.setClock(at)
	w.insert(t, jobs.ReminderScanArgs{})
	w.settle(t)
}

// insert adds a job in a committed transaction of the region.
func (w *reminderWorld) insert(t *testing.T, args river.JobArgs) {
	t.Helper()
	if err := w.db.InTenant(w.ctx, w.region.ID, func(tx *tenants.Tx) error {
		_, err := w.client.InsertTx(w.ctx, tx, args, nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// inboxes returns every user's notifications of kind, by user.
func (w *reminderWorld) inboxes(t *testing.T, kind tenants.NotificationKind) map[int64][]tenants.Notification {
	t.Helper()
	out := map[int64][]tenants.Notification{}
	for _, u := range w.users {
		list, err := w.inbox.List(w.ctx, w.region.ID, u.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range list {
			if n.Kind == kind {
				out[u.ID] = append(out[u.ID], n)
			}
		}
	}
	return out
}

// wantNotified checks that exactly the users got exactly one notification
// of kind each, with the link and dedupe key, and nobody else any.
func (w *reminderWorld) wantNotified(t *testing.T, kind tenants.NotificationKind, link, dedupe string, want ...tenants.User) []tenants.Notification {
	t.Helper()
	got := w.inboxes(t, kind)
	var out []tenants.Notification
	for _, u := range w.users {
		n := len(got[u.ID])
		switch {
		case slices.ContainsFunc(want, func(x tenants.User) bool { return x.ID == u.ID }):
			if n != 1 {
				t.Errorf("%s has %d %s notifications, want 1: %+v", u.DisplayName, n, kind, got[u.ID])
				continue
			}
			if got[u.ID][0].Link != link || got[u.ID][0].DedupeKey != dedupe {
				t.Errorf("%s's %s notification links %q with key %q, want %q and %q", u.DisplayName, kind, got[u.ID][0].Link, got[u.ID][0].DedupeKey, link, dedupe)
			}
			out = append(out, got[u.ID][0])
		case n != 0:
			t.Errorf("%s has %d %s notifications, want none: %+v", u.DisplayName, n, kind, got[u.ID])
		}
	}
	return out
}

// referral registers a consenting participant at the clinic and refers
// them to organisation A, then moves the referral to the given time.
func (w *reminderWorld) referral(t *testing.T, referredAt time.Time) (tenants.Participant, tenants.ClinicReferral) {
	t.Helper()
	p, r, err := w.refs.RegisterAndRefer(w.ctx, w.region.ID, w.clinic.ID, w.nurse.ID, tenants.NewParticipant{
		TargetGroup: tenants.TargetHIV, Language: "sv",
		Contact: tenants.ParticipantContact{Alias: "Zlatan Deltagare", Method: tenants.ContactPhone, Details: "070-987 65 43"},
		Consent: tenants.ConsentScopes{ShareContact: true, FollowUp: true, ExpiresOn: tenants.Today(time.Now()).AddMonths(24)},
	}, w.orgA.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.exec(t, "UPDATE referrals SET created_at = ?, status_changed_at = ? WHERE id = ?", referredAt.UTC(), referredAt.UTC(), r.ID)
	return p, r
}
