package ui

import (
	"github.com/gofiber/fiber/v2"
)

// assetShow serves an embedded static file. The checksum in the path must
// be the current one: the response is cached for a year, so an old URL
// must not get new content (or the reverse) under the same address.
func (s *server) assetShow(c *fiber.Ctx) error {
	a, ok := s.assets[c.Params("name")]
	if !ok || c.Path() != a.url {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set(fiber.HeaderContentType, a.contentType)
	return c.Send(a.body)
}
