package hub

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// DateError says which part of a date is wrong, with the message to show.
type DateError struct {
	// Field is "day", "month", "year", or "" when the error is about the whole date.
	Field string
	// Message is the sentence to show to the patient.
	Message string
}

// Error returns the message to show to the patient.
func (e *DateError) Error() string { return e.Message }

// dobMonths maps lower-case month names and abbreviations to month numbers.
var dobMonths = map[string]time.Month{
	"january": time.January, "jan": time.January,
	"february": time.February, "feb": time.February,
	"march": time.March, "mar": time.March,
	"april": time.April, "apr": time.April,
	"may":  time.May,
	"june": time.June, "jun": time.June,
	"july": time.July, "jul": time.July,
	"august": time.August, "aug": time.August,
	"september": time.September, "sep": time.September, "sept": time.September,
	"october": time.October, "oct": time.October,
	"november": time.November, "nov": time.November,
	"december": time.December, "dec": time.December,
}

// dobEarliest is the earliest date of birth accepted.
var dobEarliest = time.Date(1900, time.January, 1, 0, 0, 0, 0, time.UTC)

// ParseDateOfBirth reads the three NHS date-input fields and returns the date of birth at midnight UTC.
//
// Each part is trimmed; leading zeros are fine and the month may also be a
// month name or abbreviation such as "Mar". The date must be real, before
// today's calendar date (taken in today's own location), on or after
// 1 January 1900, and the year must be written with 4 digits. Any error
// returned is a *DateError carrying the field to highlight and the message
// to show.
func ParseDateOfBirth(day, month, year string, today time.Time) (time.Time, error) {
	day, month, year = strings.TrimSpace(day), strings.TrimSpace(month), strings.TrimSpace(year)

	var missing []string
	for _, p := range []struct{ name, value string }{{"day", day}, {"month", month}, {"year", year}} {
		if p.value == "" {
			missing = append(missing, p.name)
		}
	}
	switch len(missing) {
	case 3:
		return time.Time{}, &DateError{Field: "day", Message: "Enter your date of birth"}
	case 2:
		return time.Time{}, &DateError{Field: missing[0], Message: "Date of birth must include a " + missing[0] + " and " + missing[1]}
	case 1:
		return time.Time{}, &DateError{Field: missing[0], Message: "Date of birth must include a " + missing[0]}
	}

	notReal := func(field string) (time.Time, error) {
		return time.Time{}, &DateError{Field: field, Message: "Date of birth must be a real date"}
	}

	d, ok := dobNumber(day)
	if !ok || d < 1 || d > 31 {
		return notReal("day")
	}
	m, ok := dobMonth(month)
	if !ok {
		return notReal("month")
	}
	y, ok := dobNumber(year)
	if !ok {
		return notReal("year")
	}
	if len(year) != 4 {
		return time.Time{}, &DateError{Field: "year", Message: "Year must include 4 numbers"}
	}

	dob := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if dob.Day() != d || dob.Month() != m {
		// time.Date normalised an impossible day such as 31 February.
		return notReal("day")
	}
	if dob.Before(dobEarliest) {
		return time.Time{}, &DateError{Field: "year", Message: "Date of birth must be the same as or after 1 January 1900"}
	}
	ty, tm, td := today.Date()
	if !dob.Before(time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)) {
		return time.Time{}, &DateError{Field: "", Message: "Date of birth must be in the past"}
	}
	return dob, nil
}

// dobNumber parses s as a whole number written only with ASCII digits; values too large for a date part are capped.
func dobNumber(s string) (int, bool) {
	if !mobileAllDigits(s) {
		return 0, false
	}
	t := strings.TrimLeft(s, "0")
	if len(t) > 9 {
		return 999999999, true
	}
	if t == "" {
		return 0, true
	}
	n, err := strconv.Atoi(t)
	return n, err == nil
}

// dobMonth parses a month typed as a number from 1 to 12 or as an English month name or abbreviation.
func dobMonth(s string) (time.Month, bool) {
	if n, ok := dobNumber(s); ok {
		if n < 1 || n > 12 {
			return 0, false
		}
		return time.Month(n), true
	}
	m, ok := dobMonths[strings.TrimSuffix(strings.ToLower(s), ".")]
	return m, ok
}

// Errors returned by NormalizeNHSNumber; each message is the sentence to show under the field.
var (
	// ErrNHSNumberEmpty means no NHS number was entered.
	ErrNHSNumberEmpty = errors.New("Enter your NHS number")
	// ErrNHSNumberLength means the NHS number is not made of exactly 10 digits.
	ErrNHSNumberLength = errors.New("NHS number must be 10 numbers")
	// ErrNHSNumberInvalid means the NHS number fails its check digit.
	ErrNHSNumberInvalid = errors.New("Enter a valid NHS number")
)

// ValidNHSNumber reports whether s (spaces and dashes allowed) is 10 digits whose last is the modulus-11 check digit of the first nine.
//
// The first nine digits are weighted 10 down to 2; the check digit is 11 minus
// the remainder of the sum divided by 11, with 11 meaning 0 and 10 meaning the
// number can never be valid.
func ValidNHSNumber(s string) bool {
	_, err := NormalizeNHSNumber(s)
	return err == nil
}

// NormalizeNHSNumber returns the 10 digits without spaces, or an error if not valid.
func NormalizeNHSNumber(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", ErrNHSNumberEmpty
	}
	digits := strings.NewReplacer(" ", "", "-", "").Replace(s)
	if len(digits) != 10 || !mobileAllDigits(digits) {
		return "", ErrNHSNumberLength
	}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(digits[i]-'0') * (10 - i)
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	if check == 10 || check != int(digits[9]-'0') {
		return "", ErrNHSNumberInvalid
	}
	return digits, nil
}
