package handlers_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patienthub/patienthub/handlers"
	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

// testEnv is a real hub on a real database behind a real HTTP server.
type testEnv struct {
	t     testing.TB
	st    *store.Store
	svc   *hub.Service
	srv   *httptest.Server
	clock *fakeClock
}

type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func testConfig() hub.Config {
	return hub.Config{PublicURL: "http://localhost", SecretKey: strings.Repeat("s", 32), HospitalName: "Test Hospital",
		OTPTTL: 150 * time.Second, SessionIdle: 15 * time.Minute, SessionMax: 12 * time.Hour, StaffSessionIdle: 30 * time.Minute,
		SignInPerIPPerMinute: 1000, SMSProvider: "outbox", EmailProvider: "outbox", PostProvider: "outbox"}
}

func newEnv(t testing.TB, mutate ...func(*hub.Config)) *testEnv {
	t.Helper()
	st := storetest.OpenDefault(t)
	cfg := testConfig()
	for _, m := range mutate {
		m(&cfg)
	}
	outbox := &notify.Outbox{Store: st}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := hub.New(st, cfg, notify.NewRouter(outbox, outbox, nil, outbox), log)
	clock := &fakeClock{now: time.Now().UTC().Truncate(time.Second)}
	svc.Now = clock.Now
	app, err := handlers.New(svc, log)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(app)
	t.Cleanup(func() { svc.Wait(); srv.Close() })
	return &testEnv{t: t, st: st, svc: svc, srv: srv, clock: clock}
}

// addPatient creates a patient with one upcoming appointment at a site.
func (e *testEnv) addPatient(given, family, mobile, email string, dob store.Date, clinic string) store.Patient {
	e.t.Helper()
	ctx := context.Background()
	p := store.Patient{HospitalNumber: "MRN-" + given + family, GivenName: given, FamilyName: family, DateOfBirth: dob,
		VerificationCode: strings.ToUpper(given[:1]+family[:1]) + "7Q2XRP"}
	if mobile != "" {
		p.Mobile = sql.NullString{String: mobile, Valid: true}
	}
	if email != "" {
		p.Email = sql.NullString{String: email, Valid: true}
	}
	if err := e.st.CreatePatient(ctx, &p); err != nil {
		e.t.Fatal(err)
	}
	site := store.Site{Code: "S-" + p.HospitalNumber, Name: "St James's University Hospital", Address: "Beckett Street, Leeds", Postcode: "LS9 7TF"}
	if err := e.st.CreateSite(ctx, &site); err != nil {
		e.t.Fatal(err)
	}
	start := e.clock.Now().Add(72 * time.Hour)
	a := store.Appointment{PatientID: p.ID, ExternalID: "PAS-" + p.HospitalNumber, Clinic: clinic,
		SiteID: sql.NullInt64{Int64: site.ID, Valid: true}, StartsAt: start, EndsAt: start.Add(30 * time.Minute)}
	if err := e.st.CreateAppointment(ctx, &a); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// browser is a cookie-keeping client that follows redirects, like a person's browser.
type browser struct {
	e      *testEnv
	client *http.Client
}

func (e *testEnv) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, client: &http.Client{Jar: jar}}
}

type pageResult struct {
	status int
	url    string
	body   string
	header http.Header
}

func (b *browser) do(req *http.Request) pageResult {
	b.e.t.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return pageResult{status: resp.StatusCode, url: resp.Request.URL.Path, body: string(body), header: resp.Header}
}

func (b *browser) get(path string) pageResult {
	b.e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.e.srv.URL+path, nil)
	return b.do(req)
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// submit gets formPage, takes its CSRF token, and posts fields to action.
func (b *browser) submit(formPage, action string, fields map[string]string) pageResult {
	b.e.t.Helper()
	p := b.get(formPage)
	m := csrfField.FindStringSubmatch(p.body)
	if m == nil {
		b.e.t.Fatalf("no CSRF field on %s (status %d): %s", formPage, p.status, p.body)
	}
	v := url.Values{"_csrf": {m[1]}}
	for k, val := range fields {
		v.Set(k, val)
	}
	return b.post(action, v)
}

func (b *browser) post(action string, v url.Values) pageResult {
	b.e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+action, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.e.srv.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

var codeInMessage = regexp.MustCompile(`(\d{6}) is your Patient Hub security code`)

// latestCode returns the newest security code sent to a recipient, or "" when none was.
func (e *testEnv) latestCode(to string) string {
	e.t.Helper()
	e.svc.Wait()
	ms, err := e.st.OutboxMessages(context.Background(), 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Recipient == to && ms[i].Purpose == "sign_in_code" {
			if m := codeInMessage.FindStringSubmatch(ms[i].Body); m != nil {
				return m[1]
			}
		}
	}
	return ""
}

func (e *testEnv) outboxCount() int {
	e.t.Helper()
	e.svc.Wait()
	ms, _ := e.st.OutboxMessages(context.Background(), 10000)
	return len(ms)
}

// signIn runs the first two steps and returns the page after the code.
func (b *browser) signIn(contact, day, month, year, codeTo string) pageResult {
	b.e.t.Helper()
	p := b.submit("/signin", "/signin", map[string]string{"contact": contact, "dob-day": day, "dob-month": month, "dob-year": year})
	if p.url != "/signin/code" {
		b.e.t.Fatalf("after the first step: at %s (status %d), want /signin/code:\n%s", p.url, p.status, p.body)
	}
	code := b.e.latestCode(codeTo)
	if code == "" {
		b.e.t.Fatalf("no security code was sent to %s", codeTo)
	}
	return b.submit("/signin/code", "/signin/code", map[string]string{"code": code})
}

func mustContain(t *testing.T, p pageResult, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(p.body, w) {
			t.Fatalf("page %s (status %d) lacks %q:\n%s", p.url, p.status, w, p.body)
		}
	}
}

func mustLack(t *testing.T, p pageResult, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(p.body, w) {
			t.Fatalf("page %s (status %d) must not contain %q", p.url, p.status, w)
		}
	}
}

// volatileRE matches what differs between two renders of the same page: tokens, nonces, times.
var volatileRE = regexp.MustCompile(`data-expires-at="[^"]*"|runs out at [^<]*<|value="[^"]{30,}"|nonce="[^"]*"|hx-headers:inherited='[^']*'`)

// addAppointment gives p another appointment starting after from now, at the site of their
// first appointment (or nowhere, for phone and video), with the given status ("" is booked).
func (e *testEnv) addAppointment(p store.Patient, clinic string, after time.Duration, status store.AppointmentStatus) store.Appointment {
	e.t.Helper()
	ctx := context.Background()
	start := e.clock.Now().Add(after)
	a := store.Appointment{PatientID: p.ID, ExternalID: fmt.Sprintf("PAS-%d-%d", p.ID, start.UnixNano()), Clinic: clinic,
		StartsAt: start, EndsAt: start.Add(30 * time.Minute), Status: status, Bring: "Bring your medicines.",
		Instructions: "Report to reception."}
	if first, err := e.st.UpcomingAppointments(ctx, p.ID, time.Time{}); err == nil && len(first) > 0 {
		a.SiteID = first[0].SiteID
	}
	if err := e.st.CreateAppointment(ctx, &a); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// addLetter gives p a letter (about appointment a when a.ID is set) with a small PDF.
func (e *testEnv) addLetter(p store.Patient, a store.Appointment, title string) store.Letter {
	e.t.Helper()
	l := store.Letter{PatientID: p.ID, Title: title, CreatedAt: e.clock.Now().Add(-time.Hour)}
	if a.ID != 0 {
		l.AppointmentID = sql.NullInt64{Int64: a.ID, Valid: true}
	}
	pdf := []byte("%PDF-1.4\n% " + title + "\n%%EOF\n")
	if err := e.st.CreateLetter(context.Background(), &l, store.LetterFile{Filename: "letter-" + p.HospitalNumber + ".pdf",
		ContentType: "application/pdf", Data: pdf}); err != nil {
		e.t.Fatal(err)
	}
	return l
}

// addMessage sends p a message.
func (e *testEnv) addMessage(p store.Patient, subject, body string) store.Message {
	e.t.Helper()
	m := store.Message{PatientID: p.ID, Subject: subject, Body: body, CreatedAt: e.clock.Now().Add(-time.Hour)}
	if err := e.st.CreateMessage(context.Background(), &m); err != nil {
		e.t.Fatal(err)
	}
	return m
}

// signInAs signs p in with their mobile (else email) and date of birth, and returns the page after.
func (b *browser) signInAs(p store.Patient) pageResult {
	b.e.t.Helper()
	contact := p.Mobile.String
	if contact == "" {
		contact = p.Email.String
	}
	d := p.DateOfBirth
	return b.signIn(contact, strconv.Itoa(d.Day()), strconv.Itoa(int(d.Month())), strconv.Itoa(d.Year()), contact)
}

// csrfOf returns the CSRF token of a page's forms.
func (b *browser) csrfOf(p pageResult) string {
	b.e.t.Helper()
	m := csrfField.FindStringSubmatch(p.body)
	if m == nil {
		b.e.t.Fatalf("no CSRF field on %s (status %d)", p.url, p.status)
	}
	return m[1]
}

// htmxPost posts fields the way htmx does: with HX-Request and the CSRF token in a header.
func (b *browser) htmxPost(action, csrf string, fields url.Values) pageResult {
	b.e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+action, strings.NewReader(fields.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-CSRF-Token", csrf)
	return b.do(req)
}

// noRedirects makes the browser stop at redirects, to look at them.
func (b *browser) noRedirects() *browser {
	c := *b.client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{e: b.e, client: &c}
}

// audits returns the audit events with this action.
func (e *testEnv) audits(action string) []store.AuditEvent {
	e.t.Helper()
	es, err := e.st.AuditByAction(context.Background(), action)
	if err != nil {
		e.t.Fatal(err)
	}
	return es
}

// appointmentNow reads an appointment back from the database.
func (e *testEnv) appointmentNow(id int64) store.Appointment {
	e.t.Helper()
	a, err := e.st.Appointment(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// appointmentsOf returns every appointment of p that has not ended, soonest first.
func (e *testEnv) appointmentsOf(p store.Patient) []store.Appointment {
	e.t.Helper()
	as, err := e.st.UpcomingAppointments(context.Background(), p.ID, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return as
}
