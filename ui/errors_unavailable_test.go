package ui

import (
	"context"
	"database/sql/driver"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kamrat/kamrat/tenants"
)

// unreachableDatabaseError is the error pgx really returns when nothing
// listens where the database should be.
func unreachableDatabaseError(t *testing.T) error {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, "postgres://kamrat_app@"+addr+"/kamrat?sslmode=disable&connect_timeout=2")
	if err == nil {
		conn.Close(ctx)
		t.Fatalf("connected to %s, where nothing listens", addr)
	}
	return fmt.Errorf("look up region skane: %w", err)
}

// TestStatusOfUnavailableDatabase: a database that cannot be reached or
// went away mid-request is a 503; errors the database reports about the
// request or the data stay 500 (or their own status).
func TestStatusOfUnavailableDatabase(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		err  error
		want int
	}{
		{"connection refused", unreachableDatabaseError(t), http.StatusServiceUnavailable},
		{"server shutting down (57P01)", fmt.Errorf("list units: %w", &pgconn.PgError{Severity: "FATAL", Code: "57P01", Message: "terminating connection due to administrator command"}), http.StatusServiceUnavailable},
		{"server starting (57P03)", &pgconn.PgError{Severity: "FATAL", Code: "57P03", Message: "the database system is starting up"}, http.StatusServiceUnavailable},
		{"connection failure (08006)", &pgconn.PgError{Code: "08006"}, http.StatusServiceUnavailable},
		{"bad connection", fmt.Errorf("begin: %w", driver.ErrBadConn), http.StatusServiceUnavailable},
		{"closed connection", fmt.Errorf("query: %w", pgconn.ErrConnClosed), http.StatusServiceUnavailable},
		{"foreign key violation", &pgconn.PgError{Code: "23503", Message: "violates foreign key constraint"}, http.StatusInternalServerError},
		{"syntax error", &pgconn.PgError{Code: "42601"}, http.StatusInternalServerError},
		{"not found stays 404", fmt.Errorf("a: %w", tenants.ErrNotFound), http.StatusNotFound},
		{"cancelled by the client", context.Canceled, http.StatusInternalServerError},
	} {
		if got := statusOf(tc.err); got != tc.want {
			t.Errorf("%s: statusOf(%v) = %d, want %d", tc.name, tc.err, got, tc.want)
		}
	}
}

// TestUnavailableDatabasePage: the page and the JSON for a database that
// cannot be reached say so from the catalogue, with Retry-After, in the
// asked language, and leak nothing of the driver's error, which is logged.
func TestUnavailableDatabasePage(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	dbErr := unreachableDatabaseError(t)
	b.app.Get("/test/db-down", func(*fiber.Ctx) error { return dbErr })
	b.app.Get("/api/test/db-down", func(*fiber.Ctx) error { return dbErr })
	leaks := []string{"failed to connect", "127.0.0.1", "kamrat_app", "dial", "refused", "goroutine"}

	for _, tc := range []struct {
		target, accept, lang, want string
		json                       bool
	}{
		{"/test/db-down", "text/html", "sv", "Tjänsten är tillfälligt otillgänglig. Försök igen om en stund.", false},
		{"/test/db-down", "text/html", "en", "The service is temporarily unavailable. Please try again in a moment.", false},
		{"/api/test/db-down", "application/json", "sv", "Tjänsten är tillfälligt otillgänglig. Försök igen om en stund.", true},
		{"/api/test/db-down", "application/json", "en", "The service is temporarily unavailable. Please try again in a moment.", true},
	} {
		// Pages take the language from the reader's choice (a cookie),
		// the API from Accept-Language.
		res, body := b.get(t, tc.target, "Accept", tc.accept, "Accept-Language", tc.lang, "Cookie", cookieLanguage+"="+tc.lang, "X-Request-Id", "req-db-down")
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("%s (%s): status %d, want 503: %s", tc.target, tc.accept, res.StatusCode, body)
			continue
		}
		if got := res.Header.Get("Retry-After"); got != retryAfterSeconds {
			t.Errorf("%s: Retry-After = %q, want %q", tc.target, got, retryAfterSeconds)
		}
		if tc.json {
			if e := errorJSON(t, body); e.Status != http.StatusServiceUnavailable || e.Message != tc.want || e.Detail != "" {
				t.Errorf("%s: JSON error %+v, want status 503 and %q without detail", tc.target, e, tc.want)
			}
		} else {
			checkWellFormed(t, body)
			if !strings.Contains(body, tc.want) {
				t.Errorf("%s (%s): page lacks %q:\n%s", tc.target, tc.lang, tc.want, body)
			}
		}
		for _, leak := range leaks {
			if strings.Contains(body, leak) {
				t.Errorf("%s: the answer leaks %q:\n%s", tc.target, leak, body)
			}
		}
	}
	var logged int
	for _, e := range b.logs.find(t, "request failed") {
		if e["request_id"] == "req-db-down" && e["status"] == float64(http.StatusServiceUnavailable) && strings.Contains(fmt.Sprint(e["error"]), "failed to connect") {
			logged++
		}
	}
	if logged != 4 {
		t.Errorf("%d of 4 failures were logged with the driver's error", logged)
	}
}
