package tenants

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// Consent expiry and retention: what happens to participants' data
// because time passed, with nobody asking. Both leave the audit log
// whole: they add to it, as the system, and never remove from it.

// Audit actions of the system's own changes to participants.
const (
	AuditConsentExpire    = "consent.expire"
	AuditParticipantPurge = "participant.purge"
	// AuditSystemLabel names the actor of the system's own changes.
	AuditSystemLabel = "system"
)

// RetentionStore expires consents and erases participants kept past the
// region's retention period.
type RetentionStore struct {
	db *DB
}

// NewRetentionStore returns a RetentionStore on db.
func NewRetentionStore(db *DB) *RetentionStore { return &RetentionStore{db: db} }

// ConsentExpiry is what expiring one participant's consent did.
type ConsentExpiry struct {
	ParticipantID int64
	Code          string
	// ExpiresOn is the consent's last day.
	ExpiresOn Date
	// ContactErased is set when sealed contact data was erased.
	ContactErased     bool
	ClosedReferralIDs []int64
}

// ExpireConsents acts on every participant of the region whose consent
// ended before the day of now (in Sweden; the consent holds through its
// last day) and was not withdrawn: their sealed contact data is erased and
// their running referrals are closed as by a withdrawal — reason
// consent_withdrawn, which cannot be reopened, ending the match and
// cancelling the follow-ups — by the system (no user), in the referral's
// history and with one audit entry (AuditConsentExpire) per participant.
// A consent withdrawn earlier was acted on then. Running it again does
// nothing more: an expired participant has no contact data and no running
// referral left. It all happens in one transaction.
func (s *RetentionStore) ExpireConsents(ctx context.Context, tenantID int64, now time.Time) ([]ConsentExpiry, error) {
	day, at := today(now), now.UTC()
	var out []ConsentExpiry
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		var list []Participant
		q := tx.NewSelect().Model(&list).Column("id", "code", "consent_expires_on", "contact_enc").
			Where("tenant_id = ? AND withdrawn_at IS NULL AND consent_expires_on < ?", tenantID, day).
			Where("(contact_enc IS NOT NULL OR EXISTS (SELECT 1 FROM referrals AS r WHERE r.tenant_id = participant.tenant_id AND r.participant_id = participant.id AND r.status NOT IN (?, ?)))",
				ReferralDeclined, ReferralClosed).
			Order("id")
		if tx.Dialect() == Postgres {
			q = q.For("UPDATE")
		}
		if err := q.Scan(ctx); err != nil {
			return translate(err, "list expired consents")
		}
		for _, p := range list {
			e, err := expireConsent(ctx, tx, tenantID, p, at)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func expireConsent(ctx context.Context, tx *Tx, tenantID int64, p Participant, at time.Time) (ConsentExpiry, error) {
	e := ConsentExpiry{ParticipantID: p.ID, Code: p.Code, ExpiresOn: p.ConsentExpiresOn, ContactErased: p.ContactEnc != nil, ClosedReferralIDs: []int64{}}
	if e.ContactErased {
		if _, err := tx.NewUpdate().Model((*Participant)(nil)).Set("contact_enc = NULL").
			Where("tenant_id = ? AND id = ?", tenantID, p.ID).Exec(ctx); err != nil {
			return e, translate(err, "erase contact data")
		}
	}
	var open []Referral
	if err := tx.NewSelect().Model(&open).Column("id", "status").
		Where("tenant_id = ? AND participant_id = ? AND status NOT IN (?, ?)", tenantID, p.ID, ReferralDeclined, ReferralClosed).
		Order("id").Scan(ctx); err != nil {
		return e, translate(err, "list open referrals")
	}
	for _, r := range open {
		if _, err := tx.NewUpdate().Model((*Referral)(nil)).
			Set("status = ?", ReferralClosed).Set("close_reason = ?", ClosureConsentWithdrawn).Set("status_changed_at = ?", at).
			Where("tenant_id = ? AND id = ?", tenantID, r.ID).Exec(ctx); err != nil {
			return e, translate(err, "close referral")
		}
		if err := recordReferralEvent(ctx, tx, tenantID, r.ID, 0, at, r.Status, ReferralClosed, string(ClosureConsentWithdrawn), ""); err != nil {
			return e, err
		}
		if err := endSupport(ctx, tx, tenantID, r.ID, at, MatchConsentWithdrawn); err != nil {
			return e, err
		}
		e.ClosedReferralIDs = append(e.ClosedReferralIDs, r.ID)
	}
	return e, recordSystemAudit(ctx, tx, at, AuditConsentExpire, p,
		fmt.Sprintf("consent expired %s; contact erased %t; referrals closed %v", p.ConsentExpiresOn, e.ContactErased, e.ClosedReferralIDs))
}

// Purge is one participant erased after the retention period.
type Purge struct {
	ParticipantID int64
	Code          string
	// EndedAt is when the participant's last referral was closed or
	// declined (or, without referrals, when the consent ended).
	EndedAt     time.Time
	ReferralIDs []int64
}

// PurgeRetained erases every participant of the region whose support
// ended more than the region's RetentionMonths before now: every referral
// of theirs closed or declined, the last of them that long ago — or, for a
// participant never referred, the consent withdrawn or run out that long
// ago. The participant's row goes, with their referrals and, by the
// database's cascades, the referrals' histories, contact attempts,
// matches, meetings, follow-ups and scores, and the participant's own
// history. The audit log is kept: one entry (AuditParticipantPurge) per
// participant is added, naming them by code. It all happens in one
// transaction; running it again finds nothing more.
func (s *RetentionStore) PurgeRetained(ctx context.Context, tenantID int64, now time.Time) ([]Purge, error) {
	at := now.UTC()
	var out []Purge
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		settings, err := regionSettings(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		cutoff := at.AddDate(0, -settings.RetentionMonths, 0)
		if out, err = retainedTooLong(ctx, tx, tenantID, cutoff); err != nil {
			return err
		}
		for _, p := range out {
			if len(p.ReferralIDs) > 0 {
				if _, err := tx.NewDelete().Model((*Referral)(nil)).
					Where("tenant_id = ? AND participant_id = ?", tenantID, p.ParticipantID).Exec(ctx); err != nil {
					return translate(err, "erase referrals")
				}
			}
			if _, err := tx.NewDelete().Model((*Participant)(nil)).
				Where("tenant_id = ? AND id = ?", tenantID, p.ParticipantID).Exec(ctx); err != nil {
				return translate(err, "erase participant")
			}
			if err := recordSystemAudit(ctx, tx, at, AuditParticipantPurge, Participant{ID: p.ParticipantID, Code: p.Code},
				fmt.Sprintf("retention: support ended %s; referrals %v", p.EndedAt.Format(time.DateOnly), p.ReferralIDs)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// retainedTooLong lists the participants whose support ended before
// cutoff (see PurgeRetained), in id order.
func retainedTooLong(ctx context.Context, tx *Tx, tenantID int64, cutoff time.Time) ([]Purge, error) {
	var participants []Participant
	q := tx.NewSelect().Model(&participants).Column("id", "code", "consent_expires_on", "withdrawn_at").
		Where("tenant_id = ?", tenantID).Order("id")
	if tx.Dialect() == Postgres {
		q = q.For("UPDATE")
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(err, "list participants")
	}
	var referrals []Referral
	if err := tx.NewSelect().Model(&referrals).Column("id", "participant_id", "status", "status_changed_at").
		Where("tenant_id = ?", tenantID).Order("id").Scan(ctx); err != nil {
		return nil, translate(err, "list referrals")
	}
	type ended struct {
		open bool
		last time.Time
		ids  []int64
	}
	byParticipant := map[int64]*ended{}
	for _, r := range referrals {
		e := byParticipant[r.ParticipantID]
		if e == nil {
			e = &ended{}
			byParticipant[r.ParticipantID] = e
		}
		e.ids = append(e.ids, r.ID)
		if r.Status.Open() {
			e.open = true
		}
		if r.StatusChangedAt.After(e.last) {
			e.last = r.StatusChangedAt
		}
	}
	var out []Purge
	for _, p := range participants {
		e := byParticipant[p.ID]
		var endedAt time.Time
		switch {
		case e != nil && e.open:
			continue
		case e != nil:
			endedAt = e.last
		case p.WithdrawnAt != nil:
			endedAt = *p.WithdrawnAt
		default:
			// The consent holds through its last day, in Sweden.
			endedAt = p.ConsentExpiresOn.End()
		}
		if !endedAt.Before(cutoff) {
			continue
		}
		purge := Purge{ParticipantID: p.ID, Code: p.Code, EndedAt: endedAt.UTC(), ReferralIDs: []int64{}}
		if e != nil {
			purge.ReferralIDs = e.ids
		}
		out = append(out, purge)
	}
	return out, nil
}

// recordSystemAudit appends the system's change to a participant to the
// audit log, in tx.
func recordSystemAudit(ctx context.Context, tx *Tx, at time.Time, action string, p Participant, reason string) error {
	e := AuditEntry{
		TenantID: tx.TenantID(), At: at, UserLabel: AuditSystemLabel, Action: action,
		ObjectType: "participant", ObjectID: strconv.FormatInt(p.ID, 10), Subject: p.Code,
		Outcome: OutcomeOK, Reason: truncate(reason, 500),
	}
	_, err := tx.NewInsert().Model(&e).Exec(ctx)
	return translate(err, "audit "+action)
}
