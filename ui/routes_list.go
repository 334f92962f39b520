package ui

import (
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// PageRoutes lists the path patterns (fiber's, with :params) of the GET
// routes a browser is sent to, in the order of the route table the app
// registers: every GET route except the JSON API (/api/), the static
// assets and the quiet routes (probes and the metrics scrape). Downloads
// (exports, documents) and the sign-in redirects are included: which of
// them a page links to is for the caller to decide. It exists so that a
// test outside the package (the browser's accessibility crawl) can check
// that it saw every page type.
func PageRoutes() []string {
	// The route table is built from the server's handler methods; nothing
	// here is served, so the only dependency any of them needs at build
	// time (the metrics handler's registry) is a throwaway.
	s := &server{log: slog.New(slog.DiscardHandler), cfg: Config{Metrics: prometheus.NewRegistry()}}
	var paths []string
	for _, r := range s.routes() {
		if r.method != fiber.MethodGet || r.quiet || strings.HasPrefix(r.path, "/api/") || strings.HasPrefix(r.path, "/static/") {
			continue
		}
		paths = append(paths, r.path)
	}
	return paths
}
