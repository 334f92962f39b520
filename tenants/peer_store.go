package tenants

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// PeerStore keeps the peer supporters of a region's partner organisations:
// their records, status history and trainings.
//
// Every method that reads or changes a peer takes the organisation as well
// as the region, and treats a peer of another organisation exactly like
// one that does not exist (ErrNotFound): a coordinator's requests carry
// their own organisation, so one organisation never reaches another's
// peers. PeerByUser is the peer supporter's own way in.
type PeerStore struct {
	db     *DB
	sealer *Sealer
	now    func() time.Time
}

// NewPeerStore returns a PeerStore on db; sealer (not nil) seals the
// peers' contact data.
func NewPeerStore(db *DB, sealer *Sealer) *PeerStore {
	return &PeerStore{db: db, sealer: sealer, now: time.Now}
}

// peerContact is what Peer.ContactEnc seals.
type peerContact struct {
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

func (s *PeerStore) sealContact(p *Peer) error {
	b, err := json.Marshal(peerContact{Phone: p.Phone, Email: p.Email})
	if err != nil {
		return fmt.Errorf("seal contact: %w", err)
	}
	if p.ContactEnc, err = s.sealer.Seal(string(b)); err != nil {
		return fmt.Errorf("seal contact: %w", err)
	}
	return nil
}

func (s *PeerStore) openContact(p *Peer) error {
	plain, err := s.sealer.Open(p.ContactEnc)
	if err != nil {
		return fmt.Errorf("open contact of peer %d: %w", p.ID, err)
	}
	var c peerContact
	if err := json.Unmarshal([]byte(plain), &c); err != nil {
		return fmt.Errorf("open contact of peer %d: %w", p.ID, err)
	}
	p.Phone, p.Email = c.Phone, c.Email
	return nil
}

// Create registers a peer with the organisation, as recruited unless
// p.Status says in_training or active (for peers an organisation already
// has when it starts using Kamrat), and records the registration in the
// status history. The account link (SetUser) is not set here. It returns a
// *ValidationError for bad fields or another initial status (field
// "status", validation.choice), and ErrNotFound for an organisation not in
// the region.
func (s *PeerStore) Create(ctx context.Context, tenantID, orgID, actorID int64, p Peer) (Peer, error) {
	v := collectValidation(p.Validate())
	if p.Status == "" {
		p.Status = PeerRecruited
	}
	if !slices.Contains(initialPeerStatuses, p.Status) {
		v.add("status", "validation.choice", nil)
	}
	if err := v.err(); err != nil {
		return Peer{}, err
	}
	if err := s.sealContact(&p); err != nil {
		return Peer{}, err
	}
	now := s.now().UTC()
	p.ID, p.TenantID, p.OrganisationID, p.UserID = 0, tenantID, orgID, nil
	p.StatusChangedAt, p.CreatedAt, p.UpdatedAt = now, now, now
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		if err := rowExists(ctx, tx, (*Organisation)(nil), tenantID, orgID, "organisation"); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(&p).Returning("id").Exec(ctx); err != nil {
			return translate(err, "create peer")
		}
		return recordPeerStatus(ctx, tx, p.TenantID, p.ID, actorID, now, "", p.Status, "")
	})
	if err != nil {
		return Peer{}, err
	}
	return p, nil
}

// Update changes a peer's descriptive fields and contact data; the status
// changes through SetStatus and the account through SetUser. It returns a
// *ValidationError for bad fields and ErrNotFound for a peer not in the
// organisation.
func (s *PeerStore) Update(ctx context.Context, tenantID, orgID int64, p Peer) (Peer, error) {
	if err := p.Validate(); err != nil {
		return Peer{}, err
	}
	if err := s.sealContact(&p); err != nil {
		return Peer{}, err
	}
	p.UpdatedAt = s.now().UTC()
	var out Peer
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		res, err := tx.NewUpdate().Model(&p).
			Column("display_name", "contact_enc", "languages", "experience", "gender", "age_band", "capacity", "updated_at").
			Where("tenant_id = ? AND organisation_id = ? AND id = ?", tenantID, orgID, p.ID).Exec(ctx)
		if err := translate(err, "update peer"); err != nil {
			return err
		}
		if err := requireRows(res, "update peer"); err != nil {
			return err
		}
		out, err = loadPeer(ctx, tx, tenantID, orgID, p.ID, false)
		return err
	})
	if err != nil {
		return Peer{}, err
	}
	return out, s.openContact(&out)
}

// Peer returns one peer of the organisation with their contact data, or
// ErrNotFound (also for a peer of another organisation or region).
func (s *PeerStore) Peer(ctx context.Context, tenantID, orgID, id int64) (Peer, error) {
	var p Peer
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		var err error
		p, err = loadPeer(ctx, tx, tenantID, orgID, id, false)
		return err
	})
	if err != nil {
		return Peer{}, err
	}
	return p, s.openContact(&p)
}

// Peers lists the organisation's peers by name, without contact data
// (Phone and Email empty): a list has no need of it.
func (s *PeerStore) Peers(ctx context.Context, tenantID, orgID int64) ([]Peer, error) {
	var list []Peer
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&list).Where("tenant_id = ? AND organisation_id = ?", tenantID, orgID).
			Order("display_name", "id").Scan(ctx), "list peers")
	})
	return list, err
}

// PeerByUser returns the peer record linked to a user's account, with
// contact data: the peer supporter's view of themselves. It returns
// ErrNotFound when the user has no peer record in the region.
func (s *PeerStore) PeerByUser(ctx context.Context, tenantID, userID int64) (Peer, error) {
	var p Peer
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		return translate(tx.NewSelect().Model(&p).Where("tenant_id = ? AND user_id = ?", tenantID, userID).Scan(ctx), "peer")
	})
	if err != nil {
		return Peer{}, err
	}
	return p, s.openContact(&p)
}

// SetStatus moves a peer along the lifecycle (see PeerStatus.Next) and
// records who did it, when and why in the status history. It returns a
// *ValidationError — field "status", validation.peer_transition (Args From
// and To), for a move the lifecycle does not allow; field "reason" for a
// bad reason — and ErrNotFound for a peer not in the organisation.
func (s *PeerStore) SetStatus(ctx context.Context, tenantID, orgID, actorID, peerID int64, to PeerStatus, reason string) (Peer, error) {
	var v ValidationError
	reason = strings.TrimSpace(reason)
	checkLongText(&v, "reason", reason, false, MaxStatusReasonLength)
	if err := v.err(); err != nil {
		return Peer{}, err
	}
	var out Peer
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		p, err := loadPeer(ctx, tx, tenantID, orgID, peerID, true)
		if err != nil {
			return err
		}
		if !p.Status.CanBecome(to) {
			return fieldProblem("status", "validation.peer_transition", map[string]any{"From": string(p.Status), "To": string(to)})
		}
		now := s.now().UTC()
		if _, err := tx.NewUpdate().Model((*Peer)(nil)).
			Set("status = ?", to).Set("status_changed_at = ?", now).Set("updated_at = ?", now).
			Where("tenant_id = ? AND id = ?", tenantID, peerID).Exec(ctx); err != nil {
			return translate(err, "set peer status")
		}
		if err := recordPeerStatus(ctx, tx, tenantID, peerID, actorID, now, p.Status, to, reason); err != nil {
			return err
		}
		out, err = loadPeer(ctx, tx, tenantID, orgID, peerID, false)
		return err
	})
	if err != nil {
		return Peer{}, err
	}
	return out, s.openContact(&out)
}

// StatusHistory returns a peer's status history, oldest first, or
// ErrNotFound for a peer not in the organisation.
func (s *PeerStore) StatusHistory(ctx context.Context, tenantID, orgID, peerID int64) ([]PeerStatusEvent, error) {
	var events []PeerStatusEvent
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		if err := peerExists(ctx, tx, tenantID, orgID, peerID); err != nil {
			return err
		}
		return translate(tx.NewSelect().Model(&events).Where("tenant_id = ? AND peer_id = ?", tenantID, peerID).
			Order("at", "id").Scan(ctx), "peer status history")
	})
	return events, err
}

// SetUser links a peer to the account they sign in with, so that they can
// see their own record (PeerByUser), or unlinks it (nil). The account must
// be a peer supporter's membership of this organisation in the region,
// and linked to no other peer. It returns a *ValidationError (field
// "user_id": validation.peer_account, validation.peer_account_taken) and
// ErrNotFound for a peer not in the organisation.
func (s *PeerStore) SetUser(ctx context.Context, tenantID, orgID, peerID int64, userID *int64) (Peer, error) {
	var out Peer
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		if _, err := loadPeer(ctx, tx, tenantID, orgID, peerID, true); err != nil {
			return err
		}
		if userID != nil {
			n, err := tx.NewSelect().Model((*Membership)(nil)).
				Where("tenant_id = ? AND user_id = ? AND role = ? AND organisation_id = ? AND disabled_at IS NULL",
					tenantID, *userID, RolePeerSupporter, orgID).Count(ctx)
			if err != nil {
				return translate(err, "check account")
			}
			if n == 0 {
				return fieldProblem("user_id", "validation.peer_account", nil)
			}
			n, err = tx.NewSelect().Model((*Peer)(nil)).
				Where("tenant_id = ? AND user_id = ? AND id <> ?", tenantID, *userID, peerID).Count(ctx)
			if err != nil {
				return translate(err, "check account")
			}
			if n > 0 {
				return fieldProblem("user_id", "validation.peer_account_taken", nil)
			}
		}
		if _, err := tx.NewUpdate().Model((*Peer)(nil)).Set("user_id = ?", userID).Set("updated_at = ?", s.now().UTC()).
			Where("tenant_id = ? AND id = ?", tenantID, peerID).Exec(ctx); err != nil {
			return translate(err, "link peer account")
		}
		var err error
		out, err = loadPeer(ctx, tx, tenantID, orgID, peerID, false)
		return err
	})
	if err != nil {
		return Peer{}, err
	}
	return out, s.openContact(&out)
}

// AddTraining records a course the peer has taken or is taking. It returns
// a *ValidationError for bad fields (a completion before the start:
// validation.end_before_start; in the future: validation.not_future) and
// ErrNotFound for a peer not in the organisation.
func (s *PeerStore) AddTraining(ctx context.Context, tenantID, orgID, peerID int64, t Training) (Training, error) {
	if err := t.validate(today(s.now())); err != nil {
		return Training{}, err
	}
	t.ID, t.TenantID, t.PeerID, t.CreatedAt = 0, tenantID, peerID, s.now().UTC()
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		if err := peerExists(ctx, tx, tenantID, orgID, peerID); err != nil {
			return err
		}
		_, err := tx.NewInsert().Model(&t).Returning("id").Exec(ctx)
		return translate(err, "add training")
	})
	if err != nil {
		return Training{}, err
	}
	return t, nil
}

// Trainings lists a peer's trainings, earliest start first, or returns
// ErrNotFound for a peer not in the organisation. CertificationOf turns
// them into the peer's certification.
func (s *PeerStore) Trainings(ctx context.Context, tenantID, orgID, peerID int64) ([]Training, error) {
	var list []Training
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		if err := peerExists(ctx, tx, tenantID, orgID, peerID); err != nil {
			return err
		}
		return translate(tx.NewSelect().Model(&list).Where("tenant_id = ? AND peer_id = ?", tenantID, peerID).
			Order("started_on", "id").Scan(ctx), "list trainings")
	})
	return list, err
}

// RemoveTraining deletes a training recorded by mistake. It returns
// ErrNotFound when the organisation's peer has no such training.
func (s *PeerStore) RemoveTraining(ctx context.Context, tenantID, orgID, peerID, trainingID int64) error {
	return s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		if err := peerExists(ctx, tx, tenantID, orgID, peerID); err != nil {
			return err
		}
		res, err := tx.NewDelete().Model((*Training)(nil)).
			Where("tenant_id = ? AND peer_id = ? AND id = ?", tenantID, peerID, trainingID).Exec(ctx)
		if err != nil {
			return translate(err, "remove training")
		}
		return requireRows(res, "remove training")
	})
}

// ExpiringCertification is a peer whose certification ends before a given
// day.
type ExpiringCertification struct {
	PeerID      int64
	DisplayName string
	Status      PeerStatus
	Certification
}

// CertificationsExpiring lists the organisation's peers, except those who
// have left, whose certification expires before the given day — already
// expired ones included — soonest first. Peers who never completed the
// base course have no certification to expire and are not listed.
func (s *PeerStore) CertificationsExpiring(ctx context.Context, tenantID, orgID int64, before Date) ([]ExpiringCertification, error) {
	var list []ExpiringCertification
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		var err error
		list, err = expiringCertifications(ctx, tx, tenantID, orgID, before)
		return err
	})
	return list, err
}

func expiringCertifications(ctx context.Context, tx *Tx, tenantID, orgID int64, before Date) ([]ExpiringCertification, error) {
	var peers []Peer
	if err := tx.NewSelect().Model(&peers).Column("id", "display_name", "status").
		Where("tenant_id = ? AND organisation_id = ? AND status <> ?", tenantID, orgID, PeerLeft).Scan(ctx); err != nil {
		return nil, translate(err, "list peers")
	}
	if len(peers) == 0 {
		return nil, nil
	}
	var trainings []Training
	if err := tx.NewSelect().Model(&trainings).
		Where("tenant_id = ? AND kind IN (?, ?) AND completed_on IS NOT NULL", tenantID, TrainingBaseCourse, TrainingRefresher).
		Where("peer_id IN (SELECT id FROM peers WHERE tenant_id = ? AND organisation_id = ?)", tenantID, orgID).
		Scan(ctx); err != nil {
		return nil, translate(err, "list trainings")
	}
	byPeer := map[int64][]Training{}
	for _, t := range trainings {
		byPeer[t.PeerID] = append(byPeer[t.PeerID], t)
	}
	var out []ExpiringCertification
	for _, p := range peers {
		c := CertificationOf(byPeer[p.ID])
		if c.Certified() && c.ExpiresOn.Before(before) {
			out = append(out, ExpiringCertification{PeerID: p.ID, DisplayName: p.DisplayName, Status: p.Status, Certification: c})
		}
	}
	slices.SortFunc(out, func(a, b ExpiringCertification) int {
		return cmp.Or(a.ExpiresOn.Time().Compare(b.ExpiresOn.Time()), cmp.Compare(a.DisplayName, b.DisplayName), cmp.Compare(a.PeerID, b.PeerID))
	})
	return out, nil
}

// loadPeer reads one peer of the organisation with its contact still
// sealed; forUpdate locks the row on PostgreSQL so that concurrent changes
// to one peer take turns (SQLite write transactions take turns anyway).
func loadPeer(ctx context.Context, tx *Tx, tenantID, orgID, id int64, forUpdate bool) (Peer, error) {
	var p Peer
	q := tx.NewSelect().Model(&p).Where("tenant_id = ? AND organisation_id = ? AND id = ?", tenantID, orgID, id)
	if forUpdate && tx.Dialect() == Postgres {
		q = q.For("UPDATE")
	}
	return p, translate(q.Scan(ctx), "peer")
}

// peerExists returns ErrNotFound unless the organisation has the peer.
func peerExists(ctx context.Context, tx *Tx, tenantID, orgID, id int64) error {
	n, err := tx.NewSelect().Model((*Peer)(nil)).
		Where("tenant_id = ? AND organisation_id = ? AND id = ?", tenantID, orgID, id).Count(ctx)
	if err != nil {
		return translate(err, "peer")
	}
	if n == 0 {
		return fmt.Errorf("peer: %w", ErrNotFound)
	}
	return nil
}

// checkPeersInOrganisation adds validation.scope_peer for field to v unless
// every id (unique) is a peer of the organisation. It returns database
// errors only.
func checkPeersInOrganisation(ctx context.Context, tx *Tx, tenantID, orgID int64, ids []int64, field string, v *ValidationError) error {
	if len(ids) == 0 {
		return nil
	}
	n, err := tx.NewSelect().Model((*Peer)(nil)).
		Where("tenant_id = ? AND organisation_id = ? AND id IN (?)", tenantID, orgID, bun.In(ids)).Count(ctx)
	if err != nil {
		return translate(err, "check "+field)
	}
	if n != int64(len(ids)) {
		v.add(field, "validation.scope_peer", nil)
	}
	return nil
}

func recordPeerStatus(ctx context.Context, tx *Tx, tenantID, peerID, actorID int64, at time.Time, from, to PeerStatus, reason string) error {
	e := PeerStatusEvent{TenantID: tenantID, PeerID: peerID, UserID: actor(actorID), At: at, From: from, To: to, Reason: reason}
	_, err := tx.NewInsert().Model(&e).Exec(ctx)
	return translate(err, "record peer status history")
}
