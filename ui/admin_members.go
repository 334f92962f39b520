package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// membersPage lists the region's members for its administrators.
type membersPage struct {
	basePage
	RegionName string
	BaseURL    string
	InviteURL  string
	Members    []memberRow
}

type memberRow struct {
	UserID   int64
	Name     string
	Email    string
	RoleKey  string
	Scope    string // unit or organisation name
	Disabled bool   // shut out of this region
	Blocked  bool   // disabled everywhere by the platform operator
	Self     bool
}

func (membersPage) templateName() string { return "admin_members" }

// regionBase is the frame of a page in the current region, in the
// reader's language or the region's default.
func (s *server) regionBase(c *fiber.Ctx) basePage {
	return s.newBasePage(c, s.languageOr(c, currentRegion(c).Settings.Effective().DefaultLanguage))
}

// scopeNames maps unit and organisation ids to names for lists and forms.
type scopeNames struct {
	units, orgs map[int64]string
	unitOptions []option
	orgOptions  []option
}

func (s *server) loadScopeNames(c *fiber.Ctx, regionID int64) (scopeNames, error) {
	n := scopeNames{units: map[int64]string{}, orgs: map[int64]string{}}
	units, err := s.cfg.Units.Units(c.UserContext(), regionID)
	if err != nil {
		return n, err
	}
	for _, u := range units {
		n.units[u.ID] = u.Name
		n.unitOptions = append(n.unitOptions, option{Value: itoa(u.ID), Label: u.Name})
	}
	orgs, err := s.cfg.Organisations.Organisations(c.UserContext(), regionID)
	if err != nil {
		return n, err
	}
	for _, o := range orgs {
		n.orgs[o.ID] = o.Name
		n.orgOptions = append(n.orgOptions, option{Value: itoa(o.ID), Label: o.Name})
	}
	return n, nil
}

func (n scopeNames) of(unitID, orgID *int64) string {
	switch {
	case unitID != nil:
		return n.units[*unitID]
	case orgID != nil:
		return n.orgs[*orgID]
	}
	return ""
}

// membersIndex lists the region's members.
func (s *server) membersIndex(c *fiber.Ctx) error {
	region := currentRegion(c)
	members, err := s.cfg.Policy.Identities.Members(c.UserContext(), region.ID)
	if err != nil {
		return err
	}
	names, err := s.loadScopeNames(c, region.ID)
	if err != nil {
		return err
	}
	p := membersPage{basePage: s.regionBase(c), RegionName: region.Name, BaseURL: "/r/" + region.Slug + "/admin/members", InviteURL: "/r/" + region.Slug + "/admin/invitations"}
	me := principal(c).User.ID
	for _, m := range members {
		p.Members = append(p.Members, memberRow{
			UserID: m.UserID, Name: m.DisplayName, Email: m.Email, RoleKey: "role." + string(m.Role),
			Scope: names.of(m.UnitID, m.OrganisationID), Disabled: m.DisabledAt != nil, Blocked: m.UserDisabledAt != nil,
			Self: m.UserID == me,
		})
	}
	return s.renderPage(c, p)
}

// memberDisable shuts a member out of the region and ends their sessions
// here; memberEnable lets them back in.
func (s *server) memberDisable(c *fiber.Ctx) error { return s.setMemberDisabled(c, true) }
func (s *server) memberEnable(c *fiber.Ctx) error  { return s.setMemberDisabled(c, false) }

func (s *server) setMemberDisabled(c *fiber.Ctx, disabled bool) error {
	region, p := currentRegion(c), principal(c)
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if disabled && id == p.User.ID {
		// An administrator who shuts themselves out cannot undo it.
		return &tenants.ValidationError{Fields: []tenants.FieldError{{Field: "member", Key: "validation.not_self"}}}
	}
	if err := s.cfg.Policy.Identities.SetMemberDisabled(c.UserContext(), region.ID, id, disabled); err != nil {
		return err
	}
	action := "member.enable"
	if disabled {
		action = "member.disable"
	}
	s.auditAdmin(c, action, "user", itoa(id))
	return c.Redirect("/r/"+region.Slug+"/admin/members", fiber.StatusSeeOther)
}

// auditAdmin records an administrator's change in the region.
func (s *server) auditAdmin(c *fiber.Ctx, action, objectType, objectID string) {
	p := principal(c)
	s.audit(c, currentRegion(c).ID, tenants.AuditEntry{
		Action: action, Outcome: tenants.OutcomeOK, UserID: &p.User.ID, UserLabel: p.User.Email, Role: string(p.Role),
		ObjectType: objectType, ObjectID: objectID,
	})
}
