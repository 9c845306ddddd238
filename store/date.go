package store

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Date is a calendar date with no time of day (a date of birth). It is stored as YYYY-MM-DD.
type Date struct{ time.Time }

// NewDate returns the date of t's year, month and day.
func NewDate(year int, month time.Month, day int) Date {
	return Date{time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// DateOf keeps only the calendar date of t as seen in t's location.
func DateOf(t time.Time) Date { return NewDate(t.Year(), t.Month(), t.Day()) }

// String is the ISO form YYYY-MM-DD.
func (d Date) String() string { return d.Format(time.DateOnly) }

// Value stores the date as YYYY-MM-DD text on both databases.
func (d Date) Value() (driver.Value, error) { return d.String(), nil }

// Scan reads a date from either database's representation.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*d = DateOf(v.UTC())
		return nil
	case string:
		return d.parse(v)
	case []byte:
		return d.parse(string(v))
	}
	return fmt.Errorf("store: cannot read a date from %T", src)
}

func (d *Date) parse(s string) error {
	if len(s) >= 10 {
		s = s[:10]
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return fmt.Errorf("store: bad date %q: %w", s, err)
	}
	*d = Date{t}
	return nil
}

// AgeOn returns the whole years from d to the day t.
func (d Date) AgeOn(t time.Time) int {
	age := t.Year() - d.Year()
	if t.Month() < d.Month() || (t.Month() == d.Month() && t.Day() < d.Day()) {
		age--
	}
	return age
}
