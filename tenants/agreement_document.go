package tenants

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"golang.org/x/text/unicode/norm"
)

// AgreementDocument is a file attached to an agreement: the signed
// agreement, an appendix, minutes. Lists leave Content empty;
// AgreementStore.Document fills it.
type AgreementDocument struct {
	bun.BaseModel `bun:"table:agreement_documents"`

	ID          int64  `bun:"id,pk,autoincrement"`
	TenantID    int64  `bun:"tenant_id,notnull"`
	AgreementID int64  `bun:"agreement_id,notnull"`
	FileName    string `bun:"file_name,notnull"`
	ContentType string `bun:"content_type,notnull"`
	SizeBytes   int64  `bun:"size_bytes,notnull"`
	// SHA256 is the hex SHA-256 of the content.
	SHA256     string    `bun:"sha256,notnull"`
	Content    []byte    `bun:"content"`
	UploadedBy *int64    `bun:"uploaded_by"`
	UploadedAt time.Time `bun:"uploaded_at,notnull"`
}

// MaxDocumentBytes caps an attached document.
const MaxDocumentBytes = 10 << 20

// Content types of the documents an agreement may have, by extension.
const (
	ContentTypePDF  = "application/pdf"
	ContentTypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	ContentTypeODT  = "application/vnd.oasis.opendocument.text"
	ContentTypeText = "text/plain; charset=utf-8"
)

var documentTypes = map[string]string{
	".pdf": ContentTypePDF, ".docx": ContentTypeDOCX, ".odt": ContentTypeODT, ".txt": ContentTypeText,
}

// documentContentType returns the content type to store for a file, after
// checking that the content is what the extension says: the extension
// alone is the client's word, the sniffed bytes alone cannot tell a Word
// file from any other zip archive. It returns a *ValidationError (field
// "file") otherwise.
func documentContentType(fileName string, content []byte) (string, error) {
	ext := strings.ToLower(path.Ext(fileName))
	want, ok := documentTypes[ext]
	if !ok {
		return "", fileProblem("validation.file_type", nil)
	}
	sniffed := http.DetectContentType(content)
	switch ext {
	case ".pdf":
		ok = sniffed == ContentTypePDF
	case ".docx":
		ok = sniffed == "application/zip" && zipHas(content, "[Content_Types].xml") && zipHas(content, "word/document.xml")
	case ".odt":
		ok = sniffed == "application/zip" && odtMimetype(content)
	case ".txt":
		ok = strings.HasPrefix(sniffed, "text/plain") && utf8.Valid(content)
	}
	if !ok {
		return "", fileProblem("validation.file_content", nil)
	}
	return want, nil
}

// zipHas reports whether the archive lists a file of that name. Only the
// central directory is read, nothing is decompressed.
func zipHas(content []byte, name string) bool {
	zr, err := zip.NewReader(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		return false
	}
	for _, f := range zr.File {
		if f.Name == name {
			return true
		}
	}
	return false
}

// odtMimetype reports whether an OpenDocument archive says it is a text
// document: its first entry is "mimetype", holding the type.
func odtMimetype(content []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(content), int64(len(content)))
	if err != nil || len(zr.File) == 0 || zr.File[0].Name != "mimetype" {
		return false
	}
	rc, err := zr.File[0].Open()
	if err != nil {
		return false
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 100))
	return err == nil && string(b) == ContentTypeODT
}

// maxFileNameRunes caps a stored file name.
const maxFileNameRunes = 120

// sanitizeFileName returns a file name that is safe to store and to offer
// for download: the last element of whatever path the client sent, in NFC,
// with letters, digits, spaces and . - _ ( ) , + kept and anything else
// (separators, control and shell characters) replaced by "_", no leading
// dots, at most maxFileNameRunes characters with the extension kept.
func sanitizeFileName(name string) string {
	name = strings.ToValidUTF8(name, "_")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = norm.NFC.String(name)
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), strings.ContainsRune(".-_(),+", r):
			return r
		case unicode.IsSpace(r):
			return ' '
		}
		return '_'
	}, name)
	name = strings.Join(strings.Fields(name), " ")
	name = strings.TrimLeft(name, ". ")
	ext := strings.ToLower(path.Ext(name))
	base := strings.TrimSpace(strings.TrimSuffix(name, path.Ext(name)))
	if utf8.RuneCountInString(ext) > 10 {
		base, ext = name, ""
	}
	if r := []rune(base); len(r) > maxFileNameRunes-len(ext) {
		base = strings.TrimSpace(string(r[:maxFileNameRunes-len(ext)]))
	}
	if base == "" {
		base = "dokument"
	}
	return base + ext
}
