package tenants_test

import (
	"sync"
	"testing"
	"time"

	"github.com/kamrat/kamrat/tenants"
)

func mustDate(t *testing.T, s string) tenants.Date {
	t.Helper()
	d, err := tenants.ParseDate(s)
	if err != nil || d.IsZero() {
		t.Fatalf("ParseDate(%q): %v", s, err)
	}
	return d
}

// holidayOn returns the day of the named holiday in year.
func holidayOn(t *testing.T, year int, name string) tenants.Date {
	t.Helper()
	var found []tenants.Date
	for _, h := range tenants.SwedishHolidays(year) {
		if h.Name == name {
			found = append(found, h.Date)
		}
	}
	if len(found) != 1 {
		t.Fatalf("SwedishHolidays(%d): %d days named %q, want 1", year, len(found), name)
	}
	return found[0]
}

func TestEasterSunday(t *testing.T) {
	t.Parallel()
	// Known Easter Sundays, including both ends of the possible range
	// (22 March: 1818, 2285; 25 April: 1943, 2038).
	for _, want := range []string{
		"1818-03-22", "1943-04-25", "1954-04-18", "2000-04-23", "2008-03-23",
		"2011-04-24", "2019-04-21", "2024-03-31", "2025-04-20", "2026-04-05",
		"2027-03-28", "2028-04-16", "2038-04-25", "2049-04-18", "2285-03-22",
	} {
		d := mustDate(t, want)
		if got := holidayOn(t, d.Year(), "Påskdagen"); got != d {
			t.Errorf("Påskdagen %d = %s, want %s", d.Year(), got, want)
		}
	}
}

func TestHolidaysFollowEaster(t *testing.T) {
	t.Parallel()
	for year := 1900; year <= 2200; year++ {
		easter := holidayOn(t, year, "Påskdagen")
		if wd := easter.Time().Weekday(); wd != time.Sunday {
			t.Fatalf("Påskdagen %d = %s, a %s", year, easter, wd)
		}
		if easter.Before(tenants.NewDate(year, time.March, 22)) || easter.After(tenants.NewDate(year, time.April, 25)) {
			t.Errorf("Påskdagen %d = %s, outside 22 March–25 April", year, easter)
		}
		for name, offset := range map[string]int{
			"Långfredagen": -2, "Påskafton": -1, "Annandag påsk": 1,
			"Kristi himmelsfärdsdag": 39, "Pingstdagen": 49,
		} {
			if got, want := holidayOn(t, year, name), easter.AddDays(offset); got != want {
				t.Errorf("%s %d = %s, want %s", name, year, got, want)
			}
		}
	}
}

func TestHolidayMidsommarAndAllaHelgons(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ afton, dagen, allaHelgon string }{
		{"2020-06-19", "2020-06-20", "2020-10-31"},
		{"2024-06-21", "2024-06-22", "2024-11-02"},
		{"2025-06-20", "2025-06-21", "2025-11-01"},
		{"2026-06-19", "2026-06-20", "2026-10-31"},
		{"2027-06-25", "2027-06-26", "2027-11-06"},
		{"2028-06-23", "2028-06-24", "2028-11-04"},
	} {
		year := mustDate(t, c.afton).Year()
		for name, want := range map[string]string{
			"Midsommarafton": c.afton, "Midsommardagen": c.dagen, "Alla helgons dag": c.allaHelgon,
		} {
			if got := holidayOn(t, year, name); got.String() != want {
				t.Errorf("%s %d = %s, want %s", name, year, got, want)
			}
		}
	}
	// And by the rule, for every year in a long range.
	for year := 1950; year <= 2150; year++ {
		afton := holidayOn(t, year, "Midsommarafton")
		dagen := holidayOn(t, year, "Midsommardagen")
		helgon := holidayOn(t, year, "Alla helgons dag")
		if afton.Time().Weekday() != time.Friday || afton.Before(tenants.NewDate(year, time.June, 19)) || afton.After(tenants.NewDate(year, time.June, 25)) {
			t.Errorf("Midsommarafton %d = %s", year, afton)
		}
		if dagen != afton.AddDays(1) {
			t.Errorf("Midsommardagen %d = %s, want the day after %s", year, dagen, afton)
		}
		if helgon.Time().Weekday() != time.Saturday || helgon.Before(tenants.NewDate(year, time.October, 31)) || helgon.After(tenants.NewDate(year, time.November, 6)) {
			t.Errorf("Alla helgons dag %d = %s", year, helgon)
		}
	}
}

// The Swedish calendar for 2026, as printed.
var holidays2026 = []struct{ date, name string }{
	{"2026-01-01", "Nyårsdagen"},
	{"2026-01-06", "Trettondedag jul"},
	{"2026-04-03", "Långfredagen"},
	{"2026-04-04", "Påskafton"},
	{"2026-04-05", "Påskdagen"},
	{"2026-04-06", "Annandag påsk"},
	{"2026-05-01", "Första maj"},
	{"2026-05-14", "Kristi himmelsfärdsdag"},
	{"2026-05-24", "Pingstdagen"},
	{"2026-06-06", "Sveriges nationaldag"},
	{"2026-06-19", "Midsommarafton"},
	{"2026-06-20", "Midsommardagen"},
	{"2026-10-31", "Alla helgons dag"},
	{"2026-12-24", "Julafton"},
	{"2026-12-25", "Juldagen"},
	{"2026-12-26", "Annandag jul"},
	{"2026-12-31", "Nyårsafton"},
}

func TestSwedishHolidays2026(t *testing.T) {
	t.Parallel()
	got := tenants.SwedishHolidays(2026)
	if len(got) != len(holidays2026) {
		t.Errorf("SwedishHolidays(2026): %d days, want %d: %v", len(got), len(holidays2026), got)
	}
	off := map[string]bool{}
	for i, want := range holidays2026 {
		off[want.date] = true
		if i < len(got) && (got[i].Date.String() != want.date || got[i].Name != want.name) {
			t.Errorf("SwedishHolidays(2026)[%d] = %s %q, want %s %q", i, got[i].Date, got[i].Name, want.date, want.name)
		}
	}
	// Every day of the year: a working day exactly when a weekday not listed.
	working := 0
	for d := tenants.NewDate(2026, time.January, 1); d.Year() == 2026; d = d.AddDays(1) {
		wd := d.Time().Weekday()
		want := wd != time.Saturday && wd != time.Sunday && !off[d.String()]
		if got := tenants.IsWorkingDay(d); got != want {
			t.Errorf("IsWorkingDay(%s, a %s) = %v, want %v", d, wd, got, want)
		}
		if want {
			working++
		}
	}
	if working != 251 {
		t.Errorf("2026 has %d working days by the list, want 251", working)
	}
	if got := tenants.WorkingDaysBetween(mustDate(t, "2025-12-31"), mustDate(t, "2026-12-31")); got != 251 {
		t.Errorf("WorkingDaysBetween over 2026 = %d, want 251", got)
	}
	// The klämdag after Kristi himmelsfärdsdag is a working day.
	if !tenants.IsWorkingDay(mustDate(t, "2026-05-15")) {
		t.Error("Friday 15 May 2026 is a working day")
	}
	// The slice is the caller's: changing it changes nothing else.
	got[0].Name = "changed"
	if again := tenants.SwedishHolidays(2026); again[0].Name != "Nyårsdagen" {
		t.Errorf("SwedishHolidays shares its slice: %q", again[0].Name)
	}
}

func TestSwedishHolidaysSharedDay(t *testing.T) {
	t.Parallel()
	// 2008: Kristi himmelsfärdsdag fell on första maj. Both are listed, in
	// date order, and the day counts once.
	list := tenants.SwedishHolidays(2008)
	for i := 1; i < len(list); i++ {
		if list[i].Date.Before(list[i-1].Date) {
			t.Errorf("SwedishHolidays(2008) not in date order at %d: %v", i, list)
		}
	}
	may1 := mustDate(t, "2008-05-01")
	if holidayOn(t, 2008, "Första maj") != may1 || holidayOn(t, 2008, "Kristi himmelsfärdsdag") != may1 {
		t.Fatalf("2008: want both on %s: %v", may1, list)
	}
	// Week of 28 April 2008: Monday to Friday less Thursday 1 May.
	if got := tenants.WorkingDaysBetween(mustDate(t, "2008-04-27"), mustDate(t, "2008-05-02")); got != 4 {
		t.Errorf("WorkingDaysBetween(27 Apr, 2 May 2008) = %d, want 4", got)
	}
}

func TestAddWorkingDays(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		from string
		n    int
		want string
	}{
		// Easter 2026.
		{"2026-04-02", 1, "2026-04-07"},
		{"2026-04-02", 2, "2026-04-08"},
		{"2026-03-30", 5, "2026-04-08"}, // referral on a Monday, contact within 5 working days
		{"2026-04-03", 0, "2026-04-07"},
		{"2026-04-06", 1, "2026-04-07"},
		// Kristi himmelsfärdsdag; the klämdag counts.
		{"2026-05-13", 1, "2026-05-15"},
		// Midsommar 2026.
		{"2026-06-18", 1, "2026-06-22"},
		{"2026-06-19", 0, "2026-06-22"},
		{"2026-06-17", 2, "2026-06-22"},
		// Christmas and New Year 2026/27: 24–27 Dec off, 31 Dec–3 Jan off,
		// 6 Jan 2027 (a Wednesday) off.
		{"2026-12-23", 1, "2026-12-28"},
		{"2026-12-23", 3, "2026-12-30"},
		{"2026-12-23", 4, "2027-01-04"},
		{"2026-12-30", 1, "2027-01-04"},
		{"2026-12-30", 3, "2027-01-07"},
		{"2026-12-22", 5, "2027-01-04"},
		// Weekends.
		{"2026-01-09", 1, "2026-01-12"},
		{"2026-01-10", 0, "2026-01-12"},
		{"2026-01-10", 1, "2026-01-12"},
		{"2026-01-11", 1, "2026-01-12"},
		{"2026-01-12", 0, "2026-01-12"},
		{"2026-01-12", 5, "2026-01-19"},
		{"2026-01-12", 10, "2026-01-26"},
		// Backwards.
		{"2026-04-07", -1, "2026-04-02"},
		{"2026-01-12", -1, "2026-01-09"},
		{"2027-01-04", -1, "2026-12-30"},
	} {
		if got := tenants.AddWorkingDays(mustDate(t, c.from), c.n); got.String() != c.want {
			t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", c.from, c.n, got, c.want)
		}
	}
	if got := tenants.AddWorkingDays(tenants.Date{}, 3); !got.IsZero() {
		t.Errorf("AddWorkingDays(zero, 3) = %s, want the zero Date", got)
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		from, to string
		want     int
	}{
		{"2026-01-09", "2026-01-12", 1},  // Friday to Monday
		{"2026-01-12", "2026-01-12", 0},  // same day
		{"2026-01-12", "2026-01-09", -1}, // backwards
		{"2026-04-02", "2026-04-07", 1},  // Easter
		{"2026-03-30", "2026-04-08", 5},
		{"2026-06-18", "2026-06-22", 1},
		{"2026-12-23", "2027-01-07", 6}, // 28, 29, 30 Dec, 4, 5, 7 Jan
		{"2026-01-10", "2026-01-11", 0}, // a weekend
	} {
		if got := tenants.WorkingDaysBetween(mustDate(t, c.from), mustDate(t, c.to)); got != c.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", c.from, c.to, got, c.want)
		}
	}
	if got := tenants.WorkingDaysBetween(tenants.Date{}, mustDate(t, "2026-01-12")); got != 0 {
		t.Errorf("WorkingDaysBetween(zero, …) = %d, want 0", got)
	}
	// Long spans, against a day-by-day count: whole years and across
	// centuries (beyond what time.Duration reaches).
	for _, c := range []struct{ from, to string }{
		{"1999-12-15", "2003-02-17"},
		{"1890-06-01", "2210-03-04"},
	} {
		from, to := mustDate(t, c.from), mustDate(t, c.to)
		want := 0
		for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
			if tenants.IsWorkingDay(d) {
				want++
			}
		}
		if got := tenants.WorkingDaysBetween(from, to); got != want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", from, to, got, want)
		}
		if got := tenants.WorkingDaysBetween(to, from); got != -want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", to, from, got, -want)
		}
	}
}

// TestWorkingDayProperties checks AddWorkingDays and WorkingDaysBetween
// against each other and against a day-by-day count with IsWorkingDay, from
// every day of a range spanning two years' holidays.
func TestWorkingDayProperties(t *testing.T) {
	t.Parallel()
	// upTo[i]: working days in [origin, origin+i), counted one by one.
	origin, end := mustDate(t, "2025-10-01"), mustDate(t, "2028-04-01")
	upTo := []int{0}
	for d := origin; d.Before(end); d = d.AddDays(1) {
		n := upTo[len(upTo)-1]
		if tenants.IsWorkingDay(d) {
			n++
		}
		upTo = append(upTo, n)
	}
	count := func(from, to tenants.Date) int { // working days in (from, to], from ≤ to
		return upTo[to.DaysSince(origin)+1] - upTo[from.DaysSince(origin)+1]
	}
	for d := mustDate(t, "2025-12-01"); d.Before(mustDate(t, "2028-01-31")); d = d.AddDays(1) {
		for k := 0; k <= 45; k++ {
			to := d.AddDays(k)
			if got, want := tenants.WorkingDaysBetween(d, to), count(d, to); got != want {
				t.Fatalf("WorkingDaysBetween(%s, %s) = %d, want %d", d, to, got, want)
			}
			if got, want := tenants.WorkingDaysBetween(to, d), -count(d, to); got != want {
				t.Fatalf("WorkingDaysBetween(%s, %s) = %d, want %d", to, d, got, want)
			}
		}
		for n := 0; n <= 25; n++ {
			r := tenants.AddWorkingDays(d, n)
			if !tenants.IsWorkingDay(r) || r.Before(d) {
				t.Fatalf("AddWorkingDays(%s, %d) = %s: not a working day on or after it", d, n, r)
			}
			if n == 0 {
				first := r == d
				if !tenants.IsWorkingDay(d) {
					first = r.After(d) && count(d, r.AddDays(-1)) == 0
				}
				if !first {
					t.Fatalf("AddWorkingDays(%s, 0) = %s, want the first working day from it", d, r)
				}
				continue
			}
			// n working days in (d, r], and r the first such day.
			if got := tenants.WorkingDaysBetween(d, r); got != n {
				t.Fatalf("WorkingDaysBetween(%s, AddWorkingDays(%s, %d) = %s) = %d", d, d, n, r, got)
			}
			if got := tenants.WorkingDaysBetween(d, r.AddDays(-1)); got != n-1 {
				t.Fatalf("AddWorkingDays(%s, %d) = %s is not the first: %d working days before it", d, n, r, got)
			}
			// Backwards: n working days in [b, d), b a working day.
			b := tenants.AddWorkingDays(d, -n)
			if !tenants.IsWorkingDay(b) || !b.Before(d) || count(b.AddDays(-1), d.AddDays(-1)) != n {
				t.Fatalf("AddWorkingDays(%s, %d) = %s", d, -n, b)
			}
		}
	}
}

func TestWorkingDaysConcurrent(t *testing.T) {
	t.Parallel()
	// Many goroutines filling the per-year cache at once (run with -race).
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for year := 2100 + i%4; year < 2140; year += 4 {
				if len(tenants.SwedishHolidays(year)) < 17 {
					t.Errorf("SwedishHolidays(%d) too short", year)
				}
				tenants.IsWorkingDay(tenants.NewDate(year, time.June, 1))
			}
		}()
	}
	wg.Wait()
}
