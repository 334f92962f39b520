package e2e

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestFigurePagePrints: printed, the dashboard is its figures — the charts
// and tables in black on white, each figure section kept on one page where
// it fits — without the controls: the header's navigation and sign-out
// form, the filters, the export links, the skip link and the footer.
func TestFigurePagePrints(t *testing.T) {
	t.Parallel()
	j := newJourney(t)
	j.signIn("skane", "viewer")
	if status := j.visit("/r/skane/dashboard"); status != http.StatusOK {
		t.Fatalf("the dashboard answered %d:\n%s", status, j.text("main"))
	}
	controls := []string{".skip-link", "header nav", "header form", "main form", "main button", ".exports", "footer"}
	figures := []string{".figure-table", ".figure-table table", "figure.chart svg"}
	for _, sel := range append(append([]string{}, controls...), figures...) {
		j.require(sel)
	}

	screen := j.styles(controls, figures)
	for _, sel := range figures {
		if screen[sel].Display == "none" {
			t.Errorf("on screen %s is hidden", sel)
		}
	}
	if screen["header nav"].Display == "none" || screen["main form"].Display == "none" || screen[".exports"].Display == "none" {
		t.Fatalf("on screen the controls are hidden already: %+v", screen)
	}

	if _, err := chromedp.Call(j.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("emulating print: %v", err)
	}
	print := j.styles(controls, figures)
	for _, sel := range controls {
		if print[sel].Display != "none" {
			t.Errorf("printed, %s shows (display %s)", sel, print[sel].Display)
		}
	}
	for _, sel := range figures {
		if print[sel].Display == "none" {
			t.Errorf("printed, %s is hidden", sel)
		}
	}
	if s := print[".figure-table"]; s.BreakInside != "avoid" {
		t.Errorf("printed, a figure section may break across pages (break-inside %s)", s.BreakInside)
	}
	if s := print["main"]; s.OverflowX != "visible" {
		t.Errorf("printed, main scrolls (overflow-x %s), which would cut a wide table", s.OverflowX)
	}
	if s := print["body"]; s.Color != "rgb(0, 0, 0)" || s.Background != "rgb(255, 255, 255)" {
		t.Errorf("printed, the body is %s on %s, want black on white", s.Color, s.Background)
	}
}

// printStyle is the computed style of the first element matching a
// selector.
type printStyle struct {
	Display     string `json:"display"`
	BreakInside string `json:"breakInside"`
	OverflowX   string `json:"overflowX"`
	Color       string `json:"color"`
	Background  string `json:"background"`
}

// styles reads the computed styles of the first element of each selector,
// and of main and body.
func (j *journey) styles(lists ...[]string) map[string]printStyle {
	j.t.Helper()
	sels := []string{"main", "body"}
	for _, l := range lists {
		sels = append(sels, l...)
	}
	b, _ := json.Marshal(sels)
	out, err := chromedp.Run(j.ctx, chromedp.Evaluate[map[string]printStyle](`Object.fromEntries(`+string(b)+`.map(sel => {
		const e = document.querySelector(sel);
		if (e === null) return [sel, {}];
		const s = getComputedStyle(e);
		return [sel, {display: s.display, breakInside: s.breakInside, overflowX: s.overflowX, color: s.color, background: s.backgroundColor}];
	}))`))
	if err != nil {
		j.t.Fatalf("reading styles: %v", err)
	}
	return out
}
