package ui

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// providersPage lets an administrator configure the region's OpenID
// providers (SITHS through the Inera IdP, or any other).
type providersPage struct {
	basePage
	RegionName  string
	Action      string
	CallbackURL string // to register at the provider
	Form        form
	Presets     []option
	Providers   []providerRow
}

type providerRow struct {
	ID                         int64
	Name, Slug, Issuer, Preset string
	ACR                        string
	Enabled                    bool
}

func (providersPage) templateName() string { return "admin_providers" }

var providerFields = []string{"slug", "display_name", "preset", "issuer", "client_id", "client_secret", "scopes", "required_acr"}

// providersIndex lists the region's providers and the form for a new one.
func (s *server) providersIndex(c *fiber.Ctx) error {
	p, err := s.newProvidersPage(c, form{Values: map[string]string{"preset": tenants.PresetSITHS, "scopes": "openid profile"}})
	if err != nil {
		return err
	}
	return s.renderPage(c, p)
}

func (s *server) newProvidersPage(c *fiber.Ctx, f form) (providersPage, error) {
	region := currentRegion(c)
	base := s.regionBase(c)
	p := providersPage{
		basePage: base, RegionName: region.Name, Action: "/r/" + region.Slug + "/admin/providers", Form: f,
		CallbackURL: s.callbackURL(c, region.Slug),
		Presets: []option{
			{Value: tenants.PresetSITHS, Label: s.translator.Translate(base.Lang, "providers.preset.siths", nil)},
			{Value: tenants.PresetGeneric, Label: s.translator.Translate(base.Lang, "providers.preset.generic", nil)},
		},
	}
	list, err := s.cfg.Policy.SignIns.AllProviders(c.UserContext(), region.ID)
	if err != nil {
		return p, err
	}
	for _, pr := range list {
		p.Providers = append(p.Providers, providerRow{
			ID: pr.ID, Name: pr.DisplayName, Slug: pr.Slug, Issuer: pr.Issuer, Preset: pr.Preset, ACR: pr.RequiredACR, Enabled: pr.Enabled,
		})
	}
	return p, nil
}

// providerCreate adds a provider; its client secret is stored encrypted
// and never shown again.
func (s *server) providerCreate(c *fiber.Ctx) error {
	region := currentRegion(c)
	f := formFrom(c, providerFields...)
	lang := s.regionBase(c).Lang
	created, err := s.cfg.Policy.SignIns.CreateProvider(c.UserContext(), region.ID, tenants.OIDCProvider{
		Slug: f.Value("slug"), DisplayName: f.Value("display_name"), Preset: f.Value("preset"), Issuer: f.Value("issuer"),
		ClientID: f.Value("client_id"), Scopes: f.Value("scopes"), RequiredACR: f.Value("required_acr"),
	}, f.Value("client_secret"))
	if isConflict(err) {
		err = &tenants.ValidationError{Fields: []tenants.FieldError{{Field: "slug", Key: "validation.taken"}}}
	}
	f.Values["client_secret"] = "" // never echoed back into the page
	if s.refuse(&f, lang, err) {
		p, perr := s.newProvidersPage(c, f)
		if perr != nil {
			return perr
		}
		return s.renderRefused(c, p)
	}
	if err != nil {
		return err
	}
	s.auditAdmin(c, "provider.create", "provider", created.Slug)
	return c.Redirect("/r/"+url.PathEscape(region.Slug)+"/admin/providers", fiber.StatusSeeOther)
}

// providerEnable and providerDisable turn a provider on and off.
func (s *server) providerEnable(c *fiber.Ctx) error  { return s.setProviderEnabled(c, true) }
func (s *server) providerDisable(c *fiber.Ctx) error { return s.setProviderEnabled(c, false) }

func (s *server) setProviderEnabled(c *fiber.Ctx, enabled bool) error {
	region := currentRegion(c)
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.cfg.Policy.SignIns.SetProviderEnabled(c.UserContext(), region.ID, id, enabled); err != nil {
		return err
	}
	action := "provider.disable"
	if enabled {
		action = "provider.enable"
	}
	s.auditAdmin(c, action, "provider", itoa(id))
	return c.Redirect("/r/"+url.PathEscape(region.Slug)+"/admin/providers", fiber.StatusSeeOther)
}
