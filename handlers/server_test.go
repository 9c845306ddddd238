package handlers_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

func TestHealthAndReadiness(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	if p := b.get("/healthz"); p.status != http.StatusOK {
		t.Fatalf("healthz: %d", p.status)
	}
	if p := b.get("/readyz"); p.status != http.StatusOK {
		t.Fatalf("readyz: %d", p.status)
	}
	e.st.DB().Close()
	if p := b.get("/readyz"); p.status != http.StatusServiceUnavailable {
		t.Fatalf("readyz with the database closed: %d, want 503", p.status)
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	p := e.browser().get("/signin")
	h := p.header
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self' 'sha256-", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP allows unsafe code: %q", csp)
	}
	// The page's one inline script is exactly the one whose hash the policy allows.
	hash := csp[strings.Index(csp, "'sha256-")+8:]
	hash = hash[:strings.Index(hash, "'")]
	m := regexp.MustCompile(`<script>([^<]*)</script>`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatal("no inline script on the page")
	}
	sum := sha256.Sum256([]byte(m[1]))
	if base64.StdEncoding.EncodeToString(sum[:]) != hash {
		t.Error("the page's inline script does not match the hash in the policy")
	}
	want := map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "Cache-Control": "no-store", "X-Frame-Options": "DENY"}
	for k, v := range want {
		if h.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, h.Get(k), v)
		}
	}
	if h.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent over plain HTTP")
	}
	secure := newEnv(t, func(c *hub.Config) { c.PublicURL = "https://hub.example.nhs.uk" })
	sp := secure.browser().get("/signin")
	if !strings.HasPrefix(sp.header.Get("Strict-Transport-Security"), "max-age=") {
		t.Error("no HSTS when the public address is https")
	}
	cookies := strings.Join(sp.header.Values("Set-Cookie"), "\n")
	if !strings.Contains(cookies, "__Host-patienthub_csrf=") || !strings.Contains(cookies, "Secure") || !strings.Contains(cookies, "HttpOnly") || !strings.Contains(cookies, "SameSite=Lax") {
		t.Errorf("cookies over https must be __Host-, Secure, HttpOnly, SameSite=Lax: %s", cookies)
	}
}

func TestSessionCookieOverHTTPS(t *testing.T) {
	e := newEnv(t, func(c *hub.Config) { c.PublicURL = "https://hub.example.nhs.uk" })
	e.addPatient("Amelia", "Clarke", "+447700900001", "", store.NewDate(1985, 3, 14), "Cardiology")
	// A plain client that shows each response (Secure cookies are never sent back over the
	// plain-HTTP test server, so the cookie is carried by hand).
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(e.srv.URL + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var csrfCookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "__Host-patienthub_csrf" {
			csrfCookie = c
		}
	}
	m := csrfField.FindStringSubmatch(string(body))
	if csrfCookie == nil || m == nil {
		t.Fatal("no CSRF cookie or field")
	}
	form := url.Values{"_csrf": {m[1]}, "contact": {"07700900001"}, "dob-day": {"14"}, "dob-month": {"3"}, "dob-year": {"1985"}}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(csrfCookie)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var session string
	for _, v := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(v, "__Host-patienthub_session=") {
			session = v
		}
	}
	for _, want := range []string{"Path=/", "HttpOnly", "Secure", "SameSite=Lax"} {
		if !strings.Contains(session, want) {
			t.Errorf("session cookie %q lacks %s", session, want)
		}
	}
	if strings.Contains(session, "Domain=") {
		t.Errorf("a __Host- cookie must not name a domain: %q", session)
	}
}

func TestDevOutboxOnlyInDemo(t *testing.T) {
	e := newEnv(t)
	if p := e.browser().get("/dev/outbox.json"); p.status != http.StatusNotFound {
		t.Fatalf("/dev/outbox.json outside demo mode: %d", p.status)
	}
	demo := newEnv(t, func(c *hub.Config) { c.Demo = true })
	demo.addPatient("Tom", "Baker", "", "tom.baker@example.com", store.NewDate(1950, 11, 23), "Eye clinic")
	b := demo.browser()
	b.submit("/signin", "/signin", map[string]string{"contact": "tom.baker@example.com", "dob-day": "23", "dob-month": "11", "dob-year": "1950"})
	demo.svc.Wait()
	p := b.get("/dev/outbox.json")
	var msgs []map[string]any
	if err := json.Unmarshal([]byte(p.body), &msgs); err != nil {
		t.Fatalf("outbox JSON: %v\n%s", err, p.body)
	}
	if len(msgs) != 1 {
		t.Fatalf("want 1 message, got %d", len(msgs))
	}
	m := msgs[0]
	for _, k := range []string{"channel", "to", "purpose", "body", "status", "created_at"} {
		if _, ok := m[k]; !ok {
			t.Errorf("outbox entry lacks %q: %v", k, m)
		}
	}
	if m["channel"] != "email" || m["to"] != "tom.baker@example.com" || m["purpose"] != "sign_in_code" ||
		!strings.Contains(m["body"].(string), "Subject: ") || !strings.Contains(m["body"].(string), "is your Patient Hub security code") {
		t.Errorf("unexpected outbox entry: %v", m)
	}
	page := b.get("/dev/outbox")
	mustContain(t, page, "Demo outbox", "tom.baker@example.com")
}

func TestSecurityCodeIsNotStoredInTheClear(t *testing.T) {
	e := newEnv(t)
	e.addPatient("Amelia", "Clarke", "+447700900001", "", store.NewDate(1985, 3, 14), "Cardiology")
	e.browser().submit("/signin", "/signin", map[string]string{"contact": "07700900001", "dob-day": "14", "dob-month": "3", "dob-year": "1985"})
	code := e.latestCode("+447700900001")
	var rows []struct {
		Hmac string `db:"code_hmac"`
	}
	if err := e.st.DB().Select(&rows, "SELECT code_hmac FROM sign_in_codes"); err != nil {
		t.Fatal(err)
	}
	var bodies []string
	if err := e.st.DB().Select(&bodies, "SELECT body FROM notifications"); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if strings.Contains(r.Hmac, code) {
			t.Fatal("the code is stored in the clear")
		}
	}
	for _, b := range bodies {
		if strings.Contains(b, code) {
			t.Fatal("the code is kept in the notification log")
		}
	}
}

func TestPerAddressLimit(t *testing.T) {
	e := newEnv(t, func(c *hub.Config) { c.SignInPerIPPerMinute = 3 })
	b := e.browser()
	form := map[string]string{"contact": "", "dob-day": "", "dob-month": "", "dob-year": ""}
	var last pageResult
	for i := 0; i < 4; i++ {
		last = b.submit("/signin", "/signin", form)
	}
	if last.status != http.StatusTooManyRequests {
		t.Fatalf("fourth post in a minute from one address: %d, want 429", last.status)
	}
	mustContain(t, last, "Too many attempts")
}

func TestNotFoundPage(t *testing.T) {
	e := newEnv(t)
	p := e.browser().get("/no-such-page")
	if p.status != http.StatusNotFound {
		t.Fatalf("status %d", p.status)
	}
	mustContain(t, p, "Page not found")
}

func TestAuditOfFailures(t *testing.T) {
	e := newEnv(t)
	amelia := e.addPatient("Amelia", "Clarke", "+447700900001", "", store.NewDate(1985, 3, 14), "Cardiology")
	b := e.browser()
	b.submit("/signin", "/signin", map[string]string{"contact": "07700900001", "dob-day": "14", "dob-month": "3", "dob-year": "1985"})
	code := e.latestCode("+447700900001")
	wrong := "000000"
	if wrong == code {
		wrong = "111111"
	}
	b.submit("/signin/code", "/signin/code", map[string]string{"code": wrong})
	evs, err := e.st.AuditForPatient(context.Background(), amelia.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]bool{}
	for _, ev := range evs {
		actions[ev.Action] = true
		if ev.IP == "" || ev.RequestID == "" {
			t.Errorf("audit event %s lacks IP or request id", ev.Action)
		}
	}
	if !actions["signin.code_requested"] || !actions["signin.wrong_code"] {
		t.Fatalf("audit actions %v", actions)
	}
}
