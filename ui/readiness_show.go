package ui

import (
	"context"

	"github.com/gofiber/fiber/v2"
)

// readiness is the JSON answer of /readyz.
type readiness struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// maxReasonLength keeps /readyz answers short however long the error is.
const maxReasonLength = 200

// readinessShow answers the readiness probe from cfg.Ready: 200 when the
// instance can serve, else 503 with a short reason, as JSON or text by the
// Accept header.
func (s *server) readinessShow(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), readyTimeout)
	defer cancel()
	answer, status := readiness{Status: "ready"}, fiber.StatusOK
	if err := s.cfg.Ready(ctx); err != nil {
		reason := err.Error()
		if len(reason) > maxReasonLength {
			reason = reason[:maxReasonLength] + "…"
		}
		answer, status = readiness{Status: "not ready", Reason: reason}, fiber.StatusServiceUnavailable
		s.log.WarnContext(ctx, "not ready", "request_id", requestID(c), "error", err.Error())
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Status(status)
	if c.Accepts(fiber.MIMETextPlain, fiber.MIMEApplicationJSON) == fiber.MIMEApplicationJSON {
		return c.JSON(answer)
	}
	if answer.Reason != "" {
		return c.SendString(answer.Status + ": " + answer.Reason)
	}
	return c.SendString(answer.Status)
}
