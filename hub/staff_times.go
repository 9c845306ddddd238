package hub

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SlotError says what is wrong with a date or time typed by staff: the field to mark and the
// message to show. Ambiguous is set when the time happens twice (the clocks go back) and the
// form must ask which of the two is meant.
type SlotError struct {
	Field     string // "date", "time" or "which"
	Message   string
	Ambiguous bool
}

func (e *SlotError) Error() string { return e.Message }

// Which of the two times a wall-clock time names on the night the clocks go back.
const (
	FirstOccurrence  = "first"  // British Summer Time, before the clocks go back
	SecondOccurrence = "second" // Greenwich Mean Time, after
)

// ParseLondonStart reads a date (day, month, year) and a time of day typed by staff as a moment
// in Europe/London. A time the clocks skip in spring does not exist and is refused; a time the
// clocks repeat in autumn needs which (FirstOccurrence or SecondOccurrence).
func ParseLondonStart(day, month, year, clock, which string) (time.Time, error) {
	day, month, year = strings.TrimSpace(day), strings.TrimSpace(month), strings.TrimSpace(year)
	if day == "" && month == "" && year == "" {
		return time.Time{}, &SlotError{Field: "date", Message: "Enter the date of the appointment"}
	}
	d, err1 := strconv.Atoi(day)
	m, err2 := strconv.Atoi(month)
	y, err3 := strconv.Atoi(year)
	if err1 != nil || err2 != nil || err3 != nil || len(year) != 4 || m < 1 || m > 12 || d < 1 ||
		time.Date(y, time.Month(m), d, 12, 0, 0, 0, time.UTC).Day() != d {
		return time.Time{}, &SlotError{Field: "date", Message: "The date must be a real date, like 14 3 2027"}
	}
	h, min, ok := parseClock(clock)
	if !ok {
		return time.Time{}, &SlotError{Field: "time", Message: "Enter the time like 14:30 or 2:30pm"}
	}
	// Europe/London is UTC+1 in summer and UTC+0 in winter: a wall-clock time is each of these
	// UTC times at most.
	wall := time.Date(y, time.Month(m), d, h, min, 0, 0, time.UTC)
	var found []time.Time
	for _, offset := range []time.Duration{time.Hour, 0} {
		t := wall.Add(-offset)
		l := t.In(London)
		if l.Year() == y && int(l.Month()) == m && l.Day() == d && l.Hour() == h && l.Minute() == min {
			found = append(found, t)
		}
	}
	when := formatClock(h, min) + " on " + wall.Format("2 January 2006")
	switch len(found) {
	case 0:
		return time.Time{}, &SlotError{Field: "time", Message: "There is no " + when +
			": the clocks go forward an hour that night. Choose a time after the change, such as " + formatClock(h+1, min) + "."}
	case 1:
		return found[0], nil
	}
	switch which {
	case FirstOccurrence:
		return found[0], nil
	case SecondOccurrence:
		return found[1], nil
	}
	return time.Time{}, &SlotError{Field: "which", Ambiguous: true, Message: "There are two " + when +
		" because the clocks go back an hour that night. Choose the first (British Summer Time) or the second (Greenwich Mean Time)."}
}

// parseClock reads a time of day: 14:30, 14.30, 1430, 9, 2:30pm, 9am, midday or noon.
func parseClock(s string) (h, m int, ok bool) {
	s = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	switch s {
	case "midday", "noon", "12noon":
		return 12, 0, true
	case "midnight":
		return 0, 0, true
	}
	suffix := ""
	if strings.HasSuffix(s, "am") || strings.HasSuffix(s, "pm") {
		suffix, s = s[len(s)-2:], s[:len(s)-2]
	}
	s = strings.ReplaceAll(s, ".", ":")
	hs, ms, found := strings.Cut(s, ":")
	if !found {
		switch len(s) {
		case 1, 2:
			hs, ms = s, "0"
		case 3, 4:
			hs, ms = s[:len(s)-2], s[len(s)-2:]
		default:
			return 0, 0, false
		}
	} else if len(ms) != 2 {
		return 0, 0, false
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 {
		return 0, 0, false
	}
	switch suffix {
	case "am", "pm":
		if h < 1 || h > 12 {
			return 0, 0, false
		}
		h %= 12
		if suffix == "pm" {
			h += 12
		}
	default:
		if h > 23 {
			return 0, 0, false
		}
	}
	return h, m, true
}

// formatClock writes a time of day the NHS way: 1:30am, 2pm.
func formatClock(h, m int) string {
	h %= 24
	t := time.Date(2000, 1, 1, h, m, 0, 0, time.UTC)
	if m == 0 {
		return t.Format("3pm")
	}
	return t.Format("3:04pm")
}

// addWorkingDays returns t moved on n working days (Monday to Friday) in Europe/London. A time
// at a weekend counts from the start of the next Monday. Bank holidays count as working days.
func addWorkingDays(t time.Time, n int) time.Time {
	l := t.In(London)
	for isWeekend(l) {
		l = time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, London)
	}
	for n > 0 {
		l = l.AddDate(0, 0, 1)
		if !isWeekend(l) {
			n--
		}
	}
	return l
}

func isWeekend(t time.Time) bool { return t.Weekday() == time.Saturday || t.Weekday() == time.Sunday }

// WaitingText says how long something has waited, roughly: "3 days 4 hours", "5 hours", "20 minutes".
func WaitingText(d time.Duration) string {
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return strconv.Itoa(n) + " " + unit + "s"
	}
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0 && hours > 0:
		return plural(days, "day") + " " + plural(hours, "hour")
	case days > 0:
		return plural(days, "day")
	case hours > 0:
		return plural(hours, "hour")
	case mins > 0:
		return plural(mins, "minute")
	}
	return "less than a minute"
}

// LondonDateTime writes t as "Monday 14 March 2027 at 2:30pm" in Europe/London.
func LondonDateTime(t time.Time) string {
	l := t.In(London)
	return fmt.Sprintf("%s at %s", l.Format("Monday 2 January 2006"), formatClock(l.Hour(), l.Minute()))
}
