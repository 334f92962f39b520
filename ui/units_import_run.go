package ui

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// unitImportRunPage reports a confirmed import as it runs. The page is sent
// in parts over one response: the top at once, a progress line after each
// batch the store writes, then the outcome and the rest of the page. It
// needs no JavaScript, no polling and no state on the server, so it works
// on any replica behind any load balancer that passes a response on as it
// comes (X-Accel-Buffering asks nginx to).
type unitImportRunPage struct {
	basePage
	RegionName string
	FileName   string
	Total      int
	// Done are progress lines already written into the page (for the
	// page's example); a running import streams them in place of Cut.
	Done    []int
	Outcome *importOutcome
	Cut     string
	ListURL string
	// UploadURL is where to start again after a refusal.
	UploadURL string
}

// importOutcome is how an import ended: every unit written, or none.
type importOutcome struct {
	OK       bool
	Count    int
	Problems []string // translated, with line numbers
}

// importProgressView is one progress line: done of total units written.
type importProgressView struct {
	basePage
	Done, Total int
}

func (unitImportRunPage) templateName() string { return "units_import_run" }

// Progress is the progress line after done units.
func (p unitImportRunPage) Progress(done int) importProgressView {
	return importProgressView{basePage: p.basePage, Done: done, Total: p.Total}
}

// importCut marks the place for the streamed progress lines in the
// rendered page; html/template leaves it as it is.
const importCut = "@@kamrat-import-progress@@"

// importTimeout bounds an import so that its outcome is still written
// before the server's write timeout ends the response.
const importTimeout = writeTimeout - 5*time.Second

// unitImportCreate imports a previewed file after the administrator
// confirmed it. The file is checked again, as the region may have changed
// since the preview; any problem shows the preview or the upload form
// again, with nothing written.
func (s *server) unitImportCreate(c *fiber.Ctx) error {
	region := currentRegion(c)
	base := s.regionBase(c)
	draft := importDraft{
		FileName: c.FormValue("file_name"), Content: c.FormValue("content"),
		Expires: c.FormValue("expires"), Signature: c.FormValue("signature"),
	}
	data, err := s.openImport(c, draft)
	var preview tenants.UnitImportPreview
	if err == nil {
		preview, err = s.cfg.Units.PreviewImport(c.UserContext(), region.ID, bytes.NewReader(data))
	}
	if err == nil && !preview.OK() {
		return s.renderRefused(c, s.newImportPreviewPage(c, draft.FileName, preview))
	}
	f := form{Values: map[string]string{}}
	if s.refuse(&f, base.Lang, err) {
		return s.renderRefused(c, s.newUnitImportPage(c, f))
	}
	if err != nil {
		return err
	}

	p := unitImportRunPage{
		basePage: base, RegionName: region.Name, FileName: draft.FileName, Total: len(preview.Rows), Cut: importCut,
		ListURL: unitsURL(region), UploadURL: unitsURL(region) + "/import",
	}
	// The language link must not post the form again.
	p.SwitchURL = unitsURL(region) + "?lang=" + p.OtherLang
	page, err := s.views.render(p)
	if err != nil {
		return err
	}
	head, tail, ok := bytes.Cut(page, []byte(importCut))
	if !ok {
		return errors.New("units_import_run: the page has no place for progress")
	}
	run := importRun{
		page: p, head: head, tail: tail, rows: preview.Rows, tenantID: region.ID,
		audit: adminAuditEntry(c, "unit.import", "unit", ""), requestID: requestID(c),
	}
	noStore(c)
	c.Vary(fiber.HeaderCookie)
	c.Set("X-Accel-Buffering", "no")
	c.Type("html", "utf-8")
	// The writer runs after this handler has returned, when c is no longer
	// ours: it uses only what run holds.
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) { s.streamImport(w, run) })
	return nil
}

// importRun is what the streamed response needs from the request.
type importRun struct {
	page       unitImportRunPage
	head, tail []byte
	rows       []tenants.UnitImportRow
	tenantID   int64
	audit      tenants.AuditEntry
	requestID  string
}

// streamImport writes the page around the import. A client that goes away
// does not stop the import: the administrator asked for it, and the list
// of units shows what came of it.
func (s *server) streamImport(w *bufio.Writer, run importRun) {
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("unit import panicked", "panic", fmt.Sprint(v), "request_id", run.requestID)
		}
	}()
	send := func(b []byte) {
		_, _ = w.Write(b)
		_ = w.Flush() // an error means the client left; the import goes on
	}
	part := func(name string, data any) []byte {
		var buf bytes.Buffer
		if err := s.views[run.page.templateName()].ExecuteTemplate(&buf, name, data); err != nil {
			s.log.Error("render unit import part", "part", name, "error", err.Error(), "request_id", run.requestID)
		}
		return buf.Bytes()
	}
	send(run.head)

	ctx, cancel := context.WithTimeout(context.Background(), importTimeout)
	defer cancel()
	units, err := s.cfg.Units.Import(ctx, run.tenantID, run.rows, func(done, _ int) {
		send(part("units_import_progress", run.page.Progress(done)))
	})
	outcome := importOutcome{OK: err == nil, Count: len(units)}
	var ve *tenants.ValidationError
	switch {
	case err == nil:
		ids := make([]string, len(units))
		for i, u := range units {
			ids[i] = itoa(u.ID)
		}
		e := run.audit
		e.ObjectID = strings.Join(ids, ",")
		e.Reason = fmt.Sprintf("%d units from %q", len(units), run.page.FileName)
		if err := s.cfg.Policy.Audit.Record(ctx, e); err != nil {
			s.log.Error("audit", "error", err.Error(), "action", e.Action, "request_id", run.requestID)
		}
	case errors.As(err, &ve):
		for _, issue := range s.importProblems(run.page.Lang, ve) {
			outcome.Problems = append(outcome.Problems, issue.Message)
		}
	default:
		s.log.Error("unit import failed", "error", err.Error(), "tenant_id", run.tenantID, "request_id", run.requestID)
		outcome.Problems = []string{s.translator.Translate(run.page.Lang, "error.server", nil)}
	}
	done := run.page
	done.Outcome = &outcome
	send(part("units_import_outcome", done))
	send(run.tail)
}

// adminAuditEntry is what auditAdmin records, for a change recorded after
// the handler has returned.
func adminAuditEntry(c *fiber.Ctx, action, objectType, objectID string) tenants.AuditEntry {
	p := principal(c)
	return tenants.AuditEntry{
		TenantID: currentRegion(c).ID, RequestID: requestID(c),
		Action: action, Outcome: tenants.OutcomeOK, UserID: &p.User.ID, UserLabel: p.User.Email, Role: string(p.Role),
		ObjectType: objectType, ObjectID: objectID,
	}
}
