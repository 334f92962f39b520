package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// referralInboxPage is the organisation's inbox: its referrals with code,
// unit, language, preferences and status — no contact data in the list.
type referralInboxPage struct {
	basePage
	Referrals []inboxRow
	Pager     pager
	Open      int
}

func (referralInboxPage) templateName() string { return "referrals_inbox" }

type inboxRow struct {
	URL, Code, Unit, TargetGroup, Language, Preferences string
	Status, StatusLabel, ReceivedOn                     string
	Open                                                bool
}

// referralInbox lists the referrals to the coordinator's organisation,
// running ones first.
func (s *server) referralInbox(c *fiber.Ctx) error {
	orgID, err := referralOrganisation(c)
	if err != nil {
		return s.ownReferralSide(c)
	}
	number, offset, err := pageNumber(c, tenants.InboxPageSize)
	if err != nil {
		return err
	}
	page, err := s.cfg.Referrals.Inbox(c.UserContext(), currentRegion(c).ID, orgID, offset, tenants.InboxPageSize)
	if err != nil {
		return err
	}
	list := page.Referrals
	s.auditParticipantList(c, "referral_inbox", codesOf(list, func(r tenants.OrganisationReferral) string { return r.Code }))
	base := s.regionBase(c)
	l := s.referralLabels(base.Lang)
	p := referralInboxPage{basePage: base, Open: page.Open,
		Pager: newPager(inboxURL(c), number, tenants.InboxPageSize, len(list), page.Total)}
	for _, r := range list {
		p.Referrals = append(p.Referrals, inboxRow{
			URL: inboxURL(c) + "/" + itoa(r.ID), Code: r.Code, Unit: r.UnitName, TargetGroup: l.targetGroup(r.TargetGroup),
			Language: l.language(r.Language), Preferences: l.preferences(r.Preferences),
			Status: string(r.Status), StatusLabel: l.statusLine(r.Status, r.DeclineReason, r.CloseReason),
			ReceivedOn: tenants.DateOf(r.CreatedAt.In(stockholm)).String(), Open: r.Status.Open(),
		})
	}
	return s.renderPage(c, p)
}
