package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// pageQuery reads an API list's ?offset= (0 or more, default 0) and
// ?limit= (1…most, default def). A bad value is refused at its parameter.
func pageQuery(c *fiber.Ctx, def, most int) (offset, limit int, err error) {
	var fields []tenants.FieldError
	limit = def
	if q := c.Query("limit"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > most {
			fields = append(fields, tenants.FieldError{Field: "limit", Key: "validation.range", Args: map[string]any{"Min": 1, "Max": most}})
		}
		limit = n
	}
	if q := c.Query("offset"); q != "" {
		n, err := strconv.Atoi(q)
		switch {
		case err != nil:
			fields = append(fields, tenants.FieldError{Field: "offset", Key: "validation.whole_number"})
		case n < 0:
			fields = append(fields, tenants.FieldError{Field: "offset", Key: "validation.min", Args: map[string]any{"Min": 0}})
		}
		offset = n
	}
	if fields != nil {
		return 0, 0, &tenants.ValidationError{Fields: fields}
	}
	return offset, limit, nil
}

// maxPage bounds ?page=, so that no page number overflows its offset.
const maxPage = 1_000_000

// pageNumber reads a page's ?page= (1…maxPage, default 1) and returns the
// offset of that page of size.
func pageNumber(c *fiber.Ctx, size int) (page, offset int, err error) {
	page = 1
	if q := c.Query("page"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > maxPage {
			return 0, 0, &tenants.ValidationError{Fields: []tenants.FieldError{{Field: "page", Key: "validation.range", Args: map[string]any{"Min": 1, "Max": maxPage}}}}
		}
		page = n
	}
	return page, (page - 1) * size, nil
}

// pager is the navigation between the pages of a long list.
type pager struct {
	// From and To number the rows shown (from 1), of Total.
	From, To, Total int
	Prev, Next      string // links; empty at either end
}

// newPager describes page (from 1) of size rows of total, linked as base
// with ?page=N.
func newPager(base string, page, size, shown, total int) pager {
	p := pager{Total: total}
	if shown > 0 {
		p.From, p.To = (page-1)*size+1, (page-1)*size+shown
	}
	if page > 1 {
		p.Prev = base + "?page=" + strconv.Itoa(min(page-1, max(1, (total+size-1)/size)))
	}
	if page*size < total {
		p.Next = base + "?page=" + strconv.Itoa(page+1)
	}
	return p
}
