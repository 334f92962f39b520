package tenants

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// SupportStore keeps what happens after a referral is taken on: the match
// with a peer supporter, the meetings the peer logs and the follow-ups.
//
// Coordinator-side methods take the organisation and treat a referral to
// another organisation as not found. Peer-side methods take the peer and
// see only that peer's running matches: a match that ended, or another
// peer's, is not found. Meeting notes are sealed and opened for the peer of
// the match only.
type SupportStore struct {
	db     *DB
	sealer *Sealer
	now    func() time.Time
}

// NewSupportStore returns a SupportStore on db; sealer (not nil) seals
// meeting notes and opens participants' contact data for their peer.
func NewSupportStore(db *DB, sealer *Sealer) *SupportStore {
	return &SupportStore{db: db, sealer: sealer, now: time.Now}
}

// WithClock returns a copy of the store that reads the time from now: the
// demo data and tests that play out months of work set the clock.
func (s *SupportStore) WithClock(now func() time.Time) *SupportStore {
	c := *s
	c.now = now
	return &c
}

// FollowUpWindowDays is how many days before its due day a follow-up may
// be done.
const FollowUpWindowDays = 14

// Suggestions ranks the organisation's active peers for one of its
// referrals (see rankPeers), or returns ErrNotFound for a referral not to
// the organisation.
func (s *SupportStore) Suggestions(ctx context.Context, tenantID, orgID, referralID int64) ([]MatchSuggestion, error) {
	var out []MatchSuggestion
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		r, err := loadReferral(ctx, tx, tenantID, orgID, referralID, false)
		if err != nil {
			return err
		}
		var p Participant
		if err := translate(tx.NewSelect().Model(&p).
			Column("id", "target_group", "language", "pref_gender", "pref_age_band", "pref_languages", "pref_experience").
			Where("tenant_id = ? AND id = ?", tenantID, r.ParticipantID).Scan(ctx), "participant"); err != nil {
			return err
		}
		var peers []Peer
		if err := tx.NewSelect().Model(&peers).
			Column("id", "display_name", "languages", "experience", "gender", "age_band", "capacity", "status").
			Where("tenant_id = ? AND organisation_id = ? AND status = ?", tenantID, orgID, PeerActive).
			Order("display_name", "id").Scan(ctx); err != nil {
			return translate(err, "list peers")
		}
		running, err := runningMatches(ctx, tx, tenantID, orgID)
		if err != nil {
			return err
		}
		day := today(s.now())
		var placedIDs []int64
		if err := tx.NewSelect().Model((*Placement)(nil)).Column("peer_id").
			Where("tenant_id = ? AND organisation_id = ? AND unit_id = ?", tenantID, orgID, r.UnitID).
			Where("starts_on <= ? AND (ends_on IS NULL OR ends_on >= ?)", day, day).
			Scan(ctx, &placedIDs); err != nil {
			return translate(err, "list placements at unit")
		}
		placed := map[int64]bool{}
		for _, id := range placedIDs {
			placed[id] = true
		}
		cur, err := runningMatch(ctx, tx, tenantID, referralID)
		if err != nil {
			return err
		}
		out = rankPeers(p, peers, running, placed, cur.PeerID)
		return nil
	})
	return out, err
}

// runningMatches counts the running matches of each of the
// organisation's peers, by peer id.
func runningMatches(ctx context.Context, tx *Tx, tenantID, orgID int64) (map[int64]int, error) {
	var rows []struct {
		PeerID int64 `bun:"peer_id"`
		N      int   `bun:"n"`
	}
	if err := tx.NewSelect().Model((*Match)(nil)).ColumnExpr("peer_id, COUNT(*) AS n").
		Where("tenant_id = ? AND organisation_id = ? AND ended_at IS NULL", tenantID, orgID).
		Group("peer_id").Scan(ctx, &rows); err != nil {
		return nil, translate(err, "count running matches")
	}
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.PeerID] = r.N
	}
	return out, nil
}

// runningMatch returns the referral's running match, or a zero Match.
func runningMatch(ctx context.Context, tx *Tx, tenantID, referralID int64) (Match, error) {
	var m Match
	err := tx.NewSelect().Model(&m).Where("tenant_id = ? AND referral_id = ? AND ended_at IS NULL", tenantID, referralID).Scan(ctx)
	if err := translate(err, "running match"); err != nil && !isNotFound(err) {
		return Match{}, err
	}
	return m, nil
}

// Match gives a contacted (or already matched) referral's participant the
// peer, from today. A running match with another peer ends as rematched.
// The first match plans the follow-ups on the region's schedule when the
// participant consented to follow-up; a later match after a reopening
// takes up the cancelled follow-ups that are not yet past.
//
// It returns a *ValidationError — field "status": validation.referral_transition
// (not contacted or matched); field "peer_id": validation.scope_peer (no
// such peer in the organisation), validation.peer_not_active,
// validation.already_matched (that peer supports the participant already),
// validation.peer_full (Args Capacity) — and ErrNotFound for a referral
// not to the organisation.
func (s *SupportStore) Match(ctx context.Context, tenantID, orgID, actorID, referralID, peerID int64) (Match, error) {
	now := s.now().UTC()
	day := today(now)
	var out Match
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		r, err := loadReferral(ctx, tx, tenantID, orgID, referralID, true)
		if err != nil {
			return err
		}
		if r.Status != ReferralContacted && r.Status != ReferralMatched {
			return transitionProblem(r.Status, ReferralMatched)
		}
		peer, err := loadPeer(ctx, tx, tenantID, orgID, peerID, true)
		if isNotFound(err) {
			return fieldProblem("peer_id", "validation.scope_peer", nil)
		} else if err != nil {
			return err
		}
		if peer.Status != PeerActive {
			return fieldProblem("peer_id", "validation.peer_not_active", nil)
		}
		cur, err := runningMatch(ctx, tx, tenantID, referralID)
		if err != nil {
			return err
		}
		if cur.ID != 0 && cur.PeerID == peerID {
			return fieldProblem("peer_id", "validation.already_matched", nil)
		}
		n, err := tx.NewSelect().Model((*Match)(nil)).
			Where("tenant_id = ? AND peer_id = ? AND ended_at IS NULL", tenantID, peerID).Count(ctx)
		if err != nil {
			return translate(err, "count peer's matches")
		}
		if int(n) >= peer.Capacity {
			return fieldProblem("peer_id", "validation.peer_full", map[string]any{"Capacity": peer.Capacity})
		}
		if cur.ID != 0 {
			if _, err := tx.NewUpdate().Model((*Match)(nil)).Set("ended_at = ?", now).Set("end_reason = ?", MatchRematched).
				Where("tenant_id = ? AND id = ?", tenantID, cur.ID).Exec(ctx); err != nil {
				return translate(err, "end match")
			}
		}
		out = Match{TenantID: tenantID, ReferralID: referralID, OrganisationID: orgID, PeerID: peerID,
			StartedOn: day, MatchedBy: actor(actorID), CreatedAt: now}
		if _, err := tx.NewInsert().Model(&out).Returning("id").Exec(ctx); err != nil {
			return translate(err, "match")
		}
		reason := ""
		if r.Status == ReferralMatched {
			reason = string(MatchRematched)
		} else if _, err := tx.NewUpdate().Model((*Referral)(nil)).
			Set("status = ?", ReferralMatched).Set("status_changed_at = ?", now).
			Where("tenant_id = ? AND id = ?", tenantID, referralID).Exec(ctx); err != nil {
			return translate(err, "update referral")
		}
		if err := recordReferralEvent(ctx, tx, tenantID, referralID, actorID, now, r.Status, ReferralMatched, reason, ""); err != nil {
			return err
		}
		return planFollowUps(ctx, tx, tenantID, r, day)
	})
	return out, err
}

// planFollowUps plans the referral's follow-ups from day on the region's
// schedule, if the participant consented to follow-up and none were
// planned before; otherwise it takes up the cancelled ones not yet past.
func planFollowUps(ctx context.Context, tx *Tx, tenantID int64, r Referral, day Date) error {
	var p Participant
	if err := translate(tx.NewSelect().Model(&p).Column("id", "consent_follow_up", "consent_expires_on", "withdrawn_at").
		Where("tenant_id = ? AND id = ?", tenantID, r.ParticipantID).Scan(ctx), "participant"); err != nil {
		return err
	}
	if !p.ConsentFollowUp || !p.ConsentActive(day) {
		return nil
	}
	n, err := tx.NewSelect().Model((*FollowUp)(nil)).Where("tenant_id = ? AND referral_id = ?", tenantID, r.ID).Count(ctx)
	if err != nil {
		return translate(err, "count follow-ups")
	}
	if n > 0 {
		_, err := tx.NewUpdate().Model((*FollowUp)(nil)).Set("status = ?", FollowUpDue).
			Where("tenant_id = ? AND referral_id = ? AND status = ? AND due_on >= ?", tenantID, r.ID, FollowUpCancelled, day).Exec(ctx)
		return translate(err, "take up follow-ups")
	}
	settings, err := regionSettings(ctx, tx, tenantID)
	if err != nil {
		return err
	}
	planned := plannedFollowUps(tenantID, r.ID, day, settings.FollowUpMonths)
	_, err = tx.NewInsert().Model(&planned).Exec(ctx)
	return translate(err, "plan follow-ups")
}

// endSupport ends the referral's running match for the reason and cancels
// its follow-ups not yet done; closing a referral and withdrawing consent
// call it in their transaction.
func endSupport(ctx context.Context, tx *Tx, tenantID, referralID int64, at time.Time, reason MatchEndReason) error {
	if _, err := tx.NewUpdate().Model((*Match)(nil)).Set("ended_at = ?", at).Set("end_reason = ?", reason).
		Where("tenant_id = ? AND referral_id = ? AND ended_at IS NULL", tenantID, referralID).Exec(ctx); err != nil {
		return translate(err, "end match")
	}
	_, err := tx.NewUpdate().Model((*FollowUp)(nil)).Set("status = ?", FollowUpCancelled).
		Where("tenant_id = ? AND referral_id = ? AND status = ?", tenantID, referralID, FollowUpDue).Exec(ctx)
	return translate(err, "cancel follow-ups")
}

// MatchedPeer is a match with its peer's name, as the coordinator sees it.
type MatchedPeer struct {
	Match
	PeerName string
}

// ReferralSupport is what the coordinator sees of the support of one of
// the organisation's referrals: the matches, the meetings without notes
// and the follow-ups with scores.
type ReferralSupport struct {
	// Matches are newest first; the running one, if any, is first.
	Matches   []MatchedPeer
	Meetings  []Meeting
	FollowUps []FollowUp
}

// Current returns the running match, if any.
func (s ReferralSupport) Current() (MatchedPeer, bool) {
	if len(s.Matches) > 0 && s.Matches[0].Running() {
		return s.Matches[0], true
	}
	return MatchedPeer{}, false
}

// MeetingMinutes sums the meetings' durations.
func (s ReferralSupport) MeetingMinutes() int {
	n := 0
	for _, m := range s.Meetings {
		n += m.DurationMinutes
	}
	return n
}

// referralSupport reads the support of a referral; meeting notes stay
// sealed and are not returned.
func referralSupport(ctx context.Context, tx *Tx, tenantID, referralID int64) (ReferralSupport, error) {
	var out ReferralSupport
	var matches []Match
	if err := tx.NewSelect().Model(&matches).Where("tenant_id = ? AND referral_id = ?", tenantID, referralID).
		Order("created_at DESC", "id DESC").Scan(ctx); err != nil {
		return out, translate(err, "list matches")
	}
	var peers []Peer
	if err := tx.NewSelect().Model(&peers).Column("id", "display_name").
		Where("tenant_id = ? AND id IN (SELECT peer_id FROM matches WHERE tenant_id = ? AND referral_id = ?)", tenantID, tenantID, referralID).
		Scan(ctx); err != nil {
		return out, translate(err, "list matched peers")
	}
	out.Matches = make([]MatchedPeer, len(matches))
	for i, m := range matches {
		out.Matches[i] = MatchedPeer{Match: m}
		if j := slices.IndexFunc(peers, func(p Peer) bool { return p.ID == m.PeerID }); j >= 0 {
			out.Matches[i].PeerName = peers[j].DisplayName
		}
	}
	if err := tx.NewSelect().Model(&out.Meetings).
		Column("id", "tenant_id", "match_id", "held_on", "format", "duration_minutes", "topics", "created_at").
		Where("tenant_id = ? AND match_id IN (SELECT id FROM matches WHERE tenant_id = ? AND referral_id = ?)", tenantID, tenantID, referralID).
		Order("held_on DESC", "id DESC").Scan(ctx); err != nil {
		return out, translate(err, "list meetings")
	}
	var err error
	out.FollowUps, err = followUps(ctx, tx, tenantID, referralID)
	return out, err
}

// followUps reads a referral's follow-ups by month, with their scores.
func followUps(ctx context.Context, tx *Tx, tenantID, referralID int64) ([]FollowUp, error) {
	var list []FollowUp
	if err := tx.NewSelect().Model(&list).Where("tenant_id = ? AND referral_id = ?", tenantID, referralID).
		Order("month").Scan(ctx); err != nil {
		return nil, translate(err, "list follow-ups")
	}
	if len(list) == 0 {
		return list, nil
	}
	var scores []FollowUpScore
	if err := tx.NewSelect().Model(&scores).
		Where("tenant_id = ? AND follow_up_id IN (SELECT id FROM follow_ups WHERE tenant_id = ? AND referral_id = ?)", tenantID, tenantID, referralID).
		Scan(ctx); err != nil {
		return nil, translate(err, "list follow-up scores")
	}
	for i := range list {
		for _, sc := range scores {
			if sc.FollowUpID == list[i].ID {
				list[i].Scores = append(list[i].Scores, sc)
			}
		}
		slices.SortFunc(list[i].Scores, func(a, b FollowUpScore) int {
			return slices.Index(Instruments, a.Instrument) - slices.Index(Instruments, b.Instrument)
		})
	}
	return list, nil
}

// PeerMatch is one of a peer's running matches as the peer sees it: the
// participant's code, target group and language, their first name or
// alias and contact details while the consent shares them, the meetings
// of this match (with notes), the follow-ups and what they ask.
type PeerMatch struct {
	Match
	Code        string
	TargetGroup TargetGroup
	Language    string
	// Contact is nil in lists, and whenever the consent does not share it.
	Contact *ParticipantContact
	// FollowUpConsent: the consent to follow-up holds today.
	FollowUpConsent bool
	Meetings        []Meeting
	FollowUps       []FollowUp
	// Instruments are the questionnaires a follow-up asks.
	Instruments []Instrument
}

// LastMeetingOn returns the day of the latest meeting, or a zero Date.
func (m PeerMatch) LastMeetingOn() Date {
	var d Date
	for _, x := range m.Meetings {
		if x.HeldOn.After(d) {
			d = x.HeldOn
		}
	}
	return d
}

// NextFollowUp returns the earliest follow-up still due.
func (m PeerMatch) NextFollowUp() (FollowUp, bool) {
	for _, f := range m.FollowUps {
		if f.Status == FollowUpDue {
			return f, true
		}
	}
	return FollowUp{}, false
}

// PeerMatches lists the peer's running matches, oldest first, with their
// meetings (without notes) and follow-ups but no contact data.
func (s *SupportStore) PeerMatches(ctx context.Context, tenantID, peerID int64) ([]PeerMatch, error) {
	var out []PeerMatch
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		var matches []Match
		if err := tx.NewSelect().Model(&matches).Where("tenant_id = ? AND peer_id = ? AND ended_at IS NULL", tenantID, peerID).
			Order("started_on", "id").Scan(ctx); err != nil {
			return translate(err, "list peer's matches")
		}
		for _, m := range matches {
			pm, _, err := s.peerMatch(ctx, tx, tenantID, m, false)
			if err != nil {
				return err
			}
			out = append(out, pm)
		}
		return nil
	})
	return out, err
}

// PeerMatch returns one of the peer's running matches with the contact
// data (when shared) and the meetings' notes, or ErrNotFound for a match
// that ended or is another peer's.
func (s *SupportStore) PeerMatch(ctx context.Context, tenantID, peerID, matchID int64) (PeerMatch, error) {
	var out PeerMatch
	var sealed *string
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		m, err := loadPeerMatch(ctx, tx, tenantID, peerID, matchID)
		if err != nil {
			return err
		}
		out, sealed, err = s.peerMatch(ctx, tx, tenantID, m, true)
		return err
	})
	if err != nil {
		return PeerMatch{}, err
	}
	if sealed != nil {
		c, err := s.openContact(*sealed)
		if err != nil {
			return PeerMatch{}, fmt.Errorf("open contact of match %d: %w", matchID, err)
		}
		out.Contact = &c
	}
	for i, x := range out.Meetings {
		if x.NoteEnc == nil {
			continue
		}
		note, err := s.sealer.Open(*x.NoteEnc)
		if err != nil {
			return PeerMatch{}, fmt.Errorf("open note of meeting %d: %w", x.ID, err)
		}
		out.Meetings[i].Note = note
	}
	return out, nil
}

func (s *SupportStore) openContact(sealed string) (ParticipantContact, error) {
	var c ParticipantContact
	plain, err := s.sealer.Open(sealed)
	if err != nil {
		return c, err
	}
	return c, json.Unmarshal([]byte(plain), &c)
}

// loadPeerMatch reads a running match of the peer.
func loadPeerMatch(ctx context.Context, tx *Tx, tenantID, peerID, matchID int64) (Match, error) {
	var m Match
	err := tx.NewSelect().Model(&m).Where("tenant_id = ? AND peer_id = ? AND id = ? AND ended_at IS NULL", tenantID, peerID, matchID).Scan(ctx)
	return m, translate(err, "match")
}

// peerMatch reads what the peer sees of a match; whole adds the sealed
// contact (returned for the caller to open outside the transaction) and
// the meetings' sealed notes.
func (s *SupportStore) peerMatch(ctx context.Context, tx *Tx, tenantID int64, m Match, whole bool) (PeerMatch, *string, error) {
	out := PeerMatch{Match: m}
	day := today(s.now())
	p, terms, err := followUpTermsOf(ctx, tx, tenantID, m.ReferralID, day)
	if err != nil {
		return out, nil, err
	}
	out.Code, out.TargetGroup, out.Language = p.Code, p.TargetGroup, p.Language
	out.FollowUpConsent, out.Instruments = terms.consent, terms.instruments
	q := tx.NewSelect().Model(&out.Meetings).Where("tenant_id = ? AND match_id = ?", tenantID, m.ID).Order("held_on DESC", "id DESC")
	if !whole {
		q = q.ExcludeColumn("note_enc")
	}
	if err := q.Scan(ctx); err != nil {
		return out, nil, translate(err, "list meetings")
	}
	if out.FollowUps, err = followUps(ctx, tx, tenantID, m.ReferralID); err != nil {
		return out, nil, err
	}
	if whole && p.ContactShareable(day) {
		return out, p.ContactEnc, nil
	}
	return out, nil, nil
}

// followUpTerms are what a follow-up of a referral may ask: whether the
// participant's consent to follow-up holds, and the questionnaires.
type followUpTerms struct {
	consent     bool
	instruments []Instrument
}

// followUpTermsOf reads the referral's participant (the sealed contact
// included, for the peer's page) and the follow-up terms on day: recording
// a follow-up needs only these, not the whole PeerMatch.
func followUpTermsOf(ctx context.Context, tx *Tx, tenantID, referralID int64, day Date) (Participant, followUpTerms, error) {
	var p Participant
	if err := translate(tx.NewSelect().Model(&p).
		Column("id", "code", "target_group", "language", "contact_enc", "consent_share_contact", "consent_follow_up", "consent_expires_on", "withdrawn_at").
		Where("tenant_id = ? AND id = (SELECT participant_id FROM referrals WHERE tenant_id = ? AND id = ?)", tenantID, tenantID, referralID).
		Scan(ctx), "participant"); err != nil {
		return p, followUpTerms{}, err
	}
	settings, err := regionSettings(ctx, tx, tenantID)
	if err != nil {
		return p, followUpTerms{}, err
	}
	return p, followUpTerms{consent: p.ConsentFollowUp && p.ConsentActive(day), instruments: settings.FollowUpInstruments(p.TargetGroup)}, nil
}

// LogMeeting records a meeting of one of the peer's running matches. A
// note is sealed and kept only where the region allows notes. It returns
// a *ValidationError (see Meeting.validate; field "note",
// validation.notes_off when the region does not allow notes) and
// ErrNotFound for a match that ended or is another peer's.
func (s *SupportStore) LogMeeting(ctx context.Context, tenantID, peerID, actorID, matchID int64, m Meeting) (Meeting, error) {
	now := s.now().UTC()
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		match, err := loadPeerMatch(ctx, tx, tenantID, peerID, matchID)
		if err != nil {
			return err
		}
		settings, err := regionSettings(ctx, tx, tenantID)
		if err != nil {
			return err
		}
		if err := m.validate(match.StartedOn, today(now), settings.MeetingNotes); err != nil {
			return err
		}
		m.ID, m.TenantID, m.MatchID, m.LoggedBy, m.CreatedAt, m.NoteEnc = 0, tenantID, matchID, actor(actorID), now, nil
		if m.Note != "" {
			sealed, err := s.sealer.Seal(m.Note)
			if err != nil {
				return fmt.Errorf("seal meeting note: %w", err)
			}
			m.NoteEnc = &sealed
		}
		if _, err := tx.NewInsert().Model(&m).Returning("id").Exec(ctx); err != nil {
			return translate(err, "log meeting")
		}
		return countMeeting(ctx, tx, tenantID, match.ReferralID)
	})
	return m, err
}

// FollowUpAnswers are the answers to a follow-up's questionnaires, item
// values in order, by instrument.
type FollowUpAnswers map[Instrument][]int

// RecordFollowUp records a due follow-up of one of the peer's running
// matches as done on the day with the answers to every questionnaire it
// asks, each scored by its published rules. It returns a *ValidationError
// — field "done_on" (required, not in the future, not before the match:
// validation.before_match; too early: validation.follow_up_early, Args
// Days); field "status": validation.follow_up_done; field "follow_up":
// validation.consent_follow_up; per instrument the scoring's fields, or
// the instrument's name with validation.choice for a questionnaire it does
// not ask — and ErrNotFound for a match that ended, is another peer's, or
// a follow-up of another referral.
func (s *SupportStore) RecordFollowUp(ctx context.Context, tenantID, peerID, actorID, matchID, followUpID int64, doneOn Date, answers FollowUpAnswers) (FollowUp, error) {
	return s.finishFollowUp(ctx, tenantID, peerID, actorID, matchID, followUpID, doneOn, FollowUpCompleted, answers)
}

// DeclineFollowUp records that the participant chose not to answer a due
// follow-up, on the day. Errors as RecordFollowUp, without the answers'.
func (s *SupportStore) DeclineFollowUp(ctx context.Context, tenantID, peerID, actorID, matchID, followUpID int64, doneOn Date) (FollowUp, error) {
	return s.finishFollowUp(ctx, tenantID, peerID, actorID, matchID, followUpID, doneOn, FollowUpDeclined, nil)
}

func (s *SupportStore) finishFollowUp(ctx context.Context, tenantID, peerID, actorID, matchID, followUpID int64, doneOn Date,
	to FollowUpStatus, answers FollowUpAnswers) (FollowUp, error) {
	now := s.now().UTC()
	day := today(now)
	var out FollowUp
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		m, err := loadPeerMatch(ctx, tx, tenantID, peerID, matchID)
		if err != nil {
			return err
		}
		q := tx.NewSelect().Model(&out).Where("tenant_id = ? AND referral_id = ? AND id = ?", tenantID, m.ReferralID, followUpID)
		if tx.Dialect() == Postgres {
			q = q.For("UPDATE")
		}
		if err := translate(q.Scan(ctx), "follow-up"); err != nil {
			return err
		}
		_, terms, err := followUpTermsOf(ctx, tx, tenantID, m.ReferralID, day)
		if err != nil {
			return err
		}
		var v ValidationError
		switch {
		case out.Status != FollowUpDue:
			v.add("status", "validation.follow_up_done", nil)
		case !terms.consent:
			v.add("follow_up", "validation.consent_follow_up", nil)
		}
		switch {
		case doneOn.IsZero():
			v.add("done_on", "validation.required", nil)
		case doneOn.After(day):
			v.add("done_on", "validation.not_future", nil)
		case doneOn.Before(m.StartedOn):
			v.add("done_on", "validation.before_match", nil)
		case doneOn.Before(out.DueOn.AddDays(-FollowUpWindowDays)):
			v.add("done_on", "validation.follow_up_early", map[string]any{"Days": FollowUpWindowDays})
		}
		var scores []FollowUpScore
		if to == FollowUpCompleted {
			for inst := range answers {
				if !slices.Contains(terms.instruments, inst) {
					v.add(string(inst), "validation.choice", nil)
				}
			}
			for _, inst := range terms.instruments {
				sc, err := inst.Score(answers[inst])
				var bad *ValidationError
				if errors.As(err, &bad) {
					v.Fields = append(v.Fields, bad.Fields...)
					continue
				} else if err != nil {
					return err
				}
				scores = append(scores, FollowUpScore{TenantID: tenantID, FollowUpID: followUpID, Instrument: inst,
					Answers: answers[inst], Raw: sc.Raw, Total: sc.Total})
			}
		}
		if err := v.err(); err != nil {
			return err
		}
		out.Status, out.DoneOn, out.RecordedBy, out.RecordedAt, out.Scores = to, doneOn, actor(actorID), &now, scores
		if _, err := tx.NewUpdate().Model(&out).Column("status", "done_on", "recorded_by", "recorded_at").
			Where("tenant_id = ? AND id = ?", tenantID, followUpID).Exec(ctx); err != nil {
			return translate(err, "record follow-up")
		}
		if len(scores) > 0 {
			if _, err := tx.NewInsert().Model(&scores).Exec(ctx); err != nil {
				return translate(err, "record follow-up scores")
			}
		}
		return countFollowUp(ctx, tx, tenantID, out)
	})
	if err != nil {
		return FollowUp{}, err
	}
	return out, nil
}
