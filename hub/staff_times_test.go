package hub

import (
	"errors"
	"testing"
	"time"
)

func TestParseLondonStart(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		name                           string
		day, month, year, clock, which string
		want                           time.Time
		field                          string
		ambiguous                      bool
	}{
		{"winter", "14", "1", "2027", "14:30", "", utc("2027-01-14T14:30:00Z"), "", false},
		{"summer is an hour ahead", "14", "7", "2027", "2:30pm", "", utc("2027-07-14T13:30:00Z"), "", false},
		{"compact time", "14", "7", "2027", "0930", "", utc("2027-07-14T08:30:00Z"), "", false},
		{"midday", "14", "1", "2027", "midday", "", utc("2027-01-14T12:00:00Z"), "", false},
		{"spring forward: 1:30am does not exist", "28", "3", "2027", "01:30", "", time.Time{}, "time", false},
		{"spring forward: 2am exists", "28", "3", "2027", "02:00", "", utc("2027-03-28T01:00:00Z"), "", false},
		{"spring forward: just before", "28", "3", "2027", "00:59", "", utc("2027-03-28T00:59:00Z"), "", false},
		{"autumn back: 1:30am twice, unasked", "31", "10", "2027", "1:30am", "", time.Time{}, "which", true},
		{"autumn back: the first 1:30am", "31", "10", "2027", "1:30am", FirstOccurrence, utc("2027-10-31T00:30:00Z"), "", false},
		{"autumn back: the second 1:30am", "31", "10", "2027", "1:30am", SecondOccurrence, utc("2027-10-31T01:30:00Z"), "", false},
		{"autumn back: 2am is once", "31", "10", "2027", "02:00", "", utc("2027-10-31T02:00:00Z"), "", false},
		{"no date", "", "", "", "10:00", "", time.Time{}, "date", false},
		{"31 February", "31", "2", "2027", "10:00", "", time.Time{}, "date", false},
		{"two-digit year", "1", "2", "27", "10:00", "", time.Time{}, "date", false},
		{"bad time", "1", "2", "2027", "25:00", "", time.Time{}, "time", false},
		{"13pm", "1", "2", "2027", "13pm", "", time.Time{}, "time", false},
		{"empty time", "1", "2", "2027", "", "", time.Time{}, "time", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseLondonStart(c.day, c.month, c.year, c.clock, c.which)
			if c.field == "" {
				if err != nil || !got.Equal(c.want) {
					t.Fatalf("got %v, %v; want %v", got, err, c.want)
				}
				return
			}
			var se *SlotError
			if !errors.As(err, &se) || se.Field != c.field || se.Ambiguous != c.ambiguous {
				t.Fatalf("got %v (%#v), want an error on %s (ambiguous %v)", got, err, c.field, c.ambiguous)
			}
		})
	}
}

func TestAddWorkingDays(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, London)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct{ from, want string }{
		{"2027-03-10 10:00", "2027-03-12 10:00"}, // Wednesday to Friday
		{"2027-03-12 10:00", "2027-03-16 10:00"}, // Friday to Tuesday
		{"2027-03-13 10:00", "2027-03-17 00:00"}, // Saturday counts from Monday
		{"2027-03-26 16:00", "2027-03-30 16:00"}, // across the clock change, same wall time
	}
	for _, c := range cases {
		if got := addWorkingDays(at(c.from), 2); !got.Equal(at(c.want)) {
			t.Errorf("2 working days from %s: %s, want %s", c.from, got.In(London), c.want)
		}
	}
}

func TestStaffMay(t *testing.T) {
	for _, c := range []struct {
		role, need string
		want       bool
	}{
		{RoleAgent, RoleAgent, true}, {RoleAgent, RoleAdmin, false}, {RoleAgent, RolePostroom, false},
		{RolePostroom, RolePostroom, true}, {RolePostroom, RoleAgent, false},
		{RoleAdmin, RoleAgent, true}, {RoleAdmin, RolePostroom, true}, {RoleAdmin, RoleAdmin, true},
		{"", RoleAgent, false},
	} {
		if got := StaffMay(c.role, c.need); got != c.want {
			t.Errorf("StaffMay(%q, %q) = %v", c.role, c.need, got)
		}
	}
}

func TestWaitingText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Second: "less than a minute", 20 * time.Minute: "20 minutes", 5 * time.Hour: "5 hours",
		49 * time.Hour: "2 days 1 hour", 72 * time.Hour: "3 days",
	} {
		if got := WaitingText(d); got != want {
			t.Errorf("WaitingText(%v) = %q, want %q", d, got, want)
		}
	}
}
