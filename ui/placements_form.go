package ui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// placementFormPage places a peer at a unit, or changes a placement. The
// peer of a placement does not change: a placement of someone else is a
// new one.
type placementFormPage struct {
	basePage
	Nav       []workNavLink
	Heading   string
	Action    string
	CancelURL string
	Form      form
	// PeerName is set when editing; Peers are the choices when creating.
	PeerName  string
	Peers     []option
	Units     []option
	Employers []option
}

func (placementFormPage) templateName() string { return "placements_form" }

var placementFields = []string{"peer_id", "unit_id", "employer", "fte_percent", "starts_on", "ends_on"}

// placementNew shows an empty form.
func (s *server) placementNew(c *fiber.Ctx) error {
	orgID, err := coordinatorOrganisation(c)
	if err != nil {
		return err
	}
	f := form{Values: map[string]string{"employer": string(tenants.EmployerRegion), "fte_percent": "50", "starts_on": todayInSweden().String()}}
	p, err := s.newPlacementFormPage(c, orgID, nil, f)
	if err != nil {
		return err
	}
	return s.renderPage(c, p)
}

// newPlacementFormPage builds the form for a new placement (existing nil)
// or for changing one.
func (s *server) newPlacementFormPage(c *fiber.Ctx, orgID int64, existing *tenants.Placement, f form) (placementFormPage, error) {
	region := currentRegion(c)
	base := s.regionBase(c)
	peers, err := s.loadPeerWorkPeers(c, orgID)
	if err != nil {
		return placementFormPage{}, err
	}
	var keep int64
	if existing != nil {
		keep = existing.UnitID
	}
	units, err := s.loadPlacementUnits(c.UserContext(), region.ID, base.Lang, keep)
	if err != nil {
		return placementFormPage{}, err
	}
	list := peerWorkURL(region) + "/placements"
	p := placementFormPage{
		basePage: base, Nav: s.peerWorkNav(base.Lang, region, "placements.title"), Form: f, Units: units.options,
		Heading: s.translator.Translate(base.Lang, "placements.new", nil), Action: list, CancelURL: list,
	}
	for _, e := range tenants.Employers {
		p.Employers = append(p.Employers, option{Value: string(e), Label: s.translator.Translate(base.Lang, "placements.employer."+string(e), nil)})
	}
	if existing != nil {
		p.PeerName = peers.names[existing.PeerID]
		p.Heading = s.translator.Translate(base.Lang, "placements.edit", map[string]any{"Name": p.PeerName})
		p.Action = list + "/" + itoa(existing.ID)
		p.CancelURL = p.Action
		return p, nil
	}
	p.Peers = append(p.Peers, option{Value: "", Label: s.translator.Translate(base.Lang, "peerwork.choose", nil)})
	for _, peer := range peers.all {
		if peer.Status != tenants.PeerLeft {
			p.Peers = append(p.Peers, option{Value: itoa(peer.ID), Label: peer.DisplayName})
		}
	}
	return p, nil
}

// placementFrom reads a placement from form-like values. A missing peer,
// and ids, dates and numbers that cannot be read, are problems here; a
// peer that is not the organisation's is the store's ErrNotFound, which
// placementPeerRefused turns into a problem with the field.
func placementFrom(values map[string]string) (tenants.Placement, error) {
	p := tenants.Placement{Employer: tenants.Employer(values["employer"])}
	var v tenants.ValidationError
	for _, id := range []struct {
		field string
		into  *int64
	}{{"peer_id", &p.PeerID}, {"unit_id", &p.UnitID}} {
		n, err := formID(values[id.field], id.field)
		if err != nil {
			v.Fields = append(v.Fields, tenants.FieldError{Field: id.field, Key: "validation.choice"})
		}
		*id.into = n
	}
	if p.PeerID == 0 && values["peer_id"] == "" {
		// Without a peer the store cannot look at the rest.
		v.Fields = append(v.Fields, tenants.FieldError{Field: "peer_id", Key: "validation.required"})
	}
	if raw := strings.TrimSpace(values["fte_percent"]); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			v.Fields = append(v.Fields, tenants.FieldError{Field: "fte_percent", Key: "validation.whole_number"})
		}
		p.FTEPercent = n
	}
	parseDates(&v, values, dateField{"starts_on", &p.StartsOn}, dateField{"ends_on", &p.EndsOn})
	if len(v.Fields) > 0 {
		return p, &v
	}
	return p, nil
}

// placementPeerRefused turns the store's "no such peer in the
// organisation" on creation into the problem a person can act on.
func placementPeerRefused(err error) error {
	if !isNotFound(err) {
		return err
	}
	return &tenants.ValidationError{Fields: []tenants.FieldError{{Field: "peer_id", Key: "validation.scope_peer"}}}
}

// placementCreate saves the placement and shows it with its warnings;
// nothing is saved when any field is wrong.
func (s *server) placementCreate(c *fiber.Ctx) error {
	orgID, err := coordinatorOrganisation(c)
	if err != nil {
		return err
	}
	region := currentRegion(c)
	f := formFrom(c, placementFields...)
	in, err := placementFrom(f.Values)
	var pl tenants.Placement
	if err == nil {
		pl, _, err = s.cfg.Placements.Create(c.UserContext(), region.ID, orgID, in)
		err = placementPeerRefused(err)
	}
	if s.refuse(&f, s.regionBase(c).Lang, err) {
		p, perr := s.newPlacementFormPage(c, orgID, nil, f)
		if perr != nil {
			return perr
		}
		return s.renderRefused(c, p)
	}
	if err != nil {
		return err
	}
	s.auditAdmin(c, "placement.create", "placement", itoa(pl.ID))
	return c.Redirect(peerWorkURL(region)+"/placements/"+itoa(pl.ID)+"?saved=1", fiber.StatusSeeOther)
}

// placementEdit shows the form filled with the placement.
func (s *server) placementEdit(c *fiber.Ctx) error {
	orgID, id, err := coordinatorPathID(c)
	if err != nil {
		return err
	}
	pl, err := s.cfg.Placements.Placement(c.UserContext(), currentRegion(c).ID, orgID, id)
	if err != nil {
		return err
	}
	f := form{Values: map[string]string{
		"unit_id": itoa(pl.UnitID), "employer": string(pl.Employer), "fte_percent": strconv.Itoa(pl.FTEPercent),
		"starts_on": pl.StartsOn.String(), "ends_on": pl.EndsOn.String(),
	}}
	p, err := s.newPlacementFormPage(c, orgID, &pl, f)
	if err != nil {
		return err
	}
	return s.renderPage(c, p)
}

// placementUpdate saves the changed placement and shows it with its
// warnings; nothing changes when any field is wrong.
func (s *server) placementUpdate(c *fiber.Ctx) error {
	orgID, id, err := coordinatorPathID(c)
	if err != nil {
		return err
	}
	region := currentRegion(c)
	current, err := s.cfg.Placements.Placement(c.UserContext(), region.ID, orgID, id)
	if err != nil {
		return err
	}
	f := formFrom(c, placementFields...)
	f.Values["peer_id"] = itoa(current.PeerID)
	pl, err := placementFrom(f.Values)
	if err == nil {
		pl.ID = id
		_, _, err = s.cfg.Placements.Update(c.UserContext(), region.ID, orgID, pl)
	}
	if s.refuse(&f, s.regionBase(c).Lang, err) {
		p, perr := s.newPlacementFormPage(c, orgID, &current, f)
		if perr != nil {
			return perr
		}
		return s.renderRefused(c, p)
	}
	if err != nil {
		return err
	}
	s.auditAdmin(c, "placement.update", "placement", itoa(id))
	return c.Redirect(peerWorkURL(region)+"/placements/"+itoa(id)+"?saved=1", fiber.StatusSeeOther)
}
