package hub

import (
	"errors"
	"testing"
)

func TestNormalizeMobile(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr error
	}{
		{"national spaced", "07700 900001", "+447700900001", nil},
		{"national compact", "07700900001", "+447700900001", nil},
		{"national dashed", "07700-900-001", "+447700900001", nil},
		{"national bracketed", "(07700) 900001", "+447700900001", nil},
		{"national dotted", "07700.900.001", "+447700900001", nil},
		{"surrounding space", "  07700 900001\t", "+447700900001", nil},
		{"plus 44", "+44 7700 900001", "+447700900001", nil},
		{"plus 44 compact", "+447700900001", "+447700900001", nil},
		{"plus 44 trunk zero in brackets", "+44 (0)7700 900001", "+447700900001", nil},
		{"plus 44 trunk zero in brackets spaced", "+44 (0) 7700 900 001", "+447700900001", nil},
		{"plus 44 with trunk zero", "+44 07700 900001", "+447700900001", nil},
		{"44 without plus", "447700900001", "+447700900001", nil},
		{"0044", "00447700900001", "+447700900001", nil},
		{"0044 spaced", "0044 7700 900001", "+447700900001", nil},
		{"non-UK plus", "+33 6 12 34 56 78", "+33612345678", nil},
		{"non-UK plus trunk zero", "+33 (0)6 12 34 56 78", "+33612345678", nil},
		{"non-UK 00", "001 555 010 0000", "+15550100000", nil},
		{"non-UK 8 digits", "+35312345", "+35312345", nil},
		{"non-UK 15 digits", "+123456789012345", "+123456789012345", nil},
		{"empty", "", "", ErrContactEmpty},
		{"blank", "   ", "", ErrContactEmpty},
		{"letters", "07700 9OOOO1", "", ErrContactMobileFormat},
		{"words", "call me", "", ErrContactMobileFormat},
		{"too short", "07700 90000", "", ErrContactMobileFormat},
		{"too long", "07700 9000011", "", ErrContactMobileFormat},
		{"UK plus too short", "+44 7700 90000", "", ErrContactMobileFormat},
		{"UK plus too long", "+44 7700 9000011", "", ErrContactMobileFormat},
		{"no trunk zero", "7700900001", "", ErrContactMobileFormat},
		{"non-UK too short", "+3531234", "", ErrContactMobileFormat},
		{"non-UK too long", "+1234567890123456", "", ErrContactMobileFormat},
		{"non-UK without prefix", "33612345678", "", ErrContactMobileFormat},
		{"plus in middle", "0770+0900001", "", ErrContactMobileFormat},
		{"double plus", "++447700900001", "", ErrContactMobileFormat},
		{"just plus", "+", "", ErrContactMobileFormat},
		{"country code zero", "+0 7700 900001", "", ErrContactMobileFormat},
		{"UK freephone", "0800 123 4567", "", ErrContactMobileFormat},
		{"UK premium", "09098 790 000", "", ErrContactMobileFormat},
		{"landline 01", "01632 960001", "", ErrContactLandline},
		{"landline 020", "020 7946 0000", "", ErrContactLandline},
		{"landline 03", "0300 123 1234", "", ErrContactLandline},
		{"landline plus 44", "+44 20 7946 0000", "", ErrContactLandline},
		{"landline 0044 trunk zero", "0044 (0)113 496 0000", "", ErrContactLandline},
		{"landline ten digits", "016977 3999", "", ErrContactLandline},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeMobile(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("NormalizeMobile(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("NormalizeMobile(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr error
	}{
		{"simple", "name@example.com", "name@example.com", nil},
		{"mixed case and spaces", "  Name.Surname@NHS.net ", "name.surname@nhs.net", nil},
		{"plus tag", "pat+clinic@example.co.uk", "pat+clinic@example.co.uk", nil},
		{"subdomain with hyphen", "a@mail-01.example.org", "a@mail-01.example.org", nil},
		{"empty", "", "", ErrContactEmpty},
		{"blank", " \t ", "", ErrContactEmpty},
		{"no at", "name.example.com", "", ErrContactEmailFormat},
		{"two ats", "name@@example.com", "", ErrContactEmailFormat},
		{"two ats apart", "a@b@example.com", "", ErrContactEmailFormat},
		{"empty local", "@example.com", "", ErrContactEmailFormat},
		{"empty domain", "name@", "", ErrContactEmailFormat},
		{"domain without dot", "name@localhost", "", ErrContactEmailFormat},
		{"domain leading dot", "name@.example.com", "", ErrContactEmailFormat},
		{"domain trailing dot", "name@example.com.", "", ErrContactEmailFormat},
		{"domain double dot", "name@example..com", "", ErrContactEmailFormat},
		{"domain hyphen edge", "name@-example.com", "", ErrContactEmailFormat},
		{"space in local", "na me@example.com", "", ErrContactEmailFormat},
		{"space in domain", "name@exa mple.com", "", ErrContactEmailFormat},
		{"display name", "Bob <bob@x.com>", "", ErrContactEmailFormat},
		{"angle brackets", "<bob@x.com>", "", ErrContactEmailFormat},
		{"quoted local with space", `"bob smith"@x.com`, "", ErrContactEmailFormat},
		{"domain literal", "bob@[192.0.2.1]", "", ErrContactEmailFormat},
		{"local double dot", "bob..smith@x.com", "", ErrContactEmailFormat},
		{"comma", "bob,smith@x.com", "", ErrContactEmailFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeEmail(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("NormalizeEmail(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("NormalizeEmail(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseContact(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Contact
		wantMsg string
	}{
		{"mobile", "07700 900001", Contact{Kind: ContactMobile, Value: "+447700900001"}, ""},
		{"international mobile", "+44 (0)7700 900001", Contact{Kind: ContactMobile, Value: "+447700900001"}, ""},
		{"email", " Pat@Example.COM ", Contact{Kind: ContactEmail, Value: "pat@example.com"}, ""},
		{"empty", "", Contact{}, "Enter your mobile number or email address"},
		{"blank", "   ", Contact{}, "Enter your mobile number or email address"},
		{"bad email", "pat@example", Contact{}, "Enter an email address in the correct format, like name@example.com"},
		{"display name email", "Pat <pat@example.com>", Contact{}, "Enter an email address in the correct format, like name@example.com"},
		{"bad mobile", "07700 90000", Contact{}, "Enter a mobile number in the correct format, like 07700 900000 or +44 7700 900000"},
		{"text without at", "pat.example.com", Contact{}, "Enter a mobile number in the correct format, like 07700 900000 or +44 7700 900000"},
		{"landline", "020 7946 0000", Contact{}, "Enter a mobile number, not a landline. If you do not have a mobile, use your email address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseContact(tt.in)
			if tt.wantMsg != "" {
				if err == nil {
					t.Fatalf("ParseContact(%q) = %+v, want error %q", tt.in, got, tt.wantMsg)
				}
				if err.Error() != tt.wantMsg {
					t.Errorf("ParseContact(%q) error = %q, want %q", tt.in, err.Error(), tt.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseContact(%q) unexpected error: %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseContact(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}
