package hub

import (
	"errors"
	"testing"
	"time"
)

func TestParseDateOfBirth(t *testing.T) {
	today := time.Date(2026, time.March, 15, 9, 30, 0, 0, time.UTC)
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

	tests := []struct {
		name               string
		day, month, year   string
		want               time.Time
		wantField, wantMsg string
	}{
		{"plain", "3", "4", "1985", date(1985, time.April, 3), "", ""},
		{"leading zeros", "03", "04", "1985", date(1985, time.April, 3), "", ""},
		{"extra leading zeros", "003", "0004", "1985", date(1985, time.April, 3), "", ""},
		{"surrounding spaces", " 3 ", " 4\t", " 1985 ", date(1985, time.April, 3), "", ""},
		{"month abbreviation", "3", "Mar", "1985", date(1985, time.March, 3), "", ""},
		{"month abbreviation with dot", "3", "Sept.", "1985", date(1985, time.September, 3), "", ""},
		{"month name", "3", "DECEMBER", "1985", date(1985, time.December, 3), "", ""},
		{"leap day", "29", "2", "2000", date(2000, time.February, 29), "", ""},
		{"earliest allowed", "1", "1", "1900", date(1900, time.January, 1), "", ""},
		{"yesterday", "14", "3", "2026", date(2026, time.March, 14), "", ""},

		{"all empty", "", "", "", time.Time{}, "day", "Enter your date of birth"},
		{"all blank", " ", " ", " ", time.Time{}, "day", "Enter your date of birth"},
		{"missing day", "", "4", "1985", time.Time{}, "day", "Date of birth must include a day"},
		{"missing month", "3", "", "1985", time.Time{}, "month", "Date of birth must include a month"},
		{"missing year", "3", "4", "", time.Time{}, "year", "Date of birth must include a year"},
		{"missing day and month", "", "", "1985", time.Time{}, "day", "Date of birth must include a day and month"},
		{"missing day and year", "", "4", "", time.Time{}, "day", "Date of birth must include a day and year"},
		{"missing month and year", "3", "", "", time.Time{}, "month", "Date of birth must include a month and year"},

		{"day not a number", "x", "4", "1985", time.Time{}, "day", "Date of birth must be a real date"},
		{"day zero", "0", "4", "1985", time.Time{}, "day", "Date of birth must be a real date"},
		{"day 32", "32", "4", "1985", time.Time{}, "day", "Date of birth must be a real date"},
		{"day negative", "-3", "4", "1985", time.Time{}, "day", "Date of birth must be a real date"},
		{"day huge", "99999999999999999999", "4", "1985", time.Time{}, "day", "Date of birth must be a real date"},
		{"month 13", "3", "13", "1985", time.Time{}, "month", "Date of birth must be a real date"},
		{"month zero", "3", "0", "1985", time.Time{}, "month", "Date of birth must be a real date"},
		{"month unknown word", "3", "Smarch", "1985", time.Time{}, "month", "Date of birth must be a real date"},
		{"year not a number", "3", "4", "19x5", time.Time{}, "year", "Date of birth must be a real date"},
		{"31 February", "31", "2", "1985", time.Time{}, "day", "Date of birth must be a real date"},
		{"29 February non-leap", "29", "2", "1900", time.Time{}, "day", "Date of birth must be a real date"},
		{"31 April", "31", "Apr", "1985", time.Time{}, "day", "Date of birth must be a real date"},

		{"two-digit year", "3", "4", "85", time.Time{}, "year", "Year must include 4 numbers"},
		{"five-digit year", "3", "4", "19850", time.Time{}, "year", "Year must include 4 numbers"},
		{"long year", "3", "4", "198500000000000", time.Time{}, "year", "Year must include 4 numbers"},

		{"today", "15", "3", "2026", time.Time{}, "", "Date of birth must be in the past"},
		{"tomorrow", "16", "3", "2026", time.Time{}, "", "Date of birth must be in the past"},
		{"future year", "1", "1", "2100", time.Time{}, "", "Date of birth must be in the past"},

		{"before 1900", "31", "12", "1899", time.Time{}, "year", "Date of birth must be the same as or after 1 January 1900"},
		{"zero-padded old year", "1", "1", "0985", time.Time{}, "year", "Date of birth must be the same as or after 1 January 1900"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDateOfBirth(tt.day, tt.month, tt.year, today)
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("ParseDateOfBirth(%q, %q, %q) unexpected error: %v", tt.day, tt.month, tt.year, err)
				}
				if !got.Equal(tt.want) || got.Location() != time.UTC {
					t.Errorf("ParseDateOfBirth(%q, %q, %q) = %v, want %v", tt.day, tt.month, tt.year, got, tt.want)
				}
				return
			}
			var de *DateError
			if !errors.As(err, &de) {
				t.Fatalf("ParseDateOfBirth(%q, %q, %q) error = %v (%T), want *DateError", tt.day, tt.month, tt.year, err, err)
			}
			if de.Field != tt.wantField || de.Message != tt.wantMsg {
				t.Errorf("ParseDateOfBirth(%q, %q, %q) error = {%q, %q}, want {%q, %q}", tt.day, tt.month, tt.year, de.Field, de.Message, tt.wantField, tt.wantMsg)
			}
			if de.Error() != tt.wantMsg {
				t.Errorf("Error() = %q, want %q", de.Error(), tt.wantMsg)
			}
			if !got.IsZero() {
				t.Errorf("ParseDateOfBirth returned %v alongside an error, want zero time", got)
			}
		})
	}
}

func TestParseDateOfBirthTodayLocation(t *testing.T) {
	// Just after midnight on 15 June in British Summer Time it is still 14 June in UTC;
	// the patient's own calendar date is what counts.
	london := time.FixedZone("BST", 60*60)
	today := time.Date(2026, time.June, 15, 0, 30, 0, 0, london)
	tests := []struct {
		name    string
		day     string
		wantErr bool
	}{
		{"day before local today", "14", false},
		{"local today", "15", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDateOfBirth(tt.day, "6", "2026", today)
			if (err != nil) != tt.wantErr {
				t.Errorf("ParseDateOfBirth(%q, 6, 2026) error = %v, wantErr %v", tt.day, err, tt.wantErr)
			}
		})
	}
}

func TestNHSNumber(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr error
	}{
		{"valid compact", "9434765919", "9434765919", nil},
		{"valid spaced", "943 476 5919", "9434765919", nil},
		{"valid dashed", "943-476-5919", "9434765919", nil},
		{"valid surrounding space", " 943 476 5919 ", "9434765919", nil},
		{"valid another", "485 777 3457", "4857773457", nil},
		{"valid check digit from 11", "100 000 0060", "1000000060", nil},
		{"valid test range check digit 0", "999 000 0050", "9990000050", nil},
		{"wrong check digit", "9434765918", "", ErrNHSNumberInvalid},
		{"check digit would be 10", "9990000000", "", ErrNHSNumberInvalid},
		{"check digit would be 10 with 1", "999 123 4561", "", ErrNHSNumberInvalid},
		{"transposed digits", "9434765991", "", ErrNHSNumberInvalid},
		{"empty", "", "", ErrNHSNumberEmpty},
		{"blank", "   ", "", ErrNHSNumberEmpty},
		{"nine digits", "943476591", "", ErrNHSNumberLength},
		{"eleven digits", "94347659190", "", ErrNHSNumberLength},
		{"letters", "943 476 59I9", "", ErrNHSNumberLength},
		{"other separators", "943.476.5919", "", ErrNHSNumberLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeNHSNumber(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("NormalizeNHSNumber(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("NormalizeNHSNumber(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if valid := ValidNHSNumber(tt.in); valid != (tt.wantErr == nil) {
				t.Errorf("ValidNHSNumber(%q) = %v, want %v", tt.in, valid, tt.wantErr == nil)
			}
		})
	}
}
