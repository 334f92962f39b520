package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// referralPage shows one referral to the organisation: the participant's
// code, wishes and consent, the contact data only while the consent shares
// it, the moves the status allows, contact attempts and history. Each form
// comes back here with its own problems when refused.
type referralPage struct {
	basePage
	ListURL  string
	URL      string
	Referral referralView
	// Contact is nil when the consent does not share it (any more).
	Contact *contactView
	// CanAccept, CanAttempt, CanClose, CanReopen, CanWithdraw: which
	// forms show.
	CanAccept, CanAttempt, CanClose, CanReopen, CanWithdraw bool
	Decline, Attempt, Close, Reopen, Withdraw, Match        formSection
	// Matching ranks the peers for a contacted or matched referral; nil
	// otherwise. Support is the support so far; nil before a match.
	Matching                                *matchingSection
	Support                                 *supportSection
	DeclineReasons, ClosureReasons, Methods []option
	Attempts                                []attemptRow
	History                                 []referralEventRow
}

func (referralPage) templateName() string { return "referrals_show" }

type referralView struct {
	Code, Unit, TargetGroup, Language, Preferences string
	Status, StatusLabel, ReceivedOn, FirstContact  string
	ConsentActive, FollowUp                        bool
}

type contactView struct {
	Alias, Method, Details string
}

type attemptRow struct {
	On, Method string
	Reached    bool
}

type referralEventRow struct {
	At, By, Change, Reason, Note string
}

var attemptFields = []string{"attempted_on", "method", "reached"}

// referralShow shows a referral of the coordinator's organisation; opening
// it is a read of the participant's data and is logged.
func (s *server) referralShow(c *fiber.Ctx) error {
	return s.showReferral(c, referralForms{}, false)
}

// referralForms are the referral page's forms as submitted, for a
// refusal; a nil one is shown empty.
type referralForms struct {
	decline, attempt, close, reopen, withdraw, match *form
}

// showReferral renders the referral page (refused: with 422) and logs
// the read.
func (s *server) showReferral(c *fiber.Ctx, forms referralForms, refused bool) error {
	orgID, err := referralOrganisation(c)
	if err != nil {
		return s.ownReferralSide(c)
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx, region := c.UserContext(), currentRegion(c)
	rec, err := s.cfg.Referrals.Record(ctx, region.ID, orgID, id)
	if err != nil {
		return err
	}
	r, attempts, events := rec.OrganisationReferral, rec.Attempts, rec.History
	members, err := s.cfg.Policy.Identities.Members(ctx, region.ID)
	if err != nil {
		return err
	}
	base := s.regionBase(c)
	l := s.referralLabels(base.Lang)
	list := inboxURL(c)
	p := referralPage{
		basePage: base, ListURL: list, URL: list + "/" + itoa(id),
		Referral: referralView{
			Code: r.Code, Unit: r.UnitName, TargetGroup: l.targetGroup(r.TargetGroup), Language: l.language(r.Language),
			Preferences: l.preferences(r.Preferences), Status: string(r.Status),
			StatusLabel: l.statusLine(r.Status, r.DeclineReason, r.CloseReason),
			ReceivedOn:  tenants.DateOf(r.CreatedAt.In(stockholm)).String(), FirstContact: l.date(r.FirstContactOn),
			ConsentActive: r.ConsentActive, FollowUp: r.ConsentFollowUp,
		},
		CanAccept:   r.Status == tenants.ReferralReceived,
		CanAttempt:  r.Status == tenants.ReferralAccepted || r.Status == tenants.ReferralContacted,
		CanClose:    r.Status == tenants.ReferralAccepted || r.Status == tenants.ReferralContacted || r.Status == tenants.ReferralMatched,
		CanReopen:   r.Status == tenants.ReferralClosed && r.CloseReason != tenants.ClosureConsentWithdrawn,
		CanWithdraw: r.ConsentActive,
		Decline:     formSection{basePage: base, Form: orEmpty(forms.decline)},
		Attempt:     formSection{basePage: base, Form: orEmpty(forms.attempt)},
		Close:       formSection{basePage: base, Form: orEmpty(forms.close)},
		Reopen:      formSection{basePage: base, Form: orEmpty(forms.reopen)},
		Withdraw:    formSection{basePage: base, Form: orEmpty(forms.withdraw)},
		Match:       formSection{basePage: base, Form: orEmpty(forms.match)},
	}
	ml := s.matchingLabels(base.Lang)
	if r.Status == tenants.ReferralContacted || r.Status == tenants.ReferralMatched {
		list, err := s.cfg.Support.Suggestions(ctx, region.ID, orgID, id)
		if err != nil {
			return err
		}
		p.Matching = ml.matchingOf(p.URL+"/match", r, list)
	}
	p.Support = ml.supportOf(rec.Support)
	if r.Contact != nil {
		p.Contact = &contactView{Alias: r.Contact.Alias, Method: l.method(r.Contact.Method), Details: r.Contact.Details}
	}
	if forms.attempt == nil {
		p.Attempt.Form.Values["attempted_on"] = todayInSweden().String()
		if r.Contact != nil {
			p.Attempt.Form.Values["method"] = string(r.Contact.Method)
		}
	}
	for _, d := range tenants.DeclineReasons {
		p.DeclineReasons = append(p.DeclineReasons, option{Value: string(d), Label: l.decline(d)})
	}
	for _, cr := range tenants.ClosureReasons {
		p.ClosureReasons = append(p.ClosureReasons, option{Value: string(cr), Label: l.closure(cr)})
	}
	for _, m := range tenants.ContactMethods {
		p.Methods = append(p.Methods, option{Value: string(m), Label: l.method(m)})
	}
	for _, a := range attempts {
		p.Attempts = append(p.Attempts, attemptRow{On: a.AttemptedOn.String(), Method: l.method(a.Method), Reached: a.Reached})
	}
	names := memberNames{}
	for _, m := range members {
		names[m.UserID] = m.DisplayName
	}
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		row := referralEventRow{At: e.At.In(stockholm).Format("2006-01-02 15:04"), By: l.by(names, e.UserID), Note: e.Note}
		if e.From == "" {
			row.Change = l.t.Translate(l.lang, "referrals.history.received", map[string]any{"To": l.status(e.To)})
		} else {
			row.Change = l.status(e.From) + " → " + l.status(e.To)
		}
		switch {
		case e.To == tenants.ReferralDeclined && e.Reason != "":
			row.Reason = l.decline(tenants.DeclineReason(e.Reason))
		case e.To == tenants.ReferralClosed && e.Reason != "":
			row.Reason = l.closure(tenants.ClosureReason(e.Reason))
		case e.To == tenants.ReferralMatched && e.Reason != "":
			row.Reason = ml.endReason(tenants.MatchEndReason(e.Reason))
		}
		p.History = append(p.History, row)
	}
	s.auditParticipant(c, "participant.read", "referral", id, r.Code)
	if refused {
		return s.renderRefused(c, p)
	}
	return s.renderPage(c, p)
}

// referralAction runs one change of a referral of the coordinator's
// organisation from a posted form (which names the form on the page and
// the audit action): on success back to the referral page, refused with
// the form's problems and nothing changed.
func (s *server) referralAction(c *fiber.Ctx, which string, fields []string, change func(orgID, id int64, f form) error) error {
	orgID, err := referralOrganisation(c)
	if err != nil {
		return s.ownReferralSide(c)
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f := formFrom(c, fields...)
	err = change(orgID, id, f)
	if s.refuse(&f, s.regionBase(c).Lang, err) {
		var forms referralForms
		switch which {
		case "decline", "accept":
			forms.decline = &f
		case "contact_attempt":
			forms.attempt = &f
		case "close":
			forms.close = &f
		case "reopen":
			forms.reopen = &f
		case "withdraw":
			forms.withdraw = &f
		}
		return s.showReferral(c, forms, true)
	}
	if err != nil {
		return err
	}
	if which != "withdraw" {
		s.auditParticipant(c, "referral."+which, "referral", id, "")
	}
	return c.Redirect(inboxURL(c)+"/"+itoa(id), fiber.StatusSeeOther)
}

// referralAccept takes on a received referral.
func (s *server) referralAccept(c *fiber.Ctx) error {
	return s.referralAction(c, "accept", nil, func(orgID, id int64, _ form) error {
		_, err := s.cfg.Referrals.Accept(c.UserContext(), currentRegion(c).ID, orgID, principal(c).User.ID, id)
		return err
	})
}

// referralDecline turns down a received referral with a reason the unit
// sees.
func (s *server) referralDecline(c *fiber.Ctx) error {
	return s.referralAction(c, "decline", []string{"reason"}, func(orgID, id int64, f form) error {
		_, err := s.cfg.Referrals.Decline(c.UserContext(), currentRegion(c).ID, orgID, principal(c).User.ID, id, tenants.DeclineReason(f.Value("reason")))
		return err
	})
}

// referralAttempt records an attempt to reach the participant.
func (s *server) referralAttempt(c *fiber.Ctx) error {
	return s.referralAction(c, "contact_attempt", attemptFields, func(orgID, id int64, f form) error {
		a := tenants.ContactAttempt{Method: tenants.ContactMethod(f.Value("method")), Reached: f.Value("reached") != ""}
		var v tenants.ValidationError
		if f.Value("attempted_on") != "" {
			parseDates(&v, f.Values, dateField{"attempted_on", &a.AttemptedOn})
		}
		if len(v.Fields) > 0 {
			return &v
		}
		_, err := s.cfg.Referrals.RecordContactAttempt(c.UserContext(), currentRegion(c).ID, orgID, principal(c).User.ID, id, a)
		return inOrder(err, attemptFields)
	})
}

// referralClose ends a referral with a reason.
func (s *server) referralClose(c *fiber.Ctx) error {
	return s.referralAction(c, "close", []string{"reason"}, func(orgID, id int64, f form) error {
		_, err := s.cfg.Referrals.Close(c.UserContext(), currentRegion(c).ID, orgID, principal(c).User.ID, id, tenants.ClosureReason(f.Value("reason")))
		return err
	})
}

// referralReopen takes a closed referral up again with a note.
func (s *server) referralReopen(c *fiber.Ctx) error {
	return s.referralAction(c, "reopen", []string{"note"}, func(orgID, id int64, f form) error {
		_, err := s.cfg.Referrals.Reopen(c.UserContext(), currentRegion(c).ID, orgID, principal(c).User.ID, id, f.Value("note"))
		return err
	})
}

// referralWithdraw withdraws the participant's consent on their request:
// the contact data is erased and running referrals are closed.
func (s *server) referralWithdraw(c *fiber.Ctx) error {
	return s.referralAction(c, "withdraw", nil, func(orgID, id int64, _ form) error {
		w, err := s.cfg.Referrals.WithdrawConsentAtOrganisation(c.UserContext(), currentRegion(c).ID, orgID, principal(c).User.ID, id)
		if err == nil {
			s.auditWithdrawal(c, w)
		}
		return err
	})
}
