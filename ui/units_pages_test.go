package ui

import "testing"

// unitPageExamples are the units' and organisations' pages for
// TestEveryPageRendersInEveryLanguage.
func unitPageExamples(base basePage) map[string]page {
	return map[string]page{}
}

// unitFixtures adds a unit and an organisation of sb's region to ids, for
// the :id routes of the route walk.
func unitFixtures(t *testing.T, sb *signInBundle, ids map[string]int64) {}
