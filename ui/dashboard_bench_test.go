package ui

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
	"github.com/kamrat/kamrat/tenants/tenanttest"
)

// BenchmarkDashboard times the region dashboard page — the whole HTTP
// request through the app as a signed-in viewer: session, access check,
// the store's reads, suppression, charts and the template — in a region
// with 10 000 and in one with 1 000 000 meetings, on SQLite and (when
// KAMRAT_TEST_DATABASE_URL is set) PostgreSQL. The dashboard reads
// pre-aggregated counts, so its time should hardly depend on the number of
// meetings: the goal is p95(1 000 000) ≤ 1.5 × p95(10 000).
//
// Both regions of a database are seeded first, in bulk with INSERT …
// SELECT (tenants/seed, through seedDashboardBench), and their counts
// built from the rows;
// then each request is timed on its own and p50, p95 and p99 are reported
// in milliseconds, for two periods: the page's default (the last four
// quarters) and the longest a filter allows (twelve quarters: all the
// seeded data).
//
//	meetings=N/period=P    one region's page, b.N requests
//	interleaved/period=P   both regions, one request to each per
//	                       iteration (in alternating order), so that both
//	                       see the same load on a shared machine; reports
//	                       each one's p50 and p95 and the ratio of the p95s
//
// Run it with a fixed number of requests; docs/benchmarks.md has the
// figures measured:
//
//	go test ./ui -run '^$' -bench BenchmarkDashboard -benchtime=200x -timeout 60m
func BenchmarkDashboard(b *testing.B) {
	const small, large = 10_000, 1_000_000
	for _, d := range []tenants.Dialect{tenants.SQLite, tenants.Postgres} {
		b.Run(string(d), func(b *testing.B) {
			if d == tenants.Postgres && os.Getenv(tenanttest.EnvDatabaseURL) == "" {
				b.Skipf("PostgreSQL not configured: set %s", tenanttest.EnvDatabaseURL)
			}
			regions := map[int]*dashboardBench{}
			for _, size := range []int{small, large} {
				regions[size] = newDashboardBench(b, d, size)
			}
			for _, size := range []int{small, large} {
				b.Run(fmt.Sprintf("meetings=%d", size), func(b *testing.B) {
					for _, period := range dashboardBenchPeriods {
						b.Run("period="+period, func(b *testing.B) {
							fx := regions[size]
							fx.check(b, period)
							took := make([]time.Duration, 0, b.N)
							b.ResetTimer()
							for range b.N {
								took = append(took, fx.timed(b, period))
							}
							b.StopTimer()
							b.ReportMetric(percentile(took, 0.50), "p50-ms")
							b.ReportMetric(percentile(took, 0.95), "p95-ms")
							b.ReportMetric(percentile(took, 0.99), "p99-ms")
						})
					}
				})
			}
			b.Run("interleaved", func(b *testing.B) {
				for _, period := range dashboardBenchPeriods {
					b.Run("period="+period, func(b *testing.B) {
						s, l := regions[small], regions[large]
						s.check(b, period)
						l.check(b, period)
						tookS, tookL := make([]time.Duration, 0, b.N), make([]time.Duration, 0, b.N)
						b.ResetTimer()
						for i := range b.N {
							if i%2 == 0 {
								tookS = append(tookS, s.timed(b, period))
								tookL = append(tookL, l.timed(b, period))
							} else {
								tookL = append(tookL, l.timed(b, period))
								tookS = append(tookS, s.timed(b, period))
							}
						}
						b.StopTimer()
						p95S, p95L := percentile(tookS, 0.95), percentile(tookL, 0.95)
						b.ReportMetric(percentile(tookS, 0.50), "10k-p50-ms")
						b.ReportMetric(p95S, "10k-p95-ms")
						b.ReportMetric(percentile(tookL, 0.50), "1M-p50-ms")
						b.ReportMetric(p95L, "1M-p95-ms")
						b.ReportMetric(p95L/p95S, "p95-ratio")
						b.Logf("%s, period=%s, %d requests each: p95 %.2f ms with %d meetings, %.2f ms with %d: ratio %.2f (goal ≤ 1.5)",
							d, period, b.N, p95S, small, p95L, large, p95L/p95S)
					})
				}
			})
		})
	}
}

// dashboardBenchPeriods name the periods timed: the page's default and
// twelve quarters.
var dashboardBenchPeriods = []string{"default", "12q"}

// percentile is the p-th percentile of the durations (nearest rank), in
// milliseconds.
func percentile(took []time.Duration, p float64) float64 {
	s := slices.Clone(took)
	slices.Sort(s)
	i := max(0, min(int(math.Ceil(p*float64(len(s))))-1, len(s)-1))
	return float64(s[i].Microseconds()) / 1000
}

// dashboardBench is one seeded region and a viewer's session on the app.
type dashboardBench struct {
	*testBundle
	region tenants.Tenant
	viewer *http.Cookie
	views  map[string]dashboardBenchView
}

// dashboardBenchView is one page address timed, with what its funnel must
// show: the referrals seeded in its period.
type dashboardBenchView struct {
	path     string
	referred int
}

// check warms the period's page up and checks that its funnel shows the
// referrals seeded in the period, so that the benchmark does not time an
// empty dashboard.
func (fx *dashboardBench) check(b *testing.B, period string) {
	v := fx.views[period]
	want := `data-figures="funnel"`
	for range 3 {
		status, body := fx.page(b, v.path)
		if status != http.StatusOK || !strings.Contains(body, want) {
			b.Fatalf("%s: %d without the funnel:\n%.2000s", v.path, status, body)
		}
		funnel := body[strings.Index(body, want):]
		funnel = funnel[:strings.Index(funnel, "</table>")]
		if n := formatInt(langSwedish, int64(v.referred)); !strings.Contains(funnel, ">"+n+"<") {
			b.Fatalf("%s: the funnel does not show the %s referrals seeded in the period:\n%s", v.path, n, funnel)
		}
	}
}

// timed requests the period's page once and returns how long it took.
func (fx *dashboardBench) timed(b *testing.B, period string) time.Duration {
	path := fx.views[period].path
	start := time.Now()
	status, _ := fx.page(b, path)
	took := time.Since(start)
	if status != http.StatusOK {
		b.Fatalf("%s: %d", path, status)
	}
	return took
}

// page GETs path as the viewer and reads the whole body.
func (fx *dashboardBench) page(b *testing.B, path string) (int, string) {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.AddCookie(fx.viewer)
	resp, err := fx.app.Test(req, -1)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// newDashboardBench makes a fresh database of the dialect, seeds a region
// with meetings meetings and its dashboard counts, and signs its viewer
// in. It checks that the dashboard counts every referral seeded in
// each period timed.
func newDashboardBench(b *testing.B, d tenants.Dialect, meetings int) *dashboardBench {
	ctx := context.Background()
	db, owner := tenanttest.OpenWithOwner(b, d)
	fx := &dashboardBench{testBundle: setup(b, db)}

	seeded := seedDashboardBench(b, owner, meetings)
	fx.region = seeded.Region
	var vacuumed time.Duration
	if d == tenants.Postgres {
		// What autovacuum would do after such a load, done now so that it
		// does not compete with the timed requests.
		t0 := time.Now()
		if _, err := owner.Bun().ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
			b.Fatalf("vacuum: %v", err)
		}
		vacuumed = time.Since(t0)
	}
	b.Logf("%s, %d meetings: seeded %s in %s, counts built in %s, vacuum (PostgreSQL) %s",
		d, meetings, benchSummary(ctx, b, db, fx.region.ID), seeded.Seeded.Round(time.Millisecond), seeded.Built.Round(time.Millisecond),
		vacuumed.Round(time.Millisecond))

	// The views timed: the default period and all twelve quarters.
	now := time.Now()
	def := tenants.DefaultDashboardFilter(now)
	all := tenants.DashboardFilter{From: def.To.AddMonths(-3 * (tenants.MaxDashboardQuarters - 1)), To: def.To}
	page := "/r/" + fx.region.Slug + "/dashboard"
	fx.views = map[string]dashboardBenchView{}
	for _, v := range []struct {
		name, path string
		f          tenants.DashboardFilter
	}{
		{"default", page, def},
		{"12q", page + "?from=" + all.From.String() + "&to=" + all.To.String(), all},
	} {
		dash, err := tenants.NewDashboardStore(db).Dashboard(ctx, fx.region.ID, v.f, now)
		if err != nil {
			b.Fatal(err)
		}
		want := referredIn(ctx, b, db, fx.region.ID, v.f)
		if dash.Funnel.Referred != want || want < 100 {
			b.Fatalf("period %s: the dashboard counts %d referrals, %d were seeded", v.name, dash.Funnel.Referred, want)
		}
		fx.views[v.name] = dashboardBenchView{path: v.path, referred: want}
	}

	// The seeded viewer (lasare@<slug>.seed.example) signs in.
	var viewerID int64
	for _, u := range seeded.Users {
		if u.Role == tenants.RoleViewer {
			viewerID = u.ID
		}
	}
	secret, _, err := fx.policy.Sessions.Create(ctx, viewerID, &fx.region.ID, "test", fx.policy.Session.Absolute)
	if err != nil {
		b.Fatal(err)
	}
	fx.viewer = &http.Cookie{Name: "kamrat_session", Value: secret}
	return fx
}
