package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// form is a submitted form kept for showing it again: the values as the
// person typed them and, after a refusal, one translated problem per field.
// A page that has a form embeds it, so the templates reach .Form.
type form struct {
	Values map[string]string
	Errors map[string]string // field name → "message" (without the label)
	// Summary lists the problems in field order for the box at the top of
	// the form, each linking to its field.
	Summary []formProblem
}

// formProblem is one line of a form's error summary.
type formProblem struct {
	Field   string
	Message string // "Label: message"
}

// Value returns what was submitted for name.
func (f form) Value(name string) string { return f.Values[name] }

// Error returns the problem with name, or "".
func (f form) Error(name string) string { return f.Errors[name] }

// Invalid reports whether the form was refused.
func (f form) Invalid() bool { return len(f.Summary) > 0 }

// formFrom reads the named fields of a posted form.
func formFrom(c *fiber.Ctx, names ...string) form {
	f := form{Values: make(map[string]string, len(names))}
	for _, n := range names {
		f.Values[n] = c.FormValue(n)
	}
	return f
}

// refuse fills the form's problems from err when err is a validation error
// and reports whether it was; any other error is left to the caller.
func (s *server) refuse(f *form, lang string, err error) bool {
	var ve *tenants.ValidationError
	if !errors.As(err, &ve) {
		return false
	}
	f.Errors = make(map[string]string, len(ve.Fields))
	f.Summary = f.Summary[:0]
	for _, fe := range ve.Fields {
		f.Errors[fe.Field] = s.translator.Translate(lang, fe.Key, fe.Args)
		f.Summary = append(f.Summary, formProblem{Field: fe.Field, Message: s.translator.FieldMessage(lang, fe)})
	}
	return true
}

// renderRefused answers a refused form: the page again, with the problems,
// as 422 so that scripts and tests see the refusal.
func (s *server) renderRefused(c *fiber.Ctx, p page) error {
	c.Status(fiber.StatusUnprocessableEntity)
	return s.renderPage(c, p)
}

// formID reads a numeric id from a form or route value; anything else is
// a validation problem on field.
func formID(v, field string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, &tenants.ValidationError{Fields: []tenants.FieldError{{Field: field, Key: "validation.choice"}}}
	}
	return id, nil
}

// pathID reads the :id route parameter; a malformed one is a 404, like an
// id that does not exist.
func pathID(c *fiber.Ctx) (int64, error) { return pathParamID(c, "id") }

// pathParamID reads a numeric route parameter (:doc, :session) like pathID.
func pathParamID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}

// multipartRoom is what an upload's request needs beyond the file itself:
// the multipart envelope, the CSRF token, the file's name.
const multipartRoom = 64 << 10

// uploadLimit is the largest file an upload takes: the store's cap, or
// less when the server's body limit leaves less room, in whole MiB so that
// the limit can be told plainly. A request above the body limit never
// reaches a handler; the server answers it with 413.
func uploadLimit(bodyLimit, storeCap int) int {
	return max(0, min(storeCap, (bodyLimit-multipartRoom)&^(1<<20-1)))
}

// decodeJSON reads a JSON request body strictly: unknown fields and
// trailing data are a 400, so a misspelt field is not silently ignored.
func decodeJSON(c *fiber.Ctx, into any) error {
	if !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON) {
		return fiber.NewError(fiber.StatusUnsupportedMediaType, "send application/json")
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "malformed JSON: "+err.Error())
	}
	// More would let a stray "}" or "]" through.
	if _, err := dec.Token(); err != io.EOF {
		return fiber.NewError(fiber.StatusBadRequest, "malformed JSON: data after the object")
	}
	return nil
}

// option is one choice of a select list or radio group.
type option struct {
	Value, Label string
}

// fieldView is what the "input" and "select" templates draw: a labelled
// control with its problem, if any, tied to it for screen readers.
type fieldView struct {
	Name, Label, Value, Error, Type string
	Options                         []option
}

// field builds an input for templates:
// {{template "input" (field "email" (.T "field.email") (.Form.Value "email") (.Form.Error "email") "email")}}.
func field(name, label, value, problem, typ string) fieldView {
	return fieldView{Name: name, Label: label, Value: value, Error: problem, Type: typ}
}

// choice builds a select list for templates, like field.
func choice(name, label, value, problem string, options []option) fieldView {
	return fieldView{Name: name, Label: label, Value: value, Error: problem, Options: options}
}

// itoa formats an id for URLs and audit rows.
func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// isExpired reports a single-use secret or record that is no longer open.
func isExpired(err error) bool { return errors.Is(err, tenants.ErrExpired) }

// isNotFound reports an object that does not exist in the region.
func isNotFound(err error) bool { return errors.Is(err, tenants.ErrNotFound) }

// isConflict reports a clash with something that already exists.
func isConflict(err error) bool { return errors.Is(err, tenants.ErrConflict) }
