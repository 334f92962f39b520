package tenants

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseDate: a date either is refused or is written back exactly as
// it was given (after trimming), and what is written parses to the same day.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"2026-01-01", " 2026-12-31 ", "2024-02-29", "2025-02-29", "2026-13-01", "2026-1-1", "26-01-01",
		"", "   ", "2026-01-01T00:00:00Z", "9999-12-31", "0000-01-01", "+2026-01-01", "2026/01/01", "٢٠٢٦-٠١-٠١",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !d.IsZero() {
				t.Fatalf("ParseDate(%q) refused with %v but returned %v", s, err, d)
			}
			return
		}
		if got, want := d.String(), strings.TrimSpace(s); got != want {
			t.Fatalf("ParseDate(%q) = %q", s, got)
		}
		again, err := ParseDate(d.String())
		if err != nil || again != d {
			t.Fatalf("ParseDate(%q) = %v, which reads back as %v, %v", s, d, again, err)
		}
		var viaText Date
		if err := viaText.UnmarshalText([]byte(s)); err != nil || viaText != d {
			t.Fatalf("UnmarshalText(%q) = %v, %v; ParseDate gave %v", s, viaText, err, d)
		}
	})
}

// FuzzDashboardFilter checks the dashboard period and target group as the
// store does before it reads anything: a filter it accepts spans whole
// quarters, from first to last, no more than MaxDashboardQuarters of them.
func FuzzDashboardFilter(f *testing.F) {
	f.Add("2026-01-01", "2026-10-01", "")
	f.Add("2026-01-01", "2026-01-01", "hiv")
	f.Add("2026-04-01", "2026-01-01", "")
	f.Add("2026-01-02", "2026-10-01", "")
	f.Add("2020-01-01", "2026-10-01", "psychiatry")
	f.Add("0001-01-01", "9999-10-01", "")
	f.Add("", "2026-01-01", "")
	f.Add("2026-01-01", "2026-04-01", "nope")
	f.Fuzz(func(t *testing.T, from, to, group string) {
		var fl DashboardFilter
		var err error
		if fl.From, err = ParseDate(from); err != nil {
			return
		}
		if fl.To, err = ParseDate(to); err != nil {
			return
		}
		fl.TargetGroup = TargetGroup(group)
		err = fl.validate()
		if err != nil {
			var v *ValidationError
			if !errors.As(err, &v) || len(v.Fields) == 0 {
				t.Fatalf("%+v refused with %v; want a *ValidationError", fl, err)
			}
			return
		}
		if !IsQuarterStart(fl.From) || !IsQuarterStart(fl.To) || fl.To.Before(fl.From) {
			t.Fatalf("accepted %v to %v", fl.From, fl.To)
		}
		qs := fl.Quarters()
		if len(qs) == 0 || len(qs) > MaxDashboardQuarters || qs[0] != fl.From || qs[len(qs)-1] != fl.To {
			t.Fatalf("accepted %v to %v: quarters %v", fl.From, fl.To, qs)
		}
		for n := 1; n < len(qs); n++ {
			if qs[n] != qs[n-1].AddMonths(3) {
				t.Fatalf("quarters %v are not consecutive", qs)
			}
		}
		if group != "" && !func() bool {
			for _, g := range TargetGroups {
				if g == fl.TargetGroup {
					return true
				}
			}
			return false
		}() {
			t.Fatalf("accepted target group %q", group)
		}
	})
}
