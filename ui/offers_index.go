package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// offersPage is the nurse's page: one encounter in at most three clicks
// (the date is today's unless changed; one button says what happened),
// the confirmation of what was just recorded, and the unit's last twelve
// months.
type offersPage struct {
	basePage
	EncounterAction, WeekURL, DiagnosesURL string
	Form                                   form
	// Recorded confirms the change just made; empty when there is none.
	Recorded string
	// Current is this month's tally, Months the last twelve, newest first.
	Current offerRow
	Months  []offerRow
}

func (offersPage) templateName() string { return "offers_index" }

// offerRow is one month of the tally as the tables show it.
type offerRow struct {
	Month string
	// NewDiagnoses is "–" until the unit enters it.
	NewDiagnoses string
	tenants.OfferCounts
	// Rate is the systematisation rate in percent, or "–".
	Rate string
}

// offerMonths is how many months the tally table shows.
const offerMonths = 12

var encounterFields = []string{"date", "outcome"}

// offersIndex shows the encounter form with today's date.
func (s *server) offersIndex(c *fiber.Ctx) error {
	unitID, err := clinicUnit(c)
	if err != nil {
		return err
	}
	p, err := s.newOffersPage(c, unitID, form{Values: map[string]string{"date": todayInSweden().String()}})
	if err != nil {
		return err
	}
	p.Recorded = s.offerConfirmation(c, p.Lang)
	return s.renderPage(c, p)
}

func (s *server) newOffersPage(c *fiber.Ctx, unitID int64, f form) (offersPage, error) {
	base := s.regionBase(c)
	url := offersURL(c)
	p := offersPage{basePage: base, EncounterAction: url + "/encounters", WeekURL: url + "/weeks/new", DiagnosesURL: url + "/diagnoses", Form: f}
	thisMonth := tenants.MonthOf(todayInSweden())
	rows, err := s.offerRows(c, unitID, thisMonth.AddMonths(-(offerMonths - 1)), thisMonth, base.Lang)
	if err != nil {
		return offersPage{}, err
	}
	p.Months = rows
	p.Current = rows[0]
	return p, nil
}

// offerRows reads the unit's tallies from one month to another and lists
// every month, newest first, a month with nothing recorded as zeros.
func (s *server) offerRows(c *fiber.Ctx, unitID int64, from, to tenants.Date, lang string) ([]offerRow, error) {
	list, err := s.cfg.Offers.Tallies(c.UserContext(), currentRegion(c).ID, unitID, from, to)
	if err != nil {
		return nil, err
	}
	byMonth := make(map[string]tenants.OfferTally, len(list))
	for _, t := range list {
		byMonth[monthString(t.Month)] = t
	}
	var rows []offerRow
	for m := to; !m.Before(from); m = m.AddMonths(-1) {
		t := byMonth[monthString(m)]
		row := offerRow{Month: monthString(m), NewDiagnoses: "–", OfferCounts: t.OfferCounts, Rate: ratePercent(t, lang)}
		if t.NewDiagnoses != nil {
			row.NewDiagnoses = strconv.Itoa(*t.NewDiagnoses)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// offerConfirmation reads what the redirect after a change says was
// recorded (?recorded=accepted&on=2026-11-22, ?week=2026-11-16 or
// ?diagnoses=2026-11) and writes it from the catalogue; anything else in
// the query is ignored, so a link cannot put words on the page.
func (s *server) offerConfirmation(c *fiber.Ctx, lang string) string {
	tr := func(key string, args map[string]any) string { return s.translator.Translate(lang, key, args) }
	if outcome, on := c.Query("recorded"), c.Query("on"); isOutcome(outcome) {
		if d, err := tenants.ParseDate(on); err == nil && !d.IsZero() {
			return tr("offers.recorded", map[string]any{"Outcome": tr("offers.recorded."+outcome, nil), "Date": d.String()})
		}
	}
	if d, err := tenants.ParseDate(c.Query("week")); err == nil && !d.IsZero() {
		return tr("offers.week_recorded", map[string]any{"Date": d.String()})
	}
	if m, err := parseMonth(c.Query("diagnoses")); err == nil && !m.IsZero() {
		return tr("offers.diagnoses_saved", map[string]any{"Month": monthString(m)})
	}
	return ""
}

// offerEncounterCreate records one encounter by the button pressed and
// comes back to the page with a confirmation; a refused one (no date, a
// day ahead) changes nothing and shows why.
func (s *server) offerEncounterCreate(c *fiber.Ctx) error {
	unitID, err := clinicUnit(c)
	if err != nil {
		return err
	}
	f := formFrom(c, encounterFields...)
	e, err := encounterOf(f.Value("outcome"))
	var day tenants.Date
	if err == nil {
		var v tenants.ValidationError
		parseDates(&v, f.Values, dateField{"date", &day})
		if len(v.Fields) > 0 {
			err = &v
		}
	}
	if err == nil {
		_, err = s.cfg.Offers.RecordEncounter(c.UserContext(), currentRegion(c).ID, unitID, day, e)
	}
	if s.refuse(&f, s.regionBase(c).Lang, err) {
		p, perr := s.newOffersPage(c, unitID, f)
		if perr != nil {
			return perr
		}
		return s.renderRefused(c, p)
	}
	if err != nil {
		return err
	}
	s.auditAdmin(c, "offer.encounter", "unit", itoa(unitID))
	return c.Redirect(offersURL(c)+"?recorded="+f.Value("outcome")+"&on="+day.String(), fiber.StatusSeeOther)
}
