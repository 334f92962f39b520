package ui

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
)

//go:embed static
var staticFiles embed.FS

// asset is one embedded static file, addressed by a URL that contains a
// prefix of its checksum, so it can be cached forever and a new release
// changes the URL.
type asset struct {
	body        []byte
	contentType string
	url         string
}

// assets maps a file name (such as "app.css") to its asset. Built once by
// loadAssets and only read afterwards.
type assets map[string]asset

// loadAssets reads every embedded static file and computes its URL.
func loadAssets() (assets, error) {
	entries, err := fs.ReadDir(staticFiles, "static")
	if err != nil {
		return nil, err
	}
	as := assets{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		body, err := fs.ReadFile(staticFiles, "static/"+e.Name())
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(body)
		as[e.Name()] = asset{
			body:        body,
			contentType: mime.TypeByExtension(path.Ext(e.Name())),
			url:         "/static/" + hex.EncodeToString(sum[:])[:12] + "/" + e.Name(),
		}
	}
	return as, nil
}

// URL returns the checksummed URL of the named file; templates call it as
// {{asset "app.css"}}. An unknown name is an error, so a typo fails the
// template tests instead of shipping a broken link.
func (as assets) URL(name string) (string, error) {
	a, ok := as[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return a.url, nil
}
