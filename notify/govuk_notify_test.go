package notify_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

const (
	notifyService = "26785a09-ab16-4eb0-8407-a37497a57506"
	notifySecret  = "3d844edf-8d35-48ac-975b-e847b4f122b0"
	notifyKey     = "patient-hub-live-" + notifyService + "-" + notifySecret
)

// fakeNotify checks each request as GOV.UK Notify does: a bearer JWT signed HS256 with the key's
// secret, iss the service id, iat within 30 seconds; then the JSON body of each endpoint.
type fakeNotify struct {
	t        *testing.T
	mu       sync.Mutex
	bodies   []map[string]any
	statuses map[string]string // id → status for GET
	answer   int               // 0 for 201
}

func (f *fakeNotify) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	tok, err := jwt.Parse(auth, func(tok *jwt.Token) (any, error) { return []byte(notifySecret), nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer(notifyService), jwt.WithIssuedAt())
	if !ok || err != nil {
		writeNotifyError(w, 403, "AuthError", fmt.Sprintf("Invalid token: %v", err))
		return
	}
	iat, _ := tok.Claims.GetIssuedAt()
	if iat == nil || time.Since(iat.Time).Abs() > 30*time.Second {
		writeNotifyError(w, 403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds")
		return
	}
	if r.Method == http.MethodGet {
		id := strings.TrimPrefix(r.URL.Path, "/v2/notifications/")
		st, ok := f.statuses[id]
		if !ok {
			writeNotifyError(w, 404, "NoResultFound", "No result found")
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"id": id, "type": "letter", "status": st, "completed_at": "2026-02-04T10:00:00.000000Z"})
		return
	}
	if r.Header.Get("Content-Type") != "application/json" {
		writeNotifyError(w, 400, "BadRequestError", "Content-Type must be application/json")
		return
	}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeNotifyError(w, 400, "BadRequestError", "Invalid JSON")
		return
	}
	need := map[string][]string{
		"/v2/notifications/sms":    {"phone_number", "template_id"},
		"/v2/notifications/email":  {"email_address", "template_id"},
		"/v2/notifications/letter": {"reference", "content"},
	}[r.URL.Path]
	if need == nil {
		writeNotifyError(w, 404, "NotFound", "no such endpoint")
		return
	}
	for _, k := range need {
		if s, _ := body[k].(string); s == "" {
			writeNotifyError(w, 400, "ValidationError", k+" is a required property")
			return
		}
	}
	if ph, ok := body["phone_number"].(string); ok && !strings.HasPrefix(ph, "+447") {
		writeNotifyError(w, 400, "ValidationError", "phone_number Not a UK mobile number")
		return
	}
	if f.answer != 0 {
		writeNotifyError(w, f.answer, "RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds")
		return
	}
	f.mu.Lock()
	f.bodies = append(f.bodies, body)
	id := fmt.Sprintf("740e5834-3a29-46b4-9a6f-16142fde%04d", len(f.bodies))
	f.mu.Unlock()
	w.WriteHeader(201)
	json.NewEncoder(w).Encode(map[string]any{"id": id, "reference": body["reference"]})
}

func writeNotifyError(w http.ResponseWriter, status int, kind, msg string) {
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"status_code": status, "errors": []map[string]string{{"error": kind, "message": msg}}})
}

func newFakeNotify(t *testing.T) (*fakeNotify, *notify.GovNotify) {
	t.Helper()
	f := &fakeNotify{t: t, statuses: map[string]string{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	g, err := notify.NewGovNotify(notifyKey, srv.URL, "sms-template", "email-template")
	if err != nil {
		t.Fatal(err)
	}
	return f, g
}

func TestParseNotifyKey(t *testing.T) {
	service, secret, err := notify.ParseNotifyKey(notifyKey)
	if err != nil || service != notifyService || secret != notifySecret {
		t.Fatalf("%q %q %v", service, secret, err)
	}
	for _, bad := range []string{"", "short-key", notifyService + notifySecret, "name-" + notifyService + "-" + notifySecret[:30]} {
		if _, _, err := notify.ParseNotifyKey(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestGovNotifyTextsEmailsAndLetters(t *testing.T) {
	f, g := newFakeNotify(t)
	ctx := context.Background()
	id, err := g.SMS().Send(ctx, notify.Message{Channel: store.ChannelSMS, To: "+447700900001", Text: "Hello", Ref: "letter:5:invite"})
	if err != nil || id == "" {
		t.Fatalf("sms: %q %v", id, err)
	}
	if _, err := g.Email().Send(ctx, notify.Message{Channel: store.ChannelEmail, To: "a@example.com", Subject: "Subject", Text: "Body", Ref: "k2"}); err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.4 letter")
	if _, err := g.Letters().Send(ctx, notify.Message{Channel: store.ChannelPost, Ref: "letter:5:postal_copy",
		Document: func() ([]byte, error) { return pdf, nil }}); err != nil {
		t.Fatal(err)
	}
	sms, email, letter := f.bodies[0], f.bodies[1], f.bodies[2]
	pers := sms["personalisation"].(map[string]any)
	if sms["template_id"] != "sms-template" || pers["body"] != "Hello" || sms["reference"] != "letter:5:invite" {
		t.Errorf("sms body: %v", sms)
	}
	if email["email_address"] != "a@example.com" || email["personalisation"].(map[string]any)["subject"] != "Subject" {
		t.Errorf("email body: %v", email)
	}
	content, _ := base64.StdEncoding.DecodeString(letter["content"].(string))
	if !bytes.Equal(content, pdf) || letter["postage"] != "second" || letter["reference"] != "letter:5:postal_copy" {
		t.Errorf("letter body: %v", letter)
	}

	if _, err := g.SMS().Send(ctx, notify.Message{To: "+15551234567", Text: "x"}); !errors.Is(err, notify.ErrPermanent) {
		t.Errorf("not a UK mobile: %v, want permanent", err)
	}
	f.answer = 429
	if _, err := g.SMS().Send(ctx, notify.Message{To: "+447700900001", Text: "x"}); err == nil || errors.Is(err, notify.ErrPermanent) {
		t.Errorf("rate limited: %v, want a failure worth retrying", err)
	}
	f.answer = 0
	wrong, _ := notify.NewGovNotify("patient-hub-"+notifyService+"-00000000-0000-0000-0000-000000000000", g.BaseURL, "t", "t")
	if _, err := wrong.SMS().Send(ctx, notify.Message{To: "+447700900001", Text: "x"}); err == nil || errors.Is(err, notify.ErrPermanent) {
		t.Errorf("a wrong key: %v, want a failure worth retrying (it is fixed in configuration)", err)
	}
	skewed, _ := notify.NewGovNotify(notifyKey, g.BaseURL, "t", "t")
	skewed.Now = func() time.Time { return time.Now().Add(-time.Minute) }
	if _, err := skewed.SMS().Send(ctx, notify.Message{To: "+447700900001", Text: "x"}); err == nil || !strings.Contains(err.Error(), "30 seconds") {
		t.Errorf("a clock a minute slow: %v", err)
	}
}

func TestNotifyLetterPoller(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		f, g := newFakeNotify(t)
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		for i, status := range []string{"received", "accepted", "validation-failed", "technical-failure"} {
			ref := fmt.Sprintf("ref-%d", i)
			n := store.Notification{Purpose: "postal_copy", Channel: store.ChannelPost, IdempotencyKey: ref, CreatedAt: now}
			st.EnqueueNotification(ctx, &n)
			claimed, _ := st.ClaimNotifications(ctx, now, now.Add(time.Minute), 1)
			st.RecordSent(ctx, store.ClaimOf(claimed[0]), notify.NotifyProviderName, ref, now)
			f.statuses[ref] = status
		}
		var reports []notify.DeliveryReport
		p := &notify.NotifyLetterPoller{Client: g, Store: st, Page: 3, Log: quietLog(),
			Record: func(ctx context.Context, r notify.DeliveryReport) error { reports = append(reports, r); return nil }}
		for range 2 { // two pages: 3 letters, then 1
			if _, err := p.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		}
		got := map[string]notify.Outcome{}
		for _, r := range reports {
			got[r.Ref] = r.Outcome
		}
		want := map[string]notify.Outcome{"ref-0": notify.OutcomeDelivered, "ref-2": notify.OutcomeUndelivered, "ref-3": notify.OutcomeResend}
		if len(got) != len(want) || got["ref-0"] != want["ref-0"] || got["ref-2"] != want["ref-2"] || got["ref-3"] != want["ref-3"] {
			t.Fatalf("reports %v, want %v", got, want)
		}
	})
}
