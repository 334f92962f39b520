package ui

import "testing"

// peerPageExamples are the peer pages for TestEveryPageRendersInEveryLanguage.
func peerPageExamples(base basePage) map[string]page {
	return map[string]page{}
}

// peerFixtures adds a peer (and what its :id routes need) of sb's
// coordinator's organisation to ids, for the route walk.
func peerFixtures(t *testing.T, sb *signInBundle, ids map[string]int64) {}
