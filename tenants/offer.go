package tenants

import (
	"slices"
	"time"

	"github.com/uptrace/bun"
)

// OfferResponse is what a patient answered when offered peer support.
type OfferResponse string

const (
	OfferAccepted  OfferResponse = "accepted"
	OfferDeclined  OfferResponse = "declined"
	OfferUndecided OfferResponse = "undecided"
)

// OfferResponses lists every response, in the order forms show them.
var OfferResponses = []OfferResponse{OfferAccepted, OfferDeclined, OfferUndecided}

// Encounter is one patient met at a unit, as the offer tally records it:
// whether they were informed about peer support, whether it was offered,
// and what they answered. It carries nothing about who the patient is, so
// that the offer can be recorded for everyone, those who decline too.
type Encounter struct {
	Informed bool
	Offered  bool
	// Response is required when the offer was made and empty otherwise.
	Response OfferResponse
}

func (e Encounter) validate() error {
	var v ValidationError
	if e.Offered && !e.Informed {
		v.add("offered", "validation.offer_uninformed", nil)
	}
	switch {
	case e.Offered && !slices.Contains(OfferResponses, e.Response):
		v.add("response", "validation.choice", nil)
	case !e.Offered && e.Response != "":
		v.add("response", "validation.offer_response_unoffered", nil)
	}
	return v.err()
}

// counts returns the encounter as a tally of one.
func (e Encounter) counts() OfferCounts {
	c := OfferCounts{Met: 1}
	if e.Informed {
		c.Informed = 1
	}
	if e.Offered {
		c.Offered = 1
		switch e.Response {
		case OfferAccepted:
			c.Accepted = 1
		case OfferDeclined:
			c.Declined = 1
		case OfferUndecided:
			c.Undecided = 1
		}
	}
	return c
}

// OfferCounts tallies encounters: patients met, of them informed, of them
// offered, and the offered by their response.
type OfferCounts struct {
	Met       int `bun:"met,notnull"`
	Informed  int `bun:"informed,notnull"`
	Offered   int `bun:"offered,notnull"`
	Accepted  int `bun:"accepted,notnull"`
	Declined  int `bun:"declined,notnull"`
	Undecided int `bun:"undecided,notnull"`
}

// MaxWeeklyEncounters caps the patients one unit can enter for a week: a
// typo guard, far above any clinic's week.
const MaxWeeklyEncounters = 1000

// validate checks that the counts nest: informed of the met, offered of
// the informed, and every offer answered one way.
func (c OfferCounts) validate() error {
	var v ValidationError
	for _, f := range []struct {
		field string
		n     int
	}{{"met", c.Met}, {"informed", c.Informed}, {"offered", c.Offered}, {"accepted", c.Accepted}, {"declined", c.Declined}, {"undecided", c.Undecided}} {
		if f.n < 0 || f.n > MaxWeeklyEncounters {
			v.add(f.field, "validation.range", map[string]any{"Min": 0, "Max": MaxWeeklyEncounters})
		}
	}
	if len(v.Fields) > 0 {
		return v.err()
	}
	if c.Informed > c.Met {
		v.add("informed", "validation.offer_counts_nest", nil)
	}
	if c.Offered > c.Informed {
		v.add("offered", "validation.offer_counts_nest", nil)
	}
	if c.Accepted+c.Declined+c.Undecided != c.Offered {
		v.add("offered", "validation.offer_counts_responses", nil)
	}
	return v.err()
}

// OfferTally is the offer at one unit in one month.
type OfferTally struct {
	bun.BaseModel `bun:"table:offer_tallies"`

	TenantID int64 `bun:"tenant_id,pk"`
	UnitID   int64 `bun:"unit_id,pk"`
	// Month is the first day of the month.
	Month Date `bun:"month,pk"`
	// NewDiagnoses is the unit's number of newly diagnosed patients in the
	// month, the denominator of the systematisation rate; nil until the
	// unit has entered it.
	NewDiagnoses *int `bun:"new_diagnoses"`
	OfferCounts
}

// SystematisationRate is informed ÷ new diagnoses, the core indicator of
// systematised peer support; ok is false while new diagnoses are not
// entered or are zero.
func (t OfferTally) SystematisationRate() (rate float64, ok bool) {
	if t.NewDiagnoses == nil || *t.NewDiagnoses == 0 {
		return 0, false
	}
	return float64(t.Informed) / float64(*t.NewDiagnoses), true
}

// MonthOf returns the first day of d's month.
func MonthOf(d Date) Date { return NewDate(d.Year(), d.Time().Month(), 1) }

// weekMonth is the month a week's counts belong to: the month of its
// Thursday, as ISO 8601 assigns weeks to years, so a week that spans two
// months is counted once, where most of its days are.
func weekMonth(weekStart Date) Date { return MonthOf(weekStart.AddDays(3)) }

// MaxNewDiagnoses caps a unit's new diagnoses in a month: a typo guard.
const MaxNewDiagnoses = 10000

// isMonday reports whether d is a Monday.
func isMonday(d Date) bool { return d.Time().Weekday() == time.Monday }
