package jobs

import "github.com/riverqueue/river"

// registerReportWorkers adds the workers that build quarterly reports.
func registerReportWorkers(w *river.Workers, deps *Deps) error {
	return nil
}

// reportPeriodicJobs look for quarters that ended without a report.
func reportPeriodicJobs() []*river.PeriodicJob {
	return nil
}
