package ui

import (
	"errors"
	"log/slog"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/kamrat/kamrat/tenants"
)

// errorResponse is the JSON shape of every API error.
type errorResponse struct {
	Error errorBody `json:"error"`
}

type errorBody struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
	// Detail says what exactly was wrong with a refused request (a
	// malformed body, a missing header); never internal error text.
	Detail    string       `json:"detail,omitempty"`
	RequestID string       `json:"request_id,omitempty"`
	Fields    []fieldIssue `json:"fields,omitempty"`
}

// fieldIssue is one validation problem in a JSON error.
type fieldIssue struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// labelledFields wraps a validation error whose fields read under other
// labels than field.<name>, where a name means something else elsewhere
// (a training's "title" is not an agreement's). The answer keeps the field
// names; only the messages' labels change.
type labelledFields struct {
	error
	label func(field string) string
}

func (l *labelledFields) Unwrap() error { return l.error }

// withFieldLabels labels err's field problems with label(field) in the
// error answer; nil and other errors pass unchanged.
func withFieldLabels(err error, label func(field string) string) error {
	var ve *tenants.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	return &labelledFields{error: err, label: label}
}

// statusOf maps an error to the HTTP status the client gets: a database
// that cannot be reached is a 503, worth retrying; anything else the domain
// did not classify is a 500.
func statusOf(err error) int {
	var fe *fiber.Error
	var ve *tenants.ValidationError
	switch {
	case errors.As(err, &ve):
		return fiber.StatusUnprocessableEntity
	case errors.Is(err, tenants.ErrNotFound):
		return fiber.StatusNotFound
	case errors.Is(err, tenants.ErrConflict):
		return fiber.StatusConflict
	case errors.As(err, &fe):
		return fe.Code
	case tenants.Unavailable(err):
		return fiber.StatusServiceUnavailable
	default:
		return fiber.StatusInternalServerError
	}
}

// retryAfterSeconds is the Retry-After of a 503: about how long a database
// restart or fail-over takes.
const retryAfterSeconds = "5"

// handleError is the app's one error handler: it logs server errors and
// answers with an HTML page or JSON. The message is the catalogue's text
// for the status, never the error's own text, so internals stay internal.
func (s *server) handleError(c *fiber.Ctx, err error) error {
	status := statusOf(err)
	if status >= fiber.StatusInternalServerError {
		s.logServerError(c, status, err)
	}
	lang := s.language(c)
	message := s.statusMessage(lang, status)

	var issues []fieldIssue
	var ve *tenants.ValidationError
	if errors.As(err, &ve) {
		var labels *labelledFields
		errors.As(err, &labels)
		for _, f := range ve.Fields {
			labelled := f
			if labels != nil {
				labelled.Field = labels.label(f.Field)
			}
			issues = append(issues, fieldIssue{Field: f.Field, Message: s.translator.FieldMessage(lang, labelled)})
		}
	}

	s.writeSecurityHeaders(c)
	// An error must not be cached as if it were the page.
	c.Set(fiber.HeaderCacheControl, "no-store")
	if status == fiber.StatusServiceUnavailable {
		c.Set(fiber.HeaderRetryAfter, retryAfterSeconds)
	}
	c.Status(status)
	if wantsJSON(c) {
		return c.JSON(errorResponse{Error: errorBody{
			Status: status, Message: message, Detail: clientDetail(err, status), RequestID: requestID(c), Fields: issues,
		}})
	}
	p := errorPage{
		basePage:      s.newBasePage(c, lang),
		Status:        status,
		Message:       message,
		ShowRequestID: status >= fiber.StatusInternalServerError,
	}
	for _, issue := range issues {
		p.Fields = append(p.Fields, issue.Message)
	}
	return s.renderPage(c, p)
}

// clientDetail is the text of an error the app raised on purpose for a bad
// request (a *fiber.Error below 500 with its own message), else "".
func clientDetail(err error, status int) string {
	var fe *fiber.Error
	if status >= fiber.StatusInternalServerError || !errors.As(err, &fe) || fe.Message == utils.StatusMessage(fe.Code) {
		return ""
	}
	return fe.Message
}

// statusMessage returns the catalogue's text for status, or the generic
// client or server text when the catalogue has none for that code.
func (s *server) statusMessage(lang string, status int) string {
	if msg, ok := s.translator.lookup(lang, "error."+strconv.Itoa(status), nil); ok {
		return msg
	}
	if status >= fiber.StatusInternalServerError {
		return s.translator.Translate(lang, "error.server", nil)
	}
	return s.translator.Translate(lang, "error.client", nil)
}

// logServerError records what the user does not see.
func (s *server) logServerError(c *fiber.Ctx, status int, err error) {
	attrs := []slog.Attr{
		slog.String("request_id", requestID(c)),
		slog.String("method", c.Method()),
		slog.String("path", c.Path()),
		slog.Int("status", status),
		slog.String("error", err.Error()),
	}
	if slug := tenantSlug(c); slug != "" {
		attrs = append(attrs, slog.String("tenant", slug))
	}
	var pe *panicError
	if errors.As(err, &pe) {
		attrs = append(attrs, slog.String("stack", string(pe.stack)))
	}
	s.log.LogAttrs(c.UserContext(), slog.LevelError, "request failed", attrs...)
}

// wantsJSON reports whether the client should get JSON: always under
// /api/, elsewhere when Accept prefers JSON to HTML.
func wantsJSON(c *fiber.Ctx) bool {
	if p := c.Path(); p == "/api" || strings.HasPrefix(p, "/api/") {
		return true
	}
	return c.Accepts(fiber.MIMETextHTML, fiber.MIMEApplicationJSON) == fiber.MIMEApplicationJSON
}
