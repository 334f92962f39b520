// Package ui is Kamrat's web interface: a fiber app with one route table,
// one handler per file, typed page structs rendered from embedded
// templates, message catalogues in Swedish and English, and the operational
// endpoints (/healthz, /readyz, /metrics).
package ui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kamrat/kamrat/policy"
	"github.com/kamrat/kamrat/tenants"
)

// Config is what the web interface needs from the rest of the program.
type Config struct {
	Logger  *slog.Logger // JSON slog logger
	Tenants *tenants.TenantStore
	// Ready reports whether the instance can serve traffic (database
	// reachable, migrations current); nil means ready. Its error text is
	// shown on /readyz, so it must not contain secrets.
	Ready func(ctx context.Context) error
	// Metrics is served on /metrics; the HTTP metrics are registered on it.
	Metrics *prometheus.Registry
	Version string
	// TLS means the public URL is https: responses carry HSTS and cookies
	// are marked Secure.
	TLS bool
	// Policy authenticates and authorises requests and signs people in.
	Policy        *policy.Service
	Units         *tenants.UnitStore
	Organisations *tenants.OrganisationStore
	Agreements    *tenants.AgreementStore
	// The partner organisations' peers and their work.
	Peers       *tenants.PeerStore
	Supervision *tenants.SupervisionStore
	Gatherings  *tenants.GatheringStore
	Placements  *tenants.PlacementStore
	// The referral pathway: the anonymous offer tally, participants,
	// consent and referrals.
	Offers    *tenants.OfferStore
	Referrals *tenants.ReferralStore
	// Support is what follows a referral: matches, meetings, follow-ups.
	Support *tenants.SupportStore
	// Notifications is every member's inbox.
	Notifications *tenants.NotificationStore
	// Reports are the quarterly reports and their builds.
	Reports *tenants.ReportStore
	// Dashboards read the region dashboard's pre-aggregated figures.
	Dashboards *tenants.DashboardStore
	// Jobs lets the platform operator see and act on the background job
	// queue (/ops/jobs); jobs.Client does. nil: the page says the view is
	// not available.
	Jobs JobsOperator
	// PublicURL is the site's external base URL (for OIDC redirect URLs);
	// empty means the request's own scheme and host.
	PublicURL string
	// DemoUsers, in demo mode, are listed on the sign-in pages for
	// one-click sign-in through the built-in OpenID provider.
	DemoUsers []DemoUser
	// Mail queues e-mail (sign-in links, invitations) in the caller's
	// transaction; jobs.Client does.
	Mail policy.MailQueue
	// TrustedProxies are the addresses or CIDR ranges of the reverse
	// proxies in front of Kamrat; the client address is taken from
	// X-Forwarded-For only when the request comes from one of them.
	TrustedProxies []string
}

// DemoUser is a demo account offered on a region's sign-in page.
type DemoUser struct {
	Region   string // region slug
	Provider string // provider slug in that region
	Subject  string // login_hint for the provider
	Label    string
}

// server holds the app's dependencies; handlers are its methods.
type server struct {
	cfg        Config
	log        *slog.Logger
	translator *Translator
	views      views
	assets     assets
	metrics    *httpMetrics
	// signInLimit caps, per client address, the sign-in attempts that
	// cost something (e-mail sent, secret tried).
	signInLimit []fiber.Handler
	// openAPI is the API's OpenAPI document, built once from the routes.
	openAPI []byte
}

// Timeouts keep slow or idle clients from holding connections forever.
const (
	readTimeout  = 10 * time.Second
	writeTimeout = 30 * time.Second
	idleTimeout  = 120 * time.Second
	readyTimeout = 2 * time.Second
)

// Sign-in attempts one client address may make per window, in this
// process (each replica counts its own; the per-address limit on e-mailed
// links is kept in the database and holds across replicas).
const (
	signInLimitMax    = 30
	signInLimitWindow = 15 * time.Minute
)

// New builds the web app. It returns an error when a required Config field
// is missing, when the embedded templates, catalogues or assets are broken,
// or when the HTTP metrics cannot be registered (for example because New
// already registered them on the same registry).
func New(cfg Config) (*fiber.App, error) {
	switch {
	case cfg.Logger == nil:
		return nil, errors.New("ui: Config.Logger is required")
	case cfg.Tenants == nil:
		return nil, errors.New("ui: Config.Tenants is required")
	case cfg.Ready == nil:
		return nil, errors.New("ui: Config.Ready is required")
	case cfg.Metrics == nil:
		return nil, errors.New("ui: Config.Metrics is required")
	case cfg.Policy == nil:
		return nil, errors.New("ui: Config.Policy is required")
	case cfg.Units == nil:
		return nil, errors.New("ui: Config.Units is required")
	case cfg.Organisations == nil:
		return nil, errors.New("ui: Config.Organisations is required")
	case cfg.Agreements == nil:
		return nil, errors.New("ui: Config.Agreements is required")
	case cfg.Peers == nil || cfg.Supervision == nil || cfg.Gatherings == nil || cfg.Placements == nil:
		return nil, errors.New("ui: Config.Peers, Supervision, Gatherings and Placements are required")
	case cfg.Offers == nil || cfg.Referrals == nil || cfg.Support == nil:
		return nil, errors.New("ui: Config.Offers, Referrals and Support are required")
	case cfg.Notifications == nil:
		return nil, errors.New("ui: Config.Notifications is required")
	case cfg.Reports == nil || cfg.Dashboards == nil:
		return nil, errors.New("ui: Config.Reports and Dashboards are required")
	case cfg.Mail == nil:
		return nil, errors.New("ui: Config.Mail is required")
	}
	translator, err := NewTranslator()
	if err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	as, err := loadAssets()
	if err != nil {
		return nil, fmt.Errorf("ui: static files: %w", err)
	}
	vs, err := parseViews(as)
	if err != nil {
		return nil, fmt.Errorf("ui: templates: %w", err)
	}
	metrics, err := newHTTPMetrics(cfg.Metrics)
	if err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	s := &server{cfg: cfg, log: cfg.Logger, translator: translator, views: vs, assets: as, metrics: metrics}
	s.signInLimit = []fiber.Handler{limiter.New(limiter.Config{
		Max: signInLimitMax, Expiration: signInLimitWindow,
		LimitReached: func(*fiber.Ctx) error { return fiber.ErrTooManyRequests },
	})}

	app := fiber.New(fiber.Config{
		// fasthttp reuses request buffers; Immutable copies every string
		// we read so none changes under our feet after the handler.
		Immutable:             true,
		ReadTimeout:           readTimeout,
		WriteTimeout:          writeTimeout,
		IdleTimeout:           idleTimeout,
		DisableStartupMessage: true,
		ErrorHandler:          s.handleError,
		// Room for the largest upload (an agreement's document) and the
		// rest of its form.
		BodyLimit: tenants.MaxDocumentBytes + 1<<20,
		AppName:   "kamrat",
		// Rate limits key on the client's address: behind a proxy it is
		// the first X-Forwarded-For hop, believed only from the proxies.
		EnableTrustedProxyCheck: len(cfg.TrustedProxies) > 0,
		TrustedProxies:          cfg.TrustedProxies,
		ProxyHeader:             proxyHeader(cfg.TrustedProxies),
		EnableIPValidation:      true,
	})
	// Order matters: errors are rendered inside the metrics and access log
	// middleware so that both see the final status; panics are recovered
	// inside the error rendering so that they become ordinary 500s.
	app.Use(
		s.assignRequestID,
		s.setSecurityHeaders,
		s.recordMetrics,
		s.logAccess,
		s.renderErrors,
		s.recoverPanics,
		s.switchLanguage,
		s.checkCSRF,
	)
	routes := s.routes()
	if s.openAPI, err = buildOpenAPI(routes, cfg.Version); err != nil {
		return nil, fmt.Errorf("ui: OpenAPI document: %w", err)
	}
	if err := s.register(app, routes); err != nil {
		return nil, fmt.Errorf("ui: %w", err)
	}
	return app, nil
}

func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
}
