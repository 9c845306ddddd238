package calendar_test

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ical "github.com/emersion/go-ical"

	"github.com/patienthub/patienthub/calendar"
)

var london, _ = time.LoadLocation("Europe/London")

// encode writes events and returns the raw file.
func encode(t *testing.T, events ...calendar.Event) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := calendar.Write(&buf, "Patient Hub", events); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

// decode parses raw with go-ical's decoder.
func decode(t *testing.T, raw []byte) *ical.Calendar {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(raw)).Decode()
	if err != nil {
		t.Fatalf("decode: %v\n%s", err, raw)
	}
	return cal
}

// only is the one VEVENT of cal.
func only(t *testing.T, cal *ical.Calendar) ical.Event {
	t.Helper()
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1", len(evs))
	}
	return evs[0]
}

// text is the unescaped text of property name of c.
func text(t *testing.T, c *ical.Component, name string) string {
	t.Helper()
	s, err := c.Props.Text(name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

func baseEvent() calendar.Event {
	return calendar.Event{
		UID:         "appointment-7@hub.example.nhs.uk",
		Title:       "Cardiology appointment",
		Location:    "Leeds General Infirmary, Great George Street, Leeds, LS1 3QE",
		Description: "View or change it in Patient Hub: https://hub.example.nhs.uk/appointments/7",
		URL:         "https://hub.example.nhs.uk/appointments/7",
		Updated:     time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name       string
		start      time.Time // UTC
		local      string    // DTSTART as written
		sequence   int
		cancelled  bool
		wantStatus ical.EventStatus
	}{
		{"winter is GMT", time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC), "20260115T093000", 0, false, ical.EventConfirmed},
		{"summer is BST", time.Date(2026, 7, 14, 13, 30, 0, 0, time.UTC), "20260714T143000", 3, false, ical.EventConfirmed},
		{"cancelled", time.Date(2026, 7, 14, 13, 30, 0, 0, time.UTC), "20260714T143000", 4, true, ical.EventCancelled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := baseEvent()
			e.Sequence, e.Cancelled = tc.sequence, tc.cancelled
			e.Start, e.End = tc.start, tc.start.Add(30*time.Minute)
			raw := encode(t, e)
			cal := decode(t, raw)
			for prop, want := range map[string]string{"PRODID": "-//Patient Hub//Patient Hub//EN", "VERSION": "2.0",
				"CALSCALE": "GREGORIAN", "METHOD": "PUBLISH", "X-WR-CALNAME": "Patient Hub"} {
				if got := text(t, cal.Component, prop); got != want {
					t.Errorf("%s = %q, want %q", prop, got, want)
				}
			}
			ev := only(t, cal)
			if got := text(t, ev.Component, "UID"); got != e.UID {
				t.Errorf("UID = %q", got)
			}
			if seq, err := ev.Props.Get("SEQUENCE").Int(); err != nil || seq != tc.sequence {
				t.Errorf("SEQUENCE = %d, %v; want %d", seq, err, tc.sequence)
			}
			start := ev.Props.Get("DTSTART")
			if start.Params.Get("TZID") != "Europe/London" || start.Value != tc.local {
				t.Errorf("DTSTART = %v %q, want TZID=Europe/London:%s", start.Params, start.Value, tc.local)
			}
			if got, err := ev.DateTimeStart(nil); err != nil || !got.Equal(tc.start) {
				t.Errorf("start = %v, %v; want %v", got.UTC(), err, tc.start)
			}
			if got, err := ev.DateTimeEnd(nil); err != nil || !got.Equal(e.End) {
				t.Errorf("end = %v, %v; want %v", got.UTC(), err, e.End)
			}
			if stamp := ev.Props.Get("DTSTAMP"); stamp.Value != "20260102T030405Z" {
				t.Errorf("DTSTAMP = %q", stamp.Value)
			}
			if st, err := ev.Status(); err != nil || st != tc.wantStatus {
				t.Errorf("STATUS = %q, %v; want %q", st, err, tc.wantStatus)
			}
			if got := text(t, ev.Component, "LOCATION"); got != e.Location {
				t.Errorf("LOCATION = %q", got)
			}
			if u, err := ev.Props.URI("URL"); err != nil || u.String() != e.URL {
				t.Errorf("URL = %v, %v", u, err)
			}
			if got := text(t, ev.Component, "TRANSP"); got != "OPAQUE" {
				t.Errorf("TRANSP = %q", got)
			}
			var alarms []*ical.Component
			for _, c := range ev.Children {
				if c.Name == ical.CompAlarm {
					alarms = append(alarms, c)
				}
			}
			switch {
			case tc.cancelled && len(alarms) != 0:
				t.Errorf("cancelled event has %d alarms", len(alarms))
			case !tc.cancelled && len(alarms) != 1:
				t.Errorf("%d alarms, want 1", len(alarms))
			case !tc.cancelled:
				a := alarms[0]
				if text(t, a, "ACTION") != "DISPLAY" || a.Props.Get("TRIGGER").Value != "-P1D" || text(t, a, "DESCRIPTION") == "" {
					t.Errorf("alarm = %v", a.Props)
				}
				if d, err := a.Props.Get("TRIGGER").Duration(); err != nil || d != -24*time.Hour {
					t.Errorf("TRIGGER = %v, %v", d, err)
				}
			}
		})
	}
}

func TestTimezone(t *testing.T) {
	cal := decode(t, encode(t, func() calendar.Event { e := baseEvent(); e.Start = time.Now(); return e }()))
	if len(cal.Children) == 0 || cal.Children[0].Name != ical.CompTimezone {
		t.Fatalf("first component is not VTIMEZONE")
	}
	tz := cal.Children[0]
	if got := text(t, tz, "TZID"); got != "Europe/London" {
		t.Fatalf("TZID = %q", got)
	}
	// Each rule's onsets, read with go-ical, are the instants Go's zone database has for London.
	seen := map[string]bool{}
	for _, rule := range tz.Children {
		seen[rule.Name] = true
		from := rule.Props.Get("TZOFFSETFROM").Value
		to := rule.Props.Get("TZOFFSETTO").Value
		want := map[string][2]string{ical.CompTimezoneDaylight: {"+0000", "+0100"}, ical.CompTimezoneStandard: {"+0100", "+0000"}}[rule.Name]
		if from != want[0] || to != want[1] {
			t.Errorf("%s offsets %s → %s, want %s → %s", rule.Name, from, to, want[0], want[1])
		}
		set, err := rule.RecurrenceSet(time.UTC) // wall times in the old offset
		if err != nil || set == nil {
			t.Fatalf("%s RRULE: %v", rule.Name, err)
		}
		fromOffset := map[string]time.Duration{"+0000": 0, "+0100": time.Hour}[from]
		onsets := set.Between(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC), true)
		if len(onsets) != 16 {
			t.Fatalf("%s: %d onsets 2020–2035, want 16", rule.Name, len(onsets))
		}
		for _, wall := range onsets {
			at := wall.Add(-fromOffset)
			_, before := at.Add(-time.Second).In(london).Zone()
			_, after := at.In(london).Zone()
			if time.Duration(before)*time.Second != fromOffset || before == after {
				t.Errorf("%s onset %v is not a London transition (%d → %d)", rule.Name, at, before, after)
			}
		}
	}
	if !seen[ical.CompTimezoneStandard] || !seen[ical.CompTimezoneDaylight] {
		t.Errorf("VTIMEZONE rules %v, want STANDARD and DAYLIGHT", seen)
	}
}

func TestClocksGoBack(t *testing.T) {
	// 01:30 happens twice on 25 October 2026, and readers differ on which a local time names: both
	// are written in UTC. The hours either side stay local.
	for _, tc := range []struct {
		start time.Time
		value string
	}{
		{time.Date(2026, 10, 24, 23, 59, 0, 0, time.UTC), "20261025T005900"},
		{time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), "20261025T003000Z"},
		{time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), "20261025T013000Z"},
		{time.Date(2026, 10, 25, 2, 0, 0, 0, time.UTC), "20261025T020000"},
		{time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC), "20260329T020000"},
	} {
		e := baseEvent()
		e.Start = tc.start
		ev := only(t, decode(t, encode(t, e)))
		if v := ev.Props.Get("DTSTART").Value; v != tc.value {
			t.Errorf("DTSTART = %q, want %q", v, tc.value)
		}
		if got, err := ev.DateTimeStart(nil); err != nil || !got.Equal(tc.start) {
			t.Errorf("start = %v, %v; want %v", got, err, tc.start)
		}
	}
}

func TestFolding(t *testing.T) {
	long := "Bring your glasses — and the café loyalty card é. " + strings.Repeat("Réunion — naïve façade; ", 12)
	for _, tc := range []struct{ name, desc string }{
		{"long UTF-8", long},
		{"ascii exactly 75", strings.Repeat("a", 75-len("DESCRIPTION:"))},
		{"ascii 76", strings.Repeat("a", 76-len("DESCRIPTION:"))},
	} {
		// Shift the text one byte at a time so that every kind of character meets the fold.
		for shift := 0; shift < 4; shift++ {
			desc := strings.Repeat("x", shift) + tc.desc
			e := baseEvent()
			e.Start, e.Description = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), desc
			raw := encode(t, e)
			if !bytes.HasSuffix(raw, []byte("END:VCALENDAR\r\n")) {
				t.Fatalf("%s: file does not end with CRLF", tc.name)
			}
			lines := strings.Split(strings.TrimSuffix(string(raw), "\r\n"), "\r\n")
			for i, l := range lines {
				if len(l) > 75 {
					t.Errorf("%s: line %d is %d octets", tc.name, i, len(l))
				}
				if strings.ContainsAny(l, "\r\n") {
					t.Errorf("%s: line %d has a bare CR or LF", tc.name, i)
				}
				if !utf8.ValidString(l) {
					t.Errorf("%s: line %d splits a UTF-8 sequence: %q", tc.name, i, l)
				}
				if l == "" || l == " " {
					t.Errorf("%s: line %d is empty", tc.name, i)
				}
			}
			ev := only(t, decode(t, raw))
			if got := text(t, ev.Component, "DESCRIPTION"); got != desc {
				t.Errorf("%s: unfolded description\n %q\nwant\n %q", tc.name, got, desc)
			}
		}
	}
}

func TestEscaping(t *testing.T) {
	for _, tc := range []struct{ name, in, want, raw string }{
		{"comma", "Leeds, LS1 3QE", "Leeds, LS1 3QE", `Leeds\, LS1 3QE`},
		{"semicolon", "Fast; drink water", "Fast; drink water", `Fast\; drink water`},
		{"backslash", `C:\letters`, `C:\letters`, `C:\\letters`},
		{"newline", "Line one\nLine two", "Line one\nLine two", `Line one\nLine two`},
		{"CRLF", "Line one\r\nLine two", "Line one\nLine two", `Line one\nLine two`},
		{"control", "Bell\a here", "Bell here", `Bell here`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := baseEvent()
			e.Start, e.Title, e.Location, e.Description = time.Now(), tc.in, tc.in, tc.in
			raw := encode(t, e)
			if !bytes.Contains(raw, []byte("SUMMARY:"+tc.raw+"\r\n")) {
				t.Errorf("SUMMARY not written as %q:\n%s", tc.raw, raw)
			}
			ev := only(t, decode(t, raw))
			for _, prop := range []string{"SUMMARY", "LOCATION", "DESCRIPTION"} {
				if got := text(t, ev.Component, prop); got != tc.want {
					t.Errorf("%s = %q, want %q", prop, got, tc.want)
				}
			}
		})
	}
}

func TestWriteErrors(t *testing.T) {
	for name, e := range map[string]calendar.Event{
		"no UID":   {Start: time.Now()},
		"no start": {UID: "appointment-1@x"},
	} {
		if err := calendar.Write(&bytes.Buffer{}, "x", []calendar.Event{e}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// A feed with nothing booked is still a calendar a phone can subscribe to.
	cal := decode(t, encode(t))
	if len(cal.Events()) != 0 {
		t.Errorf("empty feed has events")
	}
}
