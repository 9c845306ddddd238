package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"
)

var (
	csrfField      = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	stylesheetLink = regexp.MustCompile(`<link rel="stylesheet" href="(/assets/[^"]*app\.css)">`)
	codeInMessage  = regexp.MustCompile(`(\d{6}) is your Patient Hub security code`)
)

// patientSession is what load on the signed-in pages needs.
type patientSession struct {
	cookie     string // the Cookie header a signed-in browser sends
	stylesheet string // the hashed URL of app.css
}

// browser is a cookie-keeping client that follows redirects, like a person's browser.
type browser struct {
	ctx    context.Context
	base   string
	client *http.Client
}

type page struct {
	status int
	path   string
	body   string
}

func (b *browser) do(method, path string, form url.Values) (page, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(b.ctx, method, b.base+path, body)
	if err != nil {
		return page{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return page{}, err
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	if err != nil {
		return page{}, err
	}
	return page{status: resp.StatusCode, path: resp.Request.URL.Path, body: string(text)}, nil
}

// submit gets formPath, takes its CSRF token and posts fields to the same path.
func (b *browser) submit(formPath string, fields url.Values) (page, error) {
	p, err := b.do(http.MethodGet, formPath, nil)
	if err != nil {
		return p, err
	}
	m := csrfField.FindStringSubmatch(p.body)
	if m == nil {
		return p, fmt.Errorf("no CSRF field on %s (status %d)", formPath, p.status)
	}
	fields.Set("_csrf", m[1])
	return b.do(http.MethodPost, formPath, fields)
}

// signIn signs the known patient in with contact, date of birth and the texted security code.
func signIn(ctx context.Context, base string) (patientSession, error) {
	jar, _ := cookiejar.New(nil)
	b := &browser{ctx: ctx, base: base, client: &http.Client{Jar: jar, Timeout: 10 * time.Second}}

	form, err := b.do(http.MethodGet, "/signin", nil)
	if err != nil {
		return patientSession{}, err
	}
	m := stylesheetLink.FindStringSubmatch(form.body)
	if m == nil {
		return patientSession{}, fmt.Errorf("no app.css stylesheet link on /signin (status %d)", form.status)
	}
	ps := patientSession{stylesheet: m[1]}

	before, err := b.outbox()
	if err != nil {
		return ps, err
	}
	p, err := b.submit("/signin", url.Values{"contact": {knownMobile}, "dob-day": {knownDay}, "dob-month": {knownMonth}, "dob-year": {knownYear}})
	if err != nil {
		return ps, err
	}
	if p.path != "/signin/code" {
		return ps, fmt.Errorf("after contact and date of birth: at %s (status %d), want /signin/code", p.path, p.status)
	}
	code, err := b.awaitCode(lastID(before), 5*time.Second)
	if err != nil {
		return ps, err
	}
	p, err = b.submit("/signin/code", url.Values{"code": {code}})
	if err != nil {
		return ps, err
	}
	if p.path != "/appointments" || p.status != http.StatusOK || !strings.Contains(p.body, "Your appointments") {
		return ps, fmt.Errorf("after the security code: at %s (status %d), want /appointments with \"Your appointments\"", p.path, p.status)
	}
	u, _ := url.Parse(base)
	var cookies []string
	for _, c := range jar.Cookies(u) {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	ps.cookie = strings.Join(cookies, "; ")
	return ps, nil
}

// outboxEntry is one message from /dev/outbox.json.
type outboxEntry struct {
	ID      int64  `json:"id"`
	Channel string `json:"channel"`
	To      string `json:"to"`
	Purpose string `json:"purpose"`
	Body    string `json:"body"`
}

// outbox returns the demo outbox, newest last.
func (b *browser) outbox() ([]outboxEntry, error) {
	p, err := b.do(http.MethodGet, "/dev/outbox.json", nil)
	if err != nil {
		return nil, err
	}
	if p.status != http.StatusOK {
		return nil, fmt.Errorf("/dev/outbox.json: status %d", p.status)
	}
	var es []outboxEntry
	if err := json.Unmarshal([]byte(p.body), &es); err != nil {
		return nil, fmt.Errorf("/dev/outbox.json: %w", err)
	}
	return es, nil
}

func lastID(es []outboxEntry) int64 {
	if len(es) == 0 {
		return 0
	}
	return es[len(es)-1].ID
}

// awaitCode polls the outbox for a security code to the known mobile newer than afterID.
func (b *browser) awaitCode(afterID int64, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	for {
		es, err := b.outbox()
		if err != nil {
			return "", err
		}
		for i := len(es) - 1; i >= 0 && es[i].ID > afterID; i-- {
			if es[i].To != knownMobile {
				continue
			}
			if m := codeInMessage.FindStringSubmatch(es[i].Body); m != nil {
				return m[1], nil
			}
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("no security code reached %s in the outbox within %s", knownMobile, timeout)
		}
		select {
		case <-b.ctx.Done():
			return "", b.ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
