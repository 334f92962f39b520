package ui

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// peerFormPage is the form for registering a peer or changing one. Status
// is chosen only when registering; later it moves on the peer's page.
type peerFormPage struct {
	basePage
	Heading    string
	Action     string
	CancelURL  string
	Form       form
	Languages  checkGroup
	Experience checkGroup
	Genders    []option
	AgeBands   []option
	// Statuses are the statuses a peer can be registered with; nil when
	// changing a peer.
	Statuses    []option
	MaxCapacity int
}

func (peerFormPage) templateName() string { return "peers_form" }

// peerScalars are the form's single-valued fields.
var peerScalars = []string{"display_name", "phone", "email", "gender", "age_band", "capacity", "status"}

// peerFieldOrder is the order of the form's fields, for its problems.
var peerFieldOrder = []string{"display_name", "phone", "email", "languages", "experience", "gender", "age_band", "capacity", "status"}

// peerForm is the peer form as submitted, with the ticked checkboxes.
type peerForm struct {
	form
	languages, experience []string
}

// readPeerForm reads the posted peer form.
func readPeerForm(c *fiber.Ctx) peerForm {
	pf := peerForm{form: formFrom(c, peerScalars...)}
	args := c.Request().PostArgs()
	for _, v := range args.PeekMulti("languages") {
		pf.languages = append(pf.languages, string(v))
	}
	for _, v := range args.PeekMulti("experience") {
		pf.experience = append(pf.experience, string(v))
	}
	return pf
}

// peerFormOf fills the form from a stored peer.
func peerFormOf(p tenants.Peer) peerForm {
	pf := peerForm{form: form{Values: map[string]string{
		"display_name": p.DisplayName, "phone": p.Phone, "email": p.Email, "gender": string(p.Gender),
		"age_band": string(p.AgeBand), "capacity": strconv.Itoa(p.Capacity), "status": string(p.Status),
	}}, languages: slices.Clone(p.Languages)}
	for _, a := range p.Experience {
		pf.experience = append(pf.experience, string(a))
	}
	return pf
}

// peer reads the form into a peer; a capacity that is no whole number is
// a reading problem, reported with everything Validate finds.
func (pf peerForm) peer() (tenants.Peer, error) {
	p := tenants.Peer{
		DisplayName: pf.Value("display_name"), Phone: pf.Value("phone"), Email: pf.Value("email"),
		Languages: slices.Clone(pf.languages), Gender: tenants.Gender(pf.Value("gender")),
		AgeBand: tenants.AgeBand(pf.Value("age_band")), Status: tenants.PeerStatus(pf.Value("status")),
	}
	for _, a := range pf.experience {
		p.Experience = append(p.Experience, tenants.ExperienceArea(a))
	}
	var reading []tenants.FieldError
	switch capacity := strings.TrimSpace(pf.Value("capacity")); {
	case capacity == "":
		reading = append(reading, tenants.FieldError{Field: "capacity", Key: "validation.required"})
	default:
		n, err := strconv.Atoi(capacity)
		if err != nil {
			reading = append(reading, tenants.FieldError{Field: "capacity", Key: "validation.whole_number"})
		}
		p.Capacity = n
	}
	return p, peerProblems(&p, reading)
}

// peerProblems joins reading problems with those Validate finds (a field
// keeps its reading problem), in form order; nil when there are none
// from reading, since the store validates again.
func peerProblems(p *tenants.Peer, reading []tenants.FieldError) error {
	if len(reading) == 0 {
		return nil
	}
	v := &tenants.ValidationError{Fields: slices.Clone(reading)}
	if ve, ok := p.Validate().(*tenants.ValidationError); ok && ve != nil {
		for _, f := range ve.Fields {
			if !slices.ContainsFunc(v.Fields, func(g tenants.FieldError) bool { return g.Field == f.Field }) {
				v.Fields = append(v.Fields, f)
			}
		}
	}
	return inOrder(v, peerFieldOrder)
}

// inOrder sorts a validation error's problems by the fields' order on a
// form (unknown fields last); other errors pass unchanged.
func inOrder(err error, order []string) error {
	ve, ok := err.(*tenants.ValidationError)
	if !ok || ve == nil {
		return err
	}
	rank := func(f tenants.FieldError) int {
		if i := slices.Index(order, f.Field); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(ve.Fields, func(a, b tenants.FieldError) int { return rank(a) - rank(b) })
	return ve
}

// newPeerFormPage builds the form page; registering says whether the
// initial status is chosen.
func (s *server) newPeerFormPage(c *fiber.Ctx, pf peerForm, heading, action, cancel string, registering bool) peerFormPage {
	base := s.regionBase(c)
	l := s.peerLabels(base.Lang)
	p := peerFormPage{basePage: base, Heading: heading, Action: action, CancelURL: cancel, Form: pf.form, MaxCapacity: tenants.MaxPeerCapacity}
	group := func(name string, opts []option, checked []string) checkGroup {
		g := checkGroup{Name: name, Legend: l.tr("field." + name), Hint: l.tr("peers.hint." + name), Error: pf.Error(name)}
		for _, o := range opts {
			g.Options = append(g.Options, checkOption{Value: o.Value, Label: o.Label, Checked: slices.Contains(checked, o.Value)})
		}
		return g
	}
	var langs, areas []option
	for _, code := range tenants.PeerLanguages {
		langs = append(langs, option{Value: code, Label: l.language(code)})
	}
	for _, a := range tenants.ExperienceAreas {
		areas = append(areas, option{Value: string(a), Label: l.experience(a)})
	}
	p.Languages, p.Experience = group("languages", langs, pf.languages), group("experience", areas, pf.experience)
	for _, g := range tenants.Genders {
		p.Genders = append(p.Genders, option{Value: string(g), Label: l.gender(g)})
	}
	p.AgeBands = []option{{Value: "", Label: l.ageBand("")}}
	for _, b := range tenants.AgeBands {
		p.AgeBands = append(p.AgeBands, option{Value: string(b), Label: l.ageBand(b)})
	}
	if registering {
		for _, st := range []tenants.PeerStatus{tenants.PeerRecruited, tenants.PeerInTraining, tenants.PeerActive} {
			p.Statuses = append(p.Statuses, option{Value: string(st), Label: l.status(st)})
		}
	}
	return p
}
