package calendar

import (
	"bytes"
	"errors"
	"strings"
	"unicode/utf8"
)

// maxLineOctets is the longest a content line may be, not counting its CRLF (RFC 5545 §3.1).
const maxLineOctets = 75

// fold splits every CRLF-terminated content line of raw that is longer than 75 octets into lines
// of at most 75 octets, each continuation starting with one space, and never inside a UTF-8
// sequence.
func fold(raw []byte) ([]byte, error) {
	out := make([]byte, 0, len(raw)+len(raw)/maxLineOctets*3)
	for len(raw) > 0 {
		end := bytes.Index(raw, []byte("\r\n"))
		if end < 0 {
			return nil, errors.New("calendar: content line without CRLF")
		}
		line := raw[:end]
		raw = raw[end+2:]
		limit := maxLineOctets
		for len(line) > limit {
			cut := limit
			for cut > 0 && !utf8.RuneStart(line[cut]) {
				cut--
			}
			out = append(out, line[:cut]...)
			out = append(out, "\r\n "...)
			line = line[cut:]
			limit = maxLineOctets - 1 // the leading space counts
		}
		out = append(out, line...)
		out = append(out, "\r\n"...)
	}
	return out, nil
}

// clean makes s fit for a content line: valid UTF-8, line breaks as "\n" (which the encoder
// escapes), and no other control characters but tab.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n' || r == '\t':
			return r
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, s)
}
