package ui

import (
	"strings"
	"testing"
)

func TestMetrics(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	b.get(t, "/")
	b.get(t, "/")
	b.get(t, "/healthz")
	b.get(t, "/r/unknown")
	b.get(t, "/no/such/page")

	res, body := b.get(t, "/metrics")
	if res.StatusCode != 200 {
		t.Fatalf("status = %d", res.StatusCode)
	}
	for _, want := range []string{
		`kamrat_http_requests_total{method="GET",route="/",status="200"} 2`,
		`kamrat_http_requests_total{method="GET",route="/healthz",status="200"} 1`,
		`kamrat_http_requests_total{method="GET",route="/r/:region",status="404"} 1`,
		`kamrat_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`kamrat_http_request_duration_seconds_count{method="GET",route="/"} 2`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "/no/such/page") {
		t.Error("raw path used as a label; series would grow without bound")
	}
}

func TestMetricMethod(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"GET": "GET", "POST": "POST", "PROPFIND": "OTHER", "X": "OTHER"} {
		if got := metricMethod(in); got != want {
			t.Errorf("metricMethod(%q) = %q, want %q", in, got, want)
		}
	}
}
