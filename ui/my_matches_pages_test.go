package ui

import "testing"

// myMatchPageExamples are the peer supporter's match pages for the page
// tests.
func myMatchPageExamples(base basePage) map[string]page {
	return map[string]page{}
}

// myMatchFixtures adds a match of sb's peer supporter (and its follow-ups)
// to ids, for the route walk.
func myMatchFixtures(t *testing.T, sb *signInBundle, ids map[string]int64) {
	t.Helper()
}
