package ui

import (
	"mime"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// maxDocumentBytes is the largest document this server takes.
func maxDocumentBytes(c *fiber.Ctx) int64 {
	return int64(uploadLimit(c.App().Config().BodyLimit, tenants.MaxDocumentBytes))
}

// addAgreementDocument stores the uploaded multipart field "file" with the
// agreement of the route, for the page and the API alike. It returns a
// *tenants.ValidationError (field "file") for no file, one too large, or
// one of the wrong kind, and ErrConflict for one the agreement already has.
func (s *server) addAgreementDocument(c *fiber.Ctx, id int64) (tenants.AgreementDocument, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return tenants.AgreementDocument{}, documentProblem("validation.file_missing", nil)
	}
	if limit := maxDocumentBytes(c); fh.Size > limit {
		return tenants.AgreementDocument{}, documentProblem("validation.file_too_large", map[string]any{"MaxMiB": limit >> 20})
	}
	f, err := fh.Open()
	if err != nil {
		return tenants.AgreementDocument{}, err
	}
	defer f.Close()
	doc, err := s.cfg.Agreements.AddDocument(c.UserContext(), currentRegion(c).ID, principal(c).User.ID, id, fh.Filename, f)
	if err != nil {
		return doc, err
	}
	s.auditAdmin(c, "agreement.document_add", "agreement_document", itoa(doc.ID))
	return doc, nil
}

func documentProblem(key string, args map[string]any) error {
	return &tenants.ValidationError{Fields: []tenants.FieldError{{Field: "file", Key: key, Args: args}}}
}

// agreementDocumentAdd attaches a document on the agreement page.
func (s *server) agreementDocumentAdd(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	_, err = s.addAgreementDocument(c, id)
	if isConflict(err) {
		err = documentProblem("validation.file_duplicate", nil)
	}
	if refused, rerr := s.refuseOnAgreementPage(c, id, err); refused {
		return rerr
	}
	if err != nil {
		return err
	}
	return c.Redirect(agreementsURL(c)+"/"+itoa(id)+"#documents", fiber.StatusSeeOther)
}

// agreementDocumentShow sends a document as a download, with the content
// type the store settled on, never one guessed by the browser; the page
// and the API share it.
func (s *server) agreementDocumentShow(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	docID, err := pathParamID(c, "doc")
	if err != nil {
		return err
	}
	doc, err := s.cfg.Agreements.Document(c.UserContext(), currentRegion(c).ID, id, docID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, doc.ContentType)
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": doc.FileName})
	if disposition == "" {
		disposition = "attachment"
	}
	c.Set(fiber.HeaderContentDisposition, disposition)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(doc.Content)
}

// agreementDocumentRemove removes a document from an agreement.
func (s *server) agreementDocumentRemove(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	docID, err := pathParamID(c, "doc")
	if err != nil {
		return err
	}
	err = s.cfg.Agreements.RemoveDocument(c.UserContext(), currentRegion(c).ID, principal(c).User.ID, id, docID)
	if refused, rerr := s.refuseOnAgreementPage(c, id, err); refused {
		return rerr
	}
	if err != nil {
		return err
	}
	s.auditAdmin(c, "agreement.document_remove", "agreement_document", itoa(docID))
	return c.Redirect(agreementsURL(c)+"/"+itoa(id)+"#documents", fiber.StatusSeeOther)
}
