package ui

import "github.com/kamrat/kamrat/tenants"

// settingsPageExamples are the settings pages for
// TestEveryPageRendersInEveryLanguage.
func settingsPageExamples(base basePage) map[string]page {
	langs := []option{{Value: "sv", Label: "Svenska"}, {Value: "en", Label: "Engelska"}}
	return map[string]page{
		"settings saved": settingsPage{basePage: base, RegionName: "Region Skåne", Action: "/r/skane/admin/settings", ProvidersURL: "/p",
			Form: form{Values: map[string]string{"name": "Region Skåne", "default_language": "sv"}}, Languages: langs,
			Enabled: map[string]bool{"sv": true, "en": true}, Saved: true, Defaults: tenants.TenantSettings{}.Effective()},
		"settings refused": settingsPage{basePage: base, RegionName: "Region Skåne", Action: "/r/skane/admin/settings", ProvidersURL: "/p",
			Form: refusedForm("small_count_threshold", "Måste vara minst 3."), Languages: langs, Enabled: map[string]bool{"sv": true},
			Defaults: tenants.TenantSettings{}.Effective()},
	}
}
