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

// TestDateEnd: a day ends at midnight in Sweden, an hour or two before
// midnight UTC, also on the nights summer time begins and ends.
func TestDateEnd(t *testing.T) {
	for day, want := range map[string]string{
		"2026-11-22": "2026-11-22T23:00:00Z", // CET
		"2026-06-30": "2026-06-30T22:00:00Z", // CEST
		"2026-03-28": "2026-03-28T23:00:00Z", // summer time begins at 02:00 on the 29th
		"2026-03-29": "2026-03-29T22:00:00Z",
		"2026-10-24": "2026-10-24T22:00:00Z", // and ends at 03:00 on the 25th
		"2026-10-25": "2026-10-25T23:00:00Z",
		"2026-12-31": "2026-12-31T23:00:00Z", // into the next year
	} {
		d, err := ParseDate(day)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.End().UTC().Format(time.RFC3339); got != want {
			t.Errorf("%s ends %s, want %s", day, got, want)
		}
		if Today(d.End()) != d.AddDays(1) || Today(d.End().Add(-time.Nanosecond)) != d {
			t.Errorf("%s: the end is not the first instant of the next day", day)
		}
	}
}
