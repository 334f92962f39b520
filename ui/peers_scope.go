package ui

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// coordinatorOrganisation returns the organisation whose peers the caller
// manages. It comes only from the caller's membership, never from the URL
// or a form, so a coordinator reaches no other organisation's peers; a
// member without an organisation (which the matrix should not let in)
// finds nothing.
func coordinatorOrganisation(c *fiber.Ctx) (int64, error) {
	p := principal(c)
	if p == nil || p.Membership == nil || p.Membership.OrganisationID == nil {
		return 0, fiber.ErrNotFound
	}
	return *p.Membership.OrganisationID, nil
}

// coordinatorPathID returns the caller's organisation
// (coordinatorOrganisation) and the id in the path (pathID): the record a
// coordinator's route acts on, looked up within that organisation only.
func coordinatorPathID(c *fiber.Ctx) (orgID, id int64, err error) {
	if orgID, err = coordinatorOrganisation(c); err != nil {
		return 0, 0, err
	}
	if id, err = pathID(c); err != nil {
		return 0, 0, err
	}
	return orgID, id, nil
}

// auditPeer records an access to a peer's record — opening it (peer.read)
// is a read of personal data, like every change — with the caller's role
// and organisation, and the peer as both object and subject.
func (s *server) auditPeer(c *fiber.Ctx, action string, peerID int64) {
	p := principal(c)
	e := tenants.AuditEntry{
		Action: action, Outcome: tenants.OutcomeOK, UserID: &p.User.ID, UserLabel: p.User.Email, Role: string(p.Role),
		ObjectType: "peer", ObjectID: itoa(peerID), Subject: "peer " + itoa(peerID),
	}
	if p.Membership != nil {
		e.OrganisationID = p.Membership.OrganisationID
	}
	s.audit(c, currentRegion(c).ID, e)
}

// peersURL is the coordinator's peer list in the current region.
func peersURL(c *fiber.Ctx) string {
	return "/r/" + currentRegion(c).Slug + "/org/peers"
}

// peerLabels writes the peer lists' values (status, languages, areas, …)
// in one language.
type peerLabels struct {
	t    *Translator
	lang string
}

func (s *server) peerLabels(lang string) peerLabels { return peerLabels{t: s.translator, lang: lang} }

func (l peerLabels) tr(key string) string { return l.t.Translate(l.lang, key, nil) }

func (l peerLabels) status(st tenants.PeerStatus) string { return l.tr("peers.status." + string(st)) }

func (l peerLabels) language(code string) string { return l.tr("peers.language." + code) }

func (l peerLabels) experience(a tenants.ExperienceArea) string {
	return l.tr("peers.experience." + string(a))
}

func (l peerLabels) gender(g tenants.Gender) string { return l.tr("peers.gender." + string(g)) }

func (l peerLabels) ageBand(b tenants.AgeBand) string {
	if b == "" {
		return l.tr("peers.age_band.none")
	}
	return l.tr("peers.age." + string(b))
}

func (l peerLabels) training(k tenants.TrainingKind) string {
	return l.tr("peers.training." + string(k))
}

func (l peerLabels) languages(codes []string) string {
	names := make([]string, 0, len(codes))
	for _, c := range codes {
		names = append(names, l.language(c))
	}
	return strings.Join(names, ", ")
}

func (l peerLabels) experiences(areas []tenants.ExperienceArea) string {
	names := make([]string, 0, len(areas))
	for _, a := range areas {
		names = append(names, l.experience(a))
	}
	return strings.Join(names, ", ")
}

// date writes a day, or the placeholder for none.
func (l peerLabels) date(d tenants.Date) string {
	if d.IsZero() {
		return l.tr("peers.none")
	}
	return d.String()
}

// todayInSweden is the calendar day in Sweden, for certification dates.
func todayInSweden() tenants.Date { return tenants.Today(time.Now()) }
