package ui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/tenants"
)

// offerDiagnosesPage enters a month's number of new diagnoses at the
// unit, the denominator of the systematisation rate.
type offerDiagnosesPage struct {
	basePage
	Action, CancelURL string
	Form              form
	Max               int
}

func (offerDiagnosesPage) templateName() string { return "offers_diagnoses" }

var offerDiagnosesFields = []string{"month", "new_diagnoses"}

// offerDiagnosesEdit shows the form for ?month= (YYYY-MM; this month by
// default) with the number already entered, if any.
func (s *server) offerDiagnosesEdit(c *fiber.Ctx) error {
	unitID, err := clinicUnit(c)
	if err != nil {
		return err
	}
	month, err := parseMonth(c.Query("month"))
	if err != nil || month.IsZero() || month.After(todayInSweden()) {
		month = tenants.MonthOf(todayInSweden())
	}
	f := form{Values: map[string]string{"month": monthString(month)}}
	list, err := s.cfg.Offers.Tallies(c.UserContext(), currentRegion(c).ID, unitID, month, month)
	if err != nil {
		return err
	}
	if len(list) == 1 && list[0].NewDiagnoses != nil {
		f.Values["new_diagnoses"] = strconv.Itoa(*list[0].NewDiagnoses)
	}
	return s.renderPage(c, s.newOfferDiagnosesPage(c, f))
}

func (s *server) newOfferDiagnosesPage(c *fiber.Ctx, f form) offerDiagnosesPage {
	url := offersURL(c)
	return offerDiagnosesPage{basePage: s.regionBase(c), Action: url + "/diagnoses", CancelURL: url, Form: f, Max: tenants.MaxNewDiagnoses}
}

// offerDiagnosesFrom reads a month and its number from form-like values;
// a month or number that cannot be read is a problem here, the rest is
// the store's.
func offerDiagnosesFrom(values map[string]string) (tenants.Date, int, error) {
	var v tenants.ValidationError
	month, err := parseMonth(values["month"])
	if err != nil {
		v.Fields = append(v.Fields, tenants.FieldError{Field: "month", Key: "validation.month"})
	}
	n := 0
	switch raw := strings.TrimSpace(values["new_diagnoses"]); {
	case raw == "":
		v.Fields = append(v.Fields, tenants.FieldError{Field: "new_diagnoses", Key: "validation.required"})
	default:
		if n, err = strconv.Atoi(raw); err != nil {
			v.Fields = append(v.Fields, tenants.FieldError{Field: "new_diagnoses", Key: "validation.whole_number"})
		}
	}
	if len(v.Fields) > 0 {
		return month, n, &v
	}
	return month, n, nil
}

// offerDiagnosesUpdate sets the month's number, replacing one entered
// before.
func (s *server) offerDiagnosesUpdate(c *fiber.Ctx) error {
	unitID, err := clinicUnit(c)
	if err != nil {
		return err
	}
	f := formFrom(c, offerDiagnosesFields...)
	month, n, err := offerDiagnosesFrom(f.Values)
	if err == nil {
		_, err = s.cfg.Offers.SetNewDiagnoses(c.UserContext(), currentRegion(c).ID, unitID, month, n)
	}
	if s.refuse(&f, s.regionBase(c).Lang, err) {
		return s.renderRefused(c, s.newOfferDiagnosesPage(c, f))
	}
	if err != nil {
		return err
	}
	s.auditAdmin(c, "offer.diagnoses", "unit", itoa(unitID))
	return c.Redirect(offersURL(c)+"?diagnoses="+monthString(month), fiber.StatusSeeOther)
}
