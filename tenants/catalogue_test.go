package tenants_test

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestValidationKeysAreTranslated: every message key the domain can return
// (a "validation.…" or "warning.…" literal in this package) is in both of
// the user interface's catalogues, so no refusal or warning reaches a
// person untranslated.
func TestValidationKeysAreTranslated(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	keyRE := regexp.MustCompile(`"((?:validation|warning)\.[a-z_]+)"`)
	used := map[string]string{} // key → a file using it
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = f
		}
	}
	if len(used) < 20 {
		t.Fatalf("found only %d keys; is the pattern wrong?", len(used))
	}
	for _, lang := range []string{"sv", "en"} {
		// The shared catalogue LANG.json and the areas' AREA.LANG.json.
		files, err := filepath.Glob(filepath.Join("..", "ui", "locales", "*"+lang+".json"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no %s catalogues (%v)", lang, err)
		}
		catalogue := map[string]string{}
		for _, f := range files {
			if base := filepath.Base(f); base != lang+".json" && !strings.HasSuffix(base, "."+lang+".json") {
				continue
			}
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]string
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			maps.Copy(catalogue, m)
		}
		for key, file := range used {
			if strings.TrimSpace(catalogue[key]) == "" {
				t.Errorf("the %s catalogues lack %q (used in %s)", lang, key, file)
			}
		}
	}
}
