package ui

import (
	"github.com/gofiber/fiber/v2"
)

// apiProfile is a peer supporter's own profile.
type apiProfile struct {
	Peer        apiPeer                  `json:"peer"`
	Trainings   []apiTraining            `json:"trainings"`
	Supervision []apiAttendedSupervision `json:"supervision"`
}

// apiAttendedSupervision is a supervision session the peer attended; who
// else attended a group session is not theirs to see.
type apiAttendedSupervision struct {
	HeldOn                    string `json:"held_on"`
	Kind                      string `json:"kind"`
	SupervisorName            string `json:"supervisor_name"`
	SupervisorLivedExperience bool   `json:"supervisor_lived_experience"`
	DurationMinutes           int    `json:"duration_minutes"`
}

// apiProfileShow answers GET /api/v1/regions/{region}/me/profile.
func (s *server) apiProfileShow(c *fiber.Ctx) error {
	own, err := s.loadOwnProfile(c)
	if err != nil {
		return err
	}
	list := apiTrainingListOf(own.trainings)
	out := apiProfile{Peer: apiPeerOf(own.peer), Trainings: list.Trainings, Supervision: make([]apiAttendedSupervision, 0, len(own.supervision))}
	out.Peer.Certification = &list.Certification
	for _, sess := range own.supervision {
		out.Supervision = append(out.Supervision, apiAttendedSupervision{
			HeldOn: sess.HeldOn.String(), Kind: string(sess.Kind), SupervisorName: sess.SupervisorName,
			SupervisorLivedExperience: sess.SupervisorLivedExperience, DurationMinutes: sess.DurationMinutes,
		})
	}
	s.auditPeer(c, "peer.read", own.peer.ID)
	return c.JSON(out)
}
