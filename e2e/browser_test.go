// Package e2e drives the real kamrat binary, in demo mode, with a headless
// Chromium: what a person does in a browser, through the real sign-in flow.
//
// One kamrat process and one browser serve every test in the package; each
// journey gets a browser context of its own (its own cookies, like an
// incognito window). Without Chromium the tests skip, except under CI=true,
// where a missing browser is a failure. KAMRAT_CHROMIUM names another
// Chromium binary. On failure a journey saves a screenshot, the page's HTML
// and kamrat's log; `go test -artifacts -outputdir DIR ./e2e/` keeps them.
package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kamrat/kamrat/cmd/kamrat/kamrattest"
)

// journeyTimeout bounds one journey: everything one test does in its tab.
const journeyTimeout = 60 * time.Second

// defaultChromium is where Debian's chromium package puts the browser.
const defaultChromium = "/usr/bin/chromium"

// suite holds what the tests of the package share. TestMain owns it: it makes
// the directory both live in and stops them after the last test.
var suite *shared

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kamrat-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	suite = &shared{dir: dir}
	code := m.Run()
	suite.close()
	os.RemoveAll(dir)
	os.Exit(code)
}

// shared is the kamrat process and the browser, each started on first use so
// that a run which skips (no Chromium) builds nothing.
type shared struct {
	dir string

	appOnce sync.Once
	app     *kamrattest.Process
	appErr  error

	browserOnce sync.Once
	browserCtx  context.Context
	stopBrowser func()
	browserErr  error
}

// kamratURL returns the base URL of the shared demo process, starting it
// (build included) the first time.
func (s *shared) kamratURL(t *testing.T) string {
	t.Helper()
	s.appOnce.Do(func() { s.app, s.appErr = startKamrat(s.dir) })
	if s.appErr != nil {
		t.Fatalf("cannot start kamrat demo: %v", s.appErr)
	}
	return s.app.URL("")
}

// browser returns the chromedp context of the shared browser, starting it the
// first time; it skips or fails the test when there is no Chromium.
func (s *shared) browser(t *testing.T) context.Context {
	t.Helper()
	path := requireChromium(t)
	s.browserOnce.Do(func() {
		s.browserCtx, s.stopBrowser, s.browserErr = startBrowser(path, s.dir)
	})
	if s.browserErr != nil {
		t.Fatalf("cannot start Chromium (%s): %v", path, s.browserErr)
	}
	return s.browserCtx
}

func (s *shared) close() {
	if s.stopBrowser != nil {
		s.stopBrowser()
	}
	if s.app != nil {
		s.app.Stop(10 * time.Second)
	}
}

// requireChromium returns the browser to run, or skips the test when there is
// none, unless CI=true, where the browser tests must run.
func requireChromium(t *testing.T) string {
	t.Helper()
	path, err := chromiumPath()
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("browser tests need Chromium and CI=true: %v (.ci/run installs it; KAMRAT_CHROMIUM names another binary)", err)
	}
	t.Skipf("browser test skipped: %v (install it with `apt-get install chromium`, or set KAMRAT_CHROMIUM)", err)
	return ""
}

// chromiumPath finds the browser: KAMRAT_CHROMIUM if set, else Debian's
// chromium, else a chromium on PATH.
func chromiumPath() (string, error) {
	if p := os.Getenv("KAMRAT_CHROMIUM"); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("KAMRAT_CHROMIUM=%s is not an executable: %w", p, err)
		}
		return path, nil
	}
	if path, err := exec.LookPath(defaultChromium); err == nil {
		return path, nil
	}
	if path, err := exec.LookPath("chromium"); err == nil {
		return path, nil
	}
	return "", fmt.Errorf("no Chromium at %s or on PATH", defaultChromium)
}

// startBrowser starts one headless Chromium with a fresh profile under dir.
// Its output goes to dir/chromium.log, quoted when it does not start.
func startBrowser(path, dir string) (context.Context, func(), error) {
	logPath := filepath.Join(dir, "chromium.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		// Tests often run as root (containers, CI), where the sandbox
		// cannot start; the browser only visits the kamrat under test.
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(filepath.Join(dir, "chromium-profile")),
		chromedp.CombinedOutput(logFile),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	stop := func() {
		cancel()
		cancelAlloc()
		logFile.Close()
	}
	// The first Run ties the browser's life to its context, so it cannot
	// carry a timeout; a watchdog ends a start that hangs instead.
	watchdog := time.AfterFunc(60*time.Second, cancel)
	err = chromedp.Do(ctx)
	watchdog.Stop()
	if err != nil {
		stop()
		out, _ := os.ReadFile(logPath)
		return nil, nil, fmt.Errorf("%w\nChromium output:\n%s", err, tail(string(out), 40))
	}
	return ctx, stop, nil
}

// journey is one person's visit in a tab of a fresh browser context, with
// journeyTimeout for all of it. Its methods end the test on any error.
type journey struct {
	t    *testing.T
	ctx  context.Context
	base string
}

// newJourney opens a tab in a new browser context of the shared browser.
// When the test fails, the tab's screenshot and HTML and kamrat's log are
// saved to the test's artifact directory first.
func newJourney(t *testing.T) *journey {
	t.Helper()
	browserCtx := suite.browser(t)
	base := suite.kamratURL(t)

	tabCtx, closeTab := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(closeTab)
	watchdog := time.AfterFunc(journeyTimeout, closeTab)
	err := chromedp.Do(tabCtx) // opens the tab; see startBrowser on the watchdog
	watchdog.Stop()
	if err != nil {
		t.Fatalf("cannot open a tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tabCtx, journeyTimeout)
	t.Cleanup(cancel)
	j := &journey{t: t, ctx: ctx, base: base}
	t.Cleanup(func() {
		if t.Failed() {
			j.saveEvidence(tabCtx)
		}
	})
	return j
}

// saveEvidence writes what the tab shows and what kamrat logged. tabCtx,
// not the journey's context, whose time may be what ran out.
func (j *journey) saveEvidence(tabCtx context.Context) {
	dir := j.t.ArtifactDir()
	ctx, cancel := context.WithTimeout(tabCtx, 10*time.Second)
	defer cancel()
	var saved []string
	save := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			j.t.Logf("cannot save %s: %v", name, err)
			return
		}
		saved = append(saved, name)
	}
	if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		save("screenshot.png", png)
	} else {
		j.t.Logf("no screenshot: %v", err)
	}
	if html, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.documentElement.outerHTML`)); err == nil {
		save("page.html", []byte(html))
	}
	if suite.app != nil {
		save("kamrat.log", []byte(suite.app.Log.String()))
	}
	kept := "removed when the test ends; `go test -artifacts -outputdir DIR` keeps it"
	if f := flag.Lookup("test.artifacts"); f != nil && f.Value.String() == "true" {
		kept = "kept"
	}
	j.t.Logf("failure evidence (%s) in %s (%s)", strings.Join(saved, ", "), dir, kept)
}

// visit loads path and returns the HTTP status of the page it ends on,
// after any redirects.
func (j *journey) visit(path string) int64 {
	j.t.Helper()
	resp, err := chromedp.Run(j.ctx, chromedp.NavigateResponse(j.base+path))
	if err != nil {
		j.t.Fatalf("visit %s: %v", path, err)
	}
	return resp.Status
}

// follow clicks the first element matching the CSS selector sel, waits for
// the page the click leads to, and returns its HTTP status.
func (j *journey) follow(sel string) int64 {
	j.t.Helper()
	j.require(sel)
	resp, err := chromedp.RunResponse(j.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		j.t.Fatalf("click %s on %s: %v", sel, j.location(), err)
	}
	return resp.Status
}

// fill sets the value of the form control matching sel (input or select).
func (j *journey) fill(sel, value string) {
	j.t.Helper()
	j.require(sel)
	if _, err := chromedp.Run(j.ctx, chromedp.SetValue(chromedp.CSS(sel), value)); err != nil {
		j.t.Fatalf("fill %s: %v", sel, err)
	}
}

// click clicks the first element matching sel (a checkbox, say) without
// waiting for a page.
func (j *journey) click(sel string) {
	j.t.Helper()
	j.require(sel)
	if _, err := chromedp.Run(j.ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		j.t.Fatalf("click %s: %v", sel, err)
	}
}

// require ends the test unless the page has an element matching sel. A
// chromedp query waits for its element until the journey times out; asking
// first makes a missing element fail at once and say which.
func (j *journey) require(sel string) {
	j.t.Helper()
	if j.count(sel) == 0 {
		j.t.Fatalf("no %s on %s", sel, j.location())
	}
}

// path is the path of the page the tab shows.
func (j *journey) path() string {
	j.t.Helper()
	return j.eval(`location.pathname`)
}

// location is the address of the page the tab shows, for messages.
func (j *journey) location() string {
	j.t.Helper()
	return j.eval(`location.href`)
}

// count is the number of elements matching the CSS selector sel now.
func (j *journey) count(sel string) int {
	j.t.Helper()
	n, err := chromedp.Run(j.ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`))
	if err != nil {
		j.t.Fatalf("count %s: %v", sel, err)
	}
	return n
}

// text is the text of the first element matching sel, trimmed; the test
// fails when there is none.
func (j *journey) text(sel string) string {
	j.t.Helper()
	return j.eval(`(() => {
		const e = document.querySelector(`+jsString(sel)+`);
		return e === null ? null : e.textContent.trim();
	})()`, sel)
}

// attr is the attribute name of the first element matching sel; the test
// fails when there is no such element or attribute.
func (j *journey) attr(sel, name string) string {
	j.t.Helper()
	return j.eval(`(() => {
		const e = document.querySelector(`+jsString(sel)+`);
		return e === null ? null : e.getAttribute(`+jsString(name)+`);
	})()`, sel+"["+name+"]")
}

// eval evaluates a JavaScript expression that yields a string; null means
// that what (an element or attribute) is missing.
func (j *journey) eval(expr string, what ...string) string {
	j.t.Helper()
	s, err := chromedp.Run(j.ctx, chromedp.Evaluate[string](expr))
	if errors.Is(err, chromedp.ErrJSNull) && len(what) > 0 {
		j.t.Fatalf("no %s on %s", what[0], j.location())
	}
	if err != nil {
		j.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return s
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// startKamrat builds cmd/kamrat into dir and starts `kamrat demo` on a free
// port with its database in dir; it returns once the server listens.
func startKamrat(dir string) (*kamrattest.Process, error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "kamrat")
	build := exec.Command("go", "build", "-o", bin, "./cmd/kamrat")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build ./cmd/kamrat: %w\n%s", err, out)
	}
	cmd := exec.Command(bin, "demo", "--addr", "127.0.0.1:0", "--database-url", "sqlite:"+filepath.Join(dir, "demo.db"))
	cmd.Dir = dir
	cmd.Env = withoutKamratSettings(os.Environ())
	dieWithParent(cmd)
	return kamrattest.Start(cmd, 60*time.Second)
}

// moduleRoot is the directory of the go.mod of the module under test.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("go env GOMOD: not inside a module")
	}
	return filepath.Dir(gomod), nil
}

// withoutKamratSettings drops KAMRAT_* variables, so that a developer's
// settings (a public URL, a database) cannot leak into the demo under test.
func withoutKamratSettings(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "KAMRAT_") {
			out = append(out, kv)
		}
	}
	return out
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
