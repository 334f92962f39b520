package tenants

import (
	"context"
	"fmt"
	"time"
)

// The dashboard's figures are pre-aggregated: each change that moves a
// referral along its path adds to a count in the same transaction, and the
// dashboard reads only those counts (dashboard_counts), never the referrals,
// meetings and follow-ups themselves. A count belongs to the referral's
// cohort — the quarter it was sent in, its clinic, its organisation and its
// participant's target group — so a funnel over a period follows the same
// referrals from step to step.
//
// Steps reached once per referral (matched, three meetings, …) are recorded
// in referral_milestones as they are counted, so that a step reached again
// (a rematch, a fourth meeting, a closure after a reopening) is not counted
// twice.

// DashboardMeasure names a count.
type DashboardMeasure string

const (
	// MeasureReferred: referrals sent.
	MeasureReferred DashboardMeasure = "referred"
	// MeasureContacted: referrals whose participant was reached.
	MeasureContacted DashboardMeasure = "contacted"
	// MeasureFirstContact: the same, by working days from referral to
	// first contact (the bucket): a histogram to read the median from.
	MeasureFirstContact DashboardMeasure = "first_contact"
	// MeasureMatched: referrals matched with a peer supporter.
	MeasureMatched DashboardMeasure = "matched"
	// MeasureThreeMeetings: referrals with at least three meetings held.
	MeasureThreeMeetings DashboardMeasure = "meetings3"
	// MeasureFollowUp6: referrals whose 6-month follow-up was completed.
	MeasureFollowUp6 DashboardMeasure = "followup6"
	// MeasureClosed: referrals closed, by the first closure's reason (the
	// detail).
	MeasureClosed DashboardMeasure = "closed"
	// MeasureWHO5Pairs: referrals with a WHO-5 score both at baseline and
	// at 6 months; MeasureWHO5ChangeSum sums their change in percentage
	// points; MeasureWHO5Improved and MeasureWHO5Worsened count changes of
	// at least 10 points up or down.
	MeasureWHO5Pairs     DashboardMeasure = "who5_pairs"
	MeasureWHO5ChangeSum DashboardMeasure = "who5_change_sum"
	MeasureWHO5Improved  DashboardMeasure = "who5_improved"
	MeasureWHO5Worsened  DashboardMeasure = "who5_worsened"
)

// outcomeMonth is the follow-up the dashboard compares with the baseline.
const outcomeMonth = 6

// milestone names a once-per-referral step in referral_milestones.
type milestone string

const (
	milestoneMatched       milestone = "matched"
	milestoneThreeMeetings milestone = "meetings3"
	milestoneFollowUp6     milestone = "followup6"
	milestoneClosed        milestone = "closed"
	milestoneWHO5Pair      milestone = "who5_pair"
)

// referralCohort is what a referral's counts are kept by.
type referralCohort struct {
	Quarter        Date
	UnitID         int64
	OrganisationID int64
	TargetGroup    TargetGroup
	// Referred is the day the referral was sent (Swedish time).
	Referred Date
}

// cohortOf reads a referral's cohort.
func cohortOf(ctx context.Context, tx *Tx, tenantID, referralID int64) (referralCohort, error) {
	var row struct {
		CreatedAt      time.Time   `bun:"created_at"`
		UnitID         int64       `bun:"unit_id"`
		OrganisationID int64       `bun:"organisation_id"`
		TargetGroup    TargetGroup `bun:"target_group"`
	}
	err := tx.NewSelect().TableExpr("referrals AS r").
		Join("JOIN participants AS p ON p.tenant_id = r.tenant_id AND p.id = r.participant_id").
		ColumnExpr("r.created_at, r.unit_id, r.organisation_id, p.target_group").
		Where("r.tenant_id = ? AND r.id = ?", tenantID, referralID).Scan(ctx, &row)
	if err != nil {
		return referralCohort{}, translate(err, "referral cohort")
	}
	day := today(row.CreatedAt)
	return referralCohort{Quarter: QuarterStart(day), UnitID: row.UnitID, OrganisationID: row.OrganisationID,
		TargetGroup: row.TargetGroup, Referred: day}, nil
}

// addCount adds delta to a cohort's count.
func addCount(ctx context.Context, tx *Tx, tenantID int64, c referralCohort, m DashboardMeasure, bucket int, detail string, delta int64) error {
	_, err := tx.NewRaw(`INSERT INTO dashboard_counts
		(tenant_id, quarter, unit_id, organisation_id, target_group, measure, bucket, detail, value)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, quarter, unit_id, organisation_id, target_group, measure, bucket, detail)
		DO UPDATE SET value = dashboard_counts.value + excluded.value`,
		tenantID, c.Quarter, c.UnitID, c.OrganisationID, c.TargetGroup, m, bucket, detail, delta).Exec(ctx)
	return translate(err, "count "+string(m))
}

// reach records that the referral reached a milestone and reports whether
// this is the first time.
func reach(ctx context.Context, tx *Tx, tenantID, referralID int64, m milestone) (bool, error) {
	res, err := tx.NewRaw(`INSERT INTO referral_milestones (tenant_id, referral_id, milestone) VALUES (?, ?, ?)
		ON CONFLICT (tenant_id, referral_id, milestone) DO NOTHING`, tenantID, referralID, m).Exec(ctx)
	if err != nil {
		return false, translate(err, "referral milestone")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("referral milestone: %w", err)
	}
	return n == 1, nil
}

// countOnce counts the referral for a measure the first time it reaches
// the milestone.
func countOnce(ctx context.Context, tx *Tx, tenantID, referralID int64, ms milestone, m DashboardMeasure, detail string) error {
	first, err := reach(ctx, tx, tenantID, referralID, ms)
	if err != nil || !first {
		return err
	}
	c, err := cohortOf(ctx, tx, tenantID, referralID)
	if err != nil {
		return err
	}
	return addCount(ctx, tx, tenantID, c, m, 0, detail, 1)
}

// countStatusChange counts a referral's move in its history: sent,
// matched (the first time), closed (the first time, with its reason).
// recordReferralEvent calls it, so every status change is counted.
func countStatusChange(ctx context.Context, tx *Tx, tenantID, referralID int64, from, to ReferralStatus, reason string) error {
	switch {
	case from == "" && to == ReferralReceived:
		c, err := cohortOf(ctx, tx, tenantID, referralID)
		if err != nil {
			return err
		}
		return addCount(ctx, tx, tenantID, c, MeasureReferred, 0, "", 1)
	case to == ReferralMatched:
		return countOnce(ctx, tx, tenantID, referralID, milestoneMatched, MeasureMatched, "")
	case to == ReferralClosed:
		return countOnce(ctx, tx, tenantID, referralID, milestoneClosed, MeasureClosed, reason)
	}
	return nil
}

// countFirstContact counts a change of a referral's first contact day:
// contacted when it is first set, and the working days to it (moved when
// an earlier attempt turns up later).
func countFirstContact(ctx context.Context, tx *Tx, tenantID, referralID int64, before, after Date) error {
	if before == after || after.IsZero() {
		return nil
	}
	c, err := cohortOf(ctx, tx, tenantID, referralID)
	if err != nil {
		return err
	}
	if before.IsZero() {
		if err := addCount(ctx, tx, tenantID, c, MeasureContacted, 0, "", 1); err != nil {
			return err
		}
	} else if err := addCount(ctx, tx, tenantID, c, MeasureFirstContact, WorkingDaysBetween(c.Referred, before), "", -1); err != nil {
		return err
	}
	return addCount(ctx, tx, tenantID, c, MeasureFirstContact, WorkingDaysBetween(c.Referred, after), "", 1)
}

// countMeeting counts the referral once its meetings (over all its
// matches) reach three. Once counted, a meeting costs one look at the
// milestone; before, the count stops at three, so neither grows with the
// referral's meetings.
func countMeeting(ctx context.Context, tx *Tx, tenantID, referralID int64) error {
	reached, err := tx.NewSelect().Table("referral_milestones").
		Where("tenant_id = ? AND referral_id = ? AND milestone = ?", tenantID, referralID, milestoneThreeMeetings).Exists(ctx)
	if err != nil || reached {
		return translate(err, "three-meetings milestone")
	}
	var n int
	if err := tx.NewRaw(`SELECT count(*) FROM (SELECT 1 FROM meetings AS m
		JOIN matches AS x ON x.tenant_id = m.tenant_id AND x.id = m.match_id
		WHERE m.tenant_id = ? AND x.referral_id = ? LIMIT 3) AS first_three`, tenantID, referralID).Scan(ctx, &n); err != nil {
		return translate(err, "count the referral's meetings")
	}
	if n < 3 {
		return nil
	}
	return countOnce(ctx, tx, tenantID, referralID, milestoneThreeMeetings, MeasureThreeMeetings, "")
}

// countFollowUp counts a completed follow-up: the 6-month one, and the
// WHO-5 change once the referral has both the baseline and the 6-month
// score (whichever was recorded last completes the pair).
func countFollowUp(ctx context.Context, tx *Tx, tenantID int64, fu FollowUp) error {
	if fu.Status != FollowUpCompleted {
		return nil
	}
	if fu.Month == outcomeMonth {
		if err := countOnce(ctx, tx, tenantID, fu.ReferralID, milestoneFollowUp6, MeasureFollowUp6, ""); err != nil {
			return err
		}
	}
	if fu.Month != 0 && fu.Month != outcomeMonth {
		return nil
	}
	var rows []struct {
		Month int `bun:"month"`
		Raw   int `bun:"raw"`
	}
	if err := tx.NewSelect().TableExpr("follow_ups AS f").
		Join("JOIN follow_up_scores AS s ON s.tenant_id = f.tenant_id AND s.follow_up_id = f.id").
		ColumnExpr("f.month, s.raw").
		Where("f.tenant_id = ? AND f.referral_id = ? AND f.status = ? AND f.month IN (0, ?) AND s.instrument = ?",
			tenantID, fu.ReferralID, FollowUpCompleted, outcomeMonth, InstrumentWHO5).Scan(ctx, &rows); err != nil {
		return translate(err, "WHO-5 scores")
	}
	raw := map[int]int{}
	for _, r := range rows {
		raw[r.Month] = r.Raw
	}
	before, okBefore := raw[0]
	after, okAfter := raw[outcomeMonth]
	if !okBefore || !okAfter {
		return nil
	}
	first, err := reach(ctx, tx, tenantID, fu.ReferralID, milestoneWHO5Pair)
	if err != nil || !first {
		return err
	}
	c, err := cohortOf(ctx, tx, tenantID, fu.ReferralID)
	if err != nil {
		return err
	}
	return addWHO5Pair(ctx, tx, tenantID, c, before, after)
}

// addWHO5Pair counts one baseline–6-month pair of WHO-5 raw scores.
func addWHO5Pair(ctx context.Context, tx *Tx, tenantID int64, c referralCohort, before, after int) error {
	points, significant := WHO5Change(before, after)
	type add struct {
		m     DashboardMeasure
		delta int64
	}
	adds := []add{{MeasureWHO5Pairs, 1}, {MeasureWHO5ChangeSum, int64(points)}}
	switch {
	case significant && points > 0:
		adds = append(adds, add{MeasureWHO5Improved, 1})
	case significant:
		adds = append(adds, add{MeasureWHO5Worsened, 1})
	}
	for _, a := range adds {
		if err := addCount(ctx, tx, tenantID, c, a.m, 0, "", a.delta); err != nil {
			return err
		}
	}
	return nil
}
