package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// profilePage is a peer supporter's own record: details, trainings,
// certification and the supervision they attended. Found is false while
// no coordinator has linked their account to a record; the page then
// explains what to do.
type profilePage struct {
	basePage
	Found         bool
	Peer          peerView
	Trainings     []trainingRow
	Certification certificationView
	Supervision   []attendedSession
}

func (profilePage) templateName() string { return "profile_show" }

type attendedSession struct {
	HeldOn, Kind, Supervisor, Duration string
}

// ownProfile is what a peer supporter sees of themselves.
type ownProfile struct {
	peer        tenants.Peer
	trainings   []tenants.Training
	supervision []tenants.SupervisionSession
}

// loadOwnProfile loads the caller's own peer record, by their account
// only, with its trainings and supervision; ErrNotFound when no record is
// linked to the account.
func (s *server) loadOwnProfile(c *fiber.Ctx) (ownProfile, error) {
	ctx, region := c.UserContext(), currentRegion(c)
	p, err := s.cfg.Peers.PeerByUser(ctx, region.ID, principal(c).User.ID)
	if err != nil {
		return ownProfile{}, err
	}
	trainings, err := s.cfg.Peers.Trainings(ctx, region.ID, p.OrganisationID, p.ID)
	if err != nil {
		return ownProfile{}, err
	}
	sessions, err := s.cfg.Supervision.PeerSessions(ctx, region.ID, p.OrganisationID, p.ID)
	if err != nil {
		return ownProfile{}, err
	}
	return ownProfile{peer: p, trainings: trainings, supervision: sessions}, nil
}

// profileShow shows the signed-in peer supporter their own record.
func (s *server) profileShow(c *fiber.Ctx) error {
	base := s.regionBase(c)
	own, err := s.loadOwnProfile(c)
	if isNotFound(err) {
		return s.renderPage(c, profilePage{basePage: base})
	}
	if err != nil {
		return err
	}
	l := s.peerLabels(base.Lang)
	p := profilePage{
		basePage: base, Found: true, Peer: s.peerViewOf(l, own.peer), Trainings: trainingRows(l, own.trainings),
		Certification: certificationViewOf(tenants.CertificationOf(own.trainings), todayInSweden()),
	}
	for _, sess := range own.supervision {
		p.Supervision = append(p.Supervision, attendedSession{
			HeldOn: sess.HeldOn.String(), Kind: l.tr("profile.supervision.kind." + string(sess.Kind)), Supervisor: sess.SupervisorName,
			Duration: l.t.Translate(l.lang, "profile.supervision.minutes", map[string]any{"Minutes": strconv.Itoa(sess.DurationMinutes)}),
		})
	}
	s.auditPeer(c, "peer.read", own.peer.ID)
	return s.renderPage(c, p)
}
