package ui

import (
	"github.com/gofiber/fiber/v2"
)

// agreementNew shows the form for a new agreement.
func (s *server) agreementNew(c *fiber.Ctx) error {
	af := agreementForm{form: form{Values: map[string]string{"reporting_cadence": "quarterly"}}}
	return s.renderAgreementNew(c, af, "", false)
}

// agreementCreate stores a new agreement as a draft and shows it; a
// refused one comes back with its problems and nothing is stored. The
// form's "add a row" buttons post here too: the form comes back with one
// more row, unsaved.
func (s *server) agreementCreate(c *fiber.Ctx) error {
	af := readAgreementForm(c)
	if add := c.FormValue("add"); add != "" {
		return s.renderAgreementNew(c, af, add, false)
	}
	a, problems := af.agreement()
	err := agreementProblems(a, problems)
	if err == nil {
		a, err = s.cfg.Agreements.Create(c.UserContext(), currentRegion(c).ID, principal(c).User.ID, a)
	}
	if s.refuse(&af.form, s.regionBase(c).Lang, inFormOrder(err)) {
		return s.renderAgreementNew(c, af, "", true)
	}
	if err != nil {
		return err
	}
	s.auditAdmin(c, "agreement.create", "agreement", itoa(a.ID))
	return c.Redirect(agreementsURL(c)+"/"+itoa(a.ID), fiber.StatusSeeOther)
}

func (s *server) renderAgreementNew(c *fiber.Ctx, af agreementForm, add string, refused bool) error {
	base := agreementsURL(c)
	p, err := s.newAgreementFormPage(c, af, s.translator.Translate(s.regionBase(c).Lang, "agreements.new", nil), base, base, add)
	if err != nil {
		return err
	}
	if refused {
		return s.renderRefused(c, p)
	}
	return s.renderPage(c, p)
}

// agreementsURL is the agreement list of the current region.
func agreementsURL(c *fiber.Ctx) string {
	return "/r/" + currentRegion(c).Slug + "/admin/agreements"
}
