package tenants

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Date is a calendar day without a time of day or a zone, such as the day an
// agreement starts. The zero Date means "no date" and is stored as NULL.
// It reads and writes as "2006-01-02" in JSON, forms and the database.
type Date struct {
	t time.Time // midnight UTC; zero for no date
}

// DateLayout is how a Date is written.
const DateLayout = "2006-01-02"

// NewDate returns the given day; out-of-range values normalise as in
// time.Date.
func NewDate(year int, month time.Month, day int) Date {
	return Date{time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return NewDate(y, m, d)
}

// ParseDate reads "2006-01-02". An empty string is the zero Date.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	if t.IsZero() {
		// 0001-01-01 is the zero time, which means "no date": read as
		// such, a date that was given would silently become none.
		return Date{}, fmt.Errorf("date %q: out of range", s)
	}
	return Date{t}, nil
}

// IsZero reports whether d is no date.
func (d Date) IsZero() bool { return d.t.IsZero() }

// String returns "2006-01-02", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(DateLayout)
}

// Year returns the year of d.
func (d Date) Year() int { return d.t.Year() }

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// After reports whether d is a later day than e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// AddMonths returns the day n months later, normalised as in time.AddDate.
func (d Date) AddMonths(n int) Date { return Date{d.t.AddDate(0, n, 0)} }

// AddDays returns the day n days later (earlier for a negative n).
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// DaysSince returns how many days d is after e: 1 for the day after, a
// negative number when d is earlier.
func (d Date) DaysSince(e Date) int { return int(d.t.Sub(e.t).Hours() / 24) }

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return d.t }

// MarshalText implements encoding.TextMarshaler (JSON, forms).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value implements driver.Valuer: "2006-01-02", or NULL for the zero Date.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan implements sql.Scanner for DATE columns on both databases: pgx hands
// over a time.Time, SQLite text or a time.Time parsed from it.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
		return nil
	case time.Time:
		*d = DateOf(v.UTC())
		return nil
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	}
	return fmt.Errorf("cannot scan %T into a Date", src)
}

func (d *Date) scanText(s string) error {
	if len(s) > len(DateLayout) {
		s = s[:len(DateLayout)] // "2006-01-02 00:00:00+00:00" and the like
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// swedishTime is the zone Kamrat's calendar days are counted in.
var swedishTime = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Stockholm"); err == nil {
		return loc
	}
	return time.FixedZone("CET", 3600) // no zone database: close enough for a day
})

// today returns the current day in Sweden.
func today(now time.Time) Date { return DateOf(now.In(swedishTime())) }

// End is the instant the day ends in Sweden (midnight after it).
func (d Date) End() time.Time {
	return time.Date(d.t.Year(), d.t.Month(), d.t.Day()+1, 0, 0, 0, 0, swedishTime())
}

// Today returns the day it is in Sweden at now. Kamrat's calendar days
// are Swedish ones whatever the machine's zone: between midnight in
// Sweden and midnight UTC, DateOf(time.Now()) on a UTC machine is
// yesterday.
func Today(now time.Time) Date { return today(now) }
