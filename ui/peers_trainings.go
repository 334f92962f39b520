package ui

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// trainingField names a training's field on the peer page, where the
// training form shares the page with other forms: "title" is
// "training_title" there, with a label of its own.
func trainingField(field string) string { return "training_" + field }

// trainingProblems renames the fields of a training's validation error
// for the peer page; other errors pass unchanged.
func trainingProblems(err error) error {
	ve, ok := err.(*tenants.ValidationError)
	if !ok || ve == nil {
		return err
	}
	out := &tenants.ValidationError{}
	for _, f := range ve.Fields {
		f.Field = trainingField(f.Field)
		out.Fields = append(out.Fields, f)
	}
	return out
}

// readTraining reads a training from kind, title and the two dates;
// dates that are no dates are problems on their fields (named by name).
func readTraining(kind, title, started, completed string, name func(string) string) (tenants.Training, error) {
	t := tenants.Training{Kind: tenants.TrainingKind(strings.TrimSpace(kind)), Title: title}
	var v tenants.ValidationError
	var err error
	if t.StartedOn, err = tenants.ParseDate(started); err != nil {
		v.Fields = append(v.Fields, tenants.FieldError{Field: name("started_on"), Key: "validation.date"})
	}
	if t.CompletedOn, err = tenants.ParseDate(completed); err != nil {
		v.Fields = append(v.Fields, tenants.FieldError{Field: name("completed_on"), Key: "validation.date"})
	}
	if len(v.Fields) > 0 {
		return t, &v
	}
	return t, nil
}

// peerTrainingAdd records a training of the peer.
func (s *server) peerTrainingAdd(c *fiber.Ctx) error {
	p, err := s.coordinatorPeer(c)
	if err != nil {
		return err
	}
	f := formFrom(c, trainingFields...)
	t, err := readTraining(f.Value("training_kind"), f.Value("training_title"), f.Value("training_started_on"), f.Value("training_completed_on"), trainingField)
	if err == nil {
		_, err = s.cfg.Peers.AddTraining(c.UserContext(), currentRegion(c).ID, p.OrganisationID, p.ID, t)
		err = trainingProblems(err)
	}
	if refused, rerr := s.refuseOnPeerPage(c, p, &f, peerForms{training: &f}, err); refused {
		return rerr
	}
	if err != nil {
		return err
	}
	s.auditPeer(c, "peer.training_add", p.ID)
	return c.Redirect(peersURL(c)+"/"+itoa(p.ID)+"#trainings", fiber.StatusSeeOther)
}

// peerTrainingRemove deletes a training recorded by mistake. The training
// comes as the form field "training"; one the peer does not have is not
// found.
func (s *server) peerTrainingRemove(c *fiber.Ctx) error {
	p, err := s.coordinatorPeer(c)
	if err != nil {
		return err
	}
	f := formFrom(c, "training")
	trainingID, err := formID(f.Value("training"), "training")
	if err == nil && trainingID == 0 {
		err = &tenants.ValidationError{Fields: []tenants.FieldError{{Field: "training", Key: "validation.required"}}}
	}
	if err == nil {
		err = s.cfg.Peers.RemoveTraining(c.UserContext(), currentRegion(c).ID, p.OrganisationID, p.ID, trainingID)
	}
	if refused, rerr := s.refuseOnPeerPage(c, p, &f, peerForms{training: &f}, err); refused {
		return rerr
	}
	if err != nil {
		return err
	}
	s.auditPeer(c, "peer.training_remove", p.ID)
	return c.Redirect(peersURL(c)+"/"+itoa(p.ID)+"#trainings", fiber.StatusSeeOther)
}
