package ui

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

//go:embed templates/*.html
var templateFiles embed.FS

// page is a typed view model; each kind names its template.
type page interface {
	templateName() string
}

// basePage carries what the layout needs; every page embeds it.
type basePage struct {
	Lang      string // language of the page: "sv" or "en"
	OtherLang string // language the switch link offers
	SwitchURL string // this page with ?lang=OtherLang
	Version   string
	RequestID string
	// CSRF is the token every form posts as _csrf.
	CSRF string
	// User is the signed-in person's name, empty when nobody is.
	User string

	translator *Translator
}

// T translates key into the page's language; templates call it as
// {{.T "key" "Placeholder" value …}}. An odd number of args is an error so
// that a broken template fails its test instead of rendering half a text.
func (p basePage) T(key string, args ...any) (string, error) {
	if len(args)%2 != 0 {
		return "", fmt.Errorf("T %q: odd number of arguments", key)
	}
	var data map[string]any
	if len(args) > 0 {
		data = make(map[string]any, len(args)/2)
		for i := 0; i < len(args); i += 2 {
			name, ok := args[i].(string)
			if !ok {
				return "", fmt.Errorf("T %q: argument %d is not a placeholder name", key, i)
			}
			data[name] = args[i+1]
		}
	}
	return p.translator.Translate(p.Lang, key, data), nil
}

// homePage is the landing page: what Kamrat is and which regions use it.
type homePage struct {
	basePage
	Regions []regionLink
}

// regionLink is one row of the landing page's region table.
type regionLink struct {
	Name       string
	CountyCode string
	URL        string
}

// regionPage is a region's start page.
type regionPage struct {
	basePage
	Region tenants.Tenant
}

// errorPage explains a failed request. Message is already translated and
// never contains internal error text.
type errorPage struct {
	basePage
	Status        int
	Message       string
	Fields        []string // translated validation problems, one per field
	ShowRequestID bool
}

func (homePage) templateName() string         { return "home" }
func (regionPage) templateName() string       { return "region" }
func (errorPage) templateName() string        { return "error" }
func (loginPage) templateName() string        { return "login" }
func (signInFailedPage) templateName() string { return "signin_failed" }
func (startPage) templateName() string        { return "start" }
func (invitationPage) templateName() string   { return "invitation" }
func (auditPage) templateName() string        { return "audit" }

// views holds one template set per page: the layout, the shared partials
// (templates/_*.html) and that page's file.
// They are parsed once in New and only executed afterwards.
type views map[string]*template.Template

// parseViews parses the layout together with each page template.
func parseViews(as assets) (views, error) {
	layout, err := template.New("layout.html").
		Funcs(template.FuncMap{"asset": as.URL, "field": field, "choice": choice}).
		ParseFS(templateFiles, "templates/layout.html", "templates/_*.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	vs := views{}
	for _, file := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(file, "templates/"), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		t, err := layout.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(templateFiles, file); err != nil {
			return nil, err
		}
		vs[name] = t
	}
	return vs, nil
}

// render executes p's template into a buffer first, so a template error
// becomes a clean error page instead of half a page.
func (vs views) render(p page) ([]byte, error) {
	t, ok := vs[p.templateName()]
	if !ok {
		return nil, fmt.Errorf("no template %q", p.templateName())
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		return nil, fmt.Errorf("render %s: %w", p.templateName(), err)
	}
	return buf.Bytes(), nil
}

// renderPage answers with p as an HTML page.
func (s *server) renderPage(c *fiber.Ctx, p page) error {
	body, err := s.views.render(p)
	if err != nil {
		return err
	}
	// The language comes from a cookie: a shared cache must not serve one
	// reader's Swedish page to another who chose English.
	c.Vary(fiber.HeaderCookie)
	c.Type("html", "utf-8")
	return c.Send(body)
}
