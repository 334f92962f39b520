package ui

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// organisationsPage lists the region's partner organisations.
type organisationsPage struct {
	basePage
	RegionName    string
	BaseURL       string
	Organisations []organisationRow
}

type organisationRow struct {
	ID        int64
	Name      string
	OrgNumber string
	Kind      string // translated
	Contact   []string
	Focus     string // translated target groups, joined
	Units     string // served units' names, joined
	Active    bool
}

func (organisationsPage) templateName() string { return "organisations_index" }

// organisationsIndex lists the organisations with whom to contact and
// which units each serves.
func (s *server) organisationsIndex(c *fiber.Ctx) error {
	region := currentRegion(c)
	ctx := c.UserContext()
	orgs, err := s.cfg.Organisations.Organisations(ctx, region.ID)
	if err != nil {
		return err
	}
	p := organisationsPage{basePage: s.regionBase(c), RegionName: region.Name, BaseURL: organisationsURL(region)}
	for _, o := range orgs {
		served, err := s.cfg.Organisations.ServedUnits(ctx, region.ID, o.ID)
		if err != nil {
			return err
		}
		names := make([]string, len(served))
		for i, u := range served {
			names[i] = u.Name
		}
		row := organisationRow{
			ID: o.ID, Name: o.Name, OrgNumber: o.OrgNumber, Kind: s.orgKindLabel(p.Lang, o.Kind),
			Focus: s.focusLabels(p.Lang, o.Focus), Units: strings.Join(names, ", "), Active: o.Active,
		}
		for _, part := range []string{o.ContactName, o.ContactEmail, o.ContactPhone} {
			if part != "" {
				row.Contact = append(row.Contact, part)
			}
		}
		p.Organisations = append(p.Organisations, row)
	}
	return s.renderPage(c, p)
}

// organisationsURL is the address of the region's organisation pages.
func organisationsURL(region *tenants.Tenant) string {
	return "/r/" + region.Slug + "/admin/organisations"
}

func (s *server) orgKindLabel(lang, kind string) string {
	return s.translator.Translate(lang, "org_kind."+kind, nil)
}

func (s *server) focusLabels(lang string, focus []tenants.TargetGroup) string {
	names := make([]string, len(focus))
	for i, g := range focus {
		names[i] = s.translator.Translate(lang, "target_group."+string(g), nil)
	}
	return strings.Join(names, ", ")
}
