package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// secret stands for internal detail that must reach the log, never the user.
const secret = "dial tcp 10.0.0.7:5432: password authentication failed for kamrat_app"

// failingRoutes adds routes that fail in each way the error handler knows.
func failingRoutes(app *fiber.App) {
	fail := func(err error) fiber.Handler { return func(*fiber.Ctx) error { return err } }
	invalid := &tenants.ValidationError{Fields: []tenants.FieldError{
		{Field: "name", Key: "validation.too_long", Args: map[string]any{"Max": 200}},
		{Field: "county", Key: "validation.county"},
	}}
	app.Get("/test/internal", fail(errors.New(secret)))
	app.Get("/test/panic", func(*fiber.Ctx) error { panic(secret) })
	app.Get("/test/not-found", fail(fmt.Errorf("unit 7: %w", tenants.ErrNotFound)))
	app.Get("/test/conflict", fail(fmt.Errorf("region skane: %w", tenants.ErrConflict)))
	app.Get("/test/invalid", fail(fmt.Errorf("create region: %w", invalid)))
	app.Get("/test/fiber", fail(fiber.ErrTooManyRequests))
	app.Get("/test/teapot", fail(fiber.ErrTeapot))
	app.Get("/api/test/internal", fail(errors.New(secret)))
}

func TestErrorHandler(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	failingRoutes(b.app)

	for _, tc := range []struct {
		name     string
		target   string
		accept   string
		status   int
		json     bool
		contains []string // in the body
		logged   bool     // a "request failed" line with the secret
	}{
		{"internal error as HTML", "/test/internal", "text/html", 500, false, []string{"Något gick fel hos oss"}, true},
		{"internal error as JSON", "/test/internal", "application/json", 500, true, nil, true},
		{"internal error under /api/ is JSON", "/api/test/internal", "text/html", 500, true, nil, true},
		{"panic", "/test/panic", "text/html", 500, false, []string{"Något gick fel hos oss"}, true},
		{"not found", "/test/not-found", "text/html", 404, false, []string{"Sidan finns inte."}, false},
		{"unknown path", "/no/such/page", "application/json", 404, true, []string{`"status":404`}, false},
		{"conflict", "/test/conflict", "application/json", 409, true, []string{"krockar"}, false},
		{"validation as HTML", "/test/invalid", "text/html", 422, false, []string{"Namn: Får vara högst 200 tecken.", "Län: Välj ett av Sveriges 21 län."}, false},
		{"validation as JSON", "/test/invalid", "application/json", 422, true, []string{`"field":"name"`, "Namn: Får vara högst 200 tecken."}, false},
		{"fiber error keeps its code", "/test/fiber", "text/html", 429, false, []string{"För många försök"}, false},
		{"status without own message", "/test/teapot", "application/json", 418, true, []string{"Begäran kunde inte utföras."}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			id := "req-" + strings.Map(func(r rune) rune {
				if r >= 'a' && r <= 'z' {
					return r
				}
				return '-'
			}, tc.name)
			res, body := b.get(t, tc.target, "Accept", tc.accept, "X-Request-Id", id)
			if res.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d; body: %s", res.StatusCode, tc.status, body)
			}
			if strings.Contains(body, "10.0.0.7") || strings.Contains(body, "password") || strings.Contains(body, "goroutine") {
				t.Errorf("internal detail reached the user: %s", body)
			}
			if gotJSON := strings.HasPrefix(res.Header.Get("Content-Type"), "application/json"); gotJSON != tc.json {
				t.Errorf("Content-Type = %q, want JSON %v", res.Header.Get("Content-Type"), tc.json)
			}
			if tc.json {
				if e := errorJSON(t, body); e.Status != tc.status || e.Message == "" || e.RequestID != id {
					t.Errorf("JSON error = %+v, want status %d, a message and request id %q", e, tc.status, id)
				}
			} else {
				checkWellFormed(t, body)
				// Server errors show the request id so a user can quote it.
				if shown := strings.Contains(body, id); shown != (tc.status >= 500) {
					t.Errorf("request id shown = %v for status %d", shown, tc.status)
				}
			}
			for _, want := range tc.contains {
				if !strings.Contains(body, want) {
					t.Errorf("body lacks %q: %s", want, body)
				}
			}
			if res.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", res.Header.Get("Cache-Control"))
			}
			var logged bool
			for _, e := range b.logs.find(t, "request failed") {
				if e["request_id"] == id {
					logged = true
					if !strings.Contains(fmt.Sprint(e["error"]), "password authentication failed") {
						t.Errorf("log line lacks the error: %v", e)
					}
					if e["status"] != float64(tc.status) || e["path"] != tc.target {
						t.Errorf("log line = %v, want status %d and path %s", e, tc.status, tc.target)
					}
					if tc.name == "panic" && !strings.Contains(fmt.Sprint(e["stack"]), "recoverPanics") {
						t.Errorf("panic logged without its stack: %v", e)
					}
				}
			}
			if logged != tc.logged {
				t.Errorf("server error logged = %v, want %v", logged, tc.logged)
			}
		})
	}
}

func TestStatusOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  error
		want int
	}{
		{fmt.Errorf("a: %w", tenants.ErrNotFound), http.StatusNotFound},
		{fmt.Errorf("a: %w", tenants.ErrConflict), http.StatusConflict},
		{fmt.Errorf("a: %w", &tenants.ValidationError{}), http.StatusUnprocessableEntity},
		{fiber.NewError(http.StatusBadRequest, "x"), http.StatusBadRequest},
		{fmt.Errorf("a: %w", tenants.ErrNoTenant), http.StatusInternalServerError},
		{errors.New("boom"), http.StatusInternalServerError},
	} {
		if got := statusOf(tc.err); got != tc.want {
			t.Errorf("statusOf(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}
