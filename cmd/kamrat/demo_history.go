package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/kamrat/kamrat/tenants"
)

// seedDemoHistory gives a demo region a year of work behind it, so that the
// dashboard, the quarterly reports and the national view have figures to
// show: the first clinic's weekly offer tallies and monthly new diagnoses,
// and some forty referrals to the first organisation, each taken as far as
// its age allows — contacted, matched with one of two more demo peer
// supporters,
// meetings, the follow-ups with WHO-5, closure. Everything goes
// through the stores with their clock set back, so the dashboard's counts
// are kept exactly as they would have been. It runs once: a clinic with
// tallies is left alone.
func seedDemoHistory(ctx context.Context, db *tenants.DB, sealer *tenants.Sealer, p demoPathway, now time.Time) error {
	if p.unitID == 0 || p.group == "" || p.staffID == 0 || p.coordinatorID == 0 || p.peerUserID == 0 {
		return nil
	}
	// Only the demo's own organisation gets a history: one whose peers
	// are not the demo's is somebody's data.
	if _, err := tenants.NewPeerStore(db, sealer).PeerByUser(ctx, p.tenantID, p.peerUserID); errors.Is(err, tenants.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	offers := tenants.NewOfferStore(db)
	today := tenants.Today(now)
	yearAgo := tenants.QuarterStart(today).AddMonths(-12)
	have, err := offers.Tallies(ctx, p.tenantID, p.unitID, yearAgo, today)
	if err != nil || len(have) > 0 {
		return err
	}
	r := rand.New(rand.NewPCG(uint64(p.tenantID), 2026))

	// The clinic's year of offers: each full week, and each month's new
	// diagnoses (a few more than were informed, as a clinic that informs
	// most of its patients).
	informed := map[tenants.Date]int{}
	for week := yearAgo; !week.AddDays(6).After(today); week = week.AddDays(1) {
		if week.Time().Weekday() != time.Monday {
			continue
		}
		c := tenants.OfferCounts{Met: 4 + r.IntN(5)}
		c.Informed = c.Met - r.IntN(2)
		c.Offered = c.Informed - r.IntN(2)
		c.Accepted = c.Offered / 2
		c.Declined = r.IntN(c.Offered - c.Accepted + 1)
		c.Undecided = c.Offered - c.Accepted - c.Declined
		t, err := offers.RecordWeek(ctx, p.tenantID, p.unitID, week, c)
		if err != nil {
			return fmt.Errorf("demo offer week %s: %w", week, err)
		}
		informed[t.Month] = t.Informed
	}
	for month, n := range informed {
		if _, err := offers.SetNewDiagnoses(ctx, p.tenantID, p.unitID, month, n+1+r.IntN(4)); err != nil {
			return fmt.Errorf("demo new diagnoses %s: %w", month, err)
		}
	}

	// Two more peer supporters with room for the year's matches.
	var helpers []tenants.Peer
	for _, name := range []string{"Kim Exempel", "Sara Exempel"} {
		peer, err := tenants.NewPeerStore(db, sealer).Create(ctx, p.tenantID, p.orgID, p.coordinatorID, tenants.Peer{
			DisplayName: name, Languages: []string{"sv", "en"},
			Experience: []tenants.ExperienceArea{"hiv", "depression_anxiety"}, Capacity: tenants.MaxPeerCapacity, Status: tenants.PeerActive,
		})
		if err != nil {
			return fmt.Errorf("demo history peer: %w", err)
		}
		helpers = append(helpers, peer)
	}

	sthlm, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return err
	}
	at := func(d tenants.Date, hour int) time.Time {
		t := d.Time()
		return time.Date(t.Year(), t.Month(), t.Day(), hour, 0, 0, 0, sthlm)
	}
	refsAt := func(t time.Time) *tenants.ReferralStore {
		return tenants.NewReferralStore(db, sealer).WithClock(func() time.Time { return t })
	}
	supportAt := func(t time.Time) *tenants.SupportStore {
		return tenants.NewSupportStore(db, sealer).WithClock(func() time.Time { return t })
	}
	reasons := []tenants.ClosureReason{tenants.ClosureGoalsMet, tenants.ClosureGoalsMet, tenants.ClosureEndedByParticipant, tenants.ClosureMoved, tenants.ClosureOther}
	for i := range 40 {
		sent := yearAgo.AddDays(3 + i*9)
		if !sent.Before(today.AddDays(-2)) {
			break
		}
		// done reports whether a step days after the referral has
		// happened by today.
		done := func(days int) bool { return !sent.AddDays(days).After(today) }
		n := tenants.NewParticipant{
			TargetGroup: p.group, Language: "sv",
			Consent: tenants.ConsentScopes{FollowUp: true, ExpiresOn: sent.AddMonths(30)},
		}
		_, ref, err := refsAt(at(sent, 10)).RegisterAndRefer(ctx, p.tenantID, p.unitID, p.staffID, n, p.orgID)
		if err != nil {
			return fmt.Errorf("demo history referral: %w", err)
		}
		if _, err := refsAt(at(sent, 14)).Accept(ctx, p.tenantID, p.orgID, p.coordinatorID, ref.ID); err != nil {
			return fmt.Errorf("demo history accept: %w", err)
		}
		contact := 1 + r.IntN(8)
		if i%9 == 4 || !done(contact) {
			if i%9 == 4 && done(60) {
				if _, err := refsAt(at(sent.AddDays(60), 9)).Close(ctx, p.tenantID, p.orgID, p.coordinatorID, ref.ID, tenants.ClosureNoContact); err != nil {
					return fmt.Errorf("demo history close: %w", err)
				}
			}
			continue
		}
		if _, err := refsAt(at(sent.AddDays(contact), 11)).RecordContactAttempt(ctx, p.tenantID, p.orgID, p.coordinatorID, ref.ID,
			tenants.ContactAttempt{AttemptedOn: sent.AddDays(contact), Method: tenants.ContactPhone, Reached: true}); err != nil {
			return fmt.Errorf("demo history contact: %w", err)
		}
		matchDay := contact + 3
		if !done(matchDay) {
			continue
		}
		peer := helpers[i%len(helpers)]
		m, err := supportAt(at(sent.AddDays(matchDay), 9)).Match(ctx, p.tenantID, p.orgID, p.coordinatorID, ref.ID, peer.ID)
		if err != nil {
			return fmt.Errorf("demo history match: %w", err)
		}
		meetings := r.IntN(7)
		for k := range meetings {
			day := matchDay + 2 + 14*k
			if !done(day) {
				break
			}
			if _, err := supportAt(at(sent.AddDays(day), 16)).LogMeeting(ctx, p.tenantID, peer.ID, p.coordinatorID, m.ID, tenants.Meeting{
				HeldOn: sent.AddDays(day), Format: tenants.MeetingInPerson, DurationMinutes: 45 + 15*r.IntN(3),
				Topics: []tenants.MeetingTopic{tenants.TopicEverydayLife},
			}); err != nil {
				return fmt.Errorf("demo history meeting: %w", err)
			}
		}
		rec, err := refsAt(now).Record(ctx, p.tenantID, p.orgID, ref.ID)
		if err != nil {
			return err
		}
		base := 8 + r.IntN(8)
		for _, fu := range rec.Support.FollowUps {
			if !fu.DueOn.Before(today) {
				continue
			}
			// Most feel somewhat better as the months pass.
			raw := base
			if fu.Month > 0 {
				raw = min(25, max(0, base+r.IntN(fu.Month+3)-2))
			}
			items := make([]int, 5)
			for j := range items {
				items[j] = raw / 5
				if j < raw%5 {
					items[j]++
				}
			}
			answers := tenants.FollowUpAnswers{tenants.InstrumentWHO5: items}
			for _, inst := range []tenants.Instrument{tenants.InstrumentPozQoL, tenants.InstrumentQPR15} {
				if p.group == tenants.TargetHIV && inst == tenants.InstrumentPozQoL {
					answers[inst] = []int{3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}
				}
				if p.group == tenants.TargetPsychiatry && inst == tenants.InstrumentQPR15 {
					answers[inst] = []int{2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}
				}
			}
			if _, err := supportAt(at(fu.DueOn, 13)).RecordFollowUp(ctx, p.tenantID, peer.ID, p.coordinatorID, m.ID, fu.ID, fu.DueOn, answers); err != nil {
				return fmt.Errorf("demo history follow-up: %w", err)
			}
		}
		if close := matchDay + 200; done(close) {
			if _, err := refsAt(at(sent.AddDays(close), 15)).Close(ctx, p.tenantID, p.orgID, p.coordinatorID, ref.ID, reasons[i%len(reasons)]); err != nil {
				return fmt.Errorf("demo history close: %w", err)
			}
		}
	}
	return nil
}
