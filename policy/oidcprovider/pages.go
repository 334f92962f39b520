package oidcprovider

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
)

//go:embed pages
var pageFiles embed.FS

// pages holds the provider's HTML pages, parsed once in New.
type pages struct {
	chooser *template.Template
	error   *template.Template
	css     template.CSS
	// csp allows the one stylesheet by its hash and nothing else: no script,
	// no framing, no form posts.
	csp string
}

func parsePages() (*pages, error) {
	css, err := pageFiles.ReadFile("pages/page.css")
	if err != nil {
		return nil, fmt.Errorf("oidcprovider: reading stylesheet: %w", err)
	}
	sum := sha256.Sum256(css)
	ps := &pages{
		css: template.CSS(css),
		csp: "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
			"'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
	}
	if ps.chooser, err = template.ParseFS(pageFiles, "pages/chooser.html"); err != nil {
		return nil, fmt.Errorf("oidcprovider: parsing chooser page: %w", err)
	}
	if ps.error, err = template.ParseFS(pageFiles, "pages/error.html"); err != nil {
		return nil, fmt.Errorf("oidcprovider: parsing error page: %w", err)
	}
	return ps, nil
}

// chooserPage lists the users one can sign in as.
type chooserPage struct {
	CSS       template.CSS
	ClientID  string
	Users     []chooserUser
	CancelURL string
}

type chooserUser struct {
	Label   string
	Subject string
	URL     string // /authorize with the request's parameters and login_hint
}

// errorPage explains an authorization request that cannot be answered with a
// redirect, because the client or redirect URI is not known.
type errorPage struct {
	CSS    template.CSS
	Reason string
}

func (ps *pages) render(w http.ResponseWriter, status int, t *template.Template, page any) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, page); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", ps.csp)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	buf.WriteTo(w)
}
