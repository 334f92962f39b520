package ui

// settingsPageExamples are the settings pages for
// TestEveryPageRendersInEveryLanguage.
func settingsPageExamples(base basePage) map[string]page {
	return map[string]page{}
}
