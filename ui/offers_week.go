package ui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// offerWeekPage enters a week's encounters in one batch, for units that
// keep a tally sheet and enter it weekly.
type offerWeekPage struct {
	basePage
	Action, CancelURL string
	Form              form
	Max               int
}

func (offerWeekPage) templateName() string { return "offers_week" }

// offerCountFields are the counts of a week, in the order they nest.
var offerCountFields = []string{"met", "informed", "offered", "accepted", "declined", "undecided"}

var offerWeekFields = append([]string{"week_start"}, offerCountFields...)

// offerWeekNew shows the form for last week, the one usually entered.
func (s *server) offerWeekNew(c *fiber.Ctx) error {
	if _, err := clinicUnit(c); err != nil {
		return err
	}
	return s.renderPage(c, s.newOfferWeekPage(c, form{Values: map[string]string{"week_start": lastMonday(todayInSweden()).String()}}))
}

func (s *server) newOfferWeekPage(c *fiber.Ctx, f form) offerWeekPage {
	url := offersURL(c)
	return offerWeekPage{basePage: s.regionBase(c), Action: url + "/weeks", CancelURL: url, Form: f, Max: tenants.MaxWeeklyEncounters}
}

// offerWeekFrom reads a week from form-like values: a blank count is
// none; dates and numbers that cannot be read are problems here, the rest
// is the store's.
func offerWeekFrom(values map[string]string) (tenants.Date, tenants.OfferCounts, error) {
	var (
		weekStart tenants.Date
		counts    tenants.OfferCounts
		v         tenants.ValidationError
	)
	parseDates(&v, values, dateField{"week_start", &weekStart})
	for _, f := range []struct {
		name string
		into *int
	}{{"met", &counts.Met}, {"informed", &counts.Informed}, {"offered", &counts.Offered}, {"accepted", &counts.Accepted}, {"declined", &counts.Declined}, {"undecided", &counts.Undecided}} {
		raw := strings.TrimSpace(values[f.name])
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil {
			v.Fields = append(v.Fields, tenants.FieldError{Field: f.name, Key: "validation.whole_number"})
		}
		*f.into = n
	}
	if len(v.Fields) > 0 {
		return weekStart, counts, &v
	}
	return weekStart, counts, nil
}

// offerWeekCreate records the week; counts that do not nest, a day that is
// no Monday or a week already entered change nothing and show why.
func (s *server) offerWeekCreate(c *fiber.Ctx) error {
	unitID, err := clinicUnit(c)
	if err != nil {
		return err
	}
	f := formFrom(c, offerWeekFields...)
	weekStart, counts, err := offerWeekFrom(f.Values)
	if err == nil {
		_, err = s.cfg.Offers.RecordWeek(c.UserContext(), currentRegion(c).ID, unitID, weekStart, counts)
	}
	if s.refuse(&f, s.regionBase(c).Lang, err) {
		return s.renderRefused(c, s.newOfferWeekPage(c, f))
	}
	if err != nil {
		return err
	}
	s.auditAdmin(c, "offer.week", "unit", itoa(unitID))
	return c.Redirect(offersURL(c)+"?week="+weekStart.String(), fiber.StatusSeeOther)
}
