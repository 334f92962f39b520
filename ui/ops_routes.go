package ui

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/jobs"
)

// JobsOperator is what the platform operator's view of the background jobs
// needs; *jobs.Client is one. See jobs/operator.go for what each returns.
type JobsOperator interface {
	QueueStats(ctx context.Context) ([]jobs.QueueStat, error)
	Jobs(ctx context.Context, f jobs.JobFilter) ([]jobs.JobView, error)
	RetryJob(ctx context.Context, id int64) (jobs.JobView, error)
	CancelJob(ctx context.Context, id int64) (jobs.JobView, error)
}

// opsRoutes are the platform operator's pages. They belong to no region:
// the guard lets only a signed-in user marked platform_operator through
// (anyone else signed in gets 404, as for a region they are not in; a
// visitor not signed in gets 401).
func (s *server) opsRoutes() []route {
	const jobsPath = "/ops/jobs"
	return []route{
		{method: fiber.MethodGet, path: jobsPath, access: accessPlatform, handler: s.opsJobsIndex},
		{method: fiber.MethodPost, path: jobsPath + "/:id/retry", access: accessPlatform, handler: s.opsJobRetry},
		{method: fiber.MethodPost, path: jobsPath + "/:id/cancel", access: accessPlatform, handler: s.opsJobCancel},
	}
}
