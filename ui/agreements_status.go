package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// agreementStatus moves an agreement one step along its lifecycle; any
// other move is refused on the agreement page.
func (s *server) agreementStatus(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	to := tenants.AgreementStatus(c.FormValue("status"))
	_, err = s.cfg.Agreements.SetStatus(c.UserContext(), currentRegion(c).ID, principal(c).User.ID, id, to)
	if refused, rerr := s.refuseOnAgreementPage(c, id, err); refused {
		return rerr
	}
	if err != nil {
		return err
	}
	s.auditAdmin(c, "agreement.status", "agreement", itoa(id))
	return c.Redirect(agreementsURL(c)+"/"+itoa(id), fiber.StatusSeeOther)
}

// agreementDelete deletes a draft; an agreement past the draft stage is
// ended instead, and the page says so.
func (s *server) agreementDelete(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	err = s.cfg.Agreements.DeleteDraft(c.UserContext(), currentRegion(c).ID, id)
	if refused, rerr := s.refuseOnAgreementPage(c, id, err); refused {
		return rerr
	}
	if err != nil {
		return err
	}
	s.auditAdmin(c, "agreement.delete", "agreement", itoa(id))
	return c.Redirect(agreementsURL(c), fiber.StatusSeeOther)
}
