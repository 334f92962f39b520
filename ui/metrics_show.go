package ui

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metricsShow serves cfg.Metrics in the Prometheus exposition format. It is
// built once, when the route table is, because promhttp's handler is.
func (s *server) metricsShow() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(s.cfg.Metrics, promhttp.HandlerOpts{
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelError),
	}))
}
