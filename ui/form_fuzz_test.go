package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/kamrat/kamrat/tenants"
)

// fuzzCtx runs fn with a request context carrying the given content type,
// body and query string, outside any route.
func fuzzCtx(contentType string, body []byte, query string, fn func(c *fiber.Ctx)) {
	app := fiber.New(fiber.Config{Immutable: true})
	c := app.AcquireCtx(&fasthttp.RequestCtx{})
	defer app.ReleaseCtx(c)
	c.Request().Header.SetContentType(contentType)
	c.Request().SetBody(body)
	c.Request().URI().SetQueryString(query)
	fn(c)
}

// FuzzDecodeJSON sends arbitrary bodies to the strict JSON decoder the API
// uses, into the agreement input (strings, numbers, lists, nested objects,
// optional pointers): a body is either refused with 400, or it is valid
// JSON the standard decoder reads the same way, and the decoded value
// survives encoding and strict decoding again unchanged.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"title":"Avtal","committee":"Hälso- och sjukvårdsnämnden","purpose":"Kamratstöd","starts_on":"2026-01-01","ends_on":"2026-12-31","reporting_cadence":"quarterly","parties":[1,2],"funding":[{"party":1,"year":2026,"amount_sek":100000},{"year":2026,"amount_sek":5}],"positions":[{}]}`,
		`{}`, ` {} `, `{"title":"a"}{}`, `{"title":"a"}]`, `{"titel":"a"}`, `{"Title":"a"}`, `{"title":"a","title":"b"}`,
		`{"parties":[1e3]}`, `{"parties":[9223372036854775808]}`, `{"notice_months":-1}`, `{"funding":[{"party":null}]}`,
		`[]`, `null`, `"x"`, ``, `{"title":"\ud800"}`, "{\"title\":\"\xff\"}", `{"commitments":[{"x":1}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var in apiAgreementInput
		var err error
		fuzzCtx(fiber.MIMEApplicationJSON, body, "", func(c *fiber.Ctx) { err = decodeJSON(c, &in) })
		if err != nil {
			var fe *fiber.Error
			if !errors.As(err, &fe) || fe.Code != fiber.StatusBadRequest {
				t.Fatalf("decodeJSON(%q) refused with %v; want a 400", body, err)
			}
			return
		}
		if !json.Valid(body) {
			t.Fatalf("decodeJSON accepted %q, which is not JSON", body)
		}
		var std apiAgreementInput
		if err := json.Unmarshal(body, &std); err != nil {
			t.Fatalf("decodeJSON accepted %q; encoding/json refuses it: %v", body, err)
		}
		first, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		if stdJSON, _ := json.Marshal(std); !bytes.Equal(stdJSON, first) {
			t.Fatalf("%q decodes to %s; encoding/json reads %s", body, first, stdJSON)
		}
		var again apiAgreementInput
		fuzzCtx(fiber.MIMEApplicationJSON, first, "", func(c *fiber.Ctx) { err = decodeJSON(c, &again) })
		if err != nil {
			t.Fatalf("%q decoded to %s, which decodeJSON refuses: %v", body, first, err)
		}
		if second, _ := json.Marshal(again); !bytes.Equal(first, second) {
			t.Fatalf("%q decoded to %s, which decodes to %s", body, first, second)
		}
	})
}

// FuzzDecodeJSONContentType: only application/json bodies are read.
func FuzzDecodeJSONContentType(f *testing.F) {
	for _, s := range []string{"application/json", "application/json; charset=utf-8", "text/plain", "", "application/jsonx", "APPLICATION/JSON"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, contentType string) {
		var in apiMyFollowUpInput
		var err error
		var got string
		fuzzCtx(contentType, []byte(`{"done_on":"2026-01-01"}`), "", func(c *fiber.Ctx) {
			got = c.Get(fiber.HeaderContentType)
			err = decodeJSON(c, &in)
		})
		var fe *fiber.Error
		if strings.HasPrefix(got, fiber.MIMEApplicationJSON) {
			if err != nil || in.DoneOn != "2026-01-01" {
				t.Fatalf("content type %q: %+v, %v", got, in, err)
			}
		} else if !errors.As(err, &fe) || fe.Code != fiber.StatusUnsupportedMediaType {
			t.Fatalf("content type %q: %v; want 415", got, err)
		}
	})
}

// FuzzFormID: a form's id is empty (0), a positive integer written as
// such, or a validation problem on the field.
func FuzzFormID(f *testing.F) {
	for _, s := range []string{"", "1", "42", "0", "-1", "+5", "007", "9223372036854775807", "9223372036854775808", "1e3", " 1", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		id, err := formID(v, "unit")
		if err != nil {
			var ve *tenants.ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Field != "unit" || id != 0 {
				t.Fatalf("formID(%q) = %d, %v", v, id, err)
			}
			return
		}
		if v == "" {
			if id != 0 {
				t.Fatalf("formID(\"\") = %d", id)
			}
			return
		}
		if n, perr := strconv.ParseInt(v, 10, 64); id <= 0 || perr != nil || n != id {
			t.Fatalf("formID(%q) = %d", v, id)
		}
	})
}

// FuzzDashboardFilterQuery reads arbitrary dashboard query strings: either
// a *ValidationError naming only the filter's fields, or a filter whose
// ids are not negative and whose dates are the ones given (or the default).
func FuzzDashboardFilterQuery(f *testing.F) {
	for _, s := range []string{
		"", "from=2026-01-01&to=2026-10-01", "from=2026-01-01&to=2026-10-01&unit_id=3&organisation_id=4&target_group=hiv",
		"from=2026-1-1", "to=x", "unit_id=-1", "organisation_id=1e3", "unit_id=9223372036854775808", "from=%202026-01-01",
		"from=2026-01-01&from=2027-01-01", "target_group=%00", "unit_id=&organisation_id=", "from=0001-01-01",
	} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	fields := map[string]bool{"from": true, "to": true, "unit_id": true, "organisation_id": true}
	f.Fuzz(func(t *testing.T, query string) {
		var fl tenants.DashboardFilter
		var err error
		var from, to string
		fuzzCtx("", nil, query, func(c *fiber.Ctx) {
			fl, err = dashboardFilterOf(c, now)
			from, to = c.Query("from"), c.Query("to")
		})
		if err != nil {
			var ve *tenants.ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) == 0 {
				t.Fatalf("%q: %v; want a *ValidationError", query, err)
			}
			for _, fe := range ve.Fields {
				if !fields[fe.Field] || fe.Key == "" {
					t.Fatalf("%q: problem %+v", query, fe)
				}
			}
			return
		}
		if fl.UnitID < 0 || fl.OrganisationID < 0 {
			t.Fatalf("%q: filter %+v", query, fl)
		}
		def := tenants.DefaultDashboardFilter(now)
		for _, d := range []struct {
			raw  string
			got  tenants.Date
			dflt tenants.Date
		}{{from, fl.From, def.From}, {to, fl.To, def.To}} {
			if d.raw == "" && d.got != d.dflt || d.raw != "" && d.got.String() != strings.TrimSpace(d.raw) {
				t.Fatalf("%q: read %q as %v", query, d.raw, d.got)
			}
		}
	})
}
