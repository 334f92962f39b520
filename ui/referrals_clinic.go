package ui

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// clinicReferralsPage is the unit's side of the pathway: the form that
// registers a consenting participant and refers them, and the unit's
// referrals with status only — never contact data, meetings or scores.
type clinicReferralsPage struct {
	basePage
	Action       string
	Form         form
	TargetGroups []option
	Methods      []option
	Languages    []option
	Genders      []option
	AgeBands     []option
	PrefLangs    checkGroup
	PrefAreas    checkGroup
	Orgs         []option
	Referrals    []clinicReferralRow
	// Withdrawal is the consent withdrawal form, with its problem after a
	// refusal.
	Withdrawal formSection
	// Registered is the code of the participant just referred.
	Registered string
}

func (clinicReferralsPage) templateName() string { return "referrals_clinic" }

type clinicReferralRow struct {
	Code, Organisation, Status, StatusLabel, ReferredOn, ChangedOn string
	WithdrawURL                                                    string
}

// participantScalars are the registration form's single-valued fields,
// named as the store names their problems.
var participantScalars = []string{
	"target_group", "consent_share_contact", "alias", "contact_method", "contact_details", "language",
	"pref_gender", "pref_age_band", "consent_follow_up", "consent_research", "consent_expires_on", "organisation_id",
}

var participantFieldOrder = []string{
	"target_group", "consent_share_contact", "contact", "alias", "contact_method", "contact_details", "language",
	"pref_gender", "pref_age_band", "pref_languages", "pref_experience", "consent_follow_up", "consent_research",
	"consent_expires_on", "organisation_id", "participant_id",
}

// participantForm is the registration form as submitted.
type participantForm struct {
	form
	languages, experience []string
}

func readParticipantForm(c *fiber.Ctx) participantForm {
	pf := participantForm{form: formFrom(c, participantScalars...)}
	args := c.Request().PostArgs()
	for _, v := range args.PeekMulti("pref_languages") {
		pf.languages = append(pf.languages, string(v))
	}
	for _, v := range args.PeekMulti("pref_experience") {
		pf.experience = append(pf.experience, string(v))
	}
	return pf
}

// referral reads the form into a new participant and the chosen
// organisation; unreadable dates and ids are problems here, the rest the
// store checks.
func (pf participantForm) referral() (tenants.NewParticipant, int64, error) {
	var v tenants.ValidationError
	n := tenants.NewParticipant{
		TargetGroup: tenants.TargetGroup(pf.Value("target_group")),
		Language:    pf.Value("language"),
		Consent: tenants.ConsentScopes{
			ShareContact: pf.Value("consent_share_contact") != "", FollowUp: pf.Value("consent_follow_up") != "",
			Research: pf.Value("consent_research") != "",
		},
		Contact: tenants.ParticipantContact{
			Alias: pf.Value("alias"), Method: tenants.ContactMethod(pf.Value("contact_method")), Details: pf.Value("contact_details"),
		},
		Preferences: tenants.MatchPreferences{
			Gender: tenants.Gender(pf.Value("pref_gender")), AgeBand: tenants.AgeBand(pf.Value("pref_age_band")),
			Languages: slices.Clone(pf.languages),
		},
	}
	if !n.Consent.ShareContact && n.Contact.Method != "" && n.Contact.Alias == "" && n.Contact.Details == "" {
		// The select always sends a method; alone it is no contact data.
		n.Contact.Method = ""
	}
	for _, a := range pf.experience {
		n.Preferences.Experience = append(n.Preferences.Experience, tenants.ExperienceArea(a))
	}
	if d := pf.Value("consent_expires_on"); d != "" {
		parseDates(&v, pf.Values, dateField{"consent_expires_on", &n.Consent.ExpiresOn})
	}
	orgID, err := formID(pf.Value("organisation_id"), "organisation_id")
	switch {
	case err != nil:
		v.Fields = append(v.Fields, tenants.FieldError{Field: "organisation_id", Key: "validation.choice"})
	case orgID == 0:
		v.Fields = append(v.Fields, tenants.FieldError{Field: "organisation_id", Key: "validation.required"})
	}
	if len(v.Fields) > 0 {
		return n, orgID, &v
	}
	return n, orgID, nil
}

// servingOrganisations are the region's active organisations that serve
// the unit, by name: those it may refer to (the store also checks the
// participant's target group).
func (s *server) servingOrganisations(c *fiber.Ctx, unitID int64) ([]tenants.Organisation, error) {
	ctx, region := c.UserContext(), currentRegion(c)
	all, err := s.cfg.Organisations.Organisations(ctx, region.ID)
	if err != nil {
		return nil, err
	}
	var out []tenants.Organisation
	for _, o := range all {
		if !o.Active {
			continue
		}
		units, err := s.cfg.Organisations.ServedUnits(ctx, region.ID, o.ID)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(units, func(u tenants.Unit) bool { return u.ID == unitID }) {
			out = append(out, o)
		}
	}
	return out, nil
}

// clinicReferralsIndex shows the unit's referral form and referrals.
func (s *server) clinicReferralsIndex(c *fiber.Ctx) error {
	unitID, err := clinicUnit(c)
	if err != nil {
		return s.ownReferralSide(c)
	}
	pf := participantForm{form: form{Values: map[string]string{
		"consent_share_contact": "1", "consent_follow_up": "1", "language": "sv", "contact_method": string(tenants.ContactPhone),
		"consent_expires_on": todayInSweden().AddMonths(12).String(),
	}}}
	p, err := s.newClinicReferralsPage(c, unitID, pf, nil)
	if err != nil {
		return err
	}
	p.Registered = c.Query("registered")
	return s.renderPage(c, p)
}

// clinicReferralCreate registers the consenting participant and refers
// them; a refused form comes back with its problems and nothing stored.
func (s *server) clinicReferralCreate(c *fiber.Ctx) error {
	unitID, err := clinicUnit(c)
	if err != nil {
		return s.ownReferralSide(c)
	}
	pf := readParticipantForm(c)
	n, orgID, err := pf.referral()
	var ref tenants.ClinicReferral
	if err == nil {
		ref, err = s.registerAndRefer(c, unitID, n, orgID)
	}
	if s.refuse(&pf.form, s.regionBase(c).Lang, inOrder(err, participantFieldOrder)) {
		p, perr := s.newClinicReferralsPage(c, unitID, pf, nil)
		if perr != nil {
			return perr
		}
		return s.renderRefused(c, p)
	}
	if err != nil {
		return err
	}
	return c.Redirect(clinicReferralsURL(c)+"?registered="+ref.Code, fiber.StatusSeeOther)
}

// registerAndRefer records the participant and the referral in one
// transaction (a refusal stores nothing) and audits both.
func (s *server) registerAndRefer(c *fiber.Ctx, unitID int64, n tenants.NewParticipant, orgID int64) (tenants.ClinicReferral, error) {
	p, ref, err := s.cfg.Referrals.RegisterAndRefer(c.UserContext(), currentRegion(c).ID, unitID, principal(c).User.ID, n, orgID)
	if err != nil {
		return tenants.ClinicReferral{}, err
	}
	s.auditParticipant(c, "participant.create", "participant", p.ID, p.Code)
	s.auditParticipant(c, "referral.create", "referral", ref.ID, ref.Code)
	return ref, nil
}

// clinicConsentWithdraw withdraws, on the person's request, the consent of
// a participant of the unit: the contact data is erased and running
// referrals are closed.
func (s *server) clinicConsentWithdraw(c *fiber.Ctx) error {
	unitID, err := clinicUnit(c)
	if err != nil {
		return s.ownReferralSide(c)
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	w, err := s.cfg.Referrals.WithdrawConsentAtUnit(c.UserContext(), currentRegion(c).ID, unitID, principal(c).User.ID, id)
	withdrawal := form{Values: map[string]string{}}
	if s.refuse(&withdrawal, s.regionBase(c).Lang, err) {
		p, perr := s.newClinicReferralsPage(c, unitID, participantForm{form: form{Values: map[string]string{}}}, &withdrawal)
		if perr != nil {
			return perr
		}
		return s.renderRefused(c, p)
	}
	if err != nil {
		return err
	}
	s.auditWithdrawal(c, w)
	return c.Redirect(clinicReferralsURL(c), fiber.StatusSeeOther)
}

func (s *server) newClinicReferralsPage(c *fiber.Ctx, unitID int64, pf participantForm, withdrawal *form) (clinicReferralsPage, error) {
	ctx, region := c.UserContext(), currentRegion(c)
	base := s.regionBase(c)
	l := s.referralLabels(base.Lang)
	orgs, err := s.servingOrganisations(c, unitID)
	if err != nil {
		return clinicReferralsPage{}, err
	}
	refs, err := s.cfg.Referrals.UnitReferrals(ctx, region.ID, unitID)
	if err != nil {
		return clinicReferralsPage{}, err
	}
	s.auditParticipantList(c, "unit_referrals", codesOf(refs, func(r tenants.ClinicReferral) string { return r.Code }))
	list := clinicReferralsURL(c)
	p := clinicReferralsPage{basePage: base, Action: list, Form: pf.form, Withdrawal: formSection{basePage: base, Form: orEmpty(withdrawal)}}
	for _, g := range tenants.TargetGroups {
		p.TargetGroups = append(p.TargetGroups, option{Value: string(g), Label: l.targetGroup(g)})
	}
	for _, m := range tenants.ContactMethods {
		p.Methods = append(p.Methods, option{Value: string(m), Label: l.method(m)})
	}
	var langs, areas []option
	for _, code := range tenants.PeerLanguages {
		langs = append(langs, option{Value: code, Label: l.language(code)})
	}
	for _, a := range tenants.ExperienceAreas {
		areas = append(areas, option{Value: string(a), Label: l.experience(a)})
	}
	p.Languages = langs
	group := func(name string, opts []option, checked []string) checkGroup {
		g := checkGroup{Name: name, Legend: l.tr("field." + name), Hint: l.tr("referrals.hint." + name), Error: pf.Error(name)}
		for _, o := range opts {
			g.Options = append(g.Options, checkOption{Value: o.Value, Label: o.Label, Checked: slices.Contains(checked, o.Value)})
		}
		return g
	}
	p.PrefLangs, p.PrefAreas = group("pref_languages", langs, pf.languages), group("pref_experience", areas, pf.experience)
	p.Genders = []option{{Value: "", Label: l.tr("referrals.no_wish")}}
	for _, g := range tenants.Genders {
		if g != tenants.GenderUnspecified {
			p.Genders = append(p.Genders, option{Value: string(g), Label: l.gender(g)})
		}
	}
	p.AgeBands = []option{{Value: "", Label: l.tr("referrals.no_wish")}}
	for _, b := range tenants.AgeBands {
		p.AgeBands = append(p.AgeBands, option{Value: string(b), Label: l.ageBand(b)})
	}
	p.Orgs = []option{{Value: "", Label: l.tr("referrals.choose_organisation")}}
	for _, o := range orgs {
		var focus []string
		for _, g := range o.Focus {
			focus = append(focus, l.targetGroup(g))
		}
		label := o.Name
		if len(focus) > 0 {
			label += " (" + strings.Join(focus, ", ") + ")"
		}
		p.Orgs = append(p.Orgs, option{Value: itoa(o.ID), Label: label})
	}
	for _, r := range refs {
		p.Referrals = append(p.Referrals, clinicReferralRow{
			Code: r.Code, Organisation: r.OrganisationName, Status: string(r.Status),
			StatusLabel: l.statusLine(r.Status, r.DeclineReason, ""),
			ReferredOn:  r.ReferredOn.String(), ChangedOn: r.StatusChangedOn.String(),
			WithdrawURL: "/r/" + region.Slug + "/clinic/participants/" + itoa(r.ParticipantID) + "/withdrawal",
		})
	}
	return p, nil
}
