package ui

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// The matrix gives clinic staff and coordinators the same resources
// (referral read, consent update), so a route cannot tell the two sides
// apart. The handlers do: each side takes its unit or organisation from
// the caller's membership, and a caller of the other side is sent to their
// own side (pages) or told so (API).
var (
	errNotAtUnit         = fiber.NewError(fiber.StatusConflict, "this is the referring unit's side of the pathway; the caller is not a member of a unit")
	errNotAtOrganisation = fiber.NewError(fiber.StatusConflict, "this is the partner organisation's side of the pathway; the caller is not a member of an organisation")
)

// clinicUnit returns the unit whose referrals the caller sends. It comes
// only from the caller's membership, never from the URL or a form, so
// staff reach no other unit's participants.
func clinicUnit(c *fiber.Ctx) (int64, error) {
	p := principal(c)
	if p == nil || p.Membership == nil || p.Membership.UnitID == nil {
		return 0, errNotAtUnit
	}
	return *p.Membership.UnitID, nil
}

// referralOrganisation returns the organisation whose inbox the caller
// works (coordinatorOrganisation), or errNotAtOrganisation.
func referralOrganisation(c *fiber.Ctx) (int64, error) {
	id, err := coordinatorOrganisation(c)
	if err != nil {
		return 0, errNotAtOrganisation
	}
	return id, nil
}

// ownReferralSide sends a page request made from the other side of the
// pathway to the caller's own side; nothing is changed.
func (s *server) ownReferralSide(c *fiber.Ctx) error {
	target := "/r/" + currentRegion(c).Slug + "/start"
	if _, err := clinicUnit(c); err == nil {
		target = clinicReferralsURL(c)
	} else if _, err := referralOrganisation(c); err == nil {
		target = inboxURL(c)
	}
	return c.Redirect(target, fiber.StatusSeeOther)
}

// auditParticipant records an access to a participant's data — opening a
// referral (participant.read) is a read of personal data, like every
// change — with the caller's role, unit or organisation, and the
// participant's pseudonym as subject where the caller has it at hand.
func (s *server) auditParticipant(c *fiber.Ctx, action, objectType string, objectID int64, code string) {
	p := principal(c)
	e := tenants.AuditEntry{
		Action: action, Outcome: tenants.OutcomeOK, UserID: &p.User.ID, UserLabel: p.User.Email, Role: string(p.Role),
		ObjectType: objectType, ObjectID: itoa(objectID),
	}
	if code != "" {
		e.Subject = "participant " + code
	}
	if p.Membership != nil {
		e.UnitID, e.OrganisationID = p.Membership.UnitID, p.Membership.OrganisationID
	}
	s.audit(c, currentRegion(c).ID, e)
}

// auditParticipantList records that the caller was shown a list of
// participants, naming each by code in the subject, so that a log extract
// for one participant finds the lists they appeared in too. An empty list
// is not an access to anyone's data and is not recorded.
func (s *server) auditParticipantList(c *fiber.Ctx, objectType string, codes []string) {
	if len(codes) == 0 {
		return
	}
	p := principal(c)
	e := tenants.AuditEntry{
		Action: "participant.list", Outcome: tenants.OutcomeOK, UserID: &p.User.ID, UserLabel: p.User.Email, Role: string(p.Role),
		ObjectType: objectType, Subject: "participants " + strings.Join(codes, " "),
	}
	if p.Membership != nil {
		e.UnitID, e.OrganisationID = p.Membership.UnitID, p.Membership.OrganisationID
	}
	s.audit(c, currentRegion(c).ID, e)
}

// codesOf returns the participant codes of a list.
func codesOf[T any](list []T, code func(T) string) []string {
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = code(x)
	}
	return out
}

// auditWithdrawal records a consent withdrawal with the referrals it
// closed.
func (s *server) auditWithdrawal(c *fiber.Ctx, w tenants.Withdrawal) {
	s.auditParticipant(c, "consent.withdraw", "participant", w.ParticipantID, w.Code)
	for _, id := range w.ClosedReferralIDs {
		s.auditParticipant(c, "referral.close", "referral", id, w.Code)
	}
}

func clinicReferralsURL(c *fiber.Ctx) string {
	return "/r/" + currentRegion(c).Slug + "/clinic/referrals"
}

func inboxURL(c *fiber.Ctx) string { return "/r/" + currentRegion(c).Slug + "/org/referrals" }

// referralLabels writes the pathway's values (statuses, reasons, contact
// methods) in one language; peerLabels gives the matching preferences.
type referralLabels struct{ peerLabels }

func (s *server) referralLabels(lang string) referralLabels {
	return referralLabels{s.peerLabels(lang)}
}

func (l referralLabels) status(st tenants.ReferralStatus) string {
	return l.tr("referrals.status." + string(st))
}

func (l referralLabels) decline(r tenants.DeclineReason) string {
	return l.tr("referrals.decline." + string(r))
}

func (l referralLabels) closure(r tenants.ClosureReason) string {
	return l.tr("referrals.closure." + string(r))
}

func (l referralLabels) method(m tenants.ContactMethod) string {
	return l.tr("referrals.method." + string(m))
}

func (l referralLabels) targetGroup(g tenants.TargetGroup) string {
	return l.tr("target_group." + string(g))
}

// statusLine is a referral's status with its reason, if any.
func (l referralLabels) statusLine(st tenants.ReferralStatus, decline tenants.DeclineReason, closure tenants.ClosureReason) string {
	switch {
	case st == tenants.ReferralDeclined && decline != "":
		return l.status(st) + ": " + l.decline(decline)
	case st == tenants.ReferralClosed && closure != "":
		return l.status(st) + ": " + l.closure(closure)
	}
	return l.status(st)
}

// preferences writes a participant's wishes for a peer in one line.
func (l referralLabels) preferences(p tenants.MatchPreferences) string {
	var parts []string
	if p.Gender != "" && p.Gender != tenants.GenderUnspecified {
		parts = append(parts, l.gender(p.Gender))
	}
	if p.AgeBand != "" {
		parts = append(parts, l.ageBand(p.AgeBand))
	}
	if len(p.Languages) > 0 {
		parts = append(parts, l.languages(p.Languages))
	}
	if len(p.Experience) > 0 {
		parts = append(parts, l.experiences(p.Experience))
	}
	if len(parts) == 0 {
		return l.tr("referrals.no_preferences")
	}
	return strings.Join(parts, "; ")
}
