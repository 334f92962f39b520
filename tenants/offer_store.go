package tenants

import (
	"context"
	"errors"
	"time"
)

// OfferStore keeps the anonymous tally of the offer of peer support at
// each unit: per month, the new diagnoses and the patients met, informed,
// offered and their answers. It stores counts only: no row stands for a
// person and nothing is dated finer than the month.
type OfferStore struct {
	db  *DB
	now func() time.Time
}

// NewOfferStore returns an OfferStore on db.
func NewOfferStore(db *DB) *OfferStore { return &OfferStore{db: db, now: time.Now} }

// RecordEncounter adds one patient met on the given day to the unit's
// tally for that month. It returns a *ValidationError for an encounter
// that does not add up (offered but not informed: validation.offer_uninformed;
// a response without an offer: validation.offer_response_unoffered) or a
// day in the future (field "date", validation.not_future), and
// ErrNotFound for a unit not in the region.
func (s *OfferStore) RecordEncounter(ctx context.Context, tenantID, unitID int64, day Date, e Encounter) (OfferTally, error) {
	err := e.validate()
	if derr := s.checkDay("date", day); derr != nil {
		err = joinValidation(err, derr)
	}
	if err != nil {
		return OfferTally{}, err
	}
	return s.add(ctx, tenantID, unitID, MonthOf(day), e.counts(), nil)
}

// RecordWeek adds a week's encounters, entered in one batch, to the
// unit's tally for the month of the week's Thursday (so a week spanning two
// months counts once, where most of its days are). A week can be entered
// once. It returns a *ValidationError — week_start not a Monday
// (validation.week_start), in the future (validation.not_future) or
// already entered (validation.offer_week_recorded); counts that do not nest
// (validation.offer_counts_nest, validation.offer_counts_responses) or out
// of range — and ErrNotFound for a unit not in the region.
func (s *OfferStore) RecordWeek(ctx context.Context, tenantID, unitID int64, weekStart Date, c OfferCounts) (OfferTally, error) {
	err := c.validate()
	if derr := s.checkDay("week_start", weekStart); derr != nil {
		err = joinValidation(err, derr)
	} else if !isMonday(weekStart) {
		err = joinValidation(err, fieldProblem("week_start", "validation.week_start", nil))
	}
	if err != nil {
		return OfferTally{}, err
	}
	return s.add(ctx, tenantID, unitID, weekMonth(weekStart), c, &weekStart)
}

// SetNewDiagnoses sets the number of newly diagnosed patients at the unit
// in the month of the given day (any day of it). It returns a
// *ValidationError for a number out of range (validation.range) or a month
// in the future (validation.not_future), and ErrNotFound for a unit not in
// the region.
func (s *OfferStore) SetNewDiagnoses(ctx context.Context, tenantID, unitID int64, month Date, n int) (OfferTally, error) {
	var v ValidationError
	if n < 0 || n > MaxNewDiagnoses {
		v.add("new_diagnoses", "validation.range", map[string]any{"Min": 0, "Max": MaxNewDiagnoses})
	}
	err := v.err()
	if month.IsZero() {
		err = joinValidation(err, fieldProblem("month", "validation.required", nil))
	} else if MonthOf(month).After(MonthOf(today(s.now()))) {
		err = joinValidation(err, fieldProblem("month", "validation.not_future", nil))
	}
	if err != nil {
		return OfferTally{}, err
	}
	month = MonthOf(month)
	var out OfferTally
	err = s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		if err := rowExists(ctx, tx, (*Unit)(nil), tenantID, unitID, "unit"); err != nil {
			return err
		}
		if _, err := tx.NewRaw(`INSERT INTO offer_tallies (tenant_id, unit_id, month, new_diagnoses) VALUES (?, ?, ?, ?)
			ON CONFLICT (tenant_id, unit_id, month) DO UPDATE SET new_diagnoses = excluded.new_diagnoses`,
			tenantID, unitID, month, n).Exec(ctx); err != nil {
			return translate(err, "set new diagnoses")
		}
		return translate(tx.NewSelect().Model(&out).Where("tenant_id = ? AND unit_id = ? AND month = ?", tenantID, unitID, month).Scan(ctx), "offer tally")
	})
	return out, err
}

// Tallies returns the unit's tallies for the months from from's to to's,
// both included, oldest first; months with nothing recorded are absent.
// It returns ErrNotFound for a unit not in the region.
func (s *OfferStore) Tallies(ctx context.Context, tenantID, unitID int64, from, to Date) ([]OfferTally, error) {
	var list []OfferTally
	err := s.db.InTenantReadOnly(ctx, tenantID, func(tx *Tx) error {
		if err := rowExists(ctx, tx, (*Unit)(nil), tenantID, unitID, "unit"); err != nil {
			return err
		}
		return translate(tx.NewSelect().Model(&list).
			Where("tenant_id = ? AND unit_id = ? AND month >= ? AND month <= ?", tenantID, unitID, MonthOf(from), MonthOf(to)).
			Order("month").Scan(ctx), "list offer tallies")
	})
	return list, err
}

func (s *OfferStore) checkDay(field string, d Date) error {
	switch {
	case d.IsZero():
		return fieldProblem(field, "validation.required", nil)
	case d.After(today(s.now())):
		return fieldProblem(field, "validation.not_future", nil)
	}
	return nil
}

// add adds counts to the unit's tally for the month, and records a batch
// week when week is not nil, in one transaction.
func (s *OfferStore) add(ctx context.Context, tenantID, unitID int64, month Date, c OfferCounts, week *Date) (OfferTally, error) {
	var out OfferTally
	err := s.db.InTenant(ctx, tenantID, func(tx *Tx) error {
		if err := rowExists(ctx, tx, (*Unit)(nil), tenantID, unitID, "unit"); err != nil {
			return err
		}
		if week != nil {
			n, err := tx.NewSelect().Table("offer_weeks").Where("tenant_id = ? AND unit_id = ? AND week_start = ?", tenantID, unitID, *week).Count(ctx)
			if err != nil {
				return translate(err, "check week")
			}
			if n > 0 {
				return fieldProblem("week_start", "validation.offer_week_recorded", nil)
			}
			if _, err := tx.NewRaw("INSERT INTO offer_weeks (tenant_id, unit_id, week_start) VALUES (?, ?, ?)", tenantID, unitID, *week).Exec(ctx); err != nil {
				if errors.Is(translate(err, ""), ErrConflict) {
					return fieldProblem("week_start", "validation.offer_week_recorded", nil)
				}
				return translate(err, "record week")
			}
		}
		if _, err := tx.NewRaw(`INSERT INTO offer_tallies (tenant_id, unit_id, month, met, informed, offered, accepted, declined, undecided)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id, unit_id, month) DO UPDATE SET
				met = offer_tallies.met + excluded.met, informed = offer_tallies.informed + excluded.informed,
				offered = offer_tallies.offered + excluded.offered, accepted = offer_tallies.accepted + excluded.accepted,
				declined = offer_tallies.declined + excluded.declined, undecided = offer_tallies.undecided + excluded.undecided`,
			tenantID, unitID, month, c.Met, c.Informed, c.Offered, c.Accepted, c.Declined, c.Undecided).Exec(ctx); err != nil {
			return translate(err, "record offer")
		}
		return translate(tx.NewSelect().Model(&out).Where("tenant_id = ? AND unit_id = ? AND month = ?", tenantID, unitID, month).Scan(ctx), "offer tally")
	})
	return out, err
}

// joinValidation merges two errors that are each nil or a
// *ValidationError into one.
func joinValidation(a, b error) error {
	var v ValidationError
	for _, e := range []error{a, b} {
		var ve *ValidationError
		if errors.As(e, &ve) {
			v.Fields = append(v.Fields, ve.Fields...)
		}
	}
	return v.err()
}
