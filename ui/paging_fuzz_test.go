package ui

import (
	"errors"
	"strconv"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// FuzzPageQuery: a list's paging parameters are either refused at the
// parameter, or read as exactly the numbers given, within range; a page
// number never gives a negative offset.
func FuzzPageQuery(f *testing.F) {
	for _, s := range []string{"", "limit=20&offset=40", "limit=0", "limit=501", "offset=-1", "offset=1.5", "limit=x",
		"page=2", "page=0", "page=9223372036854775807", "page=1000000", "page=%2B3", "limit=+7", "offset=0x10", "limit=1&limit=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		var offset, limit, page, pageOffset int
		var err, pageErr error
		var rawLimit, rawOffset, rawPage string
		fuzzCtx("", nil, query, func(c *fiber.Ctx) {
			offset, limit, err = pageQuery(c, 50, 500)
			page, pageOffset, pageErr = pageNumber(c, 50)
			rawLimit, rawOffset, rawPage = c.Query("limit"), c.Query("offset"), c.Query("page")
		})
		if err != nil {
			var ve *tenants.ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) == 0 {
				t.Fatalf("%q: %v; want a *ValidationError", query, err)
			}
			for _, fe := range ve.Fields {
				if fe.Field != "limit" && fe.Field != "offset" {
					t.Fatalf("%q: problem %+v", query, fe)
				}
			}
		} else {
			if limit < 1 || limit > 500 || offset < 0 {
				t.Fatalf("%q: offset %d, limit %d", query, offset, limit)
			}
			if n, _ := strconv.Atoi(rawLimit); rawLimit != "" && n != limit || rawLimit == "" && limit != 50 {
				t.Fatalf("%q: limit %q read as %d", query, rawLimit, limit)
			}
			if n, _ := strconv.Atoi(rawOffset); rawOffset != "" && n != offset || rawOffset == "" && offset != 0 {
				t.Fatalf("%q: offset %q read as %d", query, rawOffset, offset)
			}
		}
		if pageErr != nil {
			var ve *tenants.ValidationError
			if !errors.As(pageErr, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Field != "page" {
				t.Fatalf("%q: page refused with %v", query, pageErr)
			}
			return
		}
		if page < 1 || pageOffset < 0 || pageOffset != (page-1)*50 {
			t.Fatalf("%q: page %d at offset %d", query, page, pageOffset)
		}
		if n, _ := strconv.Atoi(rawPage); rawPage != "" && n != page {
			t.Fatalf("%q: page %q read as %d", query, rawPage, page)
		}
	})
}
