package tenants

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// ReferralStore keeps the pathway from a unit to a partner organisation:
// participants with their consent, and referrals with contact attempts and
// status history.
//
// Row scope is part of every method's signature. Unit-side methods take
// the unit and treat another unit's participant or referral as not found;
// organisation-side methods take the organisation and treat a referral to
// another organisation the same way. The unit's view (ClinicReferral) has
// no contact data at all; the organisation's carries it only while the
// consent shares it.
type ReferralStore struct {
	db     *DB
	sealer *Sealer
	now    func() time.Time
}

// NewReferralStore returns a ReferralStore on db; sealer (not nil) seals
// participants' contact data.
func NewReferralStore(db *DB, sealer *Sealer) *ReferralStore {
	return &ReferralStore{db: db, sealer: sealer, now: time.Now}
}

// WithClock returns a copy of the store that reads the time from now: the
// demo data and tests that play out months of work set the clock.
func (s *ReferralStore) WithClock(now func() time.Time) *ReferralStore {
	c := *s
	c.now = now
	return &c
}

// maxCodeTries bounds the retries on a (very unlikely) code collision.
const maxCodeTries = 5

// RegisterParticipant records a patient of the unit who accepted peer
// support and consented, under a new random code, and returns the
// participant with the code (contact data sealed). It returns a
// *ValidationError for bad input (contact data without consent to share
// it: field "contact", validation.contact_without_consent; an expiry not
// ahead within MaxConsentYears: validation.consent_expiry) and ErrNotFound
// for a unit not in the region.
func (s *ReferralStore) RegisterParticipant(ctx context.Context, tenantID, unitID, actorID int64, n NewParticipant) (Participant, error) {
	now := s.now().UTC()
	p, err := s.newParticipant(tenantID, unitID, actorID, n, now)
	if err != nil {
		return Participant{}, err
	}
	err = s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		if err := rowExists(ctx, tx, (*Unit)(nil), tenantID, unitID, "unit"); err != nil {
			return err
		}
		return insertParticipant(ctx, tx, &p, actorID, now)
	})
	if err != nil {
		return Participant{}, err
	}
	return p, nil
}

// RegisterAndRefer records a participant (as RegisterParticipant) and
// refers them to the organisation (as Refer) in one transaction: either
// both are stored or nothing is. Problems with the participant and with
// the organisation are reported together in one *ValidationError.
func (s *ReferralStore) RegisterAndRefer(ctx context.Context, tenantID, unitID, actorID int64, n NewParticipant, orgID int64) (Participant, ClinicReferral, error) {
	now := s.now().UTC()
	var v ValidationError
	p, err := s.newParticipant(tenantID, unitID, actorID, n, now)
	if bad := (*ValidationError)(nil); errors.As(err, &bad) {
		v.Fields = append(v.Fields, bad.Fields...)
	} else if err != nil {
		return Participant{}, ClinicReferral{}, err
	}
	var ref ClinicReferral
	err = s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		if err := rowExists(ctx, tx, (*Unit)(nil), tenantID, unitID, "unit"); err != nil {
			return err
		}
		if err := checkReferralTarget(ctx, tx, tenantID, unitID, orgID, n.TargetGroup, &v); err != nil {
			return err
		}
		if err := v.err(); err != nil {
			return err
		}
		if err := insertParticipant(ctx, tx, &p, actorID, now); err != nil {
			return err
		}
		var err error
		ref, err = insertReferral(ctx, tx, tenantID, unitID, actorID, p.ID, orgID, now)
		return err
	})
	if err != nil {
		return Participant{}, ClinicReferral{}, err
	}
	return p, ref, nil
}

// newParticipant validates n and returns the participant to insert, with
// the contact data sealed.
func (s *ReferralStore) newParticipant(tenantID, unitID, actorID int64, n NewParticipant, now time.Time) (Participant, error) {
	if err := n.validate(today(now)); err != nil {
		return Participant{}, err
	}
	p := Participant{
		TenantID: tenantID, UnitID: unitID, TargetGroup: n.TargetGroup, Language: n.Language,
		PrefGender: n.Preferences.Gender, PrefAgeBand: n.Preferences.AgeBand,
		PrefLanguages: n.Preferences.Languages, PrefExperience: n.Preferences.Experience,
		ConsentShareContact: n.Consent.ShareContact, ConsentFollowUp: n.Consent.FollowUp, ConsentResearch: n.Consent.Research,
		ConsentRecordedBy: actor(actorID), ConsentRecordedAt: now, ConsentExpiresOn: n.Consent.ExpiresOn, CreatedAt: now,
	}
	if n.Consent.ShareContact {
		p.ContactMethod = n.Contact.Method
		b, err := json.Marshal(n.Contact)
		if err != nil {
			return Participant{}, fmt.Errorf("seal contact: %w", err)
		}
		sealed, err := s.sealer.Seal(string(b))
		if err != nil {
			return Participant{}, fmt.Errorf("seal contact: %w", err)
		}
		p.ContactEnc = &sealed
	}
	return p, nil
}

// insertParticipant gives p a code not used in the region, inserts it and
// records the registration.
func insertParticipant(ctx context.Context, tx *Tx, p *Participant, actorID int64, now time.Time) error {
	for try := 0; ; try++ {
		p.Code = newParticipantCode()
		n, err := tx.NewSelect().Model((*Participant)(nil)).Where("tenant_id = ? AND code = ?", p.TenantID, p.Code).Count(ctx)
		if err != nil {
			return translate(err, "check participant code")
		}
		if n == 0 {
			break
		}
		if try == maxCodeTries {
			return fmt.Errorf("participant code: %w", ErrConflict)
		}
	}
	if _, err := tx.NewInsert().Model(p).Returning("id").Exec(ctx); err != nil {
		return translate(err, "register participant")
	}
	return recordParticipantEvent(ctx, tx, p.TenantID, p.ID, actorID, now, ParticipantRegistered, SideUnit)
}

// Refer sends the unit's participant to an organisation that serves the
// unit and works with the participant's target group. It returns a
// *ValidationError — field "organisation_id": validation.scope_organisation
// (no such active organisation in the region), validation.organisation_not_serving
// (does not serve the unit), validation.organisation_focus (not the target
// group); field "participant_id": validation.consent_inactive (withdrawn or
// expired), validation.referral_open (already has a running referral) —
// and ErrNotFound for a participant not of the unit.
func (s *ReferralStore) Refer(ctx context.Context, tenantID, unitID, actorID, participantID, orgID int64) (ClinicReferral, error) {
	now := s.now().UTC()
	var out ClinicReferral
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		var p Participant
		if err := translate(tx.NewSelect().Model(&p).
			Where("tenant_id = ? AND unit_id = ? AND id = ?", tenantID, unitID, participantID).Scan(ctx), "participant"); err != nil {
			return err
		}
		var v ValidationError
		if err := checkReferralTarget(ctx, tx, tenantID, unitID, orgID, p.TargetGroup, &v); err != nil {
			return err
		}
		if !p.ConsentActive(today(now)) {
			v.add("participant_id", "validation.consent_inactive", nil)
		} else {
			n, err := tx.NewSelect().Model((*Referral)(nil)).
				Where("tenant_id = ? AND participant_id = ? AND status NOT IN (?, ?)", tenantID, participantID, ReferralDeclined, ReferralClosed).Count(ctx)
			if err != nil {
				return translate(err, "check open referrals")
			}
			if n > 0 {
				v.add("participant_id", "validation.referral_open", nil)
			}
		}
		if err := v.err(); err != nil {
			return err
		}
		var err error
		out, err = insertReferral(ctx, tx, tenantID, unitID, actorID, participantID, orgID, now)
		return err
	})
	return out, err
}

// checkReferralTarget adds to v what is wrong with referring a participant
// of the target group from the unit to the organisation: not an active
// organisation of the region, not serving the unit, not working with the
// group (checked only for a known group).
func checkReferralTarget(ctx context.Context, tx *Tx, tenantID, unitID, orgID int64, group TargetGroup, v *ValidationError) error {
	var o Organisation
	if err := tx.NewSelect().Model(&o).Where("tenant_id = ? AND id = ? AND active", tenantID, orgID).Scan(ctx); err != nil {
		if err := translate(err, "organisation"); !isNotFound(err) {
			return err
		}
		v.add("organisation_id", "validation.scope_organisation", nil)
		return nil
	}
	n, err := tx.NewSelect().Model((*organisationUnit)(nil)).
		Where("tenant_id = ? AND organisation_id = ? AND unit_id = ?", tenantID, orgID, unitID).Count(ctx)
	if err != nil {
		return translate(err, "check served units")
	}
	switch {
	case n == 0:
		v.add("organisation_id", "validation.organisation_not_serving", nil)
	case slices.Contains(TargetGroups, group) && !slices.Contains(o.Focus, group):
		v.add("organisation_id", "validation.organisation_focus", nil)
	}
	return nil
}

// insertReferral stores a received referral with its first history entry
// and returns it as the unit sees it.
func insertReferral(ctx context.Context, tx *Tx, tenantID, unitID, actorID, participantID, orgID int64, now time.Time) (ClinicReferral, error) {
	r := Referral{
		TenantID: tenantID, ParticipantID: participantID, UnitID: unitID, OrganisationID: orgID,
		Status: ReferralReceived, StatusChangedAt: now, ReferredBy: actor(actorID), CreatedAt: now,
	}
	if _, err := tx.NewInsert().Model(&r).Returning("id").Exec(ctx); err != nil {
		return ClinicReferral{}, translate(err, "create referral")
	}
	if err := recordReferralEvent(ctx, tx, tenantID, r.ID, actorID, now, "", ReferralReceived, "", ""); err != nil {
		return ClinicReferral{}, err
	}
	list, err := clinicReferrals(ctx, tx, tenantID, unitID, r.ID)
	if err != nil {
		return ClinicReferral{}, err
	}
	return list[0], nil
}

// UnitReferrals lists the referrals the unit has sent, newest first, as
// the unit may see them: no contact data, nothing beyond status and dates.
func (s *ReferralStore) UnitReferrals(ctx context.Context, tenantID, unitID int64) ([]ClinicReferral, error) {
	var list []ClinicReferral
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		var err error
		list, err = clinicReferrals(ctx, tx, tenantID, unitID, 0)
		return err
	})
	return list, err
}

// clinicReferrals reads the unit's referrals (one if id is not 0) through
// a query that selects nothing the unit may not see.
func clinicReferrals(ctx context.Context, tx *Tx, tenantID, unitID, id int64) ([]ClinicReferral, error) {
	var rows []struct {
		ID               int64          `bun:"id"`
		ParticipantID    int64          `bun:"participant_id"`
		Code             string         `bun:"code"`
		Status           ReferralStatus `bun:"status"`
		OrganisationName string         `bun:"organisation_name"`
		CreatedAt        time.Time      `bun:"created_at"`
		StatusChangedAt  time.Time      `bun:"status_changed_at"`
		DeclineReason    DeclineReason  `bun:"decline_reason"`
	}
	q := tx.NewSelect().TableExpr("referrals AS r").
		ColumnExpr("r.id, r.participant_id, p.code, r.status, o.name AS organisation_name, r.created_at, r.status_changed_at, r.decline_reason").
		Join("JOIN participants AS p ON p.tenant_id = r.tenant_id AND p.id = r.participant_id").
		Join("JOIN organisations AS o ON o.tenant_id = r.tenant_id AND o.id = r.organisation_id").
		Where("r.tenant_id = ? AND r.unit_id = ?", tenantID, unitID)
	if id != 0 {
		q = q.Where("r.id = ?", id)
	}
	if err := q.OrderExpr("r.created_at DESC, r.id DESC").Scan(ctx, &rows); err != nil {
		return nil, translate(err, "list unit referrals")
	}
	out := make([]ClinicReferral, len(rows))
	for i, r := range rows {
		out[i] = ClinicReferral{
			ID: r.ID, ParticipantID: r.ParticipantID, Code: r.Code, Status: r.Status, OrganisationName: r.OrganisationName,
			ReferredOn: today(r.CreatedAt), StatusChangedOn: today(r.StatusChangedAt),
		}
		if r.Status == ReferralDeclined {
			out[i].DeclineReason = r.DeclineReason
		}
	}
	return out, nil
}

// InboxPageSize is how many referrals a page of the inbox holds unless
// asked otherwise, and MaxInboxPageSize the most it may hold.
const (
	InboxPageSize    = 50
	MaxInboxPageSize = 500
)

// InboxPage is one page of an organisation's referrals, running ones first
// and newest first within each part, without contact data
// (OrganisationReferral gives it for one referral), with the counts of all
// the organisation's referrals.
type InboxPage struct {
	Referrals []OrganisationReferral
	// Total counts all the organisation's referrals, Open the running ones
	// among them (which come first).
	Total, Open int
}

// Inbox returns the page of the organisation's referrals that starts at
// offset (from 0) and holds at most limit (InboxPageSize when 0 or less,
// at most MaxInboxPageSize). Running referrals come first: the page is
// read as the running part and the ended part, each in date order from its
// own index range, so that a page costs its own rows rather than a sort of
// all the organisation's referrals.
func (s *ReferralStore) Inbox(ctx context.Context, tenantID, orgID int64, offset, limit int) (InboxPage, error) {
	if limit <= 0 {
		limit = InboxPageSize
	}
	limit, offset = min(limit, MaxInboxPageSize), max(offset, 0)
	var page InboxPage
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		var counts []struct {
			Status ReferralStatus `bun:"status"`
			N      int            `bun:"n"`
		}
		if err := tx.NewSelect().TableExpr("referrals").ColumnExpr("status, count(*) AS n").
			Where("tenant_id = ? AND organisation_id = ?", tenantID, orgID).Group("status").Scan(ctx, &counts); err != nil {
			return translate(err, "count referrals")
		}
		for _, c := range counts {
			page.Total += c.N
			if c.Status.Open() {
				page.Open += c.N
			}
		}
		part := func(open bool, from, n int) ([]Referral, error) {
			var refs []Referral
			q := tx.NewSelect().Model(&refs).Where("tenant_id = ? AND organisation_id = ?", tenantID, orgID)
			if open {
				q = q.Where("status NOT IN (?)", bun.In(closedStatuses))
			} else {
				q = q.Where("status IN (?)", bun.In(closedStatuses))
			}
			err := q.Order("created_at DESC", "id DESC").Limit(int64(n)).Offset(int64(from)).Scan(ctx)
			return refs, translate(err, "list referrals")
		}
		var refs []Referral
		if offset < page.Open {
			running, err := part(true, offset, limit)
			if err != nil {
				return err
			}
			refs = running
		}
		if rest := limit - len(refs); rest > 0 && offset+len(refs) < page.Total {
			ended, err := part(false, max(0, offset-page.Open), rest)
			if err != nil {
				return err
			}
			refs = append(refs, ended...)
		}
		var err error
		page.Referrals, err = s.describe(ctx, tx, tenantID, refs)
		return err
	})
	if err != nil {
		return InboxPage{}, err
	}
	return page, nil
}

// OrganisationReferral returns one of the organisation's referrals, with
// the participant's contact data when the consent shares it and holds
// today. It returns ErrNotFound for a referral to another organisation or
// region.
func (s *ReferralStore) OrganisationReferral(ctx context.Context, tenantID, orgID, referralID int64) (OrganisationReferral, error) {
	rec, err := s.record(ctx, tenantID, orgID, referralID, false)
	return rec.OrganisationReferral, err
}

// ReferralRecord is a referral as its organisation's page shows it: the
// referral (with contact data as OrganisationReferral gives it), its
// contact attempts, its status history, and its support: matches,
// meetings (without notes) and follow-ups.
type ReferralRecord struct {
	OrganisationReferral
	Attempts []ContactAttempt
	History  []ReferralEvent
	Support  ReferralSupport
}

// Record returns the whole ReferralRecord in one read, or ErrNotFound for
// a referral to another organisation or region.
func (s *ReferralStore) Record(ctx context.Context, tenantID, orgID, referralID int64) (ReferralRecord, error) {
	return s.record(ctx, tenantID, orgID, referralID, true)
}

func (s *ReferralStore) record(ctx context.Context, tenantID, orgID, referralID int64, whole bool) (ReferralRecord, error) {
	var out ReferralRecord
	var sealed *string
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		list, err := s.organisationReferrals(ctx, tx, tenantID, orgID, referralID)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return fmt.Errorf("referral: %w", ErrNotFound)
		}
		out.OrganisationReferral = list[0]
		var p Participant
		if err := translate(tx.NewSelect().Model(&p).Where("tenant_id = ? AND id = ?", tenantID, out.ParticipantID).Scan(ctx), "participant"); err != nil {
			return err
		}
		if p.ContactShareable(today(s.now())) {
			sealed = p.ContactEnc
		}
		if !whole {
			return nil
		}
		if out.Attempts, err = contactAttempts(ctx, tx, tenantID, referralID); err != nil {
			return err
		}
		if out.History, err = referralHistory(ctx, tx, tenantID, referralID); err != nil {
			return err
		}
		out.Support, err = referralSupport(ctx, tx, tenantID, referralID)
		return err
	})
	if err != nil || sealed == nil {
		return out, err
	}
	plain, err := s.sealer.Open(*sealed)
	if err != nil {
		return ReferralRecord{}, fmt.Errorf("open contact of referral %d: %w", referralID, err)
	}
	var c ParticipantContact
	if err := json.Unmarshal([]byte(plain), &c); err != nil {
		return ReferralRecord{}, fmt.Errorf("open contact of referral %d: %w", referralID, err)
	}
	out.Contact = &c
	return out, nil
}

func (s *ReferralStore) organisationReferrals(ctx context.Context, tx *Tx, tenantID, orgID, id int64) ([]OrganisationReferral, error) {
	var refs []Referral
	err := tx.NewSelect().Model(&refs).Where("tenant_id = ? AND organisation_id = ? AND id = ?", tenantID, orgID, id).Scan(ctx)
	if err != nil {
		return nil, translate(err, "read referral")
	}
	return s.describe(ctx, tx, tenantID, refs)
}

// describe makes organisation referrals of referrals: with their
// participants' code, target group, language, preferences and consent,
// and their units' names, read for these referrals only.
func (s *ReferralStore) describe(ctx context.Context, tx *Tx, tenantID int64, refs []Referral) ([]OrganisationReferral, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	participantIDs, unitIDs := make([]int64, 0, len(refs)), make([]int64, 0, len(refs))
	for _, r := range refs {
		participantIDs = append(participantIDs, r.ParticipantID)
		unitIDs = append(unitIDs, r.UnitID)
	}
	var participants []Participant
	if err := tx.NewSelect().Model(&participants).
		Column("id", "code", "unit_id", "target_group", "language", "pref_gender", "pref_age_band", "pref_languages",
			"pref_experience", "consent_follow_up", "consent_expires_on", "withdrawn_at").
		Where("tenant_id = ? AND id IN (?)", tenantID, bun.In(participantIDs)).
		Scan(ctx); err != nil {
		return nil, translate(err, "list referred participants")
	}
	var units []Unit
	if err := tx.NewSelect().Model(&units).Column("id", "name").
		Where("tenant_id = ? AND id IN (?)", tenantID, bun.In(unitIDs)).
		Scan(ctx); err != nil {
		return nil, translate(err, "list referring units")
	}
	byParticipant := make(map[int64]*Participant, len(participants))
	for i := range participants {
		byParticipant[participants[i].ID] = &participants[i]
	}
	unitNames := make(map[int64]string, len(units))
	for _, u := range units {
		unitNames[u.ID] = u.Name
	}
	day := today(s.now())
	out := make([]OrganisationReferral, len(refs))
	for i, r := range refs {
		o := OrganisationReferral{Referral: r, UnitName: unitNames[r.UnitID]}
		if p := byParticipant[r.ParticipantID]; p != nil {
			o.Code, o.TargetGroup, o.Language, o.Preferences = p.Code, p.TargetGroup, p.Language, p.Preferences()
			o.ConsentActive, o.ConsentFollowUp = p.ConsentActive(day), p.ConsentFollowUp && p.ConsentActive(day)
		}
		out[i] = o
	}
	return out, nil
}

// Accept takes on a received referral. It returns a *ValidationError
// (field "status", validation.referral_transition) unless the referral is
// received, and ErrNotFound for a referral not to the organisation.
func (s *ReferralStore) Accept(ctx context.Context, tenantID, orgID, actorID, referralID int64) (Referral, error) {
	return s.move(ctx, tenantID, orgID, actorID, referralID, ReferralAccepted, func(r *Referral) error {
		if r.Status != ReferralReceived {
			return transitionProblem(r.Status, ReferralAccepted)
		}
		return nil
	}, "", "")
}

// Decline turns down a received referral with a reason the unit will see.
// It returns a *ValidationError (field "reason", validation.choice; field
// "status", validation.referral_transition) and ErrNotFound for a referral
// not to the organisation.
func (s *ReferralStore) Decline(ctx context.Context, tenantID, orgID, actorID, referralID int64, reason DeclineReason) (Referral, error) {
	if !slices.Contains(DeclineReasons, reason) {
		return Referral{}, fieldProblem("reason", "validation.choice", nil)
	}
	return s.move(ctx, tenantID, orgID, actorID, referralID, ReferralDeclined, func(r *Referral) error {
		if r.Status != ReferralReceived {
			return transitionProblem(r.Status, ReferralDeclined)
		}
		r.DeclineReason = reason
		return nil
	}, string(reason), "")
}

// Close ends an accepted, contacted or matched referral with a reason,
// ending its match and cancelling the follow-ups not yet done. It returns
// a *ValidationError (field "reason", validation.choice; field "status",
// validation.referral_transition) and ErrNotFound for a referral not to the
// organisation.
func (s *ReferralStore) Close(ctx context.Context, tenantID, orgID, actorID, referralID int64, reason ClosureReason) (Referral, error) {
	if !slices.Contains(ClosureReasons, reason) {
		return Referral{}, fieldProblem("reason", "validation.choice", nil)
	}
	return s.move(ctx, tenantID, orgID, actorID, referralID, ReferralClosed, func(r *Referral) error {
		if r.Status != ReferralAccepted && r.Status != ReferralContacted && r.Status != ReferralMatched {
			return transitionProblem(r.Status, ReferralClosed)
		}
		r.CloseReason = reason
		return nil
	}, string(reason), "", func(ctx context.Context, tx *Tx) error {
		return endSupport(ctx, tx, tenantID, referralID, s.now().UTC(), MatchClosed)
	})
}

// Reopen takes a closed referral up again, as contacted if the participant
// was ever reached and as accepted otherwise, with a note saying why. A
// referral closed by a consent withdrawal stays closed. It returns a
// *ValidationError (field "note": required, too long; field "status":
// validation.referral_transition, validation.reopen_withdrawn) and
// ErrNotFound for a referral not to the organisation.
func (s *ReferralStore) Reopen(ctx context.Context, tenantID, orgID, actorID, referralID int64, note string) (Referral, error) {
	var v ValidationError
	note = strings.TrimSpace(note)
	checkLongText(&v, "note", note, true, MaxReopenNoteLength)
	if err := v.err(); err != nil {
		return Referral{}, err
	}
	var to ReferralStatus
	return s.move(ctx, tenantID, orgID, actorID, referralID, "", func(r *Referral) error {
		switch {
		case r.Status != ReferralClosed:
			return transitionProblem(r.Status, ReferralAccepted)
		case r.CloseReason == ClosureConsentWithdrawn:
			return fieldProblem("status", "validation.reopen_withdrawn", nil)
		}
		to = ReferralAccepted
		if !r.FirstContactOn.IsZero() {
			to = ReferralContacted
		}
		r.Status, r.CloseReason = to, ""
		return nil
	}, "", note)
}

// RecordContactAttempt records an attempt to reach the participant of an
// accepted or contacted referral. The first attempt that reached them
// makes the referral contacted and sets its first contact day. It returns
// a *ValidationError (attempted_on required, not in the future, not before
// the referral: validation.before_referral; method validation.choice;
// field "status": validation.referral_transition) and ErrNotFound for a
// referral not to the organisation.
func (s *ReferralStore) RecordContactAttempt(ctx context.Context, tenantID, orgID, actorID, referralID int64, a ContactAttempt) (Referral, error) {
	now := s.now().UTC()
	return s.move(ctx, tenantID, orgID, actorID, referralID, "", func(r *Referral) error {
		if r.Status != ReferralAccepted && r.Status != ReferralContacted {
			return transitionProblem(r.Status, ReferralContacted)
		}
		if err := a.validate(today(r.CreatedAt), today(now)); err != nil {
			return err
		}
		if a.Reached && (r.FirstContactOn.IsZero() || a.AttemptedOn.Before(r.FirstContactOn)) {
			r.FirstContactOn = a.AttemptedOn
		}
		if a.Reached {
			r.Status = ReferralContacted
		}
		return nil
	}, "", "", func(ctx context.Context, tx *Tx) error {
		a.ID, a.TenantID, a.ReferralID, a.OrganisationID, a.UserID, a.CreatedAt = 0, tenantID, referralID, orgID, actor(actorID), now
		_, err := tx.NewInsert().Model(&a).Exec(ctx)
		return translate(err, "record contact attempt")
	})
}

// ContactAttempts lists the attempts to reach a referral's participant,
// earliest first, or returns ErrNotFound for a referral not to the
// organisation.
func (s *ReferralStore) ContactAttempts(ctx context.Context, tenantID, orgID, referralID int64) ([]ContactAttempt, error) {
	var list []ContactAttempt
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		if _, err := loadReferral(ctx, tx, tenantID, orgID, referralID, false); err != nil {
			return err
		}
		var err error
		list, err = contactAttempts(ctx, tx, tenantID, referralID)
		return err
	})
	return list, err
}

func contactAttempts(ctx context.Context, tx *Tx, tenantID, referralID int64) ([]ContactAttempt, error) {
	var list []ContactAttempt
	err := tx.NewSelect().Model(&list).Where("tenant_id = ? AND referral_id = ?", tenantID, referralID).
		Order("attempted_on", "id").Scan(ctx)
	return list, translate(err, "list contact attempts")
}

// History returns a referral's status history, oldest first, or
// ErrNotFound for a referral not to the organisation.
func (s *ReferralStore) History(ctx context.Context, tenantID, orgID, referralID int64) ([]ReferralEvent, error) {
	var list []ReferralEvent
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		if _, err := loadReferral(ctx, tx, tenantID, orgID, referralID, false); err != nil {
			return err
		}
		var err error
		list, err = referralHistory(ctx, tx, tenantID, referralID)
		return err
	})
	return list, err
}

func referralHistory(ctx context.Context, tx *Tx, tenantID, referralID int64) ([]ReferralEvent, error) {
	var list []ReferralEvent
	err := tx.NewSelect().Model(&list).Where("tenant_id = ? AND referral_id = ?", tenantID, referralID).
		Order("at", "id").Scan(ctx)
	return list, translate(err, "referral history")
}

// WithdrawConsentAtUnit withdraws the consent of the unit's participant
// on their request (see withdraw). It returns ErrNotFound for a
// participant not of the unit and a *ValidationError (field
// "participant_id", validation.consent_withdrawn) when already withdrawn.
func (s *ReferralStore) WithdrawConsentAtUnit(ctx context.Context, tenantID, unitID, actorID, participantID int64) (Withdrawal, error) {
	var out Withdrawal
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		n, err := tx.NewSelect().Model((*Participant)(nil)).
			Where("tenant_id = ? AND unit_id = ? AND id = ?", tenantID, unitID, participantID).Count(ctx)
		if err != nil {
			return translate(err, "participant")
		}
		if n == 0 {
			return fmt.Errorf("participant: %w", ErrNotFound)
		}
		out, err = s.withdraw(ctx, tx, tenantID, actorID, participantID, SideUnit)
		return err
	})
	return out, err
}

// WithdrawConsentAtOrganisation withdraws the consent of the participant
// of one of the organisation's referrals, on their request (see
// withdraw). Errors as WithdrawConsentAtUnit, ErrNotFound for a referral
// not to the organisation.
func (s *ReferralStore) WithdrawConsentAtOrganisation(ctx context.Context, tenantID, orgID, actorID, referralID int64) (Withdrawal, error) {
	var out Withdrawal
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		r, err := loadReferral(ctx, tx, tenantID, orgID, referralID, true)
		if err != nil {
			return err
		}
		out, err = s.withdraw(ctx, tx, tenantID, actorID, r.ParticipantID, SideOrganisation)
		return err
	})
	return out, err
}

// withdraw erases the participant's sealed contact data at once, marks
// the consent withdrawn, closes every running referral with the reason
// consent_withdrawn (ending its match and cancelling its follow-ups) and
// records it all in the histories.
func (s *ReferralStore) withdraw(ctx context.Context, tx *Tx, tenantID, actorID, participantID int64, side Side) (Withdrawal, error) {
	now := s.now().UTC()
	var p Participant
	q := tx.NewSelect().Model(&p).Column("id", "code", "withdrawn_at").Where("tenant_id = ? AND id = ?", tenantID, participantID)
	if tx.Dialect() == Postgres {
		q = q.For("UPDATE")
	}
	if err := translate(q.Scan(ctx), "participant"); err != nil {
		return Withdrawal{}, err
	}
	if p.WithdrawnAt != nil {
		return Withdrawal{}, fieldProblem("participant_id", "validation.consent_withdrawn", nil)
	}
	if _, err := tx.NewUpdate().Model((*Participant)(nil)).
		Set("contact_enc = NULL").Set("withdrawn_at = ?", now).Set("withdrawn_by = ?", actor(actorID)).
		Where("tenant_id = ? AND id = ?", tenantID, participantID).Exec(ctx); err != nil {
		return Withdrawal{}, translate(err, "withdraw consent")
	}
	if err := recordParticipantEvent(ctx, tx, tenantID, participantID, actorID, now, ParticipantConsentWithdrawn, side); err != nil {
		return Withdrawal{}, err
	}
	var open []Referral
	if err := tx.NewSelect().Model(&open).Column("id", "status").
		Where("tenant_id = ? AND participant_id = ? AND status NOT IN (?, ?)", tenantID, participantID, ReferralDeclined, ReferralClosed).
		Order("id").Scan(ctx); err != nil {
		return Withdrawal{}, translate(err, "list open referrals")
	}
	w := Withdrawal{ParticipantID: participantID, Code: p.Code, At: now, UserID: actorID, Side: side, ClosedReferralIDs: []int64{}}
	for _, r := range open {
		if _, err := tx.NewUpdate().Model((*Referral)(nil)).
			Set("status = ?", ReferralClosed).Set("close_reason = ?", ClosureConsentWithdrawn).Set("status_changed_at = ?", now).
			Where("tenant_id = ? AND id = ?", tenantID, r.ID).Exec(ctx); err != nil {
			return Withdrawal{}, translate(err, "close referral")
		}
		if err := recordReferralEvent(ctx, tx, tenantID, r.ID, actorID, now, r.Status, ReferralClosed, string(ClosureConsentWithdrawn), ""); err != nil {
			return Withdrawal{}, err
		}
		if err := endSupport(ctx, tx, tenantID, r.ID, now, MatchConsentWithdrawn); err != nil {
			return Withdrawal{}, err
		}
		w.ClosedReferralIDs = append(w.ClosedReferralIDs, r.ID)
	}
	return w, nil
}

// move loads the organisation's referral (locked), lets change check and
// alter it, writes status, reasons and first contact back, records the
// status change in the history when the status changed (to, or the status
// change sets, names the new one) and runs the extra writes, all in one
// transaction.
func (s *ReferralStore) move(ctx context.Context, tenantID, orgID, actorID, referralID int64, to ReferralStatus,
	change func(r *Referral) error, reason, note string, extra ...func(ctx context.Context, tx *Tx) error) (Referral, error) {
	var out Referral
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		r, err := loadReferral(ctx, tx, tenantID, orgID, referralID, true)
		if err != nil {
			return err
		}
		from, firstContact := r.Status, r.FirstContactOn
		if err := change(&r); err != nil {
			return err
		}
		if to != "" {
			r.Status = to
		}
		now := s.now().UTC()
		if r.Status != from {
			r.StatusChangedAt = now
		}
		if _, err := tx.NewUpdate().Model(&r).
			Column("status", "status_changed_at", "decline_reason", "close_reason", "first_contact_on").
			Where("tenant_id = ? AND id = ?", tenantID, referralID).Exec(ctx); err != nil {
			return translate(err, "update referral")
		}
		if err := countFirstContact(ctx, tx, tenantID, referralID, firstContact, r.FirstContactOn); err != nil {
			return err
		}
		for _, f := range extra {
			if err := f(ctx, tx); err != nil {
				return err
			}
		}
		if r.Status != from {
			if err := recordReferralEvent(ctx, tx, tenantID, referralID, actorID, now, from, r.Status, reason, note); err != nil {
				return err
			}
		}
		out = r
		return nil
	})
	return out, err
}

// loadReferral reads one referral of the organisation; forUpdate locks
// it on PostgreSQL so that concurrent changes take turns.
func loadReferral(ctx context.Context, tx *Tx, tenantID, orgID, id int64, forUpdate bool) (Referral, error) {
	var r Referral
	q := tx.NewSelect().Model(&r).Where("tenant_id = ? AND organisation_id = ? AND id = ?", tenantID, orgID, id)
	if forUpdate && tx.Dialect() == Postgres {
		q = q.For("UPDATE")
	}
	return r, translate(q.Scan(ctx), "referral")
}

func transitionProblem(from, to ReferralStatus) error {
	return fieldProblem("status", "validation.referral_transition", map[string]any{"From": string(from), "To": string(to)})
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

func recordReferralEvent(ctx context.Context, tx *Tx, tenantID, referralID, actorID int64, at time.Time, from, to ReferralStatus, reason, note string) error {
	e := ReferralEvent{TenantID: tenantID, ReferralID: referralID, UserID: actor(actorID), At: at, From: from, To: to, Reason: reason, Note: note}
	if _, err := tx.NewInsert().Model(&e).Exec(ctx); err != nil {
		return translate(err, "record referral history")
	}
	return countStatusChange(ctx, tx, tenantID, referralID, from, to, reason)
}

func recordParticipantEvent(ctx context.Context, tx *Tx, tenantID, participantID, actorID int64, at time.Time, kind ParticipantEventKind, side Side) error {
	e := ParticipantEvent{TenantID: tenantID, ParticipantID: participantID, UserID: actor(actorID), At: at, Kind: kind, Side: side}
	_, err := tx.NewInsert().Model(&e).Exec(ctx)
	return translate(err, "record participant history")
}
