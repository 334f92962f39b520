package tenants

import (
	"slices"
	"sync"
	"time"
)

// Swedish working days. Every deadline Kamrat counts in working days ("the
// organisation contacts a referred participant within 5 working days") is
// counted here, so that every part of the service agrees on what a working
// day is.
//
// A working day is a Monday to Friday that is neither a public holiday
// (allmän helgdag, lag 1989:253 om allmänna helgdagar) nor one of the eves
// that working life treats as a holiday: julafton, nyårsafton and
// midsommarafton. A "klämdag", such as the Friday after Kristi
// himmelsfärdsdag, is a working day. The rules in force since 2005
// (nationaldagen a holiday, annandag pingst not) are applied to every year.

// Holiday is a Swedish public holiday or a day treated as one.
type Holiday struct {
	Date Date
	Name string // Swedish name, e.g. "Långfredagen"
}

// SwedishHolidays returns the year's public holidays (allmänna helgdagar,
// lag 1989:253) and the eves treated as holidays in working life (julafton,
// nyårsafton, midsommarafton), with påskafton for completeness, in date
// order. Holidays falling on a Saturday or Sunday are listed too. Two
// holidays can share a day — första maj and Kristi himmelsfärdsdag did in
// 2008 — and are then both listed, in the order of the law. The slice is
// the caller's own.
func SwedishHolidays(year int) []Holiday {
	return slices.Clone(holidayYear(year).list)
}

// IsWorkingDay reports whether d is a working day: not a Saturday or Sunday,
// and not a holiday or an eve listed by SwedishHolidays.
func IsWorkingDay(d Date) bool {
	if isWeekend(d) {
		return false
	}
	return !holidayYear(d.Year()).off[d.Time().YearDay()]
}

// AddWorkingDays returns the n-th working day after d: the deadline "within
// n working days of d". Days are counted from the day after d, so a
// deadline never lands on d itself for n ≥ 1, whether or not d is a working
// day: Thursday 2 April 2026 + 1 is Tuesday 7 April (Easter in between).
//
// For n = 0 it returns d when d is a working day, and otherwise the next
// working day, so the answer is always a working day. A negative n counts
// backwards: the |n|-th working day before d (d itself not counted).
// The zero Date gives the zero Date.
//
// For n ≥ 1, WorkingDaysBetween(d, AddWorkingDays(d, n)) == n, and the result
// is the earliest day for which that holds.
func AddWorkingDays(d Date, n int) Date {
	if d.IsZero() {
		return d
	}
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	if n == 0 {
		for !IsWorkingDay(d) {
			d = d.AddDays(1)
		}
		return d
	}
	for n > 0 {
		d = d.AddDays(step)
		if IsWorkingDay(d) {
			n--
		}
	}
	return d
}

// WorkingDaysBetween returns how many working days come after from, up to and
// including to: from Friday to the following Monday is 1, from a day to
// itself 0. When to is before from the count is negative:
// WorkingDaysBetween(to, from) with the sign turned. If either day is the
// zero Date the answer is 0.
func WorkingDaysBetween(from, to Date) int {
	if from.IsZero() || to.IsZero() {
		return 0
	}
	if to.Before(from) {
		return -WorkingDaysBetween(to, from)
	}
	// Weekdays in (from, to]: five in each whole week, then the rest one by
	// one (at most six).
	a, b := dayNumber(from), dayNumber(to)
	n := int((b - a) / 7 * 5)
	for d := from.AddDays(int((b - a) / 7 * 7)); d.Before(to); {
		d = d.AddDays(1)
		if !isWeekend(d) {
			n++
		}
	}
	// Less the holidays on those weekdays.
	for y := from.Year(); y <= to.Year(); y++ {
		for _, h := range holidayYear(y).weekdays {
			if h.After(from) && !h.After(to) {
				n--
			}
		}
	}
	return n
}

// dayNumber counts days from 1970-01-01 (negative before it). Date.DaysSince
// goes through time.Duration, which does not reach past 292 years.
func dayNumber(d Date) int64 { return d.Time().Unix() / 86400 }

func isWeekend(d Date) bool {
	wd := d.Time().Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// holidays is one year's calendar.
type holidays struct {
	list     []Holiday // in date order
	off      [367]bool // by day of the year: a holiday or an eve
	weekdays []Date    // the distinct days in list that fall Monday to Friday
}

// holidayYears caches holidays by year. Entries are never changed once
// stored; at most one per year a Date can hold.
var holidayYears sync.Map // int → *holidays

func holidayYear(year int) *holidays {
	if h, ok := holidayYears.Load(year); ok {
		return h.(*holidays)
	}
	h, _ := holidayYears.LoadOrStore(year, computeHolidays(year))
	return h.(*holidays)
}

func computeHolidays(year int) *holidays {
	easter := easterSunday(year)
	// The first day of the week of its kind on or after the given day.
	firstOnOrAfter := func(wd time.Weekday, month time.Month, day int) Date {
		d := NewDate(year, month, day)
		return d.AddDays((int(wd) - int(d.Time().Weekday()) + 7) % 7)
	}
	list := []Holiday{
		{NewDate(year, time.January, 1), "Nyårsdagen"},
		{NewDate(year, time.January, 6), "Trettondedag jul"},
		{easter.AddDays(-2), "Långfredagen"},
		{easter.AddDays(-1), "Påskafton"},
		{easter, "Påskdagen"},
		{easter.AddDays(1), "Annandag påsk"},
		{NewDate(year, time.May, 1), "Första maj"},
		{easter.AddDays(39), "Kristi himmelsfärdsdag"},
		{easter.AddDays(49), "Pingstdagen"},
		{NewDate(year, time.June, 6), "Sveriges nationaldag"},
		{firstOnOrAfter(time.Friday, time.June, 19), "Midsommarafton"},
		{firstOnOrAfter(time.Saturday, time.June, 20), "Midsommardagen"},
		{firstOnOrAfter(time.Saturday, time.October, 31), "Alla helgons dag"},
		{NewDate(year, time.December, 24), "Julafton"},
		{NewDate(year, time.December, 25), "Juldagen"},
		{NewDate(year, time.December, 26), "Annandag jul"},
		{NewDate(year, time.December, 31), "Nyårsafton"},
	}
	slices.SortStableFunc(list, func(x, y Holiday) int {
		return int(dayNumber(x.Date) - dayNumber(y.Date))
	})
	h := &holidays{list: list}
	for _, x := range list {
		yd := x.Date.Time().YearDay()
		if !h.off[yd] && !isWeekend(x.Date) {
			h.weekdays = append(h.weekdays, x.Date)
		}
		h.off[yd] = true
	}
	return h
}

// easterSunday returns Easter Sunday of the Gregorian calendar by the
// anonymous Gregorian algorithm (Meeus/Jones/Butcher).
func easterSunday(year int) Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return NewDate(year, time.Month(month), day)
}
