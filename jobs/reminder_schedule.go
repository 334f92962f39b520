package jobs

import "github.com/riverqueue/river"

// registerReminderWorkers adds the workers of reminders, escalations and
// notifications.
func registerReminderWorkers(w *river.Workers, deps *Deps) error {
	return nil
}

// reminderPeriodicJobs are the scans that find what is late.
func reminderPeriodicJobs() []*river.PeriodicJob {
	return nil
}
