package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"
	"github.com/gofiber/fiber/v2"
)

// apiDoc describes a JSON API route for the OpenAPI document. Every route
// under /api/v1/ must have one (the router refuses it otherwise), so the
// document is built from the same table that routes requests and cannot
// leave a route out.
type apiDoc struct {
	summary string
	tag     string
	// request is a value of the JSON body's type; nil for none.
	request any
	// response is a value of the success body's type; nil for 204.
	response any
	// status is the success status; 0 means 200 (201 for POST with a
	// response, 204 without one).
	status int
	// fileField, for an upload, names the multipart/form-data field that
	// carries the file; such a request has no JSON body.
	fileField string
	// files lists the media types of a success body that is a file
	// rather than JSON.
	files []string
}

func (d *apiDoc) successStatus(method string) int {
	switch {
	case d.status != 0:
		return d.status
	case d.response == nil && len(d.files) == 0:
		return http.StatusNoContent
	case method == fiber.MethodPost:
		return http.StatusCreated
	}
	return http.StatusOK
}

var pathParam = regexp.MustCompile(`:([a-z_]+)`)

// openAPIPath turns a fiber path (/x/:id) into an OpenAPI one (/x/{id}).
func openAPIPath(p string) string { return pathParam.ReplaceAllString(p, "{$1}") }

// buildOpenAPI writes the OpenAPI 3 document of the API routes.
func buildOpenAPI(routes []route, version string) ([]byte, error) {
	doc := &openapi3.T{
		OpenAPI: "3.0.3",
		Info: &openapi3.Info{
			Title:       "Kamrat API",
			Version:     version,
			Description: "The JSON API of Kamrat: one region's data under /api/v1/regions/{region}/, for integrations with a bearer API token. The same validation and the same role matrix apply as in the web pages.",
		},
		Paths: openapi3.NewPaths(),
		Components: &openapi3.Components{
			Schemas: openapi3.Schemas{},
			SecuritySchemes: openapi3.SecuritySchemes{
				"token": &openapi3.SecuritySchemeRef{Value: openapi3.NewSecurityScheme().WithType("http").WithScheme("bearer").
					WithDescription("An API token of the region (kmt_…), created by a regional administrator or `kamrat token create`.")},
			},
		},
		Security: openapi3.SecurityRequirements{{"token": []string{}}},
	}
	gen := openapi3gen.NewGenerator(openapi3gen.UseAllExportedFields(), openapi3gen.SchemaCustomizer(strictObjects))
	schema := func(v any) (*openapi3.SchemaRef, error) {
		return gen.NewSchemaRefForValue(v, doc.Components.Schemas)
	}
	errSchema, err := schema(errorResponse{})
	if err != nil {
		return nil, err
	}
	errorReply := func(text string) *openapi3.ResponseRef {
		return &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription(text).WithJSONSchemaRef(errSchema)}
	}
	for _, r := range routes {
		if !strings.HasPrefix(r.path, "/api/v1/") {
			continue
		}
		if r.doc == nil {
			return nil, fmt.Errorf("API route %s %s has no OpenAPI description", r.method, r.path)
		}
		op := openapi3.NewOperation()
		op.Summary, op.Tags = r.doc.summary, []string{r.doc.tag}
		op.OperationID = strings.ToLower(r.method) + strings.NewReplacer("/", "_", ":", "", "{", "", "}", "").Replace(strings.TrimPrefix(r.path, "/api/v1/regions/:region"))
		for _, m := range pathParam.FindAllStringSubmatch(r.path, -1) {
			p := openapi3.NewPathParameter(m[1]).WithRequired(true)
			if m[1] == "region" {
				p.Description = "the region's short name, e.g. skane"
				p.Schema = openapi3.NewStringSchema().NewRef()
			} else {
				p.Schema = openapi3.NewInt64Schema().WithMin(1).NewRef()
			}
			op.AddParameter(p)
		}
		if r.doc.request != nil {
			ref, err := schema(r.doc.request)
			if err != nil {
				return nil, fmt.Errorf("%s %s request: %w", r.method, r.path, err)
			}
			op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).WithJSONSchemaRef(ref)}
		}
		if r.doc.fileField != "" {
			form := openapi3.NewObjectSchema().WithProperty(r.doc.fileField, openapi3.NewStringSchema().WithFormat("binary"))
			form.Required = []string{r.doc.fileField}
			op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).
				WithContent(openapi3.NewContentWithFormDataSchema(form))}
		}
		status := r.doc.successStatus(r.method)
		success := openapi3.NewResponse().WithDescription(http.StatusText(status))
		if r.doc.response != nil {
			ref, err := schema(r.doc.response)
			if err != nil {
				return nil, fmt.Errorf("%s %s response: %w", r.method, r.path, err)
			}
			success = success.WithJSONSchemaRef(ref)
		}
		if len(r.doc.files) > 0 {
			success.Content = openapi3.Content{}
			for _, t := range r.doc.files {
				success.Content[t] = openapi3.NewMediaType().WithSchema(openapi3.NewStringSchema().WithFormat("binary"))
			}
		}
		op.AddResponse(status, success)
		op.Responses.Set("401", errorReply("no valid API token"))
		op.Responses.Set("403", errorReply("the token's role may not do this"))
		op.Responses.Set("404", errorReply("no such region or object, or another region's"))
		if r.doc.request != nil || r.doc.fileField != "" {
			op.Responses.Set("422", errorReply("invalid fields; nothing was changed"))
			op.Responses.Set("409", errorReply("clashes with something that exists"))
		}
		if r.doc.fileField != "" {
			op.Responses.Set("413", errorReply("the request is larger than the server accepts"))
		}
		doc.AddOperation(openAPIPath(r.path), r.method, op)
	}
	return json.MarshalIndent(doc, "", "  ")
}

// openAPIShow serves the document built at start.
func (s *server) openAPIShow(c *fiber.Ctx) error {
	c.Type("json", "utf-8")
	return c.Send(s.openAPI)
}

// strictObjects makes every struct's schema closed and lists as required
// the fields that are always present (no omitempty), so that the document
// promises exactly what the handlers send.
func strictObjects(_ string, t reflect.Type, _ reflect.StructTag, schema *openapi3.Schema) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == reflect.TypeFor[time.Time]() {
		return nil
	}
	no := false
	schema.AdditionalProperties = openapi3.AdditionalProperties{Has: &no}
	schema.Required = nil
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" || strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero") {
			continue
		}
		if name == "" {
			name = f.Name
		}
		schema.Required = append(schema.Required, name)
	}
	return nil
}
