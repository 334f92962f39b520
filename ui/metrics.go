package ui

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// httpMetrics counts and times requests by route pattern (not raw path, so
// the number of series stays bounded).
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// routeUnmatched labels requests no route matched, such as 404s for
// made-up paths.
const routeUnmatched = "unmatched"

// newHTTPMetrics registers the HTTP metrics on reg. It fails if they are
// already registered there.
func newHTTPMetrics(reg prometheus.Registerer) (*httpMetrics, error) {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kamrat_http_requests_total",
			Help: "HTTP requests by route pattern, method and status code.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "kamrat_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route pattern and method.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// recordMetrics counts every request, quiet routes included.
func (s *server) recordMetrics(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	pattern := routeUnmatched
	if r := matchedRoute(c); r != nil {
		pattern = r.path
	}
	method := metricMethod(c.Method())
	s.metrics.requests.WithLabelValues(pattern, method, strconv.Itoa(c.Response().StatusCode())).Inc()
	s.metrics.duration.WithLabelValues(pattern, method).Observe(time.Since(start).Seconds())
	return err
}

// metricMethod folds unusual methods into one label value, so a client
// inventing methods cannot create new series.
func metricMethod(m string) string {
	switch m {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodPost, fiber.MethodPut,
		fiber.MethodPatch, fiber.MethodDelete, fiber.MethodOptions:
		return m
	default:
		return "OTHER"
	}
}
