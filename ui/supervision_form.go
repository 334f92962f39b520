package ui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// supervisionFormPage records a supervision session.
type supervisionFormPage struct {
	basePage
	Nav       []workNavLink
	Action    string
	CancelURL string
	Form      form
	Kinds     []option
	Peers     []attendeeBox
	Min, Max  int
}

func (supervisionFormPage) templateName() string { return "supervision_form" }

var supervisionFields = []string{"kind", "supervisor_name", "supervisor_lived_experience", "held_on", "duration_minutes"}

// supervisionNew shows an empty form: a group session held today, with a
// supervisor who has lived experience, as NSPH's model has it.
func (s *server) supervisionNew(c *fiber.Ctx) error {
	orgID, err := coordinatorOrganisation(c)
	if err != nil {
		return err
	}
	f := form{Values: map[string]string{
		"kind": string(tenants.SupervisionGroup), "supervisor_lived_experience": "1", "held_on": todayInSweden().String(), "duration_minutes": "90",
	}}
	p, err := s.newSupervisionFormPage(c, orgID, f, nil)
	if err != nil {
		return err
	}
	return s.renderPage(c, p)
}

func (s *server) newSupervisionFormPage(c *fiber.Ctx, orgID int64, f form, ticked []string) (supervisionFormPage, error) {
	region := currentRegion(c)
	peers, err := s.loadPeerWorkPeers(c, orgID)
	if err != nil {
		return supervisionFormPage{}, err
	}
	base := s.regionBase(c)
	list := peerWorkURL(region) + "/supervision"
	p := supervisionFormPage{
		basePage: base, Nav: s.peerWorkNav(base.Lang, region, "supervision.title"), Action: list, CancelURL: list, Form: f,
		Peers: peers.checkboxes(ticked), Min: tenants.MinSupervisionMinutes, Max: tenants.MaxSupervisionMinutes,
	}
	for _, k := range tenants.SupervisionKinds {
		p.Kinds = append(p.Kinds, option{Value: string(k), Label: s.translator.Translate(base.Lang, "supervision.kind."+string(k), nil)})
	}
	return p, nil
}

// supervisionSessionFrom reads a session from form-like values; dates and
// numbers that cannot be read are problems here, the rest is the store's.
func supervisionSessionFrom(values map[string]string, livedExperience bool, peerIDs []int64) (tenants.SupervisionSession, error) {
	sess := tenants.SupervisionSession{
		Kind: tenants.SupervisionKind(values["kind"]), SupervisorName: values["supervisor_name"],
		SupervisorLivedExperience: livedExperience, PeerIDs: peerIDs,
	}
	var v tenants.ValidationError
	parseDates(&v, values, dateField{"held_on", &sess.HeldOn})
	if raw := strings.TrimSpace(values["duration_minutes"]); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			v.Fields = append(v.Fields, tenants.FieldError{Field: "duration_minutes", Key: "validation.whole_number"})
		}
		sess.DurationMinutes = n
	}
	if len(v.Fields) > 0 {
		return sess, &v
	}
	return sess, nil
}

// supervisionCreate records the session; nothing is saved when any field
// is wrong or an attendee is not the organisation's.
func (s *server) supervisionCreate(c *fiber.Ctx) error {
	orgID, err := coordinatorOrganisation(c)
	if err != nil {
		return err
	}
	region := currentRegion(c)
	f := formFrom(c, supervisionFields...)
	ticked := formValues(c, "peers")
	ids, err := peerIDsFrom(ticked)
	var sess tenants.SupervisionSession
	if err == nil {
		sess, err = supervisionSessionFrom(f.Values, f.Value("supervisor_lived_experience") != "", ids)
	}
	if err == nil {
		sess, err = s.cfg.Supervision.Create(c.UserContext(), region.ID, orgID, sess)
	}
	if s.refuse(&f, s.regionBase(c).Lang, err) {
		p, perr := s.newSupervisionFormPage(c, orgID, f, ticked)
		if perr != nil {
			return perr
		}
		return s.renderRefused(c, p)
	}
	if err != nil {
		return err
	}
	s.auditAdmin(c, "supervision.create", "supervision", itoa(sess.ID))
	return c.Redirect(peerWorkURL(region)+"/supervision/"+itoa(sess.ID), fiber.StatusSeeOther)
}
