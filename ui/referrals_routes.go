package ui

import "github.com/gofiber/fiber/v2"

// referralRoutes are participants, consent and referrals: the clinic's side
// (register, refer, follow the status, withdraw consent) and the
// organisation's inbox (accept, decline, contact attempts, closure);
// pages and JSON API.
//
// The matrix gives clinic staff referral read and create and consent
// update, and coordinators referral read and update and consent update.
// Since both hold referral read and consent update, the routes cannot keep
// the sides apart; the handlers do, taking the unit (clinicUnit) or the
// organisation (referralOrganisation) from the caller's membership, never
// from the URL or a form. A caller from the other side is sent to their
// own side (pages) or answered 409 (API); a referral or participant of
// another unit or organisation is not found.
func (s *server) referralRoutes() []route {
	const (
		clinic = "/r/:region/clinic"
		org    = "/r/:region/org/referrals"
		api    = "/api/v1/regions/:region"
	)
	return []route{
		{method: fiber.MethodGet, path: clinic + "/referrals", access: accessRegion, resource: "referral", action: "read", handler: s.clinicReferralsIndex},
		{method: fiber.MethodPost, path: clinic + "/referrals", access: accessRegion, resource: "referral", action: "create", handler: s.clinicReferralCreate},
		{method: fiber.MethodPost, path: clinic + "/participants/:id/withdrawal", access: accessRegion, resource: "consent", action: "update", handler: s.clinicConsentWithdraw},

		{method: fiber.MethodGet, path: org, access: accessRegion, resource: "referral", action: "read", handler: s.referralInbox},
		{method: fiber.MethodGet, path: org + "/:id", access: accessRegion, resource: "referral", action: "read", handler: s.referralShow},
		{method: fiber.MethodPost, path: org + "/:id/accept", access: accessRegion, resource: "referral", action: "update", handler: s.referralAccept},
		{method: fiber.MethodPost, path: org + "/:id/decline", access: accessRegion, resource: "referral", action: "update", handler: s.referralDecline},
		{method: fiber.MethodPost, path: org + "/:id/contact_attempts", access: accessRegion, resource: "referral", action: "update", handler: s.referralAttempt},
		{method: fiber.MethodPost, path: org + "/:id/close", access: accessRegion, resource: "referral", action: "update", handler: s.referralClose},
		{method: fiber.MethodPost, path: org + "/:id/reopen", access: accessRegion, resource: "referral", action: "update", handler: s.referralReopen},
		{method: fiber.MethodPost, path: org + "/:id/withdrawal", access: accessRegion, resource: "consent", action: "update", handler: s.referralWithdraw},

		{method: fiber.MethodGet, path: api + "/clinic/referrals", access: accessRegion, resource: "referral", action: "read", handler: s.apiClinicReferralIndex,
			doc: &apiDoc{summary: "The token user's unit's referrals: code, organisation, status and dates only — never contact data", tag: "referrals", response: apiClinicReferralList{}}},
		{method: fiber.MethodPost, path: api + "/clinic/referrals", access: accessRegion, resource: "referral", action: "create", handler: s.apiClinicReferralCreate,
			doc: &apiDoc{summary: "Register a consenting participant of the token user's unit under a new code and refer them to an organisation serving the unit and their target group; contact only when consent.share_contact", tag: "referrals", request: apiReferralInput{}, response: apiClinicReferral{}}},
		{method: fiber.MethodPost, path: api + "/clinic/participants/:id/withdrawal", access: accessRegion, resource: "consent", action: "update", handler: s.apiClinicConsentWithdraw,
			doc: &apiDoc{summary: "Withdraw a participant's consent on their request: contact data erased, running referrals closed (logged)", tag: "referrals", response: apiWithdrawal{}, status: fiber.StatusOK}},

		{method: fiber.MethodGet, path: api + "/org/referrals", access: accessRegion, resource: "referral", action: "read", handler: s.apiInbox,
			doc: &apiDoc{summary: "A page of the token user's organisation's referrals, running ones first and newest first within each part, without contact data: ?limit= (1–500, default 50) from ?offset= (default 0), with the total and running counts", tag: "referrals", response: apiInboxList{}}},
		{method: fiber.MethodGet, path: api + "/org/referrals/:id", access: accessRegion, resource: "referral", action: "read", handler: s.apiReferralShow,
			doc: &apiDoc{summary: "One referral with contact attempts, history and support (matches, meetings without notes, follow-ups with scores), and contact data while the consent shares it (the read is logged)", tag: "referrals", response: apiReferralRecord{}}},
		{method: fiber.MethodPost, path: api + "/org/referrals/:id/accept", access: accessRegion, resource: "referral", action: "update", handler: s.apiReferralAccept,
			doc: &apiDoc{summary: "Accept a received referral", tag: "referrals", response: apiReferralState{}, status: fiber.StatusOK}},
		{method: fiber.MethodPost, path: api + "/org/referrals/:id/decline", access: accessRegion, resource: "referral", action: "update", handler: s.apiReferralDecline,
			doc: &apiDoc{summary: "Decline a received referral with a reason the unit sees", tag: "referrals", request: apiReasonInput{}, response: apiReferralState{}, status: fiber.StatusOK}},
		{method: fiber.MethodPost, path: api + "/org/referrals/:id/contact_attempts", access: accessRegion, resource: "referral", action: "update", handler: s.apiReferralAttempt,
			doc: &apiDoc{summary: "Record an attempt to reach the participant; the first that reached them sets the first contact", tag: "referrals", request: apiAttemptInput{}, response: apiReferralState{}}},
		{method: fiber.MethodPost, path: api + "/org/referrals/:id/close", access: accessRegion, resource: "referral", action: "update", handler: s.apiReferralClose,
			doc: &apiDoc{summary: "Close an accepted, contacted or matched referral with a reason; a running match ends and follow-ups not yet done are cancelled", tag: "referrals", request: apiReasonInput{}, response: apiReferralState{}, status: fiber.StatusOK}},
		{method: fiber.MethodPost, path: api + "/org/referrals/:id/reopen", access: accessRegion, resource: "referral", action: "update", handler: s.apiReferralReopen,
			doc: &apiDoc{summary: "Reopen a closed referral with a note (not one closed by a consent withdrawal)", tag: "referrals", request: apiNoteInput{}, response: apiReferralState{}, status: fiber.StatusOK}},
		{method: fiber.MethodPost, path: api + "/org/referrals/:id/withdrawal", access: accessRegion, resource: "consent", action: "update", handler: s.apiReferralWithdraw,
			doc: &apiDoc{summary: "Withdraw the participant's consent on their request: contact data erased, running referrals closed (logged)", tag: "referrals", response: apiWithdrawal{}, status: fiber.StatusOK}},
	}
}
