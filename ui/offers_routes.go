package ui

import (
	"math"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// offerRoutes are the clinics' anonymous offer tally: recording encounters
// and weeks, new diagnoses, and the unit's tallies; pages under
// /r/{region}/clinic/offers and their JSON API.
//
// Every route acts on the unit of the caller's membership, never on one
// named in the URL, a query or a form: clinic staff record and see their
// own unit's figures only. Nothing here identifies a patient; what is
// audited is who recorded what for which unit.
func (s *server) offerRoutes() []route {
	const (
		pages = "/r/:region/clinic/offers"
		api   = "/api/v1/regions/:region/offers"
	)
	return []route{
		{method: fiber.MethodGet, path: pages, access: accessRegion, resource: "offer", action: "read", handler: s.offersIndex},
		{method: fiber.MethodPost, path: pages + "/encounters", access: accessRegion, resource: "offer", action: "create", handler: s.offerEncounterCreate},
		{method: fiber.MethodGet, path: pages + "/weeks/new", access: accessRegion, resource: "offer", action: "create", handler: s.offerWeekNew},
		{method: fiber.MethodPost, path: pages + "/weeks", access: accessRegion, resource: "offer", action: "create", handler: s.offerWeekCreate},
		{method: fiber.MethodGet, path: pages + "/diagnoses", access: accessRegion, resource: "offer", action: "create", handler: s.offerDiagnosesEdit},
		{method: fiber.MethodPost, path: pages + "/diagnoses", access: accessRegion, resource: "offer", action: "create", handler: s.offerDiagnosesUpdate},

		{method: fiber.MethodPost, path: api + "/encounters", access: accessRegion, resource: "offer", action: "create", handler: s.apiOfferEncounterCreate,
			doc: &apiDoc{summary: "Record one patient met at the caller's unit, without identity: informed, offered and the response (accepted, declined, undecided; only when offered). Returns the month's tally", tag: "offer", request: apiEncounterInput{}, response: apiOfferTally{}}},
		{method: fiber.MethodPost, path: api + "/weeks", access: accessRegion, resource: "offer", action: "create", handler: s.apiOfferWeekCreate,
			doc: &apiDoc{summary: "Record a week's encounters at the caller's unit in one batch (week_start a Monday, each week once; the counts must nest). Returns the tally of the month the week belongs to", tag: "offer", request: apiOfferWeekInput{}, response: apiOfferTally{}}},
		{method: fiber.MethodPut, path: api + "/diagnoses", access: accessRegion, resource: "offer", action: "create", handler: s.apiOfferDiagnosesUpdate,
			doc: &apiDoc{summary: "Set the caller's unit's number of new diagnoses in a month (YYYY-MM), the denominator of the systematisation rate", tag: "offer", request: apiDiagnosesInput{}, response: apiOfferTally{}}},
		{method: fiber.MethodGet, path: api + "/tallies", access: accessRegion, resource: "offer", action: "read", handler: s.apiOfferTallies,
			doc: &apiDoc{summary: "The caller's unit's monthly tallies from ?from= to ?to= (YYYY-MM, both included; the last 12 months by default), oldest first; months with nothing recorded are absent", tag: "offer", response: apiOfferTallyList{}}},
	}
}

// offersURL is the clinic's offer page in the current region.
func offersURL(c *fiber.Ctx) string {
	return "/r/" + currentRegion(c).Slug + "/clinic/offers"
}

// Outcomes of one encounter as the nurse records it: the three answers to
// an offer, and the two rarer cases without an offer.
const (
	outcomeInformedOnly = "informed_only"
	outcomeNotInformed  = "not_informed"
)

// encounterOf turns an outcome into the encounter it records; an unknown
// outcome is a problem on field "outcome".
func encounterOf(outcome string) (tenants.Encounter, error) {
	switch outcome {
	case string(tenants.OfferAccepted), string(tenants.OfferDeclined), string(tenants.OfferUndecided):
		return tenants.Encounter{Informed: true, Offered: true, Response: tenants.OfferResponse(outcome)}, nil
	case outcomeInformedOnly:
		return tenants.Encounter{Informed: true}, nil
	case outcomeNotInformed:
		return tenants.Encounter{}, nil
	}
	return tenants.Encounter{}, &tenants.ValidationError{Fields: []tenants.FieldError{{Field: "outcome", Key: "validation.choice"}}}
}

// isOutcome reports whether v names an outcome encounterOf knows.
func isOutcome(v string) bool {
	_, err := encounterOf(v)
	return err == nil
}

// parseMonth reads a month as YYYY-MM (what a month input sends) or any
// day of it as YYYY-MM-DD, and returns its first day; an empty string is
// the zero Date.
func parseMonth(v string) (tenants.Date, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return tenants.Date{}, nil
	}
	if len(v) == len("2006-01") {
		v += "-01"
	}
	d, err := tenants.ParseDate(v)
	if err != nil {
		return tenants.Date{}, err
	}
	return tenants.MonthOf(d), nil
}

// monthString writes a month as YYYY-MM.
func monthString(d tenants.Date) string { return d.String()[:len("2006-01")] }

// ratePercent writes the systematisation rate in whole percent as the
// language writes it ("87 %" in Swedish, with a no-break space, "87%" in
// English), or "–" while new diagnoses are not entered.
func ratePercent(t tenants.OfferTally, lang string) string {
	rate, ok := t.SystematisationRate()
	if !ok {
		return "–"
	}
	n := strconv.Itoa(int(math.Round(rate * 100)))
	if lang == langEnglish {
		return n + "%"
	}
	return n + "\u00a0%"
}

// lastMonday is the Monday of the week before day's: the latest week that
// is over, the one a weekly batch usually covers.
func lastMonday(day tenants.Date) tenants.Date {
	back := (int(day.Time().Weekday()) + 6) % 7 // days since Monday
	return day.AddDays(-back - 7)
}
