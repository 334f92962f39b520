package ui

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/gofiber/fiber/v2"
)

const headerRequestID = "X-Request-Id"

// assignRequestID keeps a sane incoming X-Request-Id (so a proxy's id
// follows the request through our logs) or makes a new one, and echoes it.
func (s *server) assignRequestID(c *fiber.Ctx) error {
	id := c.Get(headerRequestID)
	if !saneRequestID(id) {
		id = rand.Text()
	}
	c.Locals(localRequestID, id)
	c.Set(headerRequestID, id)
	return c.Next()
}

// saneRequestID accepts 1–64 letters, digits, '-', '_' and '.': enough for
// UUIDs and trace ids, too little to forge log lines or inject markup.
func saneRequestID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		default:
			return false
		}
	}
	return true
}

// contentSecurityPolicy allows only our own origin and no inline script or
// style, forbids framing and plugins, and pins forms and <base> to us.
const contentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"

// setSecurityHeaders adds the headers every response carries.
func (s *server) setSecurityHeaders(c *fiber.Ctx) error {
	s.writeSecurityHeaders(c)
	return c.Next()
}

// writeSecurityHeaders is shared with the error handler, which also answers
// errors raised before any middleware ran (such as a malformed request).
func (s *server) writeSecurityHeaders(c *fiber.Ctx) {
	c.Set(fiber.HeaderContentSecurityPolicy, contentSecurityPolicy)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	if s.cfg.TLS {
		// No includeSubDomains: other services under a region's domain are
		// not ours to pin to https.
		c.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000")
	}
}

// renderErrors turns an error from further down into its response here,
// rather than at the very end, so the metrics and the access log above it
// record the status the client actually gets.
func (s *server) renderErrors(c *fiber.Ctx) error {
	err := c.Next()
	if err == nil {
		return nil
	}
	if herr := s.handleError(c, err); herr != nil {
		s.log.ErrorContext(c.UserContext(), "error page failed", "request_id", requestID(c), "error", herr.Error())
		c.Status(fiber.StatusInternalServerError)
		c.Type("txt", "utf-8")
		return c.SendString(fiber.ErrInternalServerError.Message)
	}
	return nil
}

// panicError carries a recovered panic to the error handler, which logs
// its stack; the client sees an ordinary 500.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

// recoverPanics turns a panic in a handler into an error.
func (s *server) recoverPanics(c *fiber.Ctx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &panicError{value: v, stack: debug.Stack()}
		}
	}()
	return c.Next()
}

// logAccess writes one structured line per request, after the response is
// decided. Quiet routes (probes, scrapes) are skipped.
func (s *server) logAccess(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if r := matchedRoute(c); r != nil && r.quiet {
		return err
	}
	attrs := []slog.Attr{
		slog.String("request_id", requestID(c)),
		slog.String("method", c.Method()),
		slog.String("path", c.Path()),
		slog.Int("status", c.Response().StatusCode()),
		slog.Duration("duration", time.Since(start)),
	}
	if slug := tenantSlug(c); slug != "" {
		attrs = append(attrs, slog.String("tenant", slug))
	}
	s.log.LogAttrs(c.UserContext(), slog.LevelInfo, "request", attrs...)
	return err
}
