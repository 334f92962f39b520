package ui

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

func TestHomeListsRegions(t *testing.T) {
	t.Parallel()
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		b := setup(t, db)
		ctx := context.Background()
		created := []tenants.Tenant{
			{Slug: "skane", Name: "Region Skåne", CountyCode: "12"},
			{Slug: "vgr", Name: "Västra Götalandsregionen", CountyCode: "14"},
		}
		for _, tn := range created {
			if _, err := b.tenants.Create(ctx, tn); err != nil {
				t.Fatal(err)
			}
		}
		for _, lang := range []string{"sv", "en"} {
			res, body := b.get(t, "/", "Cookie", "lang="+lang)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: status = %d", lang, res.StatusCode)
			}
			checkWellFormed(t, body)
			for _, tn := range created {
				for _, want := range []string{tn.Name, `href="/r/` + tn.Slug + `"`, "<td>" + tn.CountyCode + "</td>"} {
					if !strings.Contains(body, want) {
						t.Errorf("%s: landing page lacks %q", lang, want)
					}
				}
			}
			if strings.Contains(body, "kamrat tenant create") {
				t.Errorf("%s: empty-state hint shown although regions exist", lang)
			}
		}
	})
}

func TestHomeWithoutRegions(t *testing.T) {
	t.Parallel()
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		b := setup(t, db)
		for _, tc := range []struct{ lang, empty string }{
			{"sv", "Det finns inga regioner i Kamrat ännu."},
			{"en", "There are no regions in Kamrat yet."},
		} {
			res, body := b.get(t, "/", "Cookie", "lang="+tc.lang)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status = %d", res.StatusCode)
			}
			for _, want := range []string{tc.empty, "<code>kamrat tenant create</code>"} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: empty landing page lacks %q", tc.lang, want)
				}
			}
			if strings.Contains(body, "<table") {
				t.Errorf("%s: empty landing page has a table", tc.lang)
			}
		}
	})
}
