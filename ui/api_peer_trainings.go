package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// apiPeerTrainings answers GET
// /api/v1/regions/{region}/peers/{id}/trainings with the certification.
func (s *server) apiPeerTrainings(c *fiber.Ctx) error {
	orgID, id, err := coordinatorPathID(c)
	if err != nil {
		return err
	}
	trainings, err := s.cfg.Peers.Trainings(c.UserContext(), currentRegion(c).ID, orgID, id)
	if err != nil {
		return err
	}
	return c.JSON(apiTrainingListOf(trainings))
}

func apiTrainingListOf(trainings []tenants.Training) apiTrainingList {
	out := apiTrainingList{
		Trainings:     make([]apiTraining, 0, len(trainings)),
		Certification: apiCertificationOf(tenants.CertificationOf(trainings), todayInSweden()),
	}
	for _, t := range trainings {
		out.Trainings = append(out.Trainings, apiTrainingOf(t))
	}
	return out
}

// apiPeerTrainingCreate answers POST
// /api/v1/regions/{region}/peers/{id}/trainings.
func (s *server) apiPeerTrainingCreate(c *fiber.Ctx) error {
	orgID, id, err := coordinatorPathID(c)
	if err != nil {
		return err
	}
	var in apiTrainingInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	same := func(field string) string { return field }
	t, err := readTraining(in.Kind, in.Title, in.StartedOn, in.CompletedOn, same)
	if err == nil {
		t, err = s.cfg.Peers.AddTraining(c.UserContext(), currentRegion(c).ID, orgID, id, t)
	}
	if err != nil {
		// A training's fields are labelled as such: field.title is
		// another form's label.
		return withFieldLabels(err, trainingField)
	}
	s.auditPeer(c, "peer.training_add", id)
	return c.Status(fiber.StatusCreated).JSON(apiTrainingOf(t))
}

// apiPeerTrainingDelete answers DELETE
// /api/v1/regions/{region}/peers/{id}/trainings/{training}.
func (s *server) apiPeerTrainingDelete(c *fiber.Ctx) error {
	orgID, id, err := coordinatorPathID(c)
	if err != nil {
		return err
	}
	trainingID, err := pathParamID(c, "training")
	if err != nil {
		return err
	}
	if err := s.cfg.Peers.RemoveTraining(c.UserContext(), currentRegion(c).ID, orgID, id, trainingID); err != nil {
		return err
	}
	s.auditPeer(c, "peer.training_remove", id)
	return c.SendStatus(fiber.StatusNoContent)
}
