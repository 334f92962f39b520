package ui

import (
	"bytes"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// apiUnitImportResult is the answer to an import: every row of the file
// with its problems and, unless it was a dry run, the units written.
type apiUnitImportResult struct {
	DryRun  bool           `json:"dry_run"`
	Rows    []apiImportRow `json:"rows"`
	BadRows int            `json:"bad_rows"`
	Units   []apiUnit      `json:"units"`
}

// apiImportRow is one data row of an imported file, as read.
type apiImportRow struct {
	// Line is the row's line number in the file (the header is line 1).
	Line         int          `json:"line"`
	Name         string       `json:"name"`
	HSAID        string       `json:"hsa_id,omitempty"`
	Kind         string       `json:"kind"`
	Municipality string       `json:"municipality"`
	Active       bool         `json:"active"`
	Problems     []fieldIssue `json:"problems"`
}

// apiUnitImport answers POST /api/v1/regions/{region}/units/import. The
// file comes as the multipart field "file" or as a text/csv body; the
// server's body limit applies before the store's own.
func (s *server) apiUnitImport(c *fiber.Ctx) error {
	region := currentRegion(c)
	dryRun, err := queryFlag(c, "dry_run")
	if err != nil {
		return err
	}
	data, err := apiCSVBody(c)
	if err != nil {
		return err
	}
	preview, err := s.cfg.Units.PreviewImport(c.UserContext(), region.ID, bytes.NewReader(data))
	if err != nil {
		return err
	}
	lang := s.language(c)
	out := apiUnitImportResult{DryRun: dryRun, Rows: make([]apiImportRow, len(preview.Rows)), Units: []apiUnit{}}
	for i, r := range preview.Rows {
		row := apiImportRow{
			Line: r.Line, Name: r.Unit.Name, HSAID: r.Unit.HSAID, Kind: string(r.Unit.Kind),
			Municipality: r.Unit.Municipality, Active: r.Unit.Active, Problems: []fieldIssue{},
		}
		for _, p := range r.Problems {
			row.Problems = append(row.Problems, fieldIssue{Field: p.Field, Message: s.translator.FieldMessage(lang, p)})
		}
		if !r.OK() {
			out.BadRows++
		}
		out.Rows[i] = row
	}
	if dryRun {
		return c.JSON(out)
	}
	// Import checks the rows again and refuses a file with bad rows
	// without writing, each problem reported once.
	units, err := s.cfg.Units.Import(c.UserContext(), region.ID, preview.Rows, nil)
	var ve *tenants.ValidationError
	if errors.As(err, &ve) {
		// The problems carry their lines, which the usual error answer
		// would drop.
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Status(fiber.StatusUnprocessableEntity).JSON(errorResponse{Error: errorBody{
			Status: fiber.StatusUnprocessableEntity, Message: s.statusMessage(lang, fiber.StatusUnprocessableEntity),
			RequestID: requestID(c), Fields: s.importProblems(lang, ve),
		}})
	}
	if err != nil {
		return err
	}
	ids := make([]string, len(units))
	for i, u := range units {
		ids[i] = itoa(u.ID)
		out.Units = append(out.Units, apiUnitOf(u, tenants.Readiness{}))
	}
	s.auditAdmin(c, "unit.import", "unit", strings.Join(ids, ","))
	return c.JSON(out)
}

// apiCSVBody reads the file of an API import.
func apiCSVBody(c *fiber.Ctx) ([]byte, error) {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	switch {
	case strings.HasPrefix(ct, fiber.MIMEMultipartForm):
		_, data, err := uploadedCSV(c, tenants.MaxUnitImportBytes)
		return data, err
	case strings.HasPrefix(ct, "text/csv"), strings.HasPrefix(ct, fiber.MIMETextPlain):
		if len(bytes.TrimSpace(c.Body())) == 0 {
			return nil, fileProblem("validation.file_empty", nil)
		}
		return c.Body(), nil
	}
	return nil, fiber.NewError(fiber.StatusUnsupportedMediaType, `send the file as the multipart/form-data field "file" or as a text/csv body`)
}

// queryFlag reads a true/false query parameter strictly: a misspelt value
// must not turn a dry run into a real one.
func queryFlag(c *fiber.Ctx, name string) (bool, error) {
	switch c.Query(name) {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	}
	return false, fiber.NewError(fiber.StatusBadRequest, name+" must be true or false")
}
