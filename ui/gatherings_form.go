package ui

import (
	"errors"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// gatheringFormPage records a continuing-education day or a reunion.
// Attendance is recorded on the gathering's page once it has been held.
type gatheringFormPage struct {
	basePage
	Nav       []workNavLink
	Action    string
	CancelURL string
	Form      form
	Kinds     []option
}

func (gatheringFormPage) templateName() string { return "gatherings_form" }

// The title's form field is gathering_title: field.title is labelled for
// agreements ("Avtalets namn").
var gatheringFields = []string{"kind", "gathering_title", "held_on"}

// gatheringNew shows an empty form.
func (s *server) gatheringNew(c *fiber.Ctx) error {
	return s.renderPage(c, s.newGatheringFormPage(c, form{Values: map[string]string{"kind": string(tenants.GatheringReunion)}}))
}

func (s *server) newGatheringFormPage(c *fiber.Ctx, f form) gatheringFormPage {
	region := currentRegion(c)
	base := s.regionBase(c)
	list := peerWorkURL(region) + "/gatherings"
	p := gatheringFormPage{basePage: base, Nav: s.peerWorkNav(base.Lang, region, "gatherings.title"), Action: list, CancelURL: list, Form: f}
	for _, k := range tenants.GatheringKinds {
		p.Kinds = append(p.Kinds, option{Value: string(k), Label: s.translator.Translate(base.Lang, "gatherings.kind."+string(k), nil)})
	}
	return p
}

// gatheringCreate records the gathering and goes to its page, where the
// attendance is ticked.
func (s *server) gatheringCreate(c *fiber.Ctx) error {
	orgID, err := coordinatorOrganisation(c)
	if err != nil {
		return err
	}
	region := currentRegion(c)
	f := formFrom(c, gatheringFields...)
	g := tenants.Gathering{Kind: tenants.GatheringKind(f.Value("kind")), Title: f.Value("gathering_title")}
	var v tenants.ValidationError
	parseDates(&v, f.Values, dateField{"held_on", &g.HeldOn})
	if len(v.Fields) > 0 {
		err = &v
	} else {
		g, err = s.cfg.Gatherings.Create(c.UserContext(), region.ID, orgID, g)
	}
	if s.refuse(&f, s.regionBase(c).Lang, renameField(err, "title", "gathering_title")) {
		return s.renderRefused(c, s.newGatheringFormPage(c, f))
	}
	if err != nil {
		return err
	}
	s.auditAdmin(c, "gathering.create", "gathering", itoa(g.ID))
	return c.Redirect(peerWorkURL(region)+"/gatherings/"+itoa(g.ID), fiber.StatusSeeOther)
}

// renameField gives a validation problem with field from the name to,
// where a form calls the field differently from the store.
func renameField(err error, from, to string) error {
	var ve *tenants.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	out := &tenants.ValidationError{Fields: slices.Clone(ve.Fields)}
	for i := range out.Fields {
		if out.Fields[i].Field == from {
			out.Fields[i].Field = to
		}
	}
	return out
}
