package ui

import (
	"context"
	"log/slog"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

func TestNewRejectsIncompleteConfig(t *testing.T) {
	t.Parallel()
	db := tenanttest.Open(t, tenants.SQLite)
	complete := func() Config {
		return Config{
			Logger:  slog.New(slog.DiscardHandler),
			Tenants: tenants.NewTenantStore(db),
			Ready:   func(context.Context) error { return nil },
			Metrics: prometheus.NewRegistry(),
			Policy:  testPolicy(t, db),
			Units:   tenants.NewUnitStore(db),

			Organisations: tenants.NewOrganisationStore(db),
			Agreements:    tenants.NewAgreementStore(db),
			Peers:         tenants.NewPeerStore(db, testSealer(t)),
			Supervision:   tenants.NewSupervisionStore(db),
			Gatherings:    tenants.NewGatheringStore(db),
			Placements:    tenants.NewPlacementStore(db),
			Offers:        tenants.NewOfferStore(db),
			Referrals:     tenants.NewReferralStore(db, testSealer(t)),
			Support:       tenants.NewSupportStore(db, testSealer(t)),
			Reports:       tenants.NewReportStore(db),
			Dashboards:    tenants.NewDashboardStore(db),
			Notifications: tenants.NewNotificationStore(db),
			Mail:          testMail(t, db),
		}
	}
	for _, tc := range []struct {
		name  string
		spoil func(*Config)
	}{
		{"no logger", func(c *Config) { c.Logger = nil }},
		{"no tenant store", func(c *Config) { c.Tenants = nil }},
		{"no readiness check", func(c *Config) { c.Ready = nil }},
		{"no registry", func(c *Config) { c.Metrics = nil }},
		{"no policy", func(c *Config) { c.Policy = nil }},
		{"no unit store", func(c *Config) { c.Units = nil }},
		{"no organisation store", func(c *Config) { c.Organisations = nil }},
		{"no agreement store", func(c *Config) { c.Agreements = nil }},
		{"no peer store", func(c *Config) { c.Peers = nil }},
		{"no mail queue", func(c *Config) { c.Mail = nil }},
		{"no notification store", func(c *Config) { c.Notifications = nil }},
		{"no report store", func(c *Config) { c.Reports = nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := complete()
			tc.spoil(&cfg)
			if _, err := New(cfg); err == nil {
				t.Error("New accepted an incomplete Config")
			}
		})
	}

	t.Run("metrics registered twice", func(t *testing.T) {
		t.Parallel()
		cfg := complete()
		if _, err := New(cfg); err != nil {
			t.Fatal(err)
		}
		if _, err := New(cfg); err == nil {
			t.Error("second New on the same registry succeeded")
		}
	})
}

// TestRouterEnforcesAccess: a route whose access the router cannot check
// is refused, and every route in the table names a known access.
func TestRouterEnforcesAccess(t *testing.T) {
	t.Parallel()
	s := &server{log: slog.New(slog.DiscardHandler), cfg: Config{Metrics: prometheus.NewRegistry()}}
	ok := func(*fiber.Ctx) error { return nil }
	err := s.register(fiber.New(), []route{{method: fiber.MethodGet, path: "/x", access: "admins", handler: ok}})
	if err == nil {
		t.Error("registered a route with an unknown access")
	}
	err = s.register(fiber.New(), []route{{method: fiber.MethodGet, path: "/r/:region/x", access: accessRegion, handler: ok}})
	if err == nil {
		t.Error("registered a region route that names no resource and action")
	}
	for _, r := range s.routes() {
		if _, err := s.guard(&r); err != nil {
			t.Errorf("route %s %s: %v", r.method, r.path, err)
		}
	}
}
