package ui

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/kamrat/kamrat/jobs"
)

// opsJobRetry runs a failed, discarded or cancelled job again and goes back
// to the list with a notice; a job in another state answers 409, an
// unknown one 404.
func (s *server) opsJobRetry(c *fiber.Ctx) error {
	return s.opsJobAct(c, "job.retry", "retried", func(ctx context.Context, j JobsOperator, id int64) (jobs.JobView, error) {
		return j.RetryJob(ctx, id)
	})
}

// opsJobCancel cancels a job that has not finished (a running one is asked
// to stop) and goes back to the list with a notice; a finished job answers
// 409, an unknown one 404.
func (s *server) opsJobCancel(c *fiber.Ctx) error {
	return s.opsJobAct(c, "job.cancel", "cancelled", func(ctx context.Context, j JobsOperator, id int64) (jobs.JobView, error) {
		return j.CancelJob(ctx, id)
	})
}

// opsJobAct does one operator action on a job. Jobs belong to no region and
// the audit log is kept per region, so the action is recorded in the
// application log instead: who, what, which job, and with what outcome.
func (s *server) opsJobAct(c *fiber.Ctx, action, done string, act func(context.Context, JobsOperator, int64) (jobs.JobView, error)) error {
	if s.cfg.Jobs == nil {
		return fiber.ErrNotFound
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p := principal(c)
	job, err := act(c.UserContext(), s.cfg.Jobs, id)
	attrs := []slog.Attr{
		slog.String("action", action), slog.Int64("job_id", id), slog.String("kind", job.Kind), slog.String("state", string(job.State)),
		slog.Int64("user_id", p.User.ID), slog.String("user", p.User.Email), slog.String("request_id", requestID(c)),
	}
	if err != nil {
		s.log.LogAttrs(c.UserContext(), slog.LevelWarn, "operator job action refused", append(attrs, slog.String("error", err.Error()))...)
		return err
	}
	s.log.LogAttrs(c.UserContext(), slog.LevelInfo, "operator job action", attrs...)
	return c.Redirect(opsBackURL(c, done, id), fiber.StatusSeeOther)
}
