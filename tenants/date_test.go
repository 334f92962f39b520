package tenants

import (
	"testing"
	"time"
)

// TestTodayIsSwedish: the day is Sweden's, not the machine's or UTC's,
// on both sides of midnight and of the change to and from summer time.
func TestTodayIsSwedish(t *testing.T) {
	for _, c := range []struct {
		at   string
		want string
	}{
		{"2026-11-22T22:59:59Z", "2026-11-22"}, // 23:59:59 CET
		{"2026-11-22T23:00:00Z", "2026-11-23"}, // midnight CET, still the 22nd in UTC
		{"2026-11-22T23:15:09Z", "2026-11-23"},
		{"2026-06-30T21:59:00Z", "2026-06-30"}, // 23:59 CEST
		{"2026-06-30T22:00:00Z", "2026-07-01"}, // midnight CEST
		{"2026-03-28T23:30:00Z", "2026-03-29"}, // the night summer time begins
		{"2026-10-24T22:30:00Z", "2026-10-25"}, // the night it ends: 00:30 CEST
	} {
		at, err := time.Parse(time.RFC3339, c.at)
		if err != nil {
			t.Fatal(err)
		}
		// The same instant in any zone is the same Swedish day.
		for _, zone := range []*time.Location{time.UTC, time.FixedZone("UTC-10", -10*3600), time.FixedZone("UTC+14", 14*3600)} {
			if got := Today(at.In(zone)).String(); got != c.want {
				t.Errorf("Today(%s in %s) = %s, want %s", c.at, zone, got, c.want)
			}
		}
	}
}
