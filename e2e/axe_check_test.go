package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// axe-core checks a page for accessibility problems in the browser. It is
// not vendored: KAMRAT_AXE_JS names its axe.min.js, else the copy that
// `npm ci --prefix e2e` installs (pinned in e2e/package-lock.json) is
// used. Without it the checks skip, except under CI=true, where they fail.
const axeInstalled = "node_modules/axe-core/axe.min.js"

// axeTags are the rule sets run: WCAG 2.0 and 2.1, levels A and AA, and
// axe's best practices.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"}

var axeScript = sync.OnceValues(func() (string, error) {
	path := os.Getenv("KAMRAT_AXE_JS")
	if path == "" {
		path = axeInstalled
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if abs, aerr := filepath.Abs(path); aerr == nil {
			path = abs
		}
		return "", fmt.Errorf("no axe-core at %s: %w", path, err)
	}
	return string(b), nil
})

// requireAxe returns the axe-core script, or skips the test without it,
// unless CI=true, where the accessibility checks must run.
func requireAxe(t *testing.T) string {
	t.Helper()
	src, err := axeScript()
	if err == nil {
		return src
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("accessibility tests need axe-core and CI=true: %v (.ci/run installs it with `npm ci --prefix e2e`; KAMRAT_AXE_JS names another axe.min.js)", err)
	}
	t.Skipf("accessibility test skipped: %v (install it with `npm ci --prefix e2e`, or set KAMRAT_AXE_JS)", err)
	return ""
}

// axeResult is what a run of axe reports, cut to what a failure says.
type axeResult struct {
	Violations []axeRule `json:"violations"`
	Incomplete []axeRule `json:"incomplete"`
	// Rules are the ids of every rule run, whatever their outcome.
	Rules   []string `json:"rules"`
	Version string   `json:"version"`
}

type axeRule struct {
	ID     string    `json:"id"`
	Impact string    `json:"impact"`
	Help   string    `json:"help"`
	URL    string    `json:"helpUrl"`
	Nodes  []axeNode `json:"nodes"`
	Tags   []string  `json:"tags"`
}

type axeNode struct {
	Target  []string `json:"target"`
	HTML    string   `json:"html"`
	Summary string   `json:"summary"`
}

// axeRun runs axe on the whole document and hands its results back by
// value. The page's Content-Security-Policy does not apply: the script is
// evaluated through the DevTools protocol (Runtime.evaluate), not loaded
// by the page.
const axeRun = `axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations", "incomplete"]})
	.then(r => {
		const rule = v => ({id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl, tags: v.tags,
			nodes: v.nodes.map(n => ({target: n.target.map(String), html: n.html, summary: n.failureSummary || ""}))});
		return {
			violations: r.violations.map(rule),
			incomplete: r.incomplete.map(rule),
			rules: [...r.passes, ...r.violations, ...r.incomplete, ...r.inapplicable].map(v => v.id),
			version: r.testEngine.version,
		};
	})`

// checkAccessible runs axe-core on the page the tab shows and fails the
// test for each violation of serious or critical impact, saying the rule,
// its impact, the elements and how to fix it. Violations of lesser impact
// and what axe could not decide are logged.
func (j *journey) checkAccessible(what string) axeResult {
	j.t.Helper()
	src := requireAxe(j.t)
	loaded, err := chromedp.Run(j.ctx, chromedp.Evaluate[bool](src+"\n;typeof window.axe === \"object\""))
	if err != nil || !loaded {
		j.t.Fatalf("%s: cannot load axe-core into %s (loaded %v): %v", what, j.location(), loaded, err)
	}
	res, err := chromedp.Run(j.ctx, chromedp.Evaluate[axeResult](fmt.Sprintf(axeRun, jsArray(axeTags)), chromedp.EvalAwaitPromise))
	if err != nil {
		j.t.Fatalf("%s: axe on %s: %v", what, j.location(), err)
	}
	if len(res.Rules) == 0 {
		j.t.Fatalf("%s: axe ran no rules on %s", what, j.location())
	}
	var serious []string
	for _, v := range res.Violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			serious = append(serious, v.describe())
		} else {
			j.t.Logf("%s: axe (%s impact, not failing): %s", what, v.Impact, v.describe())
		}
	}
	for _, v := range res.Incomplete {
		j.t.Logf("%s: axe could not decide (review by hand): %s", what, v.brief())
	}
	if len(serious) > 0 {
		j.t.Errorf("%s (%s): %d serious or critical accessibility violation(s) (axe-core %s):\n%s",
			what, j.location(), len(serious), res.Version, strings.Join(serious, "\n"))
	}
	j.t.Logf("%s: axe-core %s ran %d rules (%s) on %s: %d violations, %d to review",
		what, res.Version, len(res.Rules), strings.Join(axeTags, ", "), j.location(), len(res.Violations), len(res.Incomplete))
	return res
}

func (v axeRule) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "- %s [%s]: %s (%s)", v.ID, v.Impact, v.Help, v.URL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n    %s: %s", strings.Join(n.Target, " "), oneLine(n.HTML, 160))
		if n.Summary != "" {
			fmt.Fprintf(&b, "\n      %s", oneLine(n.Summary, 400))
		}
	}
	return b.String()
}

// brief is one line on the rule: its elements counted, the first named.
func (v axeRule) brief() string {
	s := fmt.Sprintf("%s [%s] on %d element(s)", v.ID, v.Impact, len(v.Nodes))
	if len(v.Nodes) > 0 {
		n := v.Nodes[0]
		s += fmt.Sprintf(", e.g. %s: %s", strings.Join(n.Target, " "), oneLine(n.Summary, 200))
	}
	return s
}

// oneLine is s on one line, cut to at most n bytes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

// jsArray writes strings as a JavaScript array literal.
func jsArray(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = jsString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
