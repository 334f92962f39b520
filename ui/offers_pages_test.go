package ui

import (
	"testing"

	"github.com/kamrat/kamrat/tenants"
)

// offerPageExamples are the offer pages for TestEveryPageRendersInEveryLanguage.
func offerPageExamples(base basePage) map[string]page {
	twelve := 12
	months := []offerRow{
		{Month: "2026-11", NewDiagnoses: "12", OfferCounts: tenants.OfferCounts{Met: 14, Informed: 10, Offered: 9, Accepted: 4, Declined: 3, Undecided: 2},
			Rate: ratePercent(tenants.OfferTally{NewDiagnoses: &twelve, OfferCounts: tenants.OfferCounts{Informed: 10}}, base.Lang)},
		{Month: "2026-10", NewDiagnoses: "–", Rate: "–"},
	}
	url := "/r/skane/clinic/offers"
	return map[string]page{
		"offers": offersPage{basePage: base, EncounterAction: url + "/encounters", WeekURL: url + "/weeks/new", DiagnosesURL: url + "/diagnoses",
			Form: form{Values: map[string]string{"date": "2026-11-22"}}, Recorded: "Registrerat: tackade ja, 2026-11-22", Current: months[0], Months: months},
		"offers refused encounter": offersPage{basePage: base, EncounterAction: url + "/encounters", Form: refusedForm("date", "Datumet får inte ligga i framtiden."),
			Current: months[1], Months: months[1:]},
		"offers refused outcome": offersPage{basePage: base, EncounterAction: url + "/encounters", Form: refusedForm("outcome", "Välj ett av alternativen."),
			Current: months[1], Months: months[1:]},
		"offers week":              offerWeekPage{basePage: base, Action: url + "/weeks", CancelURL: url, Form: form{Values: map[string]string{"week_start": "2026-11-16"}}, Max: 1000},
		"offers week refused":      offerWeekPage{basePage: base, Action: url + "/weeks", CancelURL: url, Form: refusedForm("informed", "Antalen hänger inte ihop."), Max: 1000},
		"offers diagnoses":         offerDiagnosesPage{basePage: base, Action: url + "/diagnoses", CancelURL: url, Form: form{Values: map[string]string{"month": "2026-11", "new_diagnoses": "12"}}, Max: 10000},
		"offers diagnoses refused": offerDiagnosesPage{basePage: base, Action: url + "/diagnoses", CancelURL: url, Form: refusedForm("new_diagnoses", "Måste vara mellan 0 och 10000."), Max: 10000},
	}
}

// offerFixtures adds what the offer routes' parameters need to ids: none,
// since the offer routes act on the caller's unit and take no ids.
func offerFixtures(t *testing.T, sb *signInBundle, ids map[string]int64) {}
