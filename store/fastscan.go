package store

import (
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// The busiest queries (a session with its patient, on every page a patient opens, and a
// patient's appointment list) are scanned by hand instead of through sqlx's reflection, and on
// SQLite they read timestamps as text and parse them here. The SQLite driver's own time detection
// first tries a layout our stored values never match and builds an error for it, for every
// timestamp of every row; on a page of ten appointments that was a fifth of the query's time.

// liteTimes returns a SELECT list for SQLite in which each of the named timestamp columns is read
// as text (CAST(col AS TEXT) AS name), so the driver hands it over unparsed. Columns are written
// as in cols ("a.starts_at"); the alias is the column's name after any table prefix.
func liteTimes(cols string, times ...string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		col := strings.TrimSpace(p)
		for _, t := range times {
			if col == t {
				name := col[strings.LastIndexByte(col, '.')+1:]
				parts[i] = " CAST(" + col + " AS TEXT) AS " + name
			}
		}
	}
	return strings.Join(parts, ",")
}

// scanTime reads a timestamp from either database into a time.Time: lib/pq gives a time.Time,
// and the hand-scanned SQLite queries give the stored text.
type scanTime time.Time

func (t *scanTime) Scan(src any) error {
	v, ok, err := storedTime(src)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("store: a required timestamp is NULL")
	}
	*t = scanTime(v)
	return nil
}

// scanNullTime is scanTime for a column that may be NULL.
type scanNullTime sql.NullTime

func (t *scanNullTime) Scan(src any) error {
	v, ok, err := storedTime(src)
	if err != nil {
		return err
	}
	*t = scanNullTime{Time: v, Valid: ok}
	return nil
}

func storedTime(src any) (time.Time, bool, error) {
	switch v := src.(type) {
	case nil:
		return time.Time{}, false, nil
	case time.Time:
		return v, true, nil
	case string:
		t, err := parseStoredTime(v)
		return t, err == nil, err
	case []byte:
		t, err := parseStoredTime(string(v))
		return t, err == nil, err
	}
	return time.Time{}, false, fmt.Errorf("store: cannot read a timestamp from %T", src)
}

// storedLayouts are the forms a timestamp can take in SQLite: what the driver writes
// ("2006-01-02 15:04:05.999999999-07:00"), what SQLite's CURRENT_TIMESTAMP writes, and the
// other forms the driver itself reads.
var storedLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
	"2006-01-02 15:04:05.999999999 -0700 MST", // time.Time's String form
}

// parseStoredTime reads a timestamp stored as text, in UTC. The common form
// "YYYY-MM-DD HH:MM:SS[.fraction][Z|±HH:MM]" is read directly; anything else goes through
// time.Parse with each of storedLayouts.
func parseStoredTime(s string) (time.Time, error) {
	if t, ok := parseTimestamp(s); ok {
		return t, nil
	}
	for _, layout := range storedLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("store: cannot read %q as a timestamp", s)
}

func parseTimestamp(s string) (time.Time, bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	year, ok1 := atoi(s[0:4])
	month, ok2 := atoi(s[5:7])
	day, ok3 := atoi(s[8:10])
	hour, ok4 := atoi(s[11:13])
	minute, ok5 := atoi(s[14:16])
	sec, ok6 := atoi(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	rest, nsec := s[19:], 0
	if len(rest) > 0 && rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 || n > 10 {
			return time.Time{}, false
		}
		frac, _ := atoi(rest[1:n])
		for range 10 - n {
			frac *= 10
		}
		nsec, rest = frac, rest[n:]
	}
	offset := 0
	switch {
	case rest == "" || rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, okh := atoi(rest[1:3])
		om, okm := atoi(rest[4:6])
		if !okh || !okm || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		offset = (oh*60 + om) * 60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day { // 31 April and the like
		return time.Time{}, false
	}
	return t.Add(-time.Duration(offset) * time.Second), true
}

// atoi reads a run of ASCII digits.
func atoi(s string) (int, bool) {
	n := 0
	for i := range len(s) {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}
