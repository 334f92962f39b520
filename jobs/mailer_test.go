package jobs_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kamrat/kamrat/jobs"
	"github.com/kamrat/kamrat/jobs/jobstest"
)

const testSender = "Kamrat <noreply@kamrat.example>"

func newTestMailer(t *testing.T, cfg jobs.SMTPConfig) *jobs.SMTPMailer {
	t.Helper()
	if cfg.From == "" {
		cfg.From = testSender
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	m, err := jobs.NewSMTPMailer(cfg)
	if err != nil {
		t.Fatalf("NewSMTPMailer: %v", err)
	}
	return m
}

// TestSMTPMailerMessage: what arrives is a proper multipart/alternative
// message with the recipient, a Swedish subject, both parts, and headers
// for machine-sent mail; without HTML it is plain text only.
func TestSMTPMailerMessage(t *testing.T) {
	t.Parallel()
	srv := jobstest.NewSMTPServer(t, jobstest.SMTPOptions{})
	m := newTestMailer(t, jobs.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLS: jobs.SMTPNoTLS})
	ctx := context.Background()

	text := "Hej Åsa!\nÖppna länken för att logga in: https://kamrat.example/r/skane/signin/Zm9vYmFy\n"
	html := `<p>Hej Åsa!</p><p><a href="https://kamrat.example/r/skane/signin/Zm9vYmFy">Logga in</a></p>`
	if err := m.Send(ctx, "Åsa Öberg <asa@example.se>", "Logga in på Kamrat", text, html); err != nil {
		t.Fatal(err)
	}
	if err := m.Send(ctx, "bo@example.se", "Påminnelse", "Bara text.", ""); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitForMessages(t, 2, 5*time.Second)

	if got[0].From != "noreply@kamrat.example" || len(got[0].To) != 1 || got[0].To[0] != "asa@example.se" {
		t.Errorf("envelope from %q to %q, want noreply@kamrat.example to asa@example.se", got[0].From, got[0].To)
	}
	p, err := got[0].Parse()
	if err != nil {
		t.Fatal(err)
	}
	if p.Subject != "Logga in på Kamrat" {
		t.Errorf("subject %q", p.Subject)
	}
	if to, err := mail.ParseAddress(p.Header.Get("To")); err != nil || to.Address != "asa@example.se" || to.Name != "Åsa Öberg" {
		t.Errorf("To header %q (%v), want Åsa Öberg <asa@example.se>", p.Header.Get("To"), err)
	}
	if from, err := mail.ParseAddress(p.Header.Get("From")); err != nil || from.Address != "noreply@kamrat.example" || from.Name != "Kamrat" {
		t.Errorf("From header %q (%v)", p.Header.Get("From"), err)
	}
	if p.ContentType != "multipart/alternative" {
		t.Errorf("content type %q, want multipart/alternative", p.ContentType)
	}
	if normalizeNewlines(p.Text) != text || p.HTML != html {
		t.Errorf("parts:\ntext %q\nhtml %q\nwant\ntext %q\nhtml %q", p.Text, p.HTML, text, html)
	}
	if p.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("Auto-Submitted %q, want auto-generated", p.Header.Get("Auto-Submitted"))
	}
	if id := p.Header.Get("Message-Id"); !strings.HasSuffix(id, "@kamrat.example>") {
		t.Errorf("Message-ID %q, want one in the sender's domain", id)
	}
	if date, err := p.Header.Date(); err != nil || time.Since(date) > time.Minute {
		t.Errorf("Date %v (%v), want now", date, err)
	}
	if ua := p.Header.Get("User-Agent") + p.Header.Get("X-Mailer"); ua != "" {
		t.Errorf("mailer advertises itself: %q", ua)
	}

	plain, err := got[1].Parse()
	if err != nil {
		t.Fatal(err)
	}
	if plain.ContentType != "text/plain" || strings.TrimSpace(plain.Text) != "Bara text." || plain.HTML != "" {
		t.Errorf("text-only message: %s, text %q, html %q", plain.ContentType, plain.Text, plain.HTML)
	}
}

func normalizeNewlines(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// TestSMTPMailerTLSPolicies: each policy against servers with and without
// TLS. The TLS servers demand a password, which they accept only over TLS,
// so a delivery there proves the connection was encrypted.
func TestSMTPMailerTLSPolicies(t *testing.T) {
	t.Parallel()
	serverTLS, roots := jobstest.SelfSignedTLS(t)
	clientTLS := &tls.Config{RootCAs: roots}
	plain := jobstest.NewSMTPServer(t, jobstest.SMTPOptions{})
	auth := jobstest.SMTPOptions{Username: "kamrat", Password: "hemligt"}
	startTLS := jobstest.NewSMTPServer(t, jobstest.SMTPOptions{TLS: serverTLS, Username: auth.Username, Password: auth.Password})
	implicit := jobstest.NewSMTPServer(t, jobstest.SMTPOptions{TLS: serverTLS, ImplicitTLS: true, Username: auth.Username, Password: auth.Password})

	cases := []struct {
		name     string
		server   *jobstest.SMTPServer
		cfg      jobs.SMTPConfig
		wantSent bool
	}{
		{"none on a plain server", plain, jobs.SMTPConfig{TLS: jobs.SMTPNoTLS}, true},
		{"opportunistic on a plain server", plain, jobs.SMTPConfig{TLS: jobs.SMTPOpportunisticTLS}, true},
		{"mandatory STARTTLS refuses a plain server", plain, jobs.SMTPConfig{TLS: jobs.SMTPStartTLS}, false},
		{"mandatory STARTTLS with a password", startTLS, jobs.SMTPConfig{TLS: jobs.SMTPStartTLS, Username: auth.Username, Password: auth.Password, TLSConfig: clientTLS}, true},
		{"default policy is mandatory STARTTLS", startTLS, jobs.SMTPConfig{Username: auth.Username, Password: auth.Password, TLSConfig: clientTLS}, true},
		{"opportunistic upgrades when offered", startTLS, jobs.SMTPConfig{TLS: jobs.SMTPOpportunisticTLS, Username: auth.Username, Password: auth.Password, TLSConfig: clientTLS}, true},
		{"untrusted certificate is refused", startTLS, jobs.SMTPConfig{TLS: jobs.SMTPStartTLS, Username: auth.Username, Password: auth.Password}, false},
		{"wrong password is refused", startTLS, jobs.SMTPConfig{TLS: jobs.SMTPStartTLS, Username: auth.Username, Password: "fel", TLSConfig: clientTLS}, false},
		{"implicit TLS", implicit, jobs.SMTPConfig{TLS: jobs.SMTPImplicitTLS, Username: auth.Username, Password: auth.Password, TLSConfig: clientTLS}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.Host, c.cfg.Port = c.server.Host(), c.server.Port()
			m := newTestMailer(t, c.cfg)
			subject := "policy test " + c.name
			err := m.Send(context.Background(), "anna@example.se", subject, "text", "")
			if (err == nil) != c.wantSent {
				t.Fatalf("Send: err = %v, want sent=%v", err, c.wantSent)
			}
			delivered := false
			for _, msg := range c.server.Messages() {
				if p, err := msg.Parse(); err == nil && p.Subject == subject {
					delivered = true
				}
			}
			if delivered != c.wantSent {
				t.Fatalf("delivered=%v, want %v", delivered, c.wantSent)
			}
		})
	}
}

// TestSMTPMailerRefusals: a permanent refusal of the recipient is marked
// ErrRecipientRefused; a temporary one is not.
func TestSMTPMailerRefusals(t *testing.T) {
	t.Parallel()
	srv := jobstest.NewSMTPServer(t, jobstest.SMTPOptions{})
	m := newTestMailer(t, jobs.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLS: jobs.SMTPNoTLS})
	ctx := context.Background()

	srv.RejectRcpt(1, 550, "no such user")
	if err := m.Send(ctx, "ghost@example.se", "s", "t", ""); !errors.Is(err, jobs.ErrRecipientRefused) || !strings.Contains(err.Error(), "550") {
		t.Errorf("550 at RCPT: err = %v, want ErrRecipientRefused with the reply", err)
	}
	srv.RejectRcpt(1, 451, "greylisted")
	if err := m.Send(ctx, "anna@example.se", "s", "t", ""); err == nil || errors.Is(err, jobs.ErrRecipientRefused) {
		t.Errorf("451 at RCPT: err = %v, want a temporary error", err)
	}
	srv.RejectData(1, 554, "looks like spam")
	if err := m.Send(ctx, "anna@example.se", "s", "t", ""); err == nil || errors.Is(err, jobs.ErrRecipientRefused) {
		t.Errorf("554 after DATA: err = %v, want an error that is not about the recipient", err)
	}
	if err := m.Send(ctx, "not an address", "s", "t", ""); !errors.Is(err, jobs.ErrRecipientRefused) {
		t.Errorf("malformed address: err = %v, want ErrRecipientRefused", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server kept %d messages, want 0", n)
	}
	if err := m.Send(ctx, "anna@example.se", "s", "t", ""); err != nil {
		t.Errorf("after the refusals: %v", err)
	}
}

// TestSMTPMailerConcurrent: one mailer serves many workers at once.
func TestSMTPMailerConcurrent(t *testing.T) {
	t.Parallel()
	srv := jobstest.NewSMTPServer(t, jobstest.SMTPOptions{})
	m := newTestMailer(t, jobs.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLS: jobs.SMTPNoTLS})
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			errs <- m.Send(context.Background(), fmt.Sprintf("user%d@example.se", i), "s", "t", "<p>t</p>")
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := srv.WaitForMessages(t, n, 5*time.Second); len(got) != n {
		t.Fatalf("received %d messages, want %d", len(got), n)
	}
}

// TestSMTPConfigValidate: bad settings are refused at start with messages
// that say what to fix, all at once; the password never appears.
func TestSMTPConfigValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		cfg  jobs.SMTPConfig
		want []string
	}{
		{"no host", jobs.SMTPConfig{From: testSender}, []string{"host is required"}},
		{"host with port", jobs.SMTPConfig{Host: "smtp.example:587", From: testSender}, []string{"give the port separately"}},
		{"bad port", jobs.SMTPConfig{Host: "smtp.example", Port: 70000, From: testSender}, []string{"port 70000"}},
		{"no sender", jobs.SMTPConfig{Host: "smtp.example"}, []string{"sender (from) address is required"}},
		{"bad sender", jobs.SMTPConfig{Host: "smtp.example", From: "kamrat"}, []string{`sender "kamrat" is not an e-mail address`}},
		{"unknown TLS policy", jobs.SMTPConfig{Host: "smtp.example", From: testSender, TLS: "ssl"}, []string{`unknown TLS policy "ssl"`}},
		{"password alone", jobs.SMTPConfig{Host: "smtp.example", From: testSender, Password: "hemligt"}, []string{"both a username and a password"}},
		{"password in clear", jobs.SMTPConfig{Host: "smtp.example", From: testSender, Username: "u", Password: "hemligt", TLS: jobs.SMTPNoTLS}, []string{"must not travel unencrypted"}},
		{"negative timeout", jobs.SMTPConfig{Host: "smtp.example", From: testSender, Timeout: -time.Second}, []string{"timeout -1s is negative"}},
		{"everything at once", jobs.SMTPConfig{Password: "hemligt"}, []string{"host is required", "sender (from) address is required", "both a username and a password"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := jobs.NewSMTPMailer(c.cfg)
			if err == nil || m != nil {
				t.Fatalf("NewSMTPMailer accepted %v", c.cfg)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "hemligt") {
				t.Errorf("error %q reveals the password", err)
			}
		})
	}

	ok := jobs.SMTPConfig{Host: "smtp.example", From: testSender, Username: "u", Password: "hemligt"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid config refused: %v", err)
	}
	if s := fmt.Sprint(ok); strings.Contains(s, "hemligt") || !strings.Contains(s, "smtp.example:587") {
		t.Errorf("String() = %q, want host and default port without the password", s)
	}
	for in, want := range map[string]jobs.SMTPTLSPolicy{"": jobs.SMTPStartTLS, "STARTTLS": jobs.SMTPStartTLS, "tls": jobs.SMTPImplicitTLS, " none ": jobs.SMTPNoTLS, "opportunistic": jobs.SMTPOpportunisticTLS} {
		if got, err := jobs.ParseSMTPTLSPolicy(in); err != nil || got != want {
			t.Errorf("ParseSMTPTLSPolicy(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
