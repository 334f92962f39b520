package ui

import (
	"encoding/json"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kamrat/kamrat/tenants"
)

// TestEveryPageRendersInEveryLanguage renders one example of every page
// type in Swedish and English and checks the frame every page must have.
func TestEveryPageRendersInEveryLanguage(t *testing.T) {
	t.Parallel()
	translator, err := NewTranslator()
	if err != nil {
		t.Fatal(err)
	}
	as, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	vs, err := parseViews(as)
	if err != nil {
		t.Fatal(err)
	}
	skåne := tenants.Tenant{Slug: "skane", Name: "Region Skåne", CountyCode: "12"}
	examples := func(base basePage) map[string]page {
		return map[string]page{
			"home with regions":       homePage{basePage: base, Regions: []regionLink{{Name: "Region Skåne", CountyCode: "12", URL: "/r/skane"}}},
			"home without regions":    homePage{basePage: base},
			"accessibility statement": accessibilityPage{basePage: base},
			"region":                  regionPage{basePage: base, Region: skåne},
			"error 404":               errorPage{basePage: base, Status: 404, Message: "Sidan finns inte."},
			"error 422":               errorPage{basePage: base, Status: 422, Message: "x", Fields: []string{"Namn: Måste fyllas i."}},
			"error 500":               errorPage{basePage: base, Status: 500, Message: "x", ShowRequestID: true},
			"login":                   loginPage{basePage: base, RegionName: "Region Skåne", Providers: []link{{Label: "SITHS", URL: "/r/skane/login/oidc/siths"}}, DemoUsers: []link{{Label: "Anna", URL: "/x"}}},
			"login without providers": loginPage{basePage: base, RegionName: "Region Skåne"},
			"signin failed":           signInFailedPage{basePage: base, RegionName: "Region Skåne", Reason: "signin.refused.nonce", LoginURL: "/r/skane/login"},
			"start":                   startPage{basePage: base, RegionName: "Region Skåne", RoleKey: "role.clinic_staff", Role: "clinic_staff", Links: []link{{Label: "x", URL: "/y"}}},
			"signed-in start":         startPage{basePage: basePage{Lang: base.Lang, OtherLang: "xx", SwitchURL: "?lang=xx", Version: "9.9.9", translator: base.translator, User: "Anna", CSRF: "tok"}, RegionName: "Region Skåne", RoleKey: "role.viewer", Role: "viewer"},
			"audit":                   auditPage{basePage: base, RegionName: "Region Skåne", Entries: []auditRow{{At: "2026-11-22 10:00:00", User: "a@b.se", Action: "signin.oidc", Outcome: "ok"}}},
			"invitation":              invitationPage{basePage: base, RegionName: "Region Skåne", Name: "Anna", RoleKey: "role.viewer", Providers: []link{{Label: "SITHS", URL: "/x"}}},
			"audit empty":             auditPage{basePage: base, RegionName: "Region Skåne", Outcome: "denied"},
			"audit check refused": auditPage{basePage: base, RegionName: "Region Skåne", CheckAction: "/r/skane/admin/audit/checks",
				Form:   refusedForm("conclusion", "Måste fyllas i."),
				Checks: []checkRow{{At: "2026-11-22 10:00", By: "Alva", Period: "2026-10-01 – 2026-10-31", Scope: "Inloggningar", Conclusion: "Inga avvikelser"}}},
			"login refused e-mail": loginPage{basePage: base, RegionName: "Region Skåne", EmailAction: "/r/skane/login/email", Form: refusedForm("email", "Ange en giltig e-postadress.")},
			"login e-mail sent":    emailSentPage{basePage: base, RegionName: "Region Skåne", Email: "a@b.se", LoginURL: "/r/skane/login"},
			"login e-mail link":    emailLinkPage{basePage: base, RegionName: "Region Skåne", Action: "/r/skane/login/email/x"},
			"invitation by e-mail": invitationPage{basePage: base, RegionName: "Region Skåne", Name: "Anna", RoleKey: "role.peer_supporter", AcceptAction: "/r/skane/invitations/x"},
			"members": membersPage{basePage: base, RegionName: "Region Skåne", BaseURL: "/r/skane/admin/members", InviteURL: "/r/skane/admin/invitations", Members: []memberRow{
				{UserID: 1, Name: "Alva", Email: "a@b.se", RoleKey: "role.region_admin", Self: true},
				{UserID: 2, Name: "Kim", Email: "k@b.se", RoleKey: "role.clinic_staff", Scope: "Infektion", Disabled: true},
				{UserID: 3, Name: "Bo", Email: "b@b.se", RoleKey: "role.viewer", Blocked: true},
			}},
			"members empty": membersPage{basePage: base, RegionName: "Region Skåne"},
			"invitations": invitationsPage{basePage: base, RegionName: "Region Skåne", Action: "/r/skane/admin/invitations", Form: refusedForm("email", "x"),
				Roles: []option{{Value: "viewer", Label: "läsare"}}, Units: []option{{Value: "", Label: "–"}}, Orgs: []option{{Value: "1", Label: "Org"}},
				Invitations: []invitationRow{{ID: 1, Email: "a@b.se", Name: "A", RoleKey: "role.viewer", StatusKey: "invitations.status.open", Open: true}},
				Sent:        "a@b.se", SentLink: "http://x/r/skane/invitations/t"},
			"invitations empty": invitationsPage{basePage: base, RegionName: "Region Skåne"},
			"tokens": tokensPage{basePage: base, RegionName: "Region Skåne", Action: "/r/skane/admin/tokens", Secret: "kmt_1_x",
				Members: []option{{Value: "1", Label: "Alva"}}, Tokens: []tokenRow{{ID: 1, Name: "Statistik", Member: "Alva"}, {ID: 2, Name: "Gammal", Revoked: true}}},
			"tokens empty": tokensPage{basePage: base, RegionName: "Region Skåne"},
			"providers": providersPage{basePage: base, RegionName: "Region Skåne", Action: "/r/skane/admin/providers", CallbackURL: "https://k/r/skane/login/callback",
				Presets: []option{{Value: "siths", Label: "SITHS"}}, Form: refusedForm("slug", "x"),
				Providers: []providerRow{{ID: 1, Name: "SITHS", Slug: "siths", Enabled: true}, {ID: 2, Name: "Old", Slug: "old"}}},
			"providers empty": providersPage{basePage: base, RegionName: "Region Skåne"},
		}
	}
	wantText := map[string]string{langSwedish: "Hoppa till huvudinnehållet", langEnglish: "Skip to main content"}

	rendered := map[string]bool{}
	for _, lang := range []string{langSwedish, langEnglish} {
		base := basePage{Lang: lang, OtherLang: "xx", SwitchURL: "?lang=xx", Version: "9.9.9", RequestID: "req-123", translator: translator}
		all := examples(base)
		for _, area := range []func(basePage) map[string]page{unitPageExamples, agreementPageExamples, settingsPageExamples, peerPageExamples, peerWorkPageExamples, offerPageExamples, referralPageExamples, supportPageExamples, myMatchPageExamples, notificationPageExamples, reportPageExamples, opsPageExamples, nationalPageExamples, dashboardPageExamples} {
			for name, p := range area(base) {
				if _, dup := all[name]; dup {
					t.Fatalf("two examples are called %q", name)
				}
				all[name] = p
			}
		}
		for name, p := range all {
			rendered[p.templateName()] = true
			t.Run(lang+"/"+name, func(t *testing.T) {
				t.Parallel()
				out, err := vs.render(p)
				if err != nil {
					t.Fatal(err)
				}
				html := string(out)
				checkWellFormed(t, html)
				for _, want := range []string{
					`<html lang="` + lang + `">`,
					`<main id="main"`,
					`href="#main"`,
					wantText[lang],
					`hreflang="xx"`,
					`9.9.9`,
				} {
					if !strings.Contains(html, want) {
						t.Errorf("page lacks %q", want)
					}
				}
				if n := strings.Count(html, "<h1"); n != 1 {
					t.Errorf("page has %d <h1>, want 1", n)
				}
				if strings.Contains(html, "<script") || strings.Contains(html, "style=") {
					t.Error("page has inline script or style, which the CSP blocks")
				}
			})
		}
	}
	for name := range vs {
		if !rendered[name] {
			t.Errorf("template %q has no example here; add one", name)
		}
	}
}

// catalogue reads one language's embedded message files as one flat map;
// a key in two files is an error, since one would silently win.
func catalogue(t *testing.T, lang string) map[string]string {
	t.Helper()
	files, err := catalogueFiles(lang)
	if err != nil {
		t.Fatal(err)
	}
	all, from := map[string]string{}, map[string]string{}
	for _, f := range files {
		raw, err := fs.ReadFile(localeFiles, f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for k, v := range m {
			if other, dup := from[k]; dup {
				t.Errorf("%q is in both %s and %s", k, other, f)
			}
			all[k], from[k] = v, f
		}
	}
	return all
}

// TestCataloguesAreComplete: both languages have the same keys, none empty,
// every key a template uses exists, and the domain's validation keys are
// all translated.
func TestCataloguesAreComplete(t *testing.T) {
	t.Parallel()
	sv, en := catalogue(t, langSwedish), catalogue(t, langEnglish)
	if svKeys, enKeys := slices.Sorted(maps.Keys(sv)), slices.Sorted(maps.Keys(en)); !slices.Equal(svKeys, enKeys) {
		t.Errorf("catalogues differ:\nsv: %v\nen: %v", svKeys, enKeys)
	}
	for lang, m := range map[string]map[string]string{langSwedish: sv, langEnglish: en} {
		for k, v := range m {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %q is empty", lang, k)
			}
		}
	}

	used := regexp.MustCompile(`\.T "([^"]+)"`)
	files, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, f := range files {
		src, err := fs.ReadFile(templateFiles, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(src), -1) {
			keys = append(keys, m[1])
		}
	}
	if len(keys) < 10 {
		t.Fatalf("found only %d message keys in the templates; is the pattern wrong?", len(keys))
	}
	keys = append(keys,
		"validation.required", "validation.slug", "validation.too_long", "validation.county",
		"validation.language", "validation.min", "validation.range", "validation.hsa_id", "validation.choice",
		"error.client", "error.server", "error.404", "error.409", "error.422", "error.500",
	)
	for _, k := range keys {
		if _, ok := sv[k]; !ok {
			t.Errorf("sv.json lacks %q", k)
		}
		if _, ok := en[k]; !ok {
			t.Errorf("en.json lacks %q", k)
		}
	}
}

func TestTranslator(t *testing.T) {
	t.Parallel()
	tr, err := NewTranslator()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang, key string
		args      map[string]any
		want      string
	}{
		{"sv", "validation.too_long", map[string]any{"Max": 200}, "Får vara högst 200 tecken."},
		{"en", "validation.too_long", map[string]any{"Max": 200}, "Must be at most 200 characters."},
		{"en", "validation.range", map[string]any{"Min": 1, "Max": 60}, "Must be between 1 and 60."},
		{"de", "error.404", nil, "Sidan finns inte."}, // unknown language: Swedish
		{"sv", "no.such.key", nil, "no.such.key"},
	} {
		if got := tr.Translate(tc.lang, tc.key, tc.args); got != tc.want {
			t.Errorf("Translate(%q, %q) = %q, want %q", tc.lang, tc.key, got, tc.want)
		}
	}
	f := tenants.FieldError{Field: "small_count_threshold", Key: "validation.min", Args: map[string]any{"Min": 3}}
	if got, want := tr.FieldMessage("en", f), "Small-count threshold: Must be at least 3."; got != want {
		t.Errorf("FieldMessage = %q, want %q", got, want)
	}
	f = tenants.FieldError{Field: "unlabelled", Key: "validation.required"}
	if got, want := tr.FieldMessage("sv", f), "unlabelled: Måste fyllas i."; got != want {
		t.Errorf("FieldMessage without label = %q, want %q", got, want)
	}
}

// refusedForm is a form refused for one field, for page examples.
func refusedForm(field, message string) form {
	return form{
		Values:  map[string]string{field: "bad <value>"},
		Errors:  map[string]string{field: message},
		Summary: []formProblem{{Field: field, Message: message}},
	}
}
