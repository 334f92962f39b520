package ui

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kamrat/kamrat/jobs"
	"github.com/kamrat/kamrat/policy"
	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// testBundle is what most tests need: the app on a real database, with its
// logs captured.
type testBundle struct {
	app     *fiber.App
	db      *tenants.DB
	tenants *tenants.TenantStore
	metrics *prometheus.Registry
	logs    *logBuffer
	policy  *policy.Service
}

// testKey is the fixed encryption key of the tests.
var testKey = bytes.Repeat([]byte{7}, tenants.KeySize)

// testSealer encrypts with testKey.
func testSealer(t testing.TB) *tenants.Sealer {
	t.Helper()
	sealer, err := tenants.NewSealer(testKey)
	if err != nil {
		t.Fatal(err)
	}
	return sealer
}

// testPolicy builds the policy service on db with a fixed test key.
func testPolicy(t testing.TB, db *tenants.DB) *policy.Service {
	t.Helper()
	key, sealer := testKey, testSealer(t)
	svc, err := policy.NewService(db, sealer, key, policy.SessionConfig{})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// testMail is a River client that only inserts: e-mail jobs queued by the
// app stay in the database, where tests look at them.
func testMail(t testing.TB, db *tenants.DB) *jobs.Client {
	t.Helper()
	client, err := jobs.NewClient(db, jobs.Deps{}, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// setup builds the app on db (a fresh SQLite database when nil), after
// letting configure adjust the Config.
func setup(t testing.TB, db *tenants.DB, configure ...func(*Config)) *testBundle {
	t.Helper()
	if db == nil {
		db = tenanttest.Open(t, tenants.SQLite)
	}
	b := &testBundle{
		db:      db,
		tenants: tenants.NewTenantStore(db),
		metrics: prometheus.NewRegistry(),
		logs:    &logBuffer{},
	}
	b.policy = testPolicy(t, db)
	cfg := Config{
		Logger:  slog.New(slog.NewJSONHandler(b.logs, nil)),
		Tenants: b.tenants,
		Ready:   func(context.Context) error { return nil },
		Metrics: b.metrics,
		Version: "1.2.3-test",
		Policy:  b.policy,
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
		Notifications: tenants.NewNotificationStore(db),
		Reports:       tenants.NewReportStore(db),
		Dashboards:    tenants.NewDashboardStore(db),
		Mail:          testMail(t, db),
	}
	for _, f := range configure {
		f(&cfg)
	}
	app, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	b.app = app
	return b
}

// do sends req to the app and returns the response and its body.
func (b *testBundle) do(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	res, err := b.app.Test(req, -1) // no timeout: -race on two cores is slow
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return res, string(body)
}

// get sends a GET with the given header name/value pairs.
func (b *testBundle) get(t *testing.T, target string, header ...string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(t, req)
}

// logBuffer collects the JSON log lines the app writes.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// entries parses every log line written so far.
func (l *logBuffer) entries(t *testing.T) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(l.buf.Bytes()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e map[string]any
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("log line is not JSON: %v: %s", err, sc.Text())
		}
		out = append(out, e)
	}
	return out
}

// find returns the log entries with this message.
func (l *logBuffer) find(t *testing.T, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, e := range l.entries(t) {
		if e["msg"] == msg {
			out = append(out, e)
		}
	}
	return out
}

// checkWellFormed parses body strictly as XML with HTML's entities: every
// element closed and properly nested, attributes quoted. The templates
// self-close void elements so that this basic check can use the standard
// library.
func checkWellFormed(t *testing.T, body string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(body))
	d.Strict = true
	d.Entity = xml.HTMLEntity
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("HTML is not well-formed: %v\n%s", err, body)
		}
	}
}

// errorJSON decodes the error handler's JSON answer.
func errorJSON(t *testing.T, body string) errorBody {
	t.Helper()
	var r errorResponse
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("not an error JSON: %v: %s", err, body)
	}
	return r.Error
}
