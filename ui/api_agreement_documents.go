package ui

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// apiAgreementDocument is an attached document, without its content
// (GET …/documents/{doc} downloads it).
type apiAgreementDocument struct {
	ID          int64     `json:"id"`
	FileName    string    `json:"file_name"`
	ContentType string    `json:"content_type"`
	SizeBytes   int64     `json:"size_bytes"`
	SHA256      string    `json:"sha256"`
	UploadedBy  *int64    `json:"uploaded_by,omitempty"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

// apiAgreementDocumentList is the body of the document list.
type apiAgreementDocumentList struct {
	Documents []apiAgreementDocument `json:"documents"`
}

// documentMediaTypes are what a download can be, for the OpenAPI document.
var documentMediaTypes = []string{tenants.ContentTypePDF, tenants.ContentTypeDOCX, tenants.ContentTypeODT, "text/plain"}

func apiAgreementDocumentOf(d tenants.AgreementDocument) apiAgreementDocument {
	return apiAgreementDocument{
		ID: d.ID, FileName: d.FileName, ContentType: d.ContentType, SizeBytes: d.SizeBytes, SHA256: d.SHA256,
		UploadedBy: d.UploadedBy, UploadedAt: d.UploadedAt,
	}
}

// apiAgreementDocumentIndex answers GET
// /api/v1/regions/{region}/agreements/{id}/documents.
func (s *server) apiAgreementDocumentIndex(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	docs, err := s.cfg.Agreements.Documents(c.UserContext(), currentRegion(c).ID, id)
	if err != nil {
		return err
	}
	out := apiAgreementDocumentList{Documents: make([]apiAgreementDocument, 0, len(docs))}
	for _, d := range docs {
		out.Documents = append(out.Documents, apiAgreementDocumentOf(d))
	}
	return c.JSON(out)
}

// apiAgreementDocumentCreate answers POST
// /api/v1/regions/{region}/agreements/{id}/documents, a multipart/form-data
// upload with the file in the field "file".
func (s *server) apiAgreementDocumentCreate(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	doc, err := s.addAgreementDocument(c, id)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(apiAgreementDocumentOf(doc))
}
