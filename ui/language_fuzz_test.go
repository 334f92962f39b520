package ui

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzLocalPath fuzzes the guard on the return path a sign-in (OIDC or
// email) and the language switch redirect to. The result must stay on the
// site however a browser reads the Location header: browsers drop tabs and
// line breaks anywhere in a URL and treat "\" as "/", so neither may turn
// the path into "//host".
func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{
		"/", "/agreements/3?lang=en", "/reports#q1", "", "agreements", "//evil.example", "/\\evil.example",
		"\\\\evil.example", "https://evil.example/", "/\t/evil.example", "/\n/evil.example", "/\r\\evil.example",
		"/%2F/evil.example", "/ /evil.example", "/.//evil.example",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		got := localPath(p)
		if got != p && got != "/" {
			t.Fatalf("localPath(%q) = %q; want it unchanged or \"/\"", p, got)
		}
		browser := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(got)
		if !strings.HasPrefix(browser, "/") || strings.HasPrefix(browser, "//") {
			t.Fatalf("localPath(%q) = %q, which a browser reads as %q", p, got, browser)
		}
		u, err := url.Parse(browser)
		if err == nil && (u.Scheme != "" || u.Host != "") {
			t.Fatalf("localPath(%q) = %q, which leads to %s://%s", p, got, u.Scheme, u.Host)
		}
	})
}
