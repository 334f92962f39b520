package ui

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// apiOfferTally is one month of the caller's unit's offer tally.
type apiOfferTally struct {
	// Month is YYYY-MM.
	Month string `json:"month"`
	// NewDiagnoses is absent until the unit has entered it.
	NewDiagnoses *int `json:"new_diagnoses,omitempty"`
	Met          int  `json:"met"`
	Informed     int  `json:"informed"`
	Offered      int  `json:"offered"`
	Accepted     int  `json:"accepted"`
	Declined     int  `json:"declined"`
	Undecided    int  `json:"undecided"`
	// SystematisationRate is informed ÷ new diagnoses; absent while new
	// diagnoses are not entered or are zero.
	SystematisationRate *float64 `json:"systematisation_rate,omitempty"`
}

type apiOfferTallyList struct {
	UnitID int64 `json:"unit_id"`
	// From and To are the months asked for, YYYY-MM.
	From    string          `json:"from"`
	To      string          `json:"to"`
	Tallies []apiOfferTally `json:"tallies"`
}

// apiEncounterInput is one patient met, without identity: date as
// YYYY-MM-DD (today in Sweden when absent), not in the future; response
// accepted, declined or undecided when offered, absent otherwise.
type apiEncounterInput struct {
	Date     string `json:"date,omitempty"`
	Informed bool   `json:"informed"`
	Offered  bool   `json:"offered"`
	Response string `json:"response,omitempty"`
}

// apiOfferWeekInput is a week's encounters: week_start the Monday, not in
// the future; informed ≤ met, offered ≤ informed, accepted + declined +
// undecided = offered, each 0–1000.
type apiOfferWeekInput struct {
	WeekStart string `json:"week_start"`
	Met       int    `json:"met"`
	Informed  int    `json:"informed"`
	Offered   int    `json:"offered"`
	Accepted  int    `json:"accepted"`
	Declined  int    `json:"declined"`
	Undecided int    `json:"undecided"`
}

// apiDiagnosesInput is a month's new diagnoses: month as YYYY-MM, not in
// the future; 0–10000.
type apiDiagnosesInput struct {
	Month        string `json:"month"`
	NewDiagnoses int    `json:"new_diagnoses"`
}

func apiOfferTallyOf(t tenants.OfferTally) apiOfferTally {
	out := apiOfferTally{
		Month: monthString(t.Month), NewDiagnoses: t.NewDiagnoses, Met: t.Met, Informed: t.Informed, Offered: t.Offered,
		Accepted: t.Accepted, Declined: t.Declined, Undecided: t.Undecided,
	}
	if rate, ok := t.SystematisationRate(); ok {
		out.SystematisationRate = &rate
	}
	return out
}

// apiOfferEncounterCreate answers POST /api/v1/regions/{region}/offers/encounters.
func (s *server) apiOfferEncounterCreate(c *fiber.Ctx) error {
	unitID, err := clinicUnit(c)
	if err != nil {
		return err
	}
	var in apiEncounterInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	day := todayInSweden()
	if in.Date != "" {
		var v tenants.ValidationError
		parseDates(&v, map[string]string{"date": in.Date}, dateField{"date", &day})
		if len(v.Fields) > 0 {
			return &v
		}
	}
	e := tenants.Encounter{Informed: in.Informed, Offered: in.Offered, Response: tenants.OfferResponse(in.Response)}
	t, err := s.cfg.Offers.RecordEncounter(c.UserContext(), currentRegion(c).ID, unitID, day, e)
	if err != nil {
		return err
	}
	s.auditAdmin(c, "offer.encounter", "unit", itoa(unitID))
	return c.Status(fiber.StatusCreated).JSON(apiOfferTallyOf(t))
}

// apiOfferWeekCreate answers POST /api/v1/regions/{region}/offers/weeks.
func (s *server) apiOfferWeekCreate(c *fiber.Ctx) error {
	unitID, err := clinicUnit(c)
	if err != nil {
		return err
	}
	var in apiOfferWeekInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	var (
		weekStart tenants.Date
		v         tenants.ValidationError
	)
	parseDates(&v, map[string]string{"week_start": in.WeekStart}, dateField{"week_start", &weekStart})
	if len(v.Fields) > 0 {
		return &v
	}
	counts := tenants.OfferCounts{Met: in.Met, Informed: in.Informed, Offered: in.Offered, Accepted: in.Accepted, Declined: in.Declined, Undecided: in.Undecided}
	t, err := s.cfg.Offers.RecordWeek(c.UserContext(), currentRegion(c).ID, unitID, weekStart, counts)
	if err != nil {
		return err
	}
	s.auditAdmin(c, "offer.week", "unit", itoa(unitID))
	return c.Status(fiber.StatusCreated).JSON(apiOfferTallyOf(t))
}

// apiOfferDiagnosesUpdate answers PUT /api/v1/regions/{region}/offers/diagnoses.
func (s *server) apiOfferDiagnosesUpdate(c *fiber.Ctx) error {
	unitID, err := clinicUnit(c)
	if err != nil {
		return err
	}
	var in apiDiagnosesInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	month, err := parseMonth(in.Month)
	if err != nil {
		return &tenants.ValidationError{Fields: []tenants.FieldError{{Field: "month", Key: "validation.month"}}}
	}
	t, err := s.cfg.Offers.SetNewDiagnoses(c.UserContext(), currentRegion(c).ID, unitID, month, in.NewDiagnoses)
	if err != nil {
		return err
	}
	s.auditAdmin(c, "offer.diagnoses", "unit", itoa(unitID))
	return c.JSON(apiOfferTallyOf(t))
}

// apiOfferTallies answers GET /api/v1/regions/{region}/offers/tallies.
func (s *server) apiOfferTallies(c *fiber.Ctx) error {
	unitID, err := clinicUnit(c)
	if err != nil {
		return err
	}
	to := tenants.MonthOf(todayInSweden())
	from := to.AddMonths(-(offerMonths - 1))
	var v tenants.ValidationError
	for _, q := range []struct {
		name string
		into *tenants.Date
	}{{"from", &from}, {"to", &to}} {
		m, err := parseMonth(c.Query(q.name))
		switch {
		case err != nil:
			v.Fields = append(v.Fields, tenants.FieldError{Field: q.name, Key: "validation.month"})
		case !m.IsZero():
			*q.into = m
		}
	}
	if len(v.Fields) > 0 {
		return &v
	}
	list, err := s.cfg.Offers.Tallies(c.UserContext(), currentRegion(c).ID, unitID, from, to)
	if err != nil {
		return err
	}
	out := apiOfferTallyList{UnitID: unitID, From: monthString(from), To: monthString(to), Tallies: make([]apiOfferTally, 0, len(list))}
	for _, t := range list {
		out.Tallies = append(out.Tallies, apiOfferTallyOf(t))
	}
	return c.JSON(out)
}
