package ui

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestProbes(t *testing.T) {
	t.Parallel()
	ready := setup(t, nil)
	notReady := setup(t, nil, func(c *Config) {
		c.Ready = func(context.Context) error { return errors.New("migrations pending: 0003_referrals") }
	})
	for _, tc := range []struct {
		name   string
		b      *testBundle
		target string
		accept string
		status int
		body   string
	}{
		{"liveness", ready, "/healthz", "", 200, "ok"},
		{"liveness while not ready", notReady, "/healthz", "", 200, "ok"},
		{"ready as text", ready, "/readyz", "", 200, "ready"},
		{"ready as JSON", ready, "/readyz", "application/json", 200, `{"status":"ready"}`},
		{"not ready as text", notReady, "/readyz", "text/plain", 503, "not ready: migrations pending: 0003_referrals"},
		{"not ready as JSON", notReady, "/readyz", "application/json", 503, `{"status":"not ready","reason":"migrations pending: 0003_referrals"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, body := tc.b.get(t, tc.target, "Accept", tc.accept)
			if res.StatusCode != tc.status || strings.TrimSpace(body) != tc.body {
				t.Errorf("got %d %q, want %d %q", res.StatusCode, body, tc.status, tc.body)
			}
		})
	}
}

func TestReadinessChecksEachTime(t *testing.T) {
	t.Parallel()
	var down bool
	b := setup(t, nil, func(c *Config) {
		c.Ready = func(ctx context.Context) error {
			if _, ok := ctx.Deadline(); !ok {
				return errors.New("no deadline")
			}
			if down {
				return errors.New("database unreachable")
			}
			return nil
		}
	})
	for _, tc := range []struct {
		down bool
		want int
	}{{false, http.StatusOK}, {true, http.StatusServiceUnavailable}, {false, http.StatusOK}} {
		down = tc.down // app.Test waits for the answer, so no race
		if res, body := b.get(t, "/readyz"); res.StatusCode != tc.want {
			t.Errorf("down=%v: status %d (%s), want %d", tc.down, res.StatusCode, body, tc.want)
		}
	}
}
