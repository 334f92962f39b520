package ui

import "github.com/gofiber/fiber/v2"

// agreementRoutes are the IOP agreements: pages under
// /r/{region}/admin/agreements and their JSON API.
//
// The matrix knows agreement read, create and update; deleting a draft,
// moving the status and adding or removing a document change the
// agreement, so they need update.
func (s *server) agreementRoutes() []route {
	const (
		pages = "/r/:region/admin/agreements"
		api   = "/api/v1/regions/:region/agreements"
	)
	return []route{
		{method: fiber.MethodGet, path: pages, access: accessRegion, resource: "agreement", action: "read", handler: s.agreementsIndex},
		{method: fiber.MethodGet, path: pages + "/new", access: accessRegion, resource: "agreement", action: "create", handler: s.agreementNew},
		{method: fiber.MethodPost, path: pages, access: accessRegion, resource: "agreement", action: "create", handler: s.agreementCreate},
		{method: fiber.MethodGet, path: pages + "/:id", access: accessRegion, resource: "agreement", action: "read", handler: s.agreementShow},
		{method: fiber.MethodGet, path: pages + "/:id/edit", access: accessRegion, resource: "agreement", action: "update", handler: s.agreementEdit},
		{method: fiber.MethodPost, path: pages + "/:id", access: accessRegion, resource: "agreement", action: "update", handler: s.agreementUpdate},
		{method: fiber.MethodPost, path: pages + "/:id/status", access: accessRegion, resource: "agreement", action: "update", handler: s.agreementStatus},
		{method: fiber.MethodPost, path: pages + "/:id/delete", access: accessRegion, resource: "agreement", action: "update", handler: s.agreementDelete},
		{method: fiber.MethodPost, path: pages + "/:id/documents", access: accessRegion, resource: "agreement", action: "update", handler: s.agreementDocumentAdd},
		{method: fiber.MethodGet, path: pages + "/:id/documents/:doc", access: accessRegion, resource: "agreement", action: "read", handler: s.agreementDocumentShow},
		{method: fiber.MethodPost, path: pages + "/:id/documents/:doc/remove", access: accessRegion, resource: "agreement", action: "update", handler: s.agreementDocumentRemove},

		{method: fiber.MethodGet, path: api, access: accessRegion, resource: "agreement", action: "read", handler: s.apiAgreementIndex,
			doc: &apiDoc{summary: "The region's IOP agreements, latest start first", tag: "agreements", response: apiAgreementList{}}},
		{method: fiber.MethodPost, path: api, access: accessRegion, resource: "agreement", action: "create", handler: s.apiAgreementCreate,
			doc: &apiDoc{summary: "Create an IOP agreement as a draft", tag: "agreements", request: apiAgreementInput{}, response: apiAgreement{}}},
		{method: fiber.MethodGet, path: api + "/:id", access: accessRegion, resource: "agreement", action: "read", handler: s.apiAgreementShow,
			doc: &apiDoc{summary: "One IOP agreement with its parties, funding, commitments and positions", tag: "agreements", response: apiAgreement{}}},
		{method: fiber.MethodPut, path: api + "/:id", access: accessRegion, resource: "agreement", action: "update", handler: s.apiAgreementUpdate,
			doc: &apiDoc{summary: "Replace an agreement's fields and lists (not its status)", tag: "agreements", request: apiAgreementInput{}, response: apiAgreement{}}},
		{method: fiber.MethodPost, path: api + "/:id/status", access: accessRegion, resource: "agreement", action: "update", handler: s.apiAgreementStatus,
			doc: &apiDoc{summary: "Move an agreement one step: draft → active → ending → ended", tag: "agreements", request: apiAgreementStatusInput{}, response: apiAgreement{}, status: fiber.StatusOK}},
		{method: fiber.MethodGet, path: api + "/:id/history", access: accessRegion, resource: "agreement", action: "read", handler: s.apiAgreementHistory,
			doc: &apiDoc{summary: "An agreement's change history, oldest first", tag: "agreements", response: apiAgreementHistory{}}},
		{method: fiber.MethodGet, path: api + "/:id/documents", access: accessRegion, resource: "agreement", action: "read", handler: s.apiAgreementDocumentIndex,
			doc: &apiDoc{summary: "An agreement's documents, oldest first", tag: "agreements", response: apiAgreementDocumentList{}}},
		{method: fiber.MethodPost, path: api + "/:id/documents", access: accessRegion, resource: "agreement", action: "update", handler: s.apiAgreementDocumentCreate,
			doc: &apiDoc{summary: "Attach a document (PDF, .docx, .odt or .txt) as the multipart field \"file\"", tag: "agreements", fileField: "file", response: apiAgreementDocument{}}},
		{method: fiber.MethodGet, path: api + "/:id/documents/:doc", access: accessRegion, resource: "agreement", action: "read", handler: s.agreementDocumentShow,
			doc: &apiDoc{summary: "Download a document, with its stored content type", tag: "agreements", files: documentMediaTypes}},
	}
}
