package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/policy"

	"github.com/kamrat/kamrat/tenants"
)

// startPage is a member's start page in a region: what their role does
// there, with links to the pages it may open.
type startPage struct {
	basePage
	RegionName string
	RoleKey    string // catalogue key of the role's name
	Role       string
	Links      []link
}

// startShow renders the signed-in member's start page.
func (s *server) startShow(c *fiber.Ctx) error {
	region, p := currentRegion(c), principal(c)
	page := startPage{
		basePage:   s.newBasePage(c, s.languageOr(c, region.Settings.Effective().DefaultLanguage)),
		RegionName: region.Name, RoleKey: "role." + string(p.Role), Role: string(p.Role),
	}
	base := "/r/" + region.Slug
	for _, l := range startLinks {
		if s.cfg.Policy.Authorizer.Allowed(p.Role, region.Slug, l.resource, l.action) {
			page.Links = append(page.Links, link{Label: s.translator.Translate(page.Lang, l.key, nil), URL: base + l.path})
		}
	}
	if p.User.NationalViewer {
		page.Links = append(page.Links, link{Label: s.translator.Translate(page.Lang, "national.start_link", nil), URL: "/national"})
	}
	if p.Role == tenants.RoleRegionAdmin {
		page.Links = append(page.Links, link{Label: s.translator.Translate(page.Lang, "start.link.api_me", nil), URL: "/api/v1/regions/" + region.Slug + "/me"})
	}
	return s.renderPage(c, page)
}

// startLinks are the pages a start page may link to, each shown to the
// roles the matrix lets open it.
var startLinks = []struct {
	resource policy.Resource
	action   policy.Action
	key      string
	path     string
}{
	{"notification", "read", "start.link.notifications", "/notifications"},
	{"referral", "create", "start.link.clinic_referrals", "/clinic/referrals"},
	{"referral", "update", "start.link.referral_inbox", "/org/referrals"},
	{"peer", "read", "start.link.overview", "/org/overview"},
	{"peer", "read", "start.link.peers", "/org/peers"},
	{"own_profile", "read", "start.link.profile", "/me/profile"},
	{"meeting", "create", "start.link.my_matches", "/my/matches"},
	{"offer", "create", "start.link.offers", "/clinic/offers"},
	{"unit", "read", "start.link.units", "/admin/units"},
	{"organisation", "read", "start.link.organisations", "/admin/organisations"},
	{"agreement", "read", "start.link.agreements", "/admin/agreements"},
	{"dashboard", "read", "start.link.dashboard", "/dashboard"},
	{"report", "read", "start.link.reports", "/admin/reports"},
	{"region", "update", "start.link.settings", "/admin/settings"},
	{"member", "read", "start.link.members", "/admin/members"},
	{"invitation", "read", "start.link.invitations", "/admin/invitations"},
	{"provider", "read", "start.link.providers", "/admin/providers"},
	{"api_token", "read", "start.link.tokens", "/admin/tokens"},
	{"audit", "read", "start.link.audit", "/admin/audit"},
}
