package tenants_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// supportFixture is a pathway fixture with peers in organisation A, one
// of them linked to no account, and a referral of Ahmed to A that A has
// accepted and reached.
type supportFixture struct {
	pathwayFixture
	support      *tenants.SupportStore
	peers        *tenants.PeerStore
	ahmed        tenants.Participant
	referral     tenants.ClinicReferral
	yusuf, maria tenants.Peer
	leila, pia   tenants.Peer
	paused       tenants.Peer
	otherOrgPeer tenants.Peer
}

func newSupportFixture(t *testing.T, db *tenants.DB, n tenants.NewParticipant) supportFixture {
	t.Helper()
	ctx := context.Background()
	f := supportFixture{pathwayFixture: newPathwayFixture(t, db), peers: tenants.NewPeerStore(db, testSealer(t))}
	f.support = tenants.NewSupportStore(db, testSealer(t))
	peer := func(org int64, name string, langs []string, exp []tenants.ExperienceArea, g tenants.Gender, capacity int, status tenants.PeerStatus) tenants.Peer {
		p, err := f.peers.Create(ctx, f.a.ID, org, f.coordinator, tenants.Peer{
			DisplayName: name, Languages: langs, Experience: exp, Gender: g, AgeBand: tenants.Age30to44,
			Capacity: capacity, Status: status,
		})
		if err != nil {
			t.Fatalf("create peer %s: %v", name, err)
		}
		return p
	}
	hiv := []tenants.ExperienceArea{tenants.ExperienceHIV}
	// Yusuf fits Ahmed in everything; Maria has HIV experience but speaks
	// no Arabic; Leila speaks Arabic without HIV experience; Pia fits
	// like Yusuf but has room for no one; the paused peer is not offered.
	f.yusuf = peer(f.orgA.ID, "Yusuf", []string{"sv", "ar"}, hiv, tenants.GenderMan, 2, tenants.PeerActive)
	f.maria = peer(f.orgA.ID, "Maria", []string{"sv"}, hiv, tenants.GenderWoman, 3, tenants.PeerActive)
	f.leila = peer(f.orgA.ID, "Leila", []string{"ar"}, []tenants.ExperienceArea{tenants.ExperienceTrauma}, tenants.GenderWoman, 3, tenants.PeerActive)
	f.pia = peer(f.orgA.ID, "Pia", []string{"sv", "ar"}, hiv, tenants.GenderMan, 0, tenants.PeerActive)
	f.paused = peer(f.orgA.ID, "Paus", []string{"sv", "ar"}, hiv, tenants.GenderMan, 3, tenants.PeerActive)
	var err error
	if f.paused, err = f.peers.SetStatus(ctx, f.a.ID, f.orgA.ID, f.coordinator, f.paused.ID, tenants.PeerPaused, ""); err != nil {
		t.Fatal(err)
	}
	f.otherOrgPeer = peer(f.orgB.ID, "Bengt", []string{"sv", "ar"}, hiv, tenants.GenderMan, 3, tenants.PeerActive)
	f.ahmed = f.participant(t, n)
	if f.referral, err = f.refs.Refer(ctx, f.a.ID, f.clinic.ID, f.nurse, f.ahmed.ID, f.orgA.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.refs.Accept(ctx, f.a.ID, f.orgA.ID, f.coordinator, f.referral.ID); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f supportFixture) reach(t *testing.T) {
	t.Helper()
	if _, err := f.refs.RecordContactAttempt(context.Background(), f.a.ID, f.orgA.ID, f.coordinator, f.referral.ID,
		tenants.ContactAttempt{AttemptedOn: tenants.Today(time.Now()), Method: tenants.ContactSMS, Reached: true}); err != nil {
		t.Fatal(err)
	}
}

func (f supportFixture) match(t *testing.T, peerID int64) tenants.Match {
	t.Helper()
	m, err := f.support.Match(context.Background(), f.a.ID, f.orgA.ID, f.coordinator, f.referral.ID, peerID)
	if err != nil {
		t.Fatalf("match: %v", err)
	}
	return m
}

func (f supportFixture) record(t *testing.T) tenants.ReferralRecord {
	t.Helper()
	rec, err := f.refs.Record(context.Background(), f.a.ID, f.orgA.ID, f.referral.ID)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func wantField(t *testing.T, what string, err error, field, key string) {
	t.Helper()
	var v *tenants.ValidationError
	if !errors.As(err, &v) {
		t.Errorf("%s: err = %v, want a refusal at %s (%s)", what, err, field, key)
		return
	}
	for _, fe := range v.Fields {
		if fe.Field == field && fe.Key == key {
			return
		}
	}
	t.Errorf("%s: refusal %+v lacks %s: %s", what, v.Fields, field, key)
}

// TestMatchSuggestions: peers are ranked by what fits the participant,
// with the reasons, the full after those with room, and paused peers and
// other organisations' peers not offered at all.
func TestMatchSuggestions(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		f := newSupportFixture(t, db, ahmed())
		got, err := f.support.Suggestions(context.Background(), f.a.ID, f.orgA.ID, f.referral.ID)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range got {
			names = append(names, s.DisplayName)
		}
		// Yusuf speaks Arabic and fits all; Leila speaks Arabic but lacks
		// HIV experience; Maria has it but no Arabic; Pia fits but is full.
		if want := []string{"Yusuf", "Leila", "Maria", "Pia"}; !slices.Equal(names, want) {
			t.Fatalf("ranking = %v, want %v", names, want)
		}
		y := got[0]
		for _, c := range []tenants.MatchCriterion{tenants.CriterionLanguage, tenants.CriterionExperience,
			tenants.CriterionPreferredExperience, tenants.CriterionPreferredLanguage, tenants.CriterionGender, tenants.CriterionCapacity} {
			if !slices.Contains(y.Fits, c) {
				t.Errorf("Yusuf's fits %v lack %s", y.Fits, c)
			}
		}
		if len(y.Misses) != 0 || y.FreeCapacity != 2 {
			t.Errorf("Yusuf: misses %v, free %d; want none and 2", y.Misses, y.FreeCapacity)
		}
		if m := got[2]; !slices.Contains(m.Misses, tenants.CriterionLanguage) || !slices.Contains(m.Misses, tenants.CriterionGender) {
			t.Errorf("Maria's misses %v lack language and gender", m.Misses)
		}
		if p := got[3]; !p.Full() || !slices.Contains(p.Misses, tenants.CriterionCapacity) {
			t.Errorf("Pia: full %v, misses %v; want full with capacity missing", p.Full(), p.Misses)
		}
		_, err = f.support.Suggestions(context.Background(), f.a.ID, f.orgB.ID, f.referral.ID)
		wantNotFound(t, "suggestions for another organisation's referral", err)
		_, err = f.support.Suggestions(context.Background(), f.b.ID, f.orgA.ID, f.referral.ID)
		wantNotFound(t, "suggestions through another region", err)
	})
}

// TestMatchLifecycle: a reached referral is matched, the unit sees
// "matched", follow-ups are planned once on the region's schedule,
// rematching ends the first match, and closing ends the match and cancels
// the follow-ups, which a match after reopening takes up again.
func TestMatchLifecycle(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newSupportFixture(t, db, ahmed())
		_, err := f.support.Match(ctx, f.a.ID, f.orgA.ID, f.coordinator, f.referral.ID, f.yusuf.ID)
		wantField(t, "match before contact", err, "status", "validation.referral_transition")
		f.reach(t)
		for _, c := range []struct {
			what  string
			peer  int64
			field string
		}{
			{"paused peer", f.paused.ID, "validation.peer_not_active"},
			{"full peer", f.pia.ID, "validation.peer_full"},
			{"another organisation's peer", f.otherOrgPeer.ID, "validation.scope_peer"},
			{"no such peer", 999999, "validation.scope_peer"},
		} {
			_, err := f.support.Match(ctx, f.a.ID, f.orgA.ID, f.coordinator, f.referral.ID, c.peer)
			wantField(t, c.what, err, "peer_id", c.field)
		}
		if rec := f.record(t); rec.Status != tenants.ReferralContacted || len(rec.Support.Matches) != 0 {
			t.Fatalf("after refusals: status %s, %d matches; want contacted and none", rec.Status, len(rec.Support.Matches))
		}
		first := f.match(t, f.yusuf.ID)
		today := tenants.DateOf(time.Now().In(time.FixedZone("", 0)))
		rec := f.record(t)
		if rec.Status != tenants.ReferralMatched {
			t.Fatalf("status = %s, want matched", rec.Status)
		}
		if cur, ok := rec.Support.Current(); !ok || cur.PeerName != "Yusuf" || cur.ID != first.ID {
			t.Errorf("current match = %+v, %v; want Yusuf's", cur, ok)
		}
		var months []int
		for _, fu := range rec.Support.FollowUps {
			months = append(months, fu.Month)
			if fu.Status != tenants.FollowUpDue || fu.DueOn != first.StartedOn.AddMonths(fu.Month) {
				t.Errorf("follow-up %d: %s due %s; want due %s", fu.Month, fu.Status, fu.DueOn, first.StartedOn.AddMonths(fu.Month))
			}
		}
		if !slices.Equal(months, []int{0, 3, 6}) {
			t.Errorf("follow-up months = %v, want the default 0, 3, 6", months)
		}
		if d := first.StartedOn.DaysSince(today); d < -1 || d > 1 {
			t.Errorf("match started %s, want today (%s)", first.StartedOn, today)
		}
		clinic, err := f.refs.UnitReferrals(ctx, f.a.ID, f.clinic.ID)
		if err != nil || len(clinic) != 1 || clinic[0].Status != tenants.ReferralMatched {
			t.Fatalf("the unit sees %+v, %v; want one matched referral", clinic, err)
		}

		_, err = f.support.Match(ctx, f.a.ID, f.orgA.ID, f.coordinator, f.referral.ID, f.yusuf.ID)
		wantField(t, "the same peer again", err, "peer_id", "validation.already_matched")
		second := f.match(t, f.maria.ID)
		rec = f.record(t)
		if len(rec.Support.Matches) != 2 || rec.Support.Matches[0].ID != second.ID || rec.Support.Matches[1].EndReason != tenants.MatchRematched {
			t.Fatalf("after rematch: %+v; want Maria's running and Yusuf's ended as rematched", rec.Support.Matches)
		}
		if len(rec.Support.FollowUps) != 3 {
			t.Errorf("rematch planned follow-ups again: %d", len(rec.Support.FollowUps))
		}
		if last := rec.History[len(rec.History)-1]; last.From != tenants.ReferralMatched || last.Reason != "rematched" {
			t.Errorf("history ends %+v, want matched → matched (rematched)", last)
		}

		if _, err := f.refs.Close(ctx, f.a.ID, f.orgA.ID, f.coordinator, f.referral.ID, tenants.ClosureGoalsMet); err != nil {
			t.Fatal(err)
		}
		rec = f.record(t)
		if _, ok := rec.Support.Current(); ok || rec.Support.Matches[0].EndReason != tenants.MatchClosed {
			t.Errorf("after closure the match %+v still runs", rec.Support.Matches[0])
		}
		for _, fu := range rec.Support.FollowUps {
			if fu.Status != tenants.FollowUpCancelled {
				t.Errorf("after closure follow-up %d is %s, want cancelled", fu.Month, fu.Status)
			}
		}
		if _, err := f.refs.Reopen(ctx, f.a.ID, f.orgA.ID, f.coordinator, f.referral.ID, "Vill fortsätta"); err != nil {
			t.Fatal(err)
		}
		f.match(t, f.yusuf.ID)
		for _, fu := range f.record(t).Support.FollowUps {
			if fu.Status != tenants.FollowUpDue {
				t.Errorf("after a new match follow-up %d is %s, want due again", fu.Month, fu.Status)
			}
		}
	})
}

// TestMatchWithoutFollowUpConsent: no follow-ups are planned for a
// participant who did not consent to them.
func TestMatchWithoutFollowUpConsent(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		n := ahmed()
		n.Consent.FollowUp = false
		f := newSupportFixture(t, db, n)
		f.reach(t)
		m := f.match(t, f.yusuf.ID)
		if rec := f.record(t); len(rec.Support.FollowUps) != 0 {
			t.Errorf("%d follow-ups planned without consent", len(rec.Support.FollowUps))
		}
		pm, err := f.support.PeerMatch(context.Background(), f.a.ID, f.yusuf.ID, m.ID)
		if err != nil || pm.FollowUpConsent {
			t.Errorf("peer's view: consent %v, %v; want no follow-up consent", pm.FollowUpConsent, err)
		}
	})
}

// TestPeerSeesOwnMatchOnly: the matched peer sees the participant's alias
// and contact; other peers, ended matches and other regions see nothing.
func TestPeerSeesOwnMatchOnly(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newSupportFixture(t, db, ahmed())
		f.reach(t)
		m := f.match(t, f.yusuf.ID)
		pm, err := f.support.PeerMatch(ctx, f.a.ID, f.yusuf.ID, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if pm.Code != f.ahmed.Code || pm.Contact == nil || pm.Contact.Alias != "Ahmed" || pm.Contact.Details != "070-111 22 33" {
			t.Errorf("Yusuf sees %+v (contact %+v), want Ahmed's code and contact", pm, pm.Contact)
		}
		if !slices.Equal(pm.Instruments, []tenants.Instrument{tenants.InstrumentWHO5, tenants.InstrumentPozQoL}) {
			t.Errorf("instruments for an HIV participant = %v, want WHO-5 and PozQoL", pm.Instruments)
		}
		list, err := f.support.PeerMatches(ctx, f.a.ID, f.yusuf.ID)
		if err != nil || len(list) != 1 || list[0].Contact != nil {
			t.Errorf("Yusuf's list = %+v, %v; want one match without contact data", list, err)
		}
		_, err = f.support.PeerMatch(ctx, f.a.ID, f.maria.ID, m.ID)
		wantNotFound(t, "another peer's match", err)
		_, err = f.support.PeerMatch(ctx, f.b.ID, f.yusuf.ID, m.ID)
		wantNotFound(t, "through another region", err)
		if list, _ := f.support.PeerMatches(ctx, f.a.ID, f.maria.ID); len(list) != 0 {
			t.Errorf("Maria sees %d matches, want none", len(list))
		}
		f.match(t, f.maria.ID)
		_, err = f.support.PeerMatch(ctx, f.a.ID, f.yusuf.ID, m.ID)
		wantNotFound(t, "an ended match", err)
		_, err = f.support.LogMeeting(ctx, f.a.ID, f.yusuf.ID, f.coordinator, m.ID, tenants.Meeting{
			HeldOn: tenants.Today(time.Now()), Format: tenants.MeetingPhone, DurationMinutes: 30, Topics: []tenants.MeetingTopic{tenants.TopicStigma}})
		wantNotFound(t, "a meeting on an ended match", err)
	})
}

// TestMeetings: refusals name the field and store nothing; a note is
// refused unless the region allows notes, is sealed in the database, shown
// to the peer and never to the coordinator.
func TestMeetings(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newSupportFixture(t, db, ahmed())
		f.reach(t)
		m := f.match(t, f.yusuf.ID)
		day := m.StartedOn
		good := tenants.Meeting{HeldOn: day, Format: tenants.MeetingInPerson, DurationMinutes: 60,
			Topics: []tenants.MeetingTopic{tenants.TopicOpenness, tenants.TopicEverydayLife, tenants.TopicOpenness}}
		for _, c := range []struct {
			what, field, key string
			change           func(*tenants.Meeting)
		}{
			{"no day", "held_on", "validation.required", func(x *tenants.Meeting) { x.HeldOn = tenants.Date{} }},
			{"in the future", "held_on", "validation.not_future", func(x *tenants.Meeting) { x.HeldOn = day.AddDays(2) }},
			{"before the match", "held_on", "validation.before_match", func(x *tenants.Meeting) { x.HeldOn = day.AddDays(-1) }},
			{"unknown format", "format", "validation.choice", func(x *tenants.Meeting) { x.Format = "sms" }},
			{"too short", "duration_minutes", "validation.range", func(x *tenants.Meeting) { x.DurationMinutes = 2 }},
			{"too long", "duration_minutes", "validation.range", func(x *tenants.Meeting) { x.DurationMinutes = 481 }},
			{"no topic", "topics", "validation.required", func(x *tenants.Meeting) { x.Topics = nil }},
			{"unknown topic", "topics", "validation.choice", func(x *tenants.Meeting) { x.Topics = []tenants.MeetingTopic{"diagnosis"} }},
			{"a note while notes are off", "note", "validation.notes_off", func(x *tenants.Meeting) { x.Note = "Mådde dåligt" }},
		} {
			bad := good
			c.change(&bad)
			_, err := f.support.LogMeeting(ctx, f.a.ID, f.yusuf.ID, f.coordinator, m.ID, bad)
			wantField(t, c.what, err, c.field, c.key)
		}
		if n := len(f.record(t).Support.Meetings); n != 0 {
			t.Fatalf("%d meetings stored by refusals", n)
		}
		saved, err := f.support.LogMeeting(ctx, f.a.ID, f.yusuf.ID, f.coordinator, m.ID, good)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(saved.Topics, []tenants.MeetingTopic{tenants.TopicEverydayLife, tenants.TopicOpenness}) {
			t.Errorf("topics = %v, want the set in list order", saved.Topics)
		}
		settings := f.a.Settings
		settings.MeetingNotes = true
		if _, err := tenants.NewTenantStore(db).UpdateSettings(ctx, f.a.ID, f.a.Name, settings); err != nil {
			t.Fatal(err)
		}
		const note = "Pratade om att berätta för sin syster"
		noted := good
		noted.Note = " " + note + " "
		if _, err := f.support.LogMeeting(ctx, f.a.ID, f.yusuf.ID, f.coordinator, m.ID, noted); err != nil {
			t.Fatal(err)
		}
		var stored []string
		f.raw(t, &stored, "SELECT COALESCE(note_enc, '') FROM meetings WHERE tenant_id = ?", f.a.ID)
		if len(stored) != 2 || strings.Contains(strings.Join(stored, " "), "syster") {
			t.Errorf("stored notes %q: want two rows and the note sealed", stored)
		}
		pm, err := f.support.PeerMatch(ctx, f.a.ID, f.yusuf.ID, m.ID)
		if err != nil || len(pm.Meetings) != 2 || pm.Meetings[0].Note != note && pm.Meetings[1].Note != note {
			t.Errorf("peer's meetings %+v, %v; want two with the note opened", pm.Meetings, err)
		}
		for _, x := range f.record(t).Support.Meetings {
			if x.Note != "" || x.NoteEnc != nil {
				t.Errorf("the coordinator's view carries the note of meeting %d", x.ID)
			}
		}
	})
}

// TestFollowUps: a due follow-up is recorded with every questionnaire
// scored, once; answers are checked; a later one cannot be done early; the
// participant may decline; withdrawal cancels what is left.
func TestFollowUps(t *testing.T) {
	tenanttest.Each(t, func(t *testing.T, db *tenants.DB) {
		ctx := context.Background()
		f := newSupportFixture(t, db, ahmed())
		f.reach(t)
		m := f.match(t, f.yusuf.ID)
		fus := f.record(t).Support.FollowUps
		baseline, threeMonths := fus[0], fus[1]
		who5 := []int{3, 3, 2, 4, 3}
		poz := []int{4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4}
		_, err := f.support.RecordFollowUp(ctx, f.a.ID, f.yusuf.ID, f.coordinator, m.ID, baseline.ID, m.StartedOn,
			tenants.FollowUpAnswers{tenants.InstrumentWHO5: {3, 3, 2, 4, 9}, tenants.InstrumentQPR15: make([]int, 15)})
		wantField(t, "out-of-range WHO-5 item", err, "who5_5", "validation.instrument_answer")
		wantField(t, "an instrument not asked", err, "qpr15", "validation.choice")
		wantField(t, "PozQoL missing", err, "pozqol", "validation.instrument_count")
		_, err = f.support.RecordFollowUp(ctx, f.a.ID, f.yusuf.ID, f.coordinator, m.ID, baseline.ID, m.StartedOn.AddDays(3),
			tenants.FollowUpAnswers{tenants.InstrumentWHO5: who5, tenants.InstrumentPozQoL: poz})
		wantField(t, "done in the future", err, "done_on", "validation.not_future")
		if got := f.record(t).Support.FollowUps[0]; got.Status != tenants.FollowUpDue || len(got.Scores) != 0 {
			t.Fatalf("refusals changed the baseline: %+v", got)
		}
		done, err := f.support.RecordFollowUp(ctx, f.a.ID, f.yusuf.ID, f.coordinator, m.ID, baseline.ID, m.StartedOn,
			tenants.FollowUpAnswers{tenants.InstrumentWHO5: who5, tenants.InstrumentPozQoL: poz})
		if err != nil {
			t.Fatal(err)
		}
		got := f.record(t).Support.FollowUps[0]
		if got.Status != tenants.FollowUpCompleted || got.DoneOn != m.StartedOn || len(got.Scores) != 2 || done.ID != got.ID {
			t.Fatalf("baseline = %+v, want completed with two scores", got)
		}
		// WHO-5 3+3+2+4+3 = 15 raw, 60 as a percentage.
		if w := got.Scores[0]; w.Instrument != tenants.InstrumentWHO5 || w.Raw != 15 || w.Total != 60 || !slices.Equal(w.Answers, who5) {
			t.Errorf("WHO-5 score = %+v, want raw 15, total 60", w)
		}
		if p := got.Scores[1]; p.Instrument != tenants.InstrumentPozQoL || !slices.Equal(p.Answers, poz) {
			t.Errorf("PozQoL score = %+v", p)
		}
		_, err = f.support.RecordFollowUp(ctx, f.a.ID, f.yusuf.ID, f.coordinator, m.ID, baseline.ID, m.StartedOn,
			tenants.FollowUpAnswers{tenants.InstrumentWHO5: who5, tenants.InstrumentPozQoL: poz})
		wantField(t, "the baseline again", err, "status", "validation.follow_up_done")
		_, err = f.support.DeclineFollowUp(ctx, f.a.ID, f.yusuf.ID, f.coordinator, m.ID, threeMonths.ID, m.StartedOn)
		wantField(t, "three months early", err, "done_on", "validation.follow_up_early")
		_, err = f.support.RecordFollowUp(ctx, f.a.ID, f.maria.ID, f.coordinator, m.ID, threeMonths.ID, m.StartedOn, nil)
		wantNotFound(t, "another peer's follow-up", err)

		other := f.participant(t, ahmed())
		ref2, err := f.refs.Refer(ctx, f.a.ID, f.clinic.ID, f.nurse, other.ID, f.orgA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.refs.Accept(ctx, f.a.ID, f.orgA.ID, f.coordinator, ref2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.refs.RecordContactAttempt(ctx, f.a.ID, f.orgA.ID, f.coordinator, ref2.ID,
			tenants.ContactAttempt{AttemptedOn: m.StartedOn, Method: tenants.ContactSMS, Reached: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.support.Match(ctx, f.a.ID, f.orgA.ID, f.coordinator, ref2.ID, f.yusuf.ID); err != nil {
			t.Fatal(err)
		}
		rec2, err := f.refs.Record(ctx, f.a.ID, f.orgA.ID, ref2.ID)
		if err != nil || len(rec2.Support.FollowUps) == 0 {
			t.Fatalf("second referral: %+v, %v", rec2.Support, err)
		}
		_, err = f.support.DeclineFollowUp(ctx, f.a.ID, f.yusuf.ID, f.coordinator, m.ID, rec2.Support.FollowUps[0].ID, m.StartedOn)
		wantNotFound(t, "a follow-up of the peer's other match through this one", err)

		w, err := f.refs.WithdrawConsentAtOrganisation(ctx, f.a.ID, f.orgA.ID, f.coordinator, f.referral.ID)
		if err != nil || !slices.Equal(w.ClosedReferralIDs, []int64{f.referral.ID}) {
			t.Fatalf("withdraw: %+v, %v", w, err)
		}
		rec := f.record(t)
		if rec.Support.Matches[0].EndReason != tenants.MatchConsentWithdrawn {
			t.Errorf("after withdrawal the match is %+v, want ended as consent_withdrawn", rec.Support.Matches[0])
		}
		for _, fu := range rec.Support.FollowUps[1:] {
			if fu.Status != tenants.FollowUpCancelled {
				t.Errorf("after withdrawal follow-up %d is %s, want cancelled", fu.Month, fu.Status)
			}
		}
		if rec.Support.FollowUps[0].Status != tenants.FollowUpCompleted {
			t.Errorf("withdrawal changed the completed baseline to %s", rec.Support.FollowUps[0].Status)
		}
		_, err = f.support.PeerMatch(ctx, f.a.ID, f.yusuf.ID, m.ID)
		wantNotFound(t, "the peer's view after withdrawal", err)
	})
}
