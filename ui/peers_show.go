package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// peerPage shows one peer to their coordinator: details with the
// decrypted contact data, status with the moves the lifecycle allows,
// status history, trainings and certification, and the account link. Its
// three forms each come back here with their own problems when refused.
type peerPage struct {
	basePage
	ListURL string
	URL     string
	Peer    peerView
	// Status is the status form (reason and the move); Next the moves.
	Status formSection
	Next   []transition
	// History is newest first.
	History       []peerEventRow
	Trainings     []trainingRow
	Certification certificationView
	Training      formSection
	TrainingKinds []option
	Account       formSection
	Accounts      []option
}

func (peerPage) templateName() string { return "peers_show" }

// peerView is a peer written out for reading.
type peerView struct {
	Name, Phone, Email                     string
	Status, StatusLabel, StatusSince       string
	Languages, Experience, Gender, AgeBand string
	Capacity                               string
	Final                                  bool
	// Account names the linked user; empty when none is.
	Account string
}

type peerEventRow struct {
	At, By, Change, Reason string
}

type trainingRow struct {
	ID                              int64
	Kind, Title, Started, Completed string
	Ongoing                         bool
}

// certificationView is a peer's certification as their trainings give it.
type certificationView struct {
	Certified                                       bool
	CertifiedOn, RenewedOn, ExpiresOn, RefresherDue string
	Expired, RefresherOverdue                       bool
	Months, RefresherMonths                         int
}

var (
	statusFields   = []string{"status", "reason"}
	trainingFields = []string{"training_kind", "training_title", "training_started_on", "training_completed_on"}
)

// peerShow shows a peer of the coordinator's organisation; opening it is
// a read of personal data and is logged.
func (s *server) peerShow(c *fiber.Ctx) error {
	p, err := s.coordinatorPeer(c)
	if err != nil {
		return err
	}
	page, err := s.newPeerPage(c, p, peerForms{})
	if err != nil {
		return err
	}
	s.auditPeer(c, "peer.read", p.ID)
	return s.renderPage(c, page)
}

// peerForms are the peer page's forms as submitted, for a refusal; a nil
// one is shown empty.
type peerForms struct {
	status, training, account *form
}

// refuseOnPeerPage answers a refused form on the peer page: the page
// again with the problems, nothing changed. It returns false when err is
// not a validation error.
func (s *server) refuseOnPeerPage(c *fiber.Ctx, p tenants.Peer, f *form, forms peerForms, err error) (bool, error) {
	if !s.refuse(f, s.regionBase(c).Lang, err) {
		return false, nil
	}
	page, perr := s.newPeerPage(c, p, forms)
	if perr != nil {
		return true, perr
	}
	s.auditPeer(c, "peer.read", p.ID)
	return true, s.renderRefused(c, page)
}

func (s *server) newPeerPage(c *fiber.Ctx, p tenants.Peer, forms peerForms) (peerPage, error) {
	ctx, region := c.UserContext(), currentRegion(c)
	base := s.regionBase(c)
	l := s.peerLabels(base.Lang)
	events, err := s.cfg.Peers.StatusHistory(ctx, region.ID, p.OrganisationID, p.ID)
	if err != nil {
		return peerPage{}, err
	}
	trainings, err := s.cfg.Peers.Trainings(ctx, region.ID, p.OrganisationID, p.ID)
	if err != nil {
		return peerPage{}, err
	}
	members, err := s.cfg.Policy.Identities.Members(ctx, region.ID)
	if err != nil {
		return peerPage{}, err
	}
	peers, err := s.cfg.Peers.Peers(ctx, region.ID, p.OrganisationID)
	if err != nil {
		return peerPage{}, err
	}
	list := peersURL(c)
	page := peerPage{
		basePage: base, ListURL: list, URL: list + "/" + itoa(p.ID),
		Peer:          s.peerViewOf(l, p),
		Status:        formSection{basePage: base, Form: orEmpty(forms.status)},
		Training:      formSection{basePage: base, Form: orEmpty(forms.training)},
		Account:       formSection{basePage: base, Form: orEmpty(forms.account)},
		Trainings:     trainingRows(l, trainings),
		Certification: certificationViewOf(tenants.CertificationOf(trainings), todayInSweden()),
	}
	for _, to := range p.Status.Next() {
		page.Next = append(page.Next, transition{Status: string(to), Label: l.tr("peers.transition." + string(to))})
	}
	for _, k := range tenants.TrainingKinds {
		page.TrainingKinds = append(page.TrainingKinds, option{Value: string(k), Label: l.training(k)})
	}

	names := memberNames{}
	for _, m := range members {
		names[m.UserID] = m.DisplayName
	}
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		row := peerEventRow{At: e.At.In(stockholm).Format("2006-01-02 15:04"), Reason: e.Reason, By: l.by(names, e.UserID)}
		if e.From == "" {
			row.Change = l.t.Translate(l.lang, "peers.history.registered", map[string]any{"To": l.status(e.To)})
		} else {
			row.Change = l.status(e.From) + " → " + l.status(e.To)
		}
		page.History = append(page.History, row)
	}

	// The account select offers the organisation's peer supporters who
	// are not linked to another peer, and the current link.
	linked := map[int64]bool{}
	for _, other := range peers {
		if other.UserID != nil && other.ID != p.ID {
			linked[*other.UserID] = true
		}
	}
	page.Accounts = []option{{Value: "", Label: l.tr("peers.account.none")}}
	for _, m := range members {
		if m.Role != tenants.RolePeerSupporter || m.OrganisationID == nil || *m.OrganisationID != p.OrganisationID ||
			m.DisabledAt != nil || linked[m.UserID] {
			continue
		}
		page.Accounts = append(page.Accounts, option{Value: itoa(m.UserID), Label: m.DisplayName + " (" + m.Email + ")"})
	}
	if p.UserID != nil {
		page.Peer.Account = l.by(names, p.UserID)
		if forms.account == nil {
			page.Account.Form.Values["user_id"] = itoa(*p.UserID)
		}
	}
	return page, nil
}

func orEmpty(f *form) form {
	if f == nil {
		return form{Values: map[string]string{}}
	}
	return *f
}

// by names who made a change: a member, the system, or a former member.
func (l peerLabels) by(names memberNames, id *int64) string {
	switch {
	case id == nil:
		return l.tr("peers.by_system")
	case names[*id] != "":
		return names[*id]
	}
	return l.tr("peers.by_former_member")
}

func (s *server) peerViewOf(l peerLabels, p tenants.Peer) peerView {
	orNone := func(v string) string {
		if v == "" {
			return l.tr("peers.contact_none")
		}
		return v
	}
	return peerView{
		Name: p.DisplayName, Phone: orNone(p.Phone), Email: orNone(p.Email),
		Status: string(p.Status), StatusLabel: l.status(p.Status),
		StatusSince: l.t.Translate(l.lang, "peers.status_since", map[string]any{"Date": tenants.DateOf(p.StatusChangedAt.In(stockholm)).String()}),
		Languages:   l.languages(p.Languages), Experience: l.experiences(p.Experience),
		Gender: l.gender(p.Gender), AgeBand: l.ageBand(p.AgeBand), Capacity: strconv.Itoa(p.Capacity),
		Final: len(p.Status.Next()) == 0,
	}
}

func trainingRows(l peerLabels, trainings []tenants.Training) []trainingRow {
	var rows []trainingRow
	for _, t := range trainings {
		row := trainingRow{ID: t.ID, Kind: l.training(t.Kind), Title: t.Title, Started: t.StartedOn.String(), Ongoing: !t.Completed()}
		if t.Completed() {
			row.Completed = t.CompletedOn.String()
		}
		rows = append(rows, row)
	}
	return rows
}

func certificationViewOf(cert tenants.Certification, today tenants.Date) certificationView {
	v := certificationView{Months: tenants.CertificationMonths, RefresherMonths: tenants.RefresherIntervalMonths, Certified: cert.Certified()}
	if !v.Certified {
		return v
	}
	v.CertifiedOn, v.RenewedOn = cert.CertifiedOn.String(), cert.RenewedOn.String()
	v.ExpiresOn, v.RefresherDue = cert.ExpiresOn.String(), cert.RefresherDueOn.String()
	v.Expired = cert.ExpiresOn.Before(today)
	v.RefresherOverdue = !v.Expired && cert.RefresherDueOn.Before(today)
	return v
}
