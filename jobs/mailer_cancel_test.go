package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/kamrat/kamrat/jobs"
	"github.com/kamrat/kamrat/jobs/jobstest"
)

// TestSMTPMailerStopsWhenCancelled: a server that has the message's data
// but does not answer holds Send only until its context ends — a job's
// timeout, a shutdown's grace period — not for the SMTP timeout; the
// message, never accepted, is not kept.
func TestSMTPMailerStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	srv := jobstest.NewSMTPServer(t, jobstest.SMTPOptions{})
	m := newTestMailer(t, jobs.SMTPConfig{Host: srv.Host(), Port: srv.Port(), TLS: jobs.SMTPNoTLS, Timeout: 30 * time.Second})
	release := srv.Hold()
	defer release()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Send(ctx, "bo@example.se", "Påminnelse", "Text.", "") }()
	deadline := time.Now().Add(10 * time.Second)
	for srv.Held() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the message never reached the server")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("Send reported success for a message the server never accepted")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Send still waits for the server 5 s after its context was cancelled")
	}
	release()
	for srv.Held() > 0 { // the server decides on the held message
		time.Sleep(10 * time.Millisecond)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("the server kept %d messages whose client hung up", n)
	}
}
