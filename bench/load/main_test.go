package main

import (
	"strings"
	"testing"
	"time"
)

// wrkOK is wrk 4.1's --latency output for a clean run.
const wrkOK = `Running 5s test @ http://127.0.0.1:35293/bare
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.10ms    2.07ms  40.73ms   91.20%
    Req/Sec    19.03k     2.10k   24.11k    72.00%
  Latency Distribution
     50%  650.00us
     75%    1.02ms
     90%    2.03ms
     99%   17.73ms
  189295 requests in 5.00s, 88.58MB read
Requests/sec:  37859.12
Transfer/sec:     17.71MB
`

func TestParseWrk(t *testing.T) {
	r, err := parseWrk(wrkOK)
	if err != nil {
		t.Fatal(err)
	}
	if r.rps != 37859.12 || r.p50 != 650*time.Microsecond || r.p99 != 17730*time.Microsecond {
		t.Fatalf("read %+v", r)
	}
	// Seconds, as wrk writes latencies over a second.
	slow := strings.Replace(wrkOK, "17.73ms", "1.48s", 1)
	if r, err := parseWrk(slow); err != nil || r.p99 != 1480*time.Millisecond {
		t.Fatalf("p99 in seconds: %v, %v", r.p99, err)
	}
	// A run with failed requests does not count.
	for _, bad := range []string{"  Non-2xx or 3xx responses: 12\n", "  Socket errors: connect 0, read 0, write 0, timeout 14\n"} {
		if _, err := parseWrk(strings.Replace(wrkOK, "Requests/sec:", bad+"Requests/sec:", 1)); err == nil || !strings.Contains(err.Error(), "does not count") {
			t.Errorf("%q: %v, want the run refused", bad, err)
		}
	}
	if _, err := parseWrk("wrk: unable to connect"); err == nil {
		t.Error("output without a summary was read")
	}
}
