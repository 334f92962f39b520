package ui

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// apiPeerInput is the body of POST and PUT on peers. Status is read only
// when registering.
type apiPeerInput struct {
	DisplayName string   `json:"display_name"`
	Phone       string   `json:"phone,omitempty"`
	Email       string   `json:"email,omitempty"`
	Languages   []string `json:"languages"`
	Experience  []string `json:"experience"`
	Gender      string   `json:"gender,omitempty"`
	AgeBand     string   `json:"age_band,omitempty"`
	Capacity    int      `json:"capacity"`
	Status      string   `json:"status,omitempty"`
}

func (in apiPeerInput) peer() tenants.Peer {
	p := tenants.Peer{
		DisplayName: in.DisplayName, Phone: in.Phone, Email: in.Email, Languages: in.Languages,
		Gender: tenants.Gender(in.Gender), AgeBand: tenants.AgeBand(in.AgeBand), Capacity: in.Capacity,
		Status: tenants.PeerStatus(in.Status),
	}
	for _, a := range in.Experience {
		p.Experience = append(p.Experience, tenants.ExperienceArea(a))
	}
	return p
}

// apiPeer is a peer in API answers. The list leaves out the contact data
// (phone and email absent) and the certification.
type apiPeer struct {
	ID              int64             `json:"id"`
	OrganisationID  int64             `json:"organisation_id"`
	DisplayName     string            `json:"display_name"`
	Phone           string            `json:"phone,omitempty"`
	Email           string            `json:"email,omitempty"`
	Languages       []string          `json:"languages"`
	Experience      []string          `json:"experience"`
	Gender          string            `json:"gender"`
	AgeBand         string            `json:"age_band,omitempty"`
	Capacity        int               `json:"capacity"`
	Status          string            `json:"status"`
	StatusChangedAt time.Time         `json:"status_changed_at"`
	UserID          *int64            `json:"user_id,omitempty"`
	Certification   *apiCertification `json:"certification,omitempty"`
	CreatedAt       time.Time         `json:"created_at"`
	UpdatedAt       time.Time         `json:"updated_at"`
}

// apiCertification is a peer's certification; the dates are absent until
// the base course is completed.
type apiCertification struct {
	Certified      bool   `json:"certified"`
	CertifiedOn    string `json:"certified_on,omitempty"`
	RenewedOn      string `json:"renewed_on,omitempty"`
	ExpiresOn      string `json:"expires_on,omitempty"`
	RefresherDueOn string `json:"refresher_due_on,omitempty"`
	ValidToday     bool   `json:"valid_today"`
}

type apiPeerList struct {
	Peers []apiPeer `json:"peers"`
}

// apiPeerStatusInput is the body of a status change.
type apiPeerStatusInput struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// apiPeerAccountInput links a peer to an account; null unlinks.
type apiPeerAccountInput struct {
	UserID *int64 `json:"user_id"`
}

type apiPeerHistory struct {
	Events []apiPeerEvent `json:"events"`
}

// apiPeerEvent is one status change; from is absent for the registration
// and user_id for the system.
type apiPeerEvent struct {
	ID     int64     `json:"id"`
	UserID *int64    `json:"user_id,omitempty"`
	At     time.Time `json:"at"`
	From   string    `json:"from,omitempty"`
	To     string    `json:"to"`
	Reason string    `json:"reason,omitempty"`
}

// apiTrainingInput is the body of a new training (dates YYYY-MM-DD).
type apiTrainingInput struct {
	Kind        string `json:"kind"`
	Title       string `json:"title,omitempty"`
	StartedOn   string `json:"started_on"`
	CompletedOn string `json:"completed_on,omitempty"`
}

type apiTraining struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind"`
	Title       string    `json:"title,omitempty"`
	StartedOn   string    `json:"started_on"`
	CompletedOn string    `json:"completed_on,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

type apiTrainingList struct {
	Trainings     []apiTraining    `json:"trainings"`
	Certification apiCertification `json:"certification"`
}

func apiPeerOf(p tenants.Peer) apiPeer {
	out := apiPeer{
		ID: p.ID, OrganisationID: p.OrganisationID, DisplayName: p.DisplayName, Phone: p.Phone, Email: p.Email,
		Languages: append([]string{}, p.Languages...), Experience: make([]string, 0, len(p.Experience)),
		Gender: string(p.Gender), AgeBand: string(p.AgeBand), Capacity: p.Capacity, Status: string(p.Status),
		StatusChangedAt: p.StatusChangedAt, UserID: p.UserID, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
	for _, a := range p.Experience {
		out.Experience = append(out.Experience, string(a))
	}
	return out
}

func apiCertificationOf(c tenants.Certification, today tenants.Date) apiCertification {
	out := apiCertification{Certified: c.Certified(), ValidToday: c.ValidOn(today)}
	if c.Certified() {
		out.CertifiedOn, out.RenewedOn = c.CertifiedOn.String(), c.RenewedOn.String()
		out.ExpiresOn, out.RefresherDueOn = c.ExpiresOn.String(), c.RefresherDueOn.String()
	}
	return out
}

func apiTrainingOf(t tenants.Training) apiTraining {
	out := apiTraining{ID: t.ID, Kind: string(t.Kind), Title: t.Title, StartedOn: t.StartedOn.String(), CreatedAt: t.CreatedAt}
	if t.Completed() {
		out.CompletedOn = t.CompletedOn.String()
	}
	return out
}

// apiPeerWithCertification is the peer with the certification their
// trainings give.
func (s *server) apiPeerWithCertification(c *fiber.Ctx, p tenants.Peer) (apiPeer, error) {
	trainings, err := s.cfg.Peers.Trainings(c.UserContext(), currentRegion(c).ID, p.OrganisationID, p.ID)
	if err != nil {
		return apiPeer{}, err
	}
	out := apiPeerOf(p)
	cert := apiCertificationOf(tenants.CertificationOf(trainings), todayInSweden())
	out.Certification = &cert
	return out, nil
}
