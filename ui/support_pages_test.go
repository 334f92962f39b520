package ui

import "testing"

// supportPageExamples are the coordinator's matching and support pages
// for the page tests.
func supportPageExamples(base basePage) map[string]page {
	return map[string]page{}
}

// supportFixtures adds what the coordinator's support routes need to ids.
func supportFixtures(t *testing.T, sb *signInBundle, ids map[string]int64) {
	t.Helper()
}
