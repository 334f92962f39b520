package ui

import "github.com/gofiber/fiber/v2"

// healthShow answers the liveness probe: the process runs and serves HTTP.
// It checks nothing else, so a database outage does not get every replica
// restarted; /readyz covers that.
func (s *server) healthShow(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString("ok")
}
