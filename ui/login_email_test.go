package ui

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/jobs"
	"github.com/kamrat/kamrat/jobs/jobstest"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// withMail gives the app a working River client that sends e-mail to a
// real SMTP server run by the test.
func withMail(t *testing.T, db *tenants.DB) (func(*Config), *jobstest.SMTPServer) {
	t.Helper()
	smtp := jobstest.NewSMTPServer(t, jobstest.SMTPOptions{})
	mailer, err := jobs.NewSMTPMailer(jobs.SMTPConfig{
		Host: smtp.Host(), Port: smtp.Port(), TLS: jobs.SMTPNoTLS, From: "Kamrat <noreply@kamrat.test>", Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	client, err := jobs.NewClient(db, jobs.Deps{Outbox: tenants.NewEmailOutbox(db), Mailer: mailer},
		jobs.Config{Work: true, PollInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		jobstest.Stop(t, client)
	})
	return func(c *Config) { c.Mail = client }, smtp
}

// outboxCount counts the e-mail the region has queued for address.
func outboxCount(t *testing.T, db *tenants.DB, regionID int64, address string) int {
	t.Helper()
	var n int
	err := db.InTenantReadOnly(context.Background(), regionID, func(tx *tenants.Tx) error {
		c, err := tx.NewSelect().Model((*tenants.EmailMessage)(nil)).Where("to_address = ?", address).Count(context.Background())
		n = int(c)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var linkRE = regexp.MustCompile(`http://kamrat\.test(/r/[a-z0-9-]+/(?:login/email|invitations)/[A-Za-z0-9_-]+)`)

// linkIn returns the path of the Kamrat link in the e-mail sent to address.
func linkIn(t *testing.T, smtp *jobstest.SMTPServer, n int, address string) string {
	t.Helper()
	for _, m := range smtp.WaitForMessages(t, n, 15*time.Second) {
		if len(m.To) != 1 || m.To[0] != address {
			continue
		}
		parsed, err := m.Parse()
		if err != nil {
			t.Fatal(err)
		}
		if got := linkRE.FindStringSubmatch(parsed.Text); got != nil {
			return got[1]
		}
	}
	t.Fatalf("no e-mail with a link to %s among %d", address, len(smtp.Messages()))
	return ""
}

// TestEmailSignIn walks the e-mailed link from request to session: the same
// answer for every address, an e-mail only to a member allowed to use one,
// a link that works once, and a per-address limit.
func TestEmailSignIn(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		mail, smtp := withMail(t, db)
		sb := setupSignIn(t, db, mail)
		slug := sb.region.Slug
		peer, clinic := sb.users[tenants.RolePeerSupporter], sb.users[tenants.RoleClinicStaff]

		answer := func(address string) string {
			resp := sb.post(t, "/r/"+slug+"/login/email", url.Values{"email": {address}}, nil)
			body := readAll(t, resp)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("asking for a link for %s: %d\n%s", address, resp.StatusCode, body)
			}
			// The page repeats the address and carries a request id; the
			// rest must not tell one address from another.
			body = strings.ReplaceAll(body, address, "ADDRESS")
			return regexp.MustCompile(`value="[^"]*"`).ReplaceAllString(body, "")
		}
		want := answer(peer.Email)
		for _, other := range []string{"nobody@example.se", clinic.Email} {
			if got := answer(other); got != want {
				t.Errorf("the answer for %s differs from a member's", other)
			}
		}
		if !strings.Contains(want, "Titta i din e-post") {
			t.Errorf("answer page lacks its heading:\n%s", want)
		}
		path := linkIn(t, smtp, 1, peer.Email)
		if n := outboxCount(t, db, sb.region.ID, clinic.Email) + outboxCount(t, db, sb.region.ID, "nobody@example.se"); n != 0 {
			t.Errorf("%d e-mails queued for an unknown address or clinic staff, want 0", n)
		}

		// Opening the link only shows a button: a mail scanner that
		// follows it signs nobody in and uses nothing up.
		for range 2 {
			page := sb.send(t, http.MethodGet, path)
			if body := readAll(t, page); page.StatusCode != 200 || !strings.Contains(body, `action="`+path+`"`) || sessionCookie(page) != nil {
				t.Fatalf("link page %d:\n%s", page.StatusCode, body)
			}
		}
		resp := sb.post(t, path, nil, nil)
		cookie := sessionCookie(resp)
		if resp.StatusCode != http.StatusSeeOther || cookie == nil || resp.Header.Get("Location") != "/r/"+slug+"/start" {
			t.Fatalf("using the link: %d %q %v", resp.StatusCode, resp.Header.Get("Location"), cookie)
		}
		start := sb.send(t, http.MethodGet, "/r/"+slug+"/start", cookie)
		if body := readAll(t, start); start.StatusCode != 200 || !strings.Contains(body, `data-role="peer_supporter"`) {
			t.Fatalf("start page after e-mail sign-in: %d", start.StatusCode)
		}
		again := sb.post(t, path, nil, nil)
		if body := readAll(t, again); again.StatusCode != http.StatusForbidden || sessionCookie(again) != nil || !strings.Contains(body, "gått ut eller redan använts") {
			t.Fatalf("link used twice: %d\n%s", again.StatusCode, body)
		}
		failed, err := sb.policy.Audit.Search(context.Background(), sb.region.ID, tenants.AuditFilter{Action: "signin.email_link", Outcome: tenants.OutcomeFailed})
		if err != nil || len(failed) != 1 {
			t.Errorf("audit rows for the replayed link: %d (%v), want 1", len(failed), err)
		}

		// At most three links per address and quarter hour.
		for range 4 {
			answer(peer.Email)
		}
		if n := outboxCount(t, db, sb.region.ID, peer.Email); n != 3 {
			t.Errorf("%d e-mails queued for one address in a quarter hour, want 3", n)
		}
		if bad := sb.post(t, "/r/"+slug+"/login/email", url.Values{"email": {"not an address"}}, nil); bad.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("malformed address: %d, want 422", bad.StatusCode)
		} else if body := readAll(t, bad); !strings.Contains(body, `aria-invalid="true"`) || !strings.Contains(body, "Ange en giltig e-postadress") {
			t.Errorf("malformed address: the form does not say what is wrong:\n%s", body)
		}
	})
}

// TestEmailLinkExpires: a link past its quarter hour signs nobody in.
func TestEmailLinkExpires(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		mail, smtp := withMail(t, db)
		sb := setupSignIn(t, db, mail)
		viewer := sb.users[tenants.RoleViewer]
		sb.post(t, "/r/"+sb.region.Slug+"/login/email", url.Values{"email": {viewer.Email}}, nil).Body.Close()
		path := linkIn(t, smtp, 1, viewer.Email)
		err := db.InTenant(context.Background(), sb.region.ID, func(tx *tenants.Tx) error {
			_, err := tx.NewUpdate().Model((*tenants.LoginLink)(nil)).Set("expires_at = ?", time.Now().Add(-time.Minute).UTC()).
				Where("email = ?", viewer.Email).Exec(context.Background())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if page := sb.send(t, http.MethodGet, path); page.StatusCode != http.StatusForbidden {
			t.Errorf("expired link page: %d, want 403", page.StatusCode)
		}
		if resp := sb.post(t, path, nil, nil); resp.StatusCode != http.StatusForbidden || sessionCookie(resp) != nil {
			t.Errorf("expired link used: %d", resp.StatusCode)
		}
	})
}

// TestInvitationAcceptedByEmail: an invitee whose role may sign in by
// e-mail accepts on the invitation page; clinic staff cannot.
func TestInvitationAcceptedByEmail(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		sb := setupSignIn(t, db)
		ctx := context.Background()
		_, token, err := sb.policy.Identities.Invite(ctx, sb.region.ID, tenants.Invitation{
			Email: "samordnare@example.se", DisplayName: "Sam Ordnare", Role: tenants.RoleOrgCoordinator,
			OrganisationID: sb.membership(t, tenants.RoleOrgCoordinator).OrganisationID,
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		path := "/r/" + sb.region.Slug + "/invitations/" + token
		if page := sb.send(t, http.MethodGet, path); !strings.Contains(readAll(t, page), `action="`+path+`"`) {
			t.Fatal("the invitation page offers no way to accept by e-mail")
		}
		resp := sb.post(t, path, nil, nil)
		if resp.StatusCode != http.StatusSeeOther || sessionCookie(resp) == nil {
			t.Fatalf("accepting: %d", resp.StatusCode)
		}
		u, err := sb.policy.Identities.UserByEmail(ctx, "samordnare@example.se")
		if err != nil {
			t.Fatal(err)
		}
		if m, err := sb.policy.Identities.Membership(ctx, sb.region.ID, u.ID); err != nil || m.Role != tenants.RoleOrgCoordinator {
			t.Fatalf("membership: %+v %v", m, err)
		}
		if again := sb.post(t, path, nil, nil); again.StatusCode != http.StatusForbidden || sessionCookie(again) != nil {
			t.Errorf("invitation used twice: %d", again.StatusCode)
		}

		_, token, err = sb.policy.Identities.Invite(ctx, sb.region.ID, tenants.Invitation{
			Email: "sjukskoterska@example.se", DisplayName: "Sara", Role: tenants.RoleClinicStaff,
			UnitID: sb.membership(t, tenants.RoleClinicStaff).UnitID,
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		path = "/r/" + sb.region.Slug + "/invitations/" + token
		if page := sb.send(t, http.MethodGet, path); strings.Contains(readAll(t, page), `action="`+path+`"`) {
			t.Error("clinic staff are offered acceptance without SITHS")
		}
		if resp := sb.post(t, path, nil, nil); resp.StatusCode != http.StatusForbidden || sessionCookie(resp) != nil {
			t.Errorf("clinic staff accepted by e-mail: %d", resp.StatusCode)
		}
		if _, err := sb.policy.Identities.UserByEmail(ctx, "sjukskoterska@example.se"); err == nil {
			t.Error("a refused acceptance created a user")
		}
	})
}

// membership returns the region membership of the test user with role.
func (sb *signInBundle) membership(t *testing.T, role tenants.Role) tenants.Membership {
	t.Helper()
	m, err := sb.policy.Identities.Membership(context.Background(), sb.region.ID, sb.users[role].ID)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
