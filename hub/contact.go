package hub

import (
	"errors"
	"net/mail"
	"strings"
	"unicode"
)

// ContactKind says whether a contact is a mobile number or an email address.
type ContactKind string

// The kinds of contact a patient can sign in with.
const (
	// ContactMobile is a mobile phone number in E.164 form.
	ContactMobile ContactKind = "mobile"
	// ContactEmail is a lower-case email address.
	ContactEmail ContactKind = "email"
)

// Contact is a normalised mobile (E.164) or email (lower-case).
type Contact struct {
	Kind  ContactKind
	Value string
}

// Errors returned by the contact functions; each message is the sentence to show under the field.
var (
	// ErrContactEmpty means nothing was entered.
	ErrContactEmpty = errors.New("Enter your mobile number or email address")
	// ErrContactEmailFormat means the email address is not in a usable format.
	ErrContactEmailFormat = errors.New("Enter an email address in the correct format, like name@example.com")
	// ErrContactMobileFormat means the mobile number is not in a usable format.
	ErrContactMobileFormat = errors.New("Enter a mobile number in the correct format, like 07700 900000 or +44 7700 900000")
	// ErrContactLandline means a UK landline number was entered instead of a mobile.
	ErrContactLandline = errors.New("Enter a mobile number, not a landline. If you do not have a mobile, use your email address")
)

// NormalizeMobile turns a UK or international mobile number in any common written form into E.164.
//
// Accepted UK forms include "07700 900001", "07700-900-001", "(07700) 900001",
// "+44 7700 900001", "+44 (0)7700 900001", "447700900001" and "00447700900001",
// all of which become "+447700900001". UK numbers must be mobiles (07 followed
// by 9 digits); UK landlines give ErrContactLandline. Non-UK numbers written
// with "+" or "00" are accepted if they have 8 to 15 digits. Anything else
// gives ErrContactMobileFormat.
func NormalizeMobile(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", ErrContactEmpty
	}

	// Drop spacing and punctuation people use to group digits.
	var b strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) || r == '-' || r == '.' {
			continue
		}
		b.WriteRune(r)
	}
	c := b.String()

	intl := false
	switch {
	case strings.HasPrefix(c, "+"):
		intl = true
		c = c[1:]
	case strings.HasPrefix(c, "00"):
		intl = true
		c = c[2:]
	}
	if intl {
		// "+44 (0)7700 900001": the bracketed trunk zero is not dialled.
		c = strings.Replace(c, "(0)", "", 1)
	}
	c = strings.NewReplacer("(", "", ")", "").Replace(c)
	if !mobileAllDigits(c) {
		return "", ErrContactMobileFormat
	}

	switch {
	case strings.HasPrefix(c, "44"):
		national := strings.TrimPrefix(c[2:], "0")
		return ukMobileE164(national)
	case intl:
		if len(c) < 8 || len(c) > 15 || c[0] == '0' {
			return "", ErrContactMobileFormat
		}
		return "+" + c, nil
	case strings.HasPrefix(c, "0"):
		return ukMobileE164(c[1:])
	default:
		return "", ErrContactMobileFormat
	}
}

// ukMobileE164 checks a UK national number without its trunk zero and returns it in E.164 form.
func ukMobileE164(national string) (string, error) {
	switch {
	case len(national) == 10 && national[0] == '7':
		return "+44" + national, nil
	case (len(national) == 9 || len(national) == 10) && national[0] >= '1' && national[0] <= '3':
		return "", ErrContactLandline
	default:
		return "", ErrContactMobileFormat
	}
}

// mobileAllDigits reports whether s is non-empty and made only of ASCII digits.
func mobileAllDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// NormalizeEmail trims and lower-cases an email address and checks it is a plain, usable address.
//
// The address must have exactly one "@", a non-empty local part and a domain
// containing a dot, with no spaces anywhere. It must also be accepted by
// net/mail.ParseAddress as a bare address, so display-name forms such as
// "Bob <bob@x.com>" are rejected. Empty input gives ErrContactEmpty; anything
// else wrong gives ErrContactEmailFormat.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", ErrContactEmpty
	}
	if len(s) > 254 || strings.IndexFunc(s, unicode.IsSpace) >= 0 || strings.Count(s, "@") != 1 {
		return "", ErrContactEmailFormat
	}
	local, domain, _ := strings.Cut(s, "@")
	if local == "" || !validEmailDomain(domain) {
		return "", ErrContactEmailFormat
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return "", ErrContactEmailFormat
	}
	return s, nil
}

// validEmailDomain reports whether d is a dotted host name with no empty labels or bracketed literals.
func validEmailDomain(d string) bool {
	if !strings.Contains(d, ".") || strings.ContainsAny(d, "[]<>()\",;:\\") {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
	}
	return true
}

// ParseContact decides by the presence of "@" and returns the normalised contact or an error whose message is the NHS-style sentence to show under the field.
func ParseContact(s string) (Contact, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Contact{}, ErrContactEmpty
	}
	if strings.Contains(s, "@") {
		v, err := NormalizeEmail(s)
		if err != nil {
			return Contact{}, err
		}
		return Contact{Kind: ContactEmail, Value: v}, nil
	}
	v, err := NormalizeMobile(s)
	if err != nil {
		return Contact{}, err
	}
	return Contact{Kind: ContactMobile, Value: v}, nil
}
