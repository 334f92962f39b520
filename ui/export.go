package ui

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/text/unicode/norm"
)

// figureExport is a figure document ready to be sent as a file: the CSV,
// XLSX and PDF writers render only its Doc (the figureDoc the page renders)
// and its texts, so a download carries exactly the figures of the page.
type figureExport struct {
	// Filename is the file's name without its extension, in any script;
	// sendExport derives a safe ASCII name from it as well.
	Filename string
	// Title heads the file; Subtitle lines follow it (the period, the
	// report's state).
	Title    string
	Subtitle []string
	Doc      figureDoc
	// Lang is the language Doc is written in (the CSV separator and the
	// PDF's page numbers follow it); empty means the reader's language.
	Lang string
}

// exportFormat is one file format of the exports.
type exportFormat struct {
	ext, contentType string
	write            func(s *server, lang string, e figureExport) ([]byte, error)
}

// exportFormats are the formats sendExport knows, by name (the URL's
// :format).
var exportFormats = map[string]exportFormat{
	"csv":  {ext: "csv", contentType: "text/csv; charset=utf-8", write: (*server).exportCSV},
	"xlsx": {ext: "xlsx", contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", write: (*server).exportXLSX},
	"pdf":  {ext: "pdf", contentType: "application/pdf", write: (*server).exportPDF},
}

// exportFormatNames are the formats in the order the pages offer them.
var exportFormatNames = []string{"csv", "xlsx", "pdf"}

// sendExport answers with e written in format (csv, xlsx or pdf) as a
// download; an unknown format is a 404.
func (s *server) sendExport(c *fiber.Ctx, format string, e figureExport) error {
	f, ok := exportFormats[format]
	if !ok {
		return fiber.ErrNotFound
	}
	lang := e.Lang
	if !supportedLanguage(lang) {
		lang = s.exportLanguage(c)
	}
	body, err := f.write(s, lang, e)
	if err != nil {
		return fmt.Errorf("export %s: %w", format, err)
	}
	c.Set(fiber.HeaderContentType, f.contentType)
	c.Set(fiber.HeaderContentDisposition, contentDisposition(e.Filename, f.ext))
	// Aggregates of one region: kept out of shared caches and not stored.
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(body)
}

// exportLanguage is the language a region page is shown in (the region's
// default until the reader chooses), or the reader's outside a region.
func (s *server) exportLanguage(c *fiber.Ctx) string {
	if region := currentRegion(c); region != nil {
		return s.languageOr(c, region.Settings.Effective().DefaultLanguage)
	}
	return s.language(c)
}

// contentDisposition names the download: a plain ASCII filename for every
// client, and filename* (RFC 6266, RFC 8187) with the name as written.
func contentDisposition(name, ext string) string {
	full := cleanFilename(name) + "." + ext
	return `attachment; filename="` + asciiFilename(name) + "." + ext + `"; filename*=UTF-8''` + encodeRFC8187(full)
}

// cleanFilename keeps a name's letters but drops what a file system or a
// header cannot take (control characters, slashes, quotes).
func cleanFilename(name string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(name) {
		switch {
		case unicode.IsControl(r), strings.ContainsRune(`/\"*?:<>|`, r):
			b.WriteRune('-')
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "export"
	}
	return b.String()
}

// asciiFilename writes name in ASCII letters, digits, dots, hyphens and
// underscores: "Hälsa Sjöbo" becomes "Halsa-Sjobo".
func asciiFilename(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// The ring and dots of å, ä, ö: the letter stays.
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_'):
			b.WriteRune(r)
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = true
		}
	}
	out := strings.Trim(b.String(), "-.")
	if len(out) > 120 {
		out = strings.TrimRight(out[:120], "-.")
	}
	if out == "" {
		return "export"
	}
	return out
}

// encodeRFC8187 percent-encodes every byte that is not an attr-char.
func encodeRFC8187(s string) string {
	var b bytes.Buffer
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch < 0x80 && (ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.IndexByte("!#$&+-.^_`|~", ch) >= 0) {
			b.WriteByte(ch)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", ch)
	}
	return b.String()
}
