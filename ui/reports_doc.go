package ui

import (
	"github.com/kamrat/kamrat/tenants"
)

// reportDoc is the report's figures as the page shows them, suppressed with
// the region's threshold: what the report page, its API answer and its
// exports render.
func (s *server) reportDoc(lang string, region *tenants.Tenant, r tenants.Report) figureDoc {
	pub := tenants.ReportPublication(r, region.Settings.Effective().SmallCountThreshold)
	return s.figureDocOf(lang, pub)
}
