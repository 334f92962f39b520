package ui

import (
	"bytes"
	"compress/gzip"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// Importing units from a CSV file takes three steps. The administrator
// uploads the file (unitImportShow, unitImportPreview) and sees every row
// with its problems; nothing is written. If every row is good, the preview
// page carries the file, compressed and signed, to the confirm step
// (unitImportCreate), which checks it all again and writes every unit in
// one transaction, showing progress as it goes. Nothing is kept on the
// server between the steps, so any replica can take any step.

// unitImportPage is the upload form.
type unitImportPage struct {
	basePage
	RegionName string
	Action     string
	ListURL    string
	Form       form
	MaxMiB     int
	Kinds      []string // the kind names a file may use, in the page's language
}

func (unitImportPage) templateName() string { return "units_import" }

// unitImportPreviewPage shows every row of an uploaded file.
type unitImportPreviewPage struct {
	basePage
	RegionName string
	FileName   string
	Rows       []importRowView
	Bad        int
	Converted  bool // read as Windows-1252
	UploadURL  string
	ListURL    string
	ConfirmURL string
	// Draft is the signed file for the confirm form; empty when any row is
	// bad, and then there is nothing to confirm.
	Draft importDraft
}

type importRowView struct {
	Line         int
	Name         string
	HSAID        string
	Kind         string
	Municipality string
	Active       bool
	Problems     []string // "Label: message", translated
}

func (unitImportPreviewPage) templateName() string { return "units_import_preview" }

// importUploadLimit is the largest file the upload form takes.
func importUploadLimit(c *fiber.Ctx) int {
	return uploadLimit(c.App().Config().BodyLimit, tenants.MaxUnitImportBytes)
}

// unitImportShow shows the upload form.
func (s *server) unitImportShow(c *fiber.Ctx) error {
	return s.renderPage(c, s.newUnitImportPage(c, form{Values: map[string]string{}}))
}

func (s *server) newUnitImportPage(c *fiber.Ctx, f form) unitImportPage {
	region := currentRegion(c)
	base := s.regionBase(c)
	p := unitImportPage{
		basePage: base, RegionName: region.Name, Action: unitsURL(region) + "/import", ListURL: unitsURL(region),
		Form: f, MaxMiB: importUploadLimit(c) >> 20,
	}
	for _, k := range tenants.UnitKinds {
		p.Kinds = append(p.Kinds, s.unitKindLabel(base.Lang, k))
	}
	return p
}

// fileProblem is a refusal of the uploaded file as a whole.
func fileProblem(key string, args map[string]any) error {
	return &tenants.ValidationError{Fields: []tenants.FieldError{{Field: "file", Key: key, Args: args}}}
}

// unitImportPreview reads the uploaded file and shows every row with its
// problems, answering 422 when any row has one. Nothing is written.
func (s *server) unitImportPreview(c *fiber.Ctx) error {
	p, err := s.previewUpload(c)
	switch {
	case err == nil && p.Bad > 0:
		return s.renderRefused(c, p)
	case err == nil:
		noStore(c)
		return s.renderPage(c, p)
	}
	f := form{Values: map[string]string{}}
	if s.refuse(&f, s.regionBase(c).Lang, err) {
		return s.renderRefused(c, s.newUnitImportPage(c, f))
	}
	return err
}

// previewUpload builds the preview of the uploaded file, with the signed
// draft for the confirm form when every row is good. It returns a
// *tenants.ValidationError for a file that cannot be taken at all.
func (s *server) previewUpload(c *fiber.Ctx) (unitImportPreviewPage, error) {
	name, data, err := uploadedCSV(c, importUploadLimit(c))
	if err != nil {
		return unitImportPreviewPage{}, err
	}
	preview, err := s.cfg.Units.PreviewImport(c.UserContext(), currentRegion(c).ID, bytes.NewReader(data))
	if err != nil {
		return unitImportPreviewPage{}, err
	}
	p := s.newImportPreviewPage(c, name, preview)
	if p.Bad > 0 {
		return p, nil
	}
	if p.Draft, err = s.signImport(c, name, data); err != nil {
		return p, err
	}
	if len(p.Draft.Content)+multipartRoom > c.App().Config().BodyLimit {
		// The confirm form must fit in what the server accepts.
		return p, fileProblem("units.import.too_large_to_confirm", nil)
	}
	return p, nil
}

// uploadedCSV reads the form's file, refusing a missing, empty or too
// large one.
func uploadedCSV(c *fiber.Ctx, limit int) (string, []byte, error) {
	tooLarge := fileProblem("validation.file_too_large", map[string]any{"MaxMiB": limit >> 20})
	if c.Request().Header.ContentLength() > limit+multipartRoom {
		return "", nil, tooLarge
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return "", nil, fileProblem("validation.required", nil)
	}
	if fh.Size > int64(limit) {
		return "", nil, tooLarge
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, fmt.Errorf("open uploaded file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	switch {
	case err != nil:
		return "", nil, fmt.Errorf("read uploaded file: %w", err)
	case len(data) > limit:
		return "", nil, tooLarge
	case len(bytes.TrimSpace(data)) == 0:
		return "", nil, fileProblem("validation.file_empty", nil)
	}
	return fh.Filename, data, nil
}

// newImportPreviewPage shows the rows of a previewed file, without a draft.
func (s *server) newImportPreviewPage(c *fiber.Ctx, name string, preview tenants.UnitImportPreview) unitImportPreviewPage {
	region := currentRegion(c)
	base := s.regionBase(c)
	p := unitImportPreviewPage{
		basePage: base, RegionName: region.Name, FileName: name, Converted: preview.Converted,
		UploadURL: unitsURL(region) + "/import", ListURL: unitsURL(region), ConfirmURL: unitsURL(region) + "/import/confirm",
	}
	p.Rows = make([]importRowView, len(preview.Rows))
	for i, r := range preview.Rows {
		v := importRowView{
			Line: r.Line, Name: r.Unit.Name, HSAID: r.Unit.HSAID, Kind: string(r.Unit.Kind),
			Municipality: r.Unit.Municipality, Active: r.Unit.Active,
		}
		if slices.Contains(tenants.UnitKinds, r.Unit.Kind) {
			v.Kind = s.unitKindLabel(base.Lang, r.Unit.Kind)
		}
		for _, problem := range r.Problems {
			v.Problems = append(v.Problems, s.translator.FieldMessage(base.Lang, problem))
		}
		if !r.OK() {
			p.Bad++
		}
		p.Rows[i] = v
	}
	return p
}

// importProblems translates the store's refusal of an import: the count of
// bad rows first, then each problem with its line.
func (s *server) importProblems(lang string, ve *tenants.ValidationError) []fieldIssue {
	out := make([]fieldIssue, 0, len(ve.Fields))
	for _, f := range ve.Fields {
		msg := s.translator.FieldMessage(lang, f)
		if line, ok := f.Args["Line"].(int); ok && f.Field != "file" {
			msg = s.translator.Translate(lang, "units.import.line_problem", map[string]any{"Line": line, "Problem": msg})
		}
		out = append(out, fieldIssue{Field: f.Field, Message: msg})
	}
	return out
}

// importDraft is a previewed file on its way to the confirm step: gzipped,
// base64url-encoded and signed, so that the confirm step takes only a file
// this session previewed in this region within importDraftTTL.
type importDraft struct {
	FileName  string // as uploaded, for the pages and the audit log
	Content   string
	Expires   string // Unix seconds
	Signature string
}

const importDraftTTL = time.Hour

var errStaleImport = fileProblem("units.import.stale", nil)

// importSignature signs a draft with the CSRF key, over a message that
// names its purpose, the region, the session and the expiry. The message
// contains "; ", which no cookie value can, so it can never be a CSRF
// binding (which a browser chooses before sign-in): no CSRF token is ever
// a valid draft signature, nor the other way round.
func (s *server) importSignature(c *fiber.Ctx, d importDraft) string {
	content, name := sha256.Sum256([]byte(d.Content)), sha256.Sum256([]byte(d.FileName))
	msg := fmt.Sprintf("kamrat unit import v1; region %d; session %s; expires %s; content %x; name %x",
		currentRegion(c).ID, s.csrfBinding(c, false), d.Expires, content, name)
	return s.cfg.Policy.CSRF.Token(msg)
}

func (s *server) signImport(c *fiber.Ctx, name string, data []byte) (importDraft, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		return importDraft{}, fmt.Errorf("compress import: %w", err)
	}
	if err := zw.Close(); err != nil {
		return importDraft{}, fmt.Errorf("compress import: %w", err)
	}
	d := importDraft{
		FileName: name,
		Content:  base64.RawURLEncoding.EncodeToString(buf.Bytes()),
		Expires:  strconv.FormatInt(time.Now().Add(importDraftTTL).Unix(), 10),
	}
	d.Signature = s.importSignature(c, d)
	return d, nil
}

// openImport checks a draft's signature and expiry and returns the file;
// errStaleImport for a draft that is not this session's, has expired or was
// altered.
func (s *server) openImport(c *fiber.Ctx, d importDraft) ([]byte, error) {
	expires, err := strconv.ParseInt(d.Expires, 10, 64)
	if err != nil || d.Signature == "" || time.Now().Unix() > expires ||
		!hmac.Equal([]byte(s.importSignature(c, d)), []byte(d.Signature)) {
		return nil, errStaleImport
	}
	compressed, err := base64.RawURLEncoding.DecodeString(d.Content)
	if err != nil {
		return nil, errStaleImport
	}
	zr, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return nil, errStaleImport
	}
	data, err := io.ReadAll(io.LimitReader(zr, tenants.MaxUnitImportBytes+1))
	if err != nil || len(data) > tenants.MaxUnitImportBytes {
		return nil, errStaleImport
	}
	return data, nil
}
