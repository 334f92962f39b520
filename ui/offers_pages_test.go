package ui

import "testing"

// offerPageExamples are the offer pages for TestEveryPageRendersInEveryLanguage.
func offerPageExamples(base basePage) map[string]page {
	return map[string]page{}
}

// offerFixtures adds what the offer routes' parameters need to ids.
func offerFixtures(t *testing.T, sb *signInBundle, ids map[string]int64) {}
