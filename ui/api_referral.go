package ui

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// apiClinicReferral is what the referring unit sees of a referral: the
// status view without contact data, and the participant id its consent
// withdrawal takes.
type apiClinicReferral struct {
	ID               int64  `json:"id"`
	ParticipantID    int64  `json:"participant_id"`
	Code             string `json:"code"`
	Status           string `json:"status"`
	OrganisationName string `json:"organisation_name"`
	ReferredOn       string `json:"referred_on"`
	StatusChangedOn  string `json:"status_changed_on"`
	// DeclineReason is set for a declined referral.
	DeclineReason string `json:"decline_reason,omitempty"`
}

func apiClinicReferralOf(r tenants.ClinicReferral) apiClinicReferral {
	return apiClinicReferral{
		ID: r.ID, ParticipantID: r.ParticipantID, Code: r.Code, Status: string(r.Status), OrganisationName: r.OrganisationName,
		ReferredOn: r.ReferredOn.String(), StatusChangedOn: r.StatusChangedOn.String(), DeclineReason: string(r.DeclineReason),
	}
}

type apiClinicReferralList struct {
	Referrals []apiClinicReferral `json:"referrals"`
}

// apiReferralInput registers a consenting participant and refers them.
// contact is given when, and only when, consent.share_contact is true.
type apiReferralInput struct {
	TargetGroup    string              `json:"target_group"`
	Contact        *apiContact         `json:"contact,omitempty"`
	Language       string              `json:"language"`
	Preferences    apiMatchPreferences `json:"preferences"`
	Consent        apiConsent          `json:"consent"`
	OrganisationID int64               `json:"organisation_id"`
}

// apiContact is a participant's first name or alias and how to reach
// them: method phone, sms, email or letter, and the number or address.
type apiContact struct {
	Alias   string `json:"alias"`
	Method  string `json:"method"`
	Details string `json:"details"`
}

// apiMatchPreferences are the participant's wishes for a peer, all
// optional.
type apiMatchPreferences struct {
	Gender     string   `json:"gender,omitempty"`
	AgeBand    string   `json:"age_band,omitempty"`
	Languages  []string `json:"languages"`
	Experience []string `json:"experience"`
}

// apiConsent is what the participant agreed to, until expires_on
// (YYYY-MM-DD, after today, at most three years ahead).
type apiConsent struct {
	ShareContact bool   `json:"share_contact"`
	FollowUp     bool   `json:"follow_up"`
	Research     bool   `json:"research"`
	ExpiresOn    string `json:"expires_on"`
}

// apiWithdrawal is a consent withdrawal: whose (by code), when, from
// which side (unit or organisation), and the referrals it closed.
type apiWithdrawal struct {
	ParticipantID     int64     `json:"participant_id"`
	Code              string    `json:"code"`
	WithdrawnAt       time.Time `json:"withdrawn_at"`
	Side              string    `json:"side"`
	ClosedReferralIDs []int64   `json:"closed_referral_ids"`
}

// apiOrgReferral is a referral as the organisation sees it. contact is
// present only in a single referral, and only while the consent shares
// it; contact_attempts and history only in a single referral too.
type apiOrgReferral struct {
	apiReferralState
	Code            string              `json:"code"`
	UnitName        string              `json:"unit_name"`
	TargetGroup     string              `json:"target_group"`
	Language        string              `json:"language"`
	Preferences     apiMatchPreferences `json:"preferences"`
	ConsentActive   bool                `json:"consent_active"`
	ConsentFollowUp bool                `json:"consent_follow_up"`
	ReferredAt      time.Time           `json:"referred_at"`
	Contact         *apiContact         `json:"contact,omitempty"`
	ContactAttempts []apiAttempt        `json:"contact_attempts,omitempty"`
	History         []apiReferralEvent  `json:"history,omitempty"`
}

// apiReferralState is a referral's status after a change: received,
// accepted, declined, contacted, matched or closed.
type apiReferralState struct {
	ID              int64     `json:"id"`
	Status          string    `json:"status"`
	StatusChangedAt time.Time `json:"status_changed_at"`
	DeclineReason   string    `json:"decline_reason,omitempty"`
	CloseReason     string    `json:"close_reason,omitempty"`
	// FirstContactOn is the day the participant was first reached.
	FirstContactOn string `json:"first_contact_on,omitempty"`
}

// apiInboxList is a page of the organisation's referrals.
type apiInboxList struct {
	Referrals []apiOrgReferral `json:"referrals"`
	// Total counts all the organisation's referrals, Open the running ones
	// (listed first); Referrals are those from Offset, at most Limit.
	Total  int `json:"total"`
	Open   int `json:"open"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

type apiAttempt struct {
	AttemptedOn string `json:"attempted_on"`
	Method      string `json:"method"`
	Reached     bool   `json:"reached"`
}

type apiReferralEvent struct {
	At     time.Time `json:"at"`
	From   string    `json:"from,omitempty"`
	To     string    `json:"to"`
	Reason string    `json:"reason,omitempty"`
	Note   string    `json:"note,omitempty"`
}

// apiReasonInput is a decline reason (no_capacity, outside_area,
// no_matching_peer, outside_mandate, other) or a closure reason
// (goals_met, ended_by_participant, no_contact, moved, other).
type apiReasonInput struct {
	Reason string `json:"reason"`
}

type apiNoteInput struct {
	Note string `json:"note"`
}

// apiAttemptInput is a contact attempt: attempted_on YYYY-MM-DD, not in
// the future nor before the referral; method phone, sms, email or letter.
type apiAttemptInput struct {
	AttemptedOn string `json:"attempted_on"`
	Method      string `json:"method"`
	Reached     bool   `json:"reached"`
}

func apiPreferencesOf(p tenants.MatchPreferences) apiMatchPreferences {
	out := apiMatchPreferences{Gender: string(p.Gender), AgeBand: string(p.AgeBand), Languages: []string{}, Experience: []string{}}
	out.Languages = append(out.Languages, p.Languages...)
	for _, a := range p.Experience {
		out.Experience = append(out.Experience, string(a))
	}
	return out
}

func apiReferralStateOf(r tenants.Referral) apiReferralState {
	out := apiReferralState{ID: r.ID, Status: string(r.Status), StatusChangedAt: r.StatusChangedAt, CloseReason: string(r.CloseReason)}
	if r.Status == tenants.ReferralDeclined {
		out.DeclineReason = string(r.DeclineReason)
	}
	if !r.FirstContactOn.IsZero() {
		out.FirstContactOn = r.FirstContactOn.String()
	}
	return out
}

func apiOrgReferralOf(r tenants.OrganisationReferral) apiOrgReferral {
	out := apiOrgReferral{
		apiReferralState: apiReferralStateOf(r.Referral), Code: r.Code, UnitName: r.UnitName, TargetGroup: string(r.TargetGroup),
		Language: r.Language, Preferences: apiPreferencesOf(r.Preferences), ConsentActive: r.ConsentActive,
		ConsentFollowUp: r.ConsentFollowUp, ReferredAt: r.CreatedAt,
	}
	if r.Contact != nil {
		out.Contact = &apiContact{Alias: r.Contact.Alias, Method: string(r.Contact.Method), Details: r.Contact.Details}
	}
	return out
}

func apiWithdrawalOf(w tenants.Withdrawal) apiWithdrawal {
	return apiWithdrawal{ParticipantID: w.ParticipantID, Code: w.Code, WithdrawnAt: w.At, Side: string(w.Side), ClosedReferralIDs: w.ClosedReferralIDs}
}

// apiClinicReferralIndex answers GET /api/v1/regions/{region}/clinic/referrals.
func (s *server) apiClinicReferralIndex(c *fiber.Ctx) error {
	unitID, err := clinicUnit(c)
	if err != nil {
		return err
	}
	list, err := s.cfg.Referrals.UnitReferrals(c.UserContext(), currentRegion(c).ID, unitID)
	if err != nil {
		return err
	}
	s.auditParticipantList(c, "unit_referrals", codesOf(list, func(r tenants.ClinicReferral) string { return r.Code }))
	out := apiClinicReferralList{Referrals: make([]apiClinicReferral, 0, len(list))}
	for _, r := range list {
		out.Referrals = append(out.Referrals, apiClinicReferralOf(r))
	}
	return c.JSON(out)
}

// apiClinicReferralCreate answers POST /api/v1/regions/{region}/clinic/referrals.
func (s *server) apiClinicReferralCreate(c *fiber.Ctx) error {
	unitID, err := clinicUnit(c)
	if err != nil {
		return err
	}
	var in apiReferralInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	n := tenants.NewParticipant{
		TargetGroup: tenants.TargetGroup(in.TargetGroup), Language: in.Language,
		Preferences: tenants.MatchPreferences{Gender: tenants.Gender(in.Preferences.Gender), AgeBand: tenants.AgeBand(in.Preferences.AgeBand), Languages: in.Preferences.Languages},
		Consent:     tenants.ConsentScopes{ShareContact: in.Consent.ShareContact, FollowUp: in.Consent.FollowUp, Research: in.Consent.Research},
	}
	for _, a := range in.Preferences.Experience {
		n.Preferences.Experience = append(n.Preferences.Experience, tenants.ExperienceArea(a))
	}
	if in.Contact != nil {
		n.Contact = tenants.ParticipantContact{Alias: in.Contact.Alias, Method: tenants.ContactMethod(in.Contact.Method), Details: in.Contact.Details}
	}
	var v tenants.ValidationError
	if in.Consent.ExpiresOn != "" {
		parseDates(&v, map[string]string{"consent_expires_on": in.Consent.ExpiresOn}, dateField{"consent_expires_on", &n.Consent.ExpiresOn})
	}
	if in.OrganisationID <= 0 {
		v.Fields = append(v.Fields, tenants.FieldError{Field: "organisation_id", Key: "validation.required"})
	}
	if len(v.Fields) > 0 {
		return &v
	}
	ref, err := s.registerAndRefer(c, unitID, n, in.OrganisationID)
	if err != nil {
		return inOrder(err, participantFieldOrder)
	}
	return c.Status(fiber.StatusCreated).JSON(apiClinicReferralOf(ref))
}

// apiClinicConsentWithdraw answers POST
// /api/v1/regions/{region}/clinic/participants/{id}/withdrawal.
func (s *server) apiClinicConsentWithdraw(c *fiber.Ctx) error {
	unitID, err := clinicUnit(c)
	if err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	w, err := s.cfg.Referrals.WithdrawConsentAtUnit(c.UserContext(), currentRegion(c).ID, unitID, principal(c).User.ID, id)
	if err != nil {
		return err
	}
	s.auditWithdrawal(c, w)
	return c.JSON(apiWithdrawalOf(w))
}

// apiInbox answers GET /api/v1/regions/{region}/org/referrals.
func (s *server) apiInbox(c *fiber.Ctx) error {
	orgID, err := referralOrganisation(c)
	if err != nil {
		return err
	}
	offset, limit, err := pageQuery(c, tenants.InboxPageSize, tenants.MaxInboxPageSize)
	if err != nil {
		return err
	}
	page, err := s.cfg.Referrals.Inbox(c.UserContext(), currentRegion(c).ID, orgID, offset, limit)
	if err != nil {
		return err
	}
	list := page.Referrals
	s.auditParticipantList(c, "referral_inbox", codesOf(list, func(r tenants.OrganisationReferral) string { return r.Code }))
	out := apiInboxList{Referrals: make([]apiOrgReferral, 0, len(list)), Total: page.Total, Open: page.Open, Offset: offset, Limit: limit}
	for _, r := range list {
		r.Contact = nil // the list never carries it
		out.Referrals = append(out.Referrals, apiOrgReferralOf(r))
	}
	return c.JSON(out)
}

// apiReferralShow answers GET /api/v1/regions/{region}/org/referrals/{id},
// a read of the participant's data that is logged.
func (s *server) apiReferralShow(c *fiber.Ctx) error {
	orgID, err := referralOrganisation(c)
	if err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	rec, err := s.cfg.Referrals.Record(c.UserContext(), currentRegion(c).ID, orgID, id)
	if err != nil {
		return err
	}
	out := apiReferralRecord{apiOrgReferral: apiOrgReferralOf(rec.OrganisationReferral), Support: apiSupportOf(rec.Support)}
	out.ContactAttempts, out.History = []apiAttempt{}, []apiReferralEvent{}
	for _, a := range rec.Attempts {
		out.ContactAttempts = append(out.ContactAttempts, apiAttempt{AttemptedOn: a.AttemptedOn.String(), Method: string(a.Method), Reached: a.Reached})
	}
	for _, e := range rec.History {
		out.History = append(out.History, apiReferralEvent{At: e.At, From: string(e.From), To: string(e.To), Reason: e.Reason, Note: e.Note})
	}
	s.auditParticipant(c, "participant.read", "referral", id, rec.Code)
	return c.JSON(out)
}

// apiReferralChange runs one change of a referral of the token user's
// organisation and answers its new state (status, for contact attempts
// 201), logging the change.
func (s *server) apiReferralChange(c *fiber.Ctx, action string, status int, in any, change func(orgID, id int64) (tenants.Referral, error)) error {
	orgID, err := referralOrganisation(c)
	if err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if in != nil {
		if err := decodeJSON(c, in); err != nil {
			return err
		}
	}
	r, err := change(orgID, id)
	if err != nil {
		return err
	}
	s.auditParticipant(c, "referral."+action, "referral", id, "")
	return c.Status(status).JSON(apiReferralStateOf(r))
}

// apiReferralAccept answers POST …/org/referrals/{id}/accept.
func (s *server) apiReferralAccept(c *fiber.Ctx) error {
	return s.apiReferralChange(c, "accept", fiber.StatusOK, nil, func(orgID, id int64) (tenants.Referral, error) {
		return s.cfg.Referrals.Accept(c.UserContext(), currentRegion(c).ID, orgID, principal(c).User.ID, id)
	})
}

// apiReferralDecline answers POST …/org/referrals/{id}/decline.
func (s *server) apiReferralDecline(c *fiber.Ctx) error {
	var in apiReasonInput
	return s.apiReferralChange(c, "decline", fiber.StatusOK, &in, func(orgID, id int64) (tenants.Referral, error) {
		return s.cfg.Referrals.Decline(c.UserContext(), currentRegion(c).ID, orgID, principal(c).User.ID, id, tenants.DeclineReason(in.Reason))
	})
}

// apiReferralAttempt answers POST …/org/referrals/{id}/contact_attempts.
func (s *server) apiReferralAttempt(c *fiber.Ctx) error {
	var in apiAttemptInput
	return s.apiReferralChange(c, "contact_attempt", fiber.StatusCreated, &in, func(orgID, id int64) (tenants.Referral, error) {
		a := tenants.ContactAttempt{Method: tenants.ContactMethod(in.Method), Reached: in.Reached}
		var v tenants.ValidationError
		if in.AttemptedOn != "" {
			parseDates(&v, map[string]string{"attempted_on": in.AttemptedOn}, dateField{"attempted_on", &a.AttemptedOn})
		}
		if len(v.Fields) > 0 {
			return tenants.Referral{}, &v
		}
		r, err := s.cfg.Referrals.RecordContactAttempt(c.UserContext(), currentRegion(c).ID, orgID, principal(c).User.ID, id, a)
		return r, inOrder(err, attemptFields)
	})
}

// apiReferralClose answers POST …/org/referrals/{id}/close.
func (s *server) apiReferralClose(c *fiber.Ctx) error {
	var in apiReasonInput
	return s.apiReferralChange(c, "close", fiber.StatusOK, &in, func(orgID, id int64) (tenants.Referral, error) {
		return s.cfg.Referrals.Close(c.UserContext(), currentRegion(c).ID, orgID, principal(c).User.ID, id, tenants.ClosureReason(in.Reason))
	})
}

// apiReferralReopen answers POST …/org/referrals/{id}/reopen.
func (s *server) apiReferralReopen(c *fiber.Ctx) error {
	var in apiNoteInput
	return s.apiReferralChange(c, "reopen", fiber.StatusOK, &in, func(orgID, id int64) (tenants.Referral, error) {
		return s.cfg.Referrals.Reopen(c.UserContext(), currentRegion(c).ID, orgID, principal(c).User.ID, id, in.Note)
	})
}

// apiReferralWithdraw answers POST …/org/referrals/{id}/withdrawal.
func (s *server) apiReferralWithdraw(c *fiber.Ctx) error {
	orgID, err := referralOrganisation(c)
	if err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	w, err := s.cfg.Referrals.WithdrawConsentAtOrganisation(c.UserContext(), currentRegion(c).ID, orgID, principal(c).User.ID, id)
	if err != nil {
		return err
	}
	s.auditWithdrawal(c, w)
	return c.JSON(apiWithdrawalOf(w))
}
