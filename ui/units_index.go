package ui

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// unitsPage lists the region's clinics and units with how ready each is
// for peer supporters.
type unitsPage struct {
	basePage
	RegionName string
	BaseURL    string // the list; a unit is BaseURL/{id}
	Units      []unitRow
}

type unitRow struct {
	ID           int64
	Name         string
	HSAID        string
	Kind         string // translated
	Municipality string
	Active       bool
	Ready        bool
	// Missing names the readiness steps not yet done, translated and
	// joined.
	Missing string
}

func (unitsPage) templateName() string { return "units_index" }

// unitsIndex lists the region's units.
func (s *server) unitsIndex(c *fiber.Ctx) error {
	region := currentRegion(c)
	ctx := c.UserContext()
	units, err := s.cfg.Units.Units(ctx, region.ID)
	if err != nil {
		return err
	}
	readiness, err := s.cfg.Units.ReadinessByUnit(ctx, region.ID)
	if err != nil {
		return err
	}
	p := unitsPage{basePage: s.regionBase(c), RegionName: region.Name, BaseURL: unitsURL(region)}
	for _, u := range units {
		r := readiness[u.ID]
		p.Units = append(p.Units, unitRow{
			ID: u.ID, Name: u.Name, HSAID: u.HSAID, Kind: s.unitKindLabel(p.Lang, u.Kind), Municipality: u.Municipality,
			Active: u.Active, Ready: r.Ready(), Missing: s.missingSteps(p.Lang, r),
		})
	}
	return s.renderPage(c, p)
}

// unitsURL is the address of the region's unit pages.
func unitsURL(region *tenants.Tenant) string { return "/r/" + region.Slug + "/admin/units" }

func (s *server) unitKindLabel(lang string, k tenants.UnitKind) string {
	return s.translator.Translate(lang, "unit_kind."+string(k), nil)
}

// unitKindOptions are the kinds for a select list, in the store's order.
func (s *server) unitKindOptions(lang string) []option {
	opts := []option{{Value: "", Label: s.translator.Translate(lang, "units.choose", nil)}}
	for _, k := range tenants.UnitKinds {
		opts = append(opts, option{Value: string(k), Label: s.unitKindLabel(lang, k)})
	}
	return opts
}

// missingSteps names the readiness steps not yet done, or "" when the
// unit is ready.
func (s *server) missingSteps(lang string, r tenants.Readiness) string {
	steps := r.Missing()
	names := make([]string, len(steps))
	for i, step := range steps {
		names[i] = s.translator.Translate(lang, "readiness.step."+step, nil)
	}
	return strings.Join(names, ", ")
}
