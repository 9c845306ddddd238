package hub

import (
	"strings"
	"testing"
	"time"

	"github.com/patienthub/patienthub/store"
)

func TestSniffMapAndUnsafeSVG(t *testing.T) {
	for _, c := range []struct {
		name, data, want string
		unsafe           bool
	}{
		{"png", "\x89PNG\r\n\x1a\nrest", "image/png", false},
		{"pdf", "%PDF-1.7", "application/pdf", false},
		{"svg", `<svg xmlns="http://www.w3.org/2000/svg"></svg>`, "image/svg+xml", false},
		{"svg with prolog", `<?xml version="1.0"?>` + "\n" + `<svg></svg>`, "image/svg+xml", false},
		{"svg with script", `<svg><script>x</script></svg>`, "image/svg+xml", true},
		{"svg with handler", `<svg><rect onclick="x()"/></svg>`, "image/svg+xml", true},
		{"svg with js link", `<svg><a href="javascript:x()"/></svg>`, "image/svg+xml", true},
		{"svg with remote image", `<svg><image href="https://evil.example/x.png"/></svg>`, "image/svg+xml", true},
		{"html", `<html><body>hi</body></html>`, "", false},
		{"jpeg", "\xff\xd8\xff\xe0", "", false},
	} {
		if got := sniffMap([]byte(c.data)); got != c.want {
			t.Errorf("%s: sniffed %q, want %q", c.name, got, c.want)
		}
		if got := unsafeSVG.MatchString(c.data); got != c.unsafe {
			t.Errorf("%s: unsafe = %v, want %v", c.name, got, c.unsafe)
		}
	}
}

func TestCheckAndFillWording(t *testing.T) {
	if ps := checkWording("Subject", "{hospital}: see {link}"); len(ps) != 0 {
		t.Fatalf("a good wording refused: %+v", ps)
	}
	for _, c := range []struct{ subject, text, want string }{
		{"", "{link}", "Enter the email subject"},
		{"S", "no link here", "must contain {link}"},
		{"S", "{link} {name}", "{name} is not a placeholder"},
		{"S {oops}", "{link}", "{oops} is not a placeholder"},
		{"S", strings.Repeat("x", 601) + "{link}", "600 characters or fewer"},
	} {
		ps := checkWording(c.subject, c.text)
		if len(ps) == 0 || !strings.Contains(ps[0].Message, c.want) {
			t.Errorf("%q / %q: %+v, want %q", c.subject, c.text, ps, c.want)
		}
	}
	cfg := Config{HospitalName: "Test Hospital", PublicURL: "https://hub.example"}
	cfg.PostalFallbackAfter = 72 * time.Hour
	a := store.Appointment{Clinic: "Sexual Health Clinic", Kind: "in_person", StartsAt: time.Date(2027, 3, 1, 10, 30, 0, 0, time.UTC)}
	a.SiteName.String, a.SiteName.Valid = "Leeds General Infirmary", true
	w := wording{Subject: "{hospital}", Text: "Your {what} on {when} at {where}. {link} Posted after {fallback}."}
	plain := cfg.fillWording(w, store.Patient{VerificationCode: "V1"}, about{Appointment: &a})
	if !strings.HasPrefix(plain.Text, "Your Sexual Health Clinic appointment on Monday 1 March 2027 at 10:30am at Leeds General Infirmary. https://hub.example/ Posted after 3 days.") ||
		!strings.HasSuffix(plain.Text, "User Verification Code: V1") || plain.Subject != "Test Hospital" {
		t.Errorf("filled: %q / %q", plain.Subject, plain.Text)
	}
	discreet := cfg.fillWording(w, store.Patient{Discreet: true, VerificationCode: "V2"}, about{Appointment: &a})
	if strings.Contains(discreet.Text, "Sexual") || strings.Contains(discreet.Text, "Infirmary") {
		t.Errorf("a discreet record's message names the clinic or site: %q", discreet.Text)
	}
}

func TestDashboardHelpers(t *testing.T) {
	for _, c := range []struct{ part, whole, want int }{{0, 0, 0}, {1, 3, 33}, {2, 3, 67}, {1, 2, 50}, {5, 5, 100}} {
		if got := percent(c.part, c.whole); got != c.want {
			t.Errorf("percent(%d, %d) = %d, want %d", c.part, c.whole, got, c.want)
		}
	}
	for in, want := range map[int]int{7: 7, 30: 30, 365: 365, 0: 30, 8: 30, -1: 30} {
		if got := PeriodDays(in); got != want {
			t.Errorf("PeriodDays(%d) = %d, want %d", in, got, want)
		}
	}
	for in, want := range map[string]string{"My letter.pdf": "My-letter.pdf", "../../etc/passwd": "....etcpasswd", "": "x.pdf", "ünïcode": "ncode"} {
		if got := safeFilename(in, "x.pdf"); got != want {
			t.Errorf("safeFilename(%q) = %q, want %q", in, got, want)
		}
	}
}
