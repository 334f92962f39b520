package ui

import "testing"

// agreementPageExamples are the agreements' pages for
// TestEveryPageRendersInEveryLanguage.
func agreementPageExamples(base basePage) map[string]page {
	return map[string]page{}
}

// agreementFixtures adds an agreement (and a document) of sb's region to
// ids, for the :id routes of the route walk.
func agreementFixtures(t *testing.T, sb *signInBundle, ids map[string]int64) {}
