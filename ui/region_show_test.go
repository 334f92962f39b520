package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

func TestRegionShow(t *testing.T) {
	t.Parallel()
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		b := setup(t, db)
		region := tenanttest.Tenant(t, db)
		english, err := b.tenants.Create(context.Background(), tenants.Tenant{
			Slug: "gotland", Name: "Region Gotland", CountyCode: "09",
			Settings: tenants.TenantSettings{DefaultLanguage: "en"},
		})
		if err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			name     string
			target   string
			header   []string
			status   int
			contains []string
		}{
			{"known region", "/r/" + region.Slug, nil, 200, []string{"<h1>" + region.Name + "</h1>", `<html lang="sv">`, "Länskod 12"}},
			{"region's default language", "/r/" + english.Slug, nil, 200, []string{`<html lang="en">`, "County code 09"}},
			{"reader's choice beats the default", "/r/" + english.Slug, []string{"Cookie", "lang=sv"}, 200, []string{`<html lang="sv">`}},
			{"unknown region as HTML", "/r/unknown", []string{"Accept", "text/html"}, 404, []string{"<h1>Sidan finns inte.</h1>"}},
			{"unknown region, no Accept", "/r/unknown", nil, 404, []string{"<h1>Sidan finns inte.</h1>"}},
			{"unknown region in English", "/r/unknown", []string{"Cookie", "lang=en"}, 404, []string{"<h1>This page does not exist.</h1>"}},
			{"unknown region as JSON", "/r/unknown", []string{"Accept", "application/json"}, 404, []string{`{"error":{"status":404,"message":"Sidan finns inte."`}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				res, body := b.get(t, tc.target, tc.header...)
				if res.StatusCode != tc.status {
					t.Fatalf("status = %d, want %d", res.StatusCode, tc.status)
				}
				if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
					checkWellFormed(t, body)
				}
				for _, want := range tc.contains {
					if !strings.Contains(body, want) {
						t.Errorf("body lacks %q:\n%s", want, body)
					}
				}
			})
		}
		if res, _ := b.do(t, httptest.NewRequest(http.MethodHead, "/r/"+region.Slug, nil)); res.StatusCode != http.StatusOK {
			t.Errorf("HEAD region page: status %d, want 200", res.StatusCode)
		}
	})
}
