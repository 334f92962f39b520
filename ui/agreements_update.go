package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// agreementEdit shows the form for changing an agreement. An ended
// agreement can no longer change: the form says so at once.
func (s *server) agreementEdit(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a, err := s.cfg.Agreements.Agreement(c.UserContext(), currentRegion(c).ID, id)
	if err != nil {
		return err
	}
	af := agreementFormOf(a)
	if a.Status == tenants.AgreementEnded {
		ended := &tenants.ValidationError{Fields: []tenants.FieldError{{Field: "status", Key: "validation.agreement_ended"}}}
		s.refuse(&af.form, s.regionBase(c).Lang, ended)
	}
	return s.renderAgreementEdit(c, a, af, "", false)
}

// agreementUpdate saves a changed agreement, or shows the form again with
// its problems and nothing saved; "add a row" shows it with one more row.
func (s *server) agreementUpdate(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	region := currentRegion(c)
	stored, err := s.cfg.Agreements.Agreement(c.UserContext(), region.ID, id)
	if err != nil {
		return err
	}
	af := readAgreementForm(c)
	if add := c.FormValue("add"); add != "" {
		return s.renderAgreementEdit(c, stored, af, add, false)
	}
	a, problems := af.agreement()
	a.ID = id
	err = agreementProblems(a, problems)
	if err == nil {
		_, err = s.cfg.Agreements.Update(c.UserContext(), region.ID, principal(c).User.ID, a)
	}
	if s.refuse(&af.form, s.regionBase(c).Lang, inFormOrder(err)) {
		return s.renderAgreementEdit(c, stored, af, "", true)
	}
	if err != nil {
		return err
	}
	s.auditAdmin(c, "agreement.update", "agreement", itoa(id))
	return c.Redirect(agreementsURL(c)+"/"+itoa(id), fiber.StatusSeeOther)
}

func (s *server) renderAgreementEdit(c *fiber.Ctx, a tenants.Agreement, af agreementForm, add string, refused bool) error {
	url := agreementsURL(c) + "/" + itoa(a.ID)
	heading := s.translator.Translate(s.regionBase(c).Lang, "agreements.edit", map[string]any{"Title": a.Title})
	p, err := s.newAgreementFormPage(c, af, heading, url, url, add)
	if err != nil {
		return err
	}
	if refused {
		return s.renderRefused(c, p)
	}
	return s.renderPage(c, p)
}
