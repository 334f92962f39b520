package ui

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// invitationsPage lets an administrator invite people and see, or revoke,
// the invitations sent.
type invitationsPage struct {
	basePage
	RegionName  string
	Action      string
	Form        form
	Roles       []option
	Units       []option
	Orgs        []option
	Invitations []invitationRow
	// Sent, after an invitation was made, names the invitee and gives the
	// link once, for when e-mail is slow to arrive.
	Sent     string
	SentLink string
}

type invitationRow struct {
	ID        int64
	Email     string
	Name      string
	RoleKey   string
	Scope     string
	StatusKey string
	Expires   string
	Open      bool
}

func (invitationsPage) templateName() string { return "admin_invitations" }

var invitationFields = []string{"email", "display_name", "role", "unit_id", "organisation_id"}

// invitationsIndex shows the invitation form and the region's invitations.
func (s *server) invitationsIndex(c *fiber.Ctx) error {
	p, err := s.newInvitationsPage(c, form{Values: map[string]string{}})
	if err != nil {
		return err
	}
	return s.renderPage(c, p)
}

func (s *server) newInvitationsPage(c *fiber.Ctx, f form) (invitationsPage, error) {
	region := currentRegion(c)
	base := s.regionBase(c)
	p := invitationsPage{basePage: base, RegionName: region.Name, Action: "/r/" + region.Slug + "/admin/invitations", Form: f}
	names, err := s.loadScopeNames(c, region.ID)
	if err != nil {
		return p, err
	}
	p.Units = append([]option{{Value: "", Label: s.translator.Translate(base.Lang, "form.none", nil)}}, names.unitOptions...)
	p.Orgs = append([]option{{Value: "", Label: s.translator.Translate(base.Lang, "form.none", nil)}}, names.orgOptions...)
	for _, r := range tenants.MembershipRoles {
		p.Roles = append(p.Roles, option{Value: string(r), Label: s.translator.Translate(base.Lang, "role."+string(r), nil)})
	}
	list, err := s.cfg.Policy.Identities.Invitations(c.UserContext(), region.ID)
	if err != nil {
		return p, err
	}
	now := time.Now()
	for _, inv := range list {
		row := invitationRow{
			ID: inv.ID, Email: inv.Email, Name: inv.DisplayName, RoleKey: "role." + string(inv.Role),
			Scope: names.of(inv.UnitID, inv.OrganisationID), Expires: inv.ExpiresAt.In(stockholm).Format("2006-01-02 15:04"),
			Open: inv.Open(now),
		}
		switch {
		case inv.AcceptedAt != nil:
			row.StatusKey = "invitations.status.accepted"
		case inv.RevokedAt != nil:
			row.StatusKey = "invitations.status.revoked"
		case !row.Open:
			row.StatusKey = "invitations.status.expired"
		default:
			row.StatusKey = "invitations.status.open"
		}
		p.Invitations = append(p.Invitations, row)
	}
	return p, nil
}

// invitationCreate records an invitation and e-mails its link, in one
// transaction: no invitation without its e-mail queued, and no e-mail for
// an invitation that was not stored.
func (s *server) invitationCreate(c *fiber.Ctx) error {
	region, me := currentRegion(c), principal(c)
	f := formFrom(c, invitationFields...)
	lang := s.regionBase(c).Lang
	inv := tenants.Invitation{
		Email: f.Value("email"), DisplayName: f.Value("display_name"), Role: tenants.Role(f.Value("role")), InvitedBy: &me.User.ID,
	}
	unitID, err1 := formID(f.Value("unit_id"), "unit_id")
	orgID, err2 := formID(f.Value("organisation_id"), "organisation_id")
	if unitID != 0 {
		inv.UnitID = &unitID
	}
	if orgID != 0 {
		inv.OrganisationID = &orgID
	}
	var link string
	created, _, err := s.cfg.Policy.Identities.Invite(c.UserContext(), region.ID, inv, func(tx *tenants.Tx, inv tenants.Invitation, token string) error {
		link = s.publicBase(c) + "/r/" + url.PathEscape(region.Slug) + "/invitations/" + url.PathEscape(token)
		args := map[string]any{"Name": inv.DisplayName, "Region": region.Name, "Link": link, "Inviter": me.User.DisplayName,
			"Role": s.translator.Translate(lang, "role."+string(inv.Role), nil), "Days": int(tenants.InvitationTTL.Hours() / 24)}
		return s.cfg.Mail.EnqueueEmail(c.UserContext(), tx, s.cfg.Policy.Outbox, tenants.EmailMessage{
			ToAddress: inv.Email, Language: lang,
			Subject:  s.translator.Translate(lang, "mail.invitation.subject", args),
			BodyText: s.translator.Translate(lang, "mail.invitation.text", args),
		})
	})
	for _, e := range []error{err1, err2} {
		if e != nil && err == nil {
			err = e
		}
	}
	if s.refuse(&f, lang, err) {
		p, perr := s.newInvitationsPage(c, f)
		if perr != nil {
			return perr
		}
		return s.renderRefused(c, p)
	}
	if err != nil {
		return err
	}
	s.auditAdmin(c, "invitation.create", "invitation", itoa(created.ID))
	p, err := s.newInvitationsPage(c, form{Values: map[string]string{}})
	if err != nil {
		return err
	}
	p.Sent, p.SentLink = created.Email, link
	noStore(c)
	return s.renderPage(c, p)
}

// invitationRevoke makes an open invitation unusable.
func (s *server) invitationRevoke(c *fiber.Ctx) error {
	region := currentRegion(c)
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Policy.Identities.RevokeInvitation(c.UserContext(), region.ID, id); err != nil {
		if isExpired(err) {
			return fiber.NewError(fiber.StatusConflict, "invitation no longer open")
		}
		return err
	}
	s.auditAdmin(c, "invitation.revoke", "invitation", itoa(id))
	return c.Redirect("/r/"+region.Slug+"/admin/invitations", fiber.StatusSeeOther)
}
