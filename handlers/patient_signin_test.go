package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/patienthub/patienthub/store"
)

func TestSignInWithMobileShowsAppointments(t *testing.T) {
	e := newEnv(t)
	e.addPatient("Amelia", "Clarke", "+447700900001", "amelia.clarke@example.com", store.NewDate(1985, 3, 14), "Cardiology clinic")
	b := e.browser()
	before := b.cookie("patienthub_session")
	p := b.signIn("07700 900001", "14", "3", "1985", "+447700900001")
	if p.url != "/appointments" {
		t.Fatalf("landed on %s, want /appointments:\n%s", p.url, p.body)
	}
	mustContain(t, p, "Your appointments", "Cardiology clinic", "St James&#39;s University Hospital", "Sign out", "Signed in as Amelia Clarke")
	if after := b.cookie("patienthub_session"); after == "" || after == before {
		t.Fatal("the session cookie was not renewed at sign-in")
	}
	if got := p.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("appointments page Cache-Control %q, want no-store", got)
	}
	if ev, _ := e.st.AuditByAction(context.Background(), "signin.success"); len(ev) != 1 {
		t.Errorf("want one signin.success audit event, got %d", len(ev))
	}
}

func TestSignInWithEmailWhenNoMobile(t *testing.T) {
	e := newEnv(t)
	e.addPatient("Tom", "Baker", "", "tom.baker@example.com", store.NewDate(1950, 11, 23), "Eye clinic")
	b := e.browser()
	p := b.signIn("Tom.Baker@Example.com ", "23", "11", "1950", "tom.baker@example.com")
	mustContain(t, p, "Your appointments", "Eye clinic")
}

func TestCodeGoesBySMSWhenRecordHasMobile(t *testing.T) {
	e := newEnv(t)
	e.addPatient("Amelia", "Clarke", "+447700900001", "amelia.clarke@example.com", store.NewDate(1985, 3, 14), "Cardiology")
	b := e.browser()
	p := b.submit("/signin", "/signin", map[string]string{"contact": "amelia.clarke@example.com", "dob-day": "14", "dob-month": "3", "dob-year": "1985"})
	mustContain(t, p, "Security code")
	if e.latestCode("+447700900001") == "" || e.latestCode("amelia.clarke@example.com") != "" {
		t.Fatal("a record with a mobile must get its code by text, not email")
	}
}

func TestParentUsesOwnMobileAndChildsBirthDate(t *testing.T) {
	e := newEnv(t)
	e.addPatient("Sam", "Patel", "+447700900002", "", store.NewDate(1988, 7, 20), "Orthopaedics")
	e.addPatient("Leo", "Patel", "+447700900002", "", store.NewDate(2016, 9, 2), "Paediatrics")
	p := e.browser().signIn("+44 7700 900002", "02", "09", "2016", "+447700900002")
	mustContain(t, p, "Paediatrics", "For Leo Patel", "Signed in as Leo Patel")
	mustLack(t, p, "Orthopaedics")
}

func TestUnknownDetailsGetTheSameAnswer(t *testing.T) {
	e := newEnv(t)
	e.addPatient("Amelia", "Clarke", "+447700900001", "", store.NewDate(1985, 3, 14), "Cardiology")
	known := e.browser().submit("/signin", "/signin", map[string]string{"contact": "07700900001", "dob-day": "14", "dob-month": "3", "dob-year": "1985"})
	unknown := e.browser().submit("/signin", "/signin", map[string]string{"contact": "07700900099", "dob-day": "14", "dob-month": "3", "dob-year": "1985"})
	if known.status != unknown.status || known.url != unknown.url {
		t.Fatalf("known %d %s, unknown %d %s", known.status, known.url, unknown.status, unknown.url)
	}
	strip := func(s string) string { return volatileRE.ReplaceAllString(s, "") }
	if strip(known.body) != strip(unknown.body) {
		t.Fatal("the page after the first step differs between a known and an unknown contact")
	}
	if e.latestCode("+447700900099") != "" {
		t.Fatal("a code was sent to an unknown contact")
	}
}

func TestWrongCodesThenSpent(t *testing.T) {
	e := newEnv(t)
	e.addPatient("Amelia", "Clarke", "+447700900001", "", store.NewDate(1985, 3, 14), "Cardiology")
	b := e.browser()
	b.submit("/signin", "/signin", map[string]string{"contact": "07700900001", "dob-day": "14", "dob-month": "3", "dob-year": "1985"})
	code := e.latestCode("+447700900001")
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	p := b.submit("/signin/code", "/signin/code", map[string]string{"code": "12ab"})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("malformed code: status %d", p.status)
	}
	mustContain(t, p, "Enter the 6-digit security code", "There is a problem")
	for i := 0; i < 4; i++ {
		p = b.submit("/signin/code", "/signin/code", map[string]string{"code": wrong})
		mustContain(t, p, "The security code is not right")
	}
	p = b.submit("/signin/code", "/signin/code", map[string]string{"code": wrong})
	mustContain(t, p, "wrong security code too many times", "Send a new code")
	p = b.submit("/signin/code", "/signin/code", map[string]string{"code": code})
	mustContain(t, p, "wrong security code too many times")
	if r := b.get("/appointments"); r.url != "/signin" {
		t.Fatalf("a spent code signed the person in: %s", r.url)
	}
}

func TestExpiredCodeAndNewCode(t *testing.T) {
	e := newEnv(t)
	e.addPatient("Amelia", "Clarke", "+447700900001", "", store.NewDate(1985, 3, 14), "Cardiology")
	b := e.browser()
	b.submit("/signin", "/signin", map[string]string{"contact": "07700900001", "dob-day": "14", "dob-month": "3", "dob-year": "1985"})
	code := e.latestCode("+447700900001")
	e.clock.Advance(151 * time.Second)
	p := b.submit("/signin/code", "/signin/code", map[string]string{"code": code})
	mustContain(t, p, "This security code has expired")
	p = b.submit("/signin/code", "/signin/code/resend", nil)
	mustContain(t, p, "We have sent a new security code")
	fresh := e.latestCode("+447700900001")
	p = b.submit("/signin/code", "/signin/code", map[string]string{"code": fresh})
	if p.url != "/appointments" {
		t.Fatalf("new code did not sign in: %s\n%s", p.url, p.body)
	}
	// A used code never works twice.
	b2 := e.browser()
	b2.submit("/signin", "/signin", map[string]string{"contact": "07700900001", "dob-day": "14", "dob-month": "3", "dob-year": "1985"})
	if c := e.latestCode("+447700900001"); c == fresh {
		t.Fatal("the same code was sent twice")
	}
}

func TestCodeLimitsPerContact(t *testing.T) {
	e := newEnv(t)
	e.addPatient("Amelia", "Clarke", "+447700900001", "", store.NewDate(1985, 3, 14), "Cardiology")
	b := e.browser()
	form := map[string]string{"contact": "07700900001", "dob-day": "14", "dob-month": "3", "dob-year": "1985"}
	for i := 0; i < 3; i++ {
		if p := b.submit("/signin", "/signin", form); p.url != "/signin/code" {
			t.Fatalf("code %d refused: %s", i+1, p.body)
		}
	}
	sent := e.outboxCount()
	p := b.submit("/signin", "/signin", form)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("fourth code in 15 minutes: status %d", p.status)
	}
	mustContain(t, p, "Wait 15 minutes")
	if e.outboxCount() != sent {
		t.Fatal("a fourth code was sent")
	}
	e.clock.Advance(16 * time.Minute)
	if p := b.submit("/signin", "/signin", form); p.url != "/signin/code" {
		t.Fatalf("code after 15 minutes refused: %s", p.body)
	}
}

func TestLockAfterTwentyWrongGuessesInARow(t *testing.T) {
	e := newEnv(t)
	e.addPatient("Amelia", "Clarke", "+447700900001", "", store.NewDate(1985, 3, 14), "Cardiology")
	b := e.browser()
	form := map[string]string{"contact": "07700900001", "dob-day": "14", "dob-month": "3", "dob-year": "1985"}
	guesses := 0
	var p pageResult
	for round := 0; round < 4; round++ {
		e.clock.Advance(16 * time.Minute) // stay under the codes-per-15-minutes limit
		b.submit("/signin", "/signin", form)
		code := e.latestCode("+447700900001")
		wrong := "000000"
		if code == wrong {
			wrong = "999999"
		}
		for i := 0; i < 5; i++ {
			p = b.submit("/signin/code", "/signin/code", map[string]string{"code": wrong})
			guesses++
		}
	}
	if guesses != 20 {
		t.Fatal(guesses)
	}
	mustContain(t, p, "you cannot sign in with these details until")
	e.clock.Advance(16 * time.Minute)
	p = b.submit("/signin", "/signin", form)
	mustContain(t, p, "you cannot sign in with these details until")
	if ev, _ := e.st.AuditByAction(context.Background(), "signin.locked"); len(ev) == 0 {
		t.Fatal("no audit event for the lock")
	}
	e.clock.Advance(2 * time.Hour)
	if p := b.signIn("07700900001", "14", "3", "1985", "+447700900001"); p.url != "/appointments" {
		t.Fatalf("still locked after 2 hours: %s", p.body)
	}
}

func TestTwinsNeedTheVerificationCode(t *testing.T) {
	e := newEnv(t)
	ava := e.addPatient("Ava", "Jones", "+447700900003", "", store.NewDate(2019, 5, 5), "Ava's clinic")
	e.addPatient("Isla", "Jones", "+447700900003", "", store.NewDate(2019, 5, 5), "Isla's clinic")
	b := e.browser()
	p := b.signIn("07700 900003", "5", "5", "2019", "+447700900003")
	if p.url != "/signin/verify" {
		t.Fatalf("twins: at %s, want /signin/verify", p.url)
	}
	mustContain(t, p, "User verification code")
	mustLack(t, p, "Ava", "Isla")
	if r := b.get("/appointments"); r.url != "/signin" {
		t.Fatalf("appointments reachable before the verification code: %s", r.url)
	}
	p = b.submit("/signin/verify", "/signin/verify", map[string]string{"uvc": "WRONG123"})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong verification code: status %d", p.status)
	}
	mustContain(t, p, "The user verification code is not right")
	mustLack(t, p, "Ava&#39;s clinic", "Isla&#39;s clinic")
	p = b.submit("/signin/verify", "/signin/verify", map[string]string{"uvc": strings.ToLower(ava.VerificationCode)})
	if p.url != "/appointments" {
		t.Fatalf("right verification code: at %s\n%s", p.url, p.body)
	}
	mustContain(t, p, "Ava&#39;s clinic", "Signed in as Ava Jones")
	mustLack(t, p, "Isla&#39;s clinic")
}

func TestFormErrorsAreClear(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	cases := []struct {
		fields map[string]string
		want   string
	}{
		{map[string]string{"contact": "", "dob-day": "1", "dob-month": "1", "dob-year": "1990"}, "Enter your mobile number or email address"},
		{map[string]string{"contact": "0113 123 4567", "dob-day": "1", "dob-month": "1", "dob-year": "1990"}, "not a landline"},
		{map[string]string{"contact": "07700 9000", "dob-day": "1", "dob-month": "1", "dob-year": "1990"}, "Enter a mobile number in the correct format"},
		{map[string]string{"contact": "07700900001", "dob-day": "31", "dob-month": "2", "dob-year": "1990"}, "Date of birth must be a real date"},
		{map[string]string{"contact": "07700900001", "dob-day": "1", "dob-month": "", "dob-year": "1990"}, "Date of birth must include a month"},
	}
	for _, c := range cases {
		p := b.submit("/signin", "/signin", c.fields)
		if p.status != http.StatusUnprocessableEntity {
			t.Errorf("%v: status %d, want 422", c.fields, p.status)
		}
		mustContain(t, p, c.want, "There is a problem", "<title>Error: ")
		if c.fields["contact"] != "" {
			mustContain(t, p, `value="`+c.fields["contact"]+`"`)
		}
	}
	if n, _ := e.st.CountSignInCodesSince(context.Background(), "+447700900001", time.Time{}); n != 0 {
		t.Fatal("invalid forms created sign-in codes")
	}
}

func TestPostWithoutCSRFTokenChangesNothing(t *testing.T) {
	e := newEnv(t)
	e.addPatient("Amelia", "Clarke", "+447700900001", "", store.NewDate(1985, 3, 14), "Cardiology")
	b := e.browser()
	b.get("/signin")
	p := b.post("/signin", url.Values{"contact": {"07700900001"}, "dob-day": {"14"}, "dob-month": {"3"}, "dob-year": {"1985"}})
	if p.status != http.StatusForbidden {
		t.Fatalf("POST without token: status %d", p.status)
	}
	mustContain(t, p, "This form has expired", "Nothing was changed")
	p = b.post("/signin", url.Values{"_csrf": {"forged-token-forged-token-forged-token"}, "contact": {"07700900001"}, "dob-day": {"14"}, "dob-month": {"3"}, "dob-year": {"1985"}})
	if p.status != http.StatusForbidden {
		t.Fatalf("POST with a wrong token: status %d", p.status)
	}
	if n, _ := e.st.CountSignInCodesSince(context.Background(), "+447700900001", time.Time{}); n != 0 {
		t.Fatal("a refused POST created a sign-in code")
	}
}

func TestSignOutAndIdleTimeout(t *testing.T) {
	e := newEnv(t)
	e.addPatient("Amelia", "Clarke", "+447700900001", "", store.NewDate(1985, 3, 14), "Cardiology")
	b := e.browser()
	b.signIn("07700900001", "14", "3", "1985", "+447700900001")
	stolen := b.cookie("patienthub_session")
	p := b.submit("/appointments", "/signout", nil)
	mustContain(t, p, "You have signed out", "Mobile number or email address")
	// The old cookie no longer works, even if someone kept a copy.
	thief := e.browser()
	u, _ := url.Parse(e.srv.URL)
	thief.client.Jar.SetCookies(u, []*http.Cookie{{Name: "patienthub_session", Value: stolen, Path: "/"}})
	if r := thief.get("/appointments"); r.url != "/signin" {
		t.Fatalf("a signed-out session still works: %s", r.url)
	}

	b.signIn("07700900001", "14", "3", "1985", "+447700900001")
	e.clock.Advance(16 * time.Minute)
	r := b.get("/appointments")
	if r.url != "/signin" {
		t.Fatalf("an idle session still works after 16 minutes: %s", r.url)
	}
	mustContain(t, r, "you were signed out because you had not used Patient Hub for a while")
}

func TestAbsoluteSessionLimit(t *testing.T) {
	e := newEnv(t)
	e.addPatient("Amelia", "Clarke", "+447700900001", "", store.NewDate(1985, 3, 14), "Cardiology")
	b := e.browser()
	b.signIn("07700900001", "14", "3", "1985", "+447700900001")
	for i := 0; i < 12*6; i++ { // active every 10 minutes for 12 hours
		e.clock.Advance(10 * time.Minute)
		r := b.get("/appointments")
		if i < 12*6-1 && r.url != "/appointments" {
			t.Fatalf("signed out after %d minutes of activity", (i+1)*10)
		}
		if i == 12*6-1 && r.url != "/signin" {
			t.Fatal("still signed in after 12 hours")
		}
	}
}
