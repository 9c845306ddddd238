package pushtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/patienthub/patienthub/notify"
)

// Service is a push service: it checks each push's VAPID token (RFC 8292) as a real one does,
// decrypts it for the device subscribed at the path and records the payload.
type Service struct {
	vapidKey string
	srv      *httptest.Server

	mu           sync.Mutex
	devices      map[string]*Device // path → device
	answers      map[string]int     // path → status given before any check
	unsubscribed int
	messages     []notify.PushPayload
}

// NewService starts a push service that accepts pushes signed for the VAPID public key vapidKey
// (unpadded base64url); it stops when the test ends.
func NewService(t testing.TB, vapidKey string) *Service {
	t.Helper()
	s := &Service{vapidKey: vapidKey, devices: map[string]*Device{}, answers: map[string]int{},
		unsubscribed: http.StatusNotFound}
	s.srv = httptest.NewServer(s)
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the service's origin, which a VAPID token's aud must be.
func (s *Service) URL() string { return s.srv.URL }

// Subscribe makes pushes to path go to d and returns the endpoint URL for that path.
func (s *Service) Subscribe(path string, d *Device) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.devices[path] = d
	return s.srv.URL + path
}

// Answer makes every push to path get status before any check, as 410 for an expired subscription.
func (s *Service) Answer(path string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers[path] = status
}

// AnswerUnsubscribed sets the status for a valid push to a path with no device (404 unless set).
func (s *Service) AnswerUnsubscribed(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unsubscribed = status
}

// Messages returns a copy of the payloads delivered so far, in order.
func (s *Service) Messages() []notify.PushPayload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]notify.PushPayload(nil), s.messages...)
}

// ServeHTTP checks a push and delivers it: 201 Created with a Location, or the error a push service gives.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	answer, answered := s.answers[r.URL.Path]
	dev, subscribed := s.devices[r.URL.Path]
	unsubscribed := s.unsubscribed
	s.mu.Unlock()
	if answered {
		w.WriteHeader(answer)
		return
	}
	if status, msg := s.checkVapid(r.Header.Get("Authorization")); status != 0 {
		http.Error(w, msg, status)
		return
	}
	if r.Header.Get("Content-Encoding") != "aes128gcm" || r.Header.Get("TTL") == "" {
		http.Error(w, "Content-Encoding aes128gcm and TTL are required", http.StatusBadRequest)
		return
	}
	if !subscribed {
		w.WriteHeader(unsubscribed)
		return
	}
	body, _ := io.ReadAll(r.Body)
	plain, err := dev.Decrypt(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var payload notify.PushPayload
	if err := json.Unmarshal(plain, &payload); err != nil {
		http.Error(w, "payload is not JSON", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.messages = append(s.messages, payload)
	n := len(s.messages)
	s.mu.Unlock()
	w.Header().Set("Location", fmt.Sprintf("%s/messages/%d", s.srv.URL, n))
	w.WriteHeader(http.StatusCreated)
}

// checkVapid returns 0 for a vapid Authorization header with this service's key and a token it
// signed for this origin, expiring within a day, with a mailto: subject; else a status and why.
func (s *Service) checkVapid(header string) (int, string) {
	tokenText, key, ok := parseVapid(header)
	if !ok || key != s.vapidKey {
		return http.StatusUnauthorized, "missing or unknown VAPID key"
	}
	raw, _ := base64.RawURLEncoding.DecodeString(key)
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	if err != nil {
		return http.StatusUnauthorized, "bad k"
	}
	tok, err := jwt.Parse(tokenText, func(*jwt.Token) (any, error) { return pub, nil }, jwt.WithValidMethods([]string{"ES256"}),
		jwt.WithAudience(s.srv.URL), jwt.WithExpirationRequired())
	if err != nil {
		return http.StatusForbidden, "VAPID token: " + err.Error()
	}
	exp, _ := tok.Claims.GetExpirationTime()
	sub, _ := tok.Claims.GetSubject()
	if time.Until(exp.Time) > 24*time.Hour || !strings.HasPrefix(sub, "mailto:") || strings.HasPrefix(sub, "mailto:mailto:") {
		return http.StatusForbidden, fmt.Sprintf("VAPID claims: exp %v sub %q", exp, sub)
	}
	return 0, ""
}

// parseVapid reads the token (t) and public key (k) of a "vapid t=…, k=…" Authorization header.
func parseVapid(h string) (token, key string, ok bool) {
	rest, ok := strings.CutPrefix(h, "vapid ")
	if !ok {
		return "", "", false
	}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			token = v
		case "k":
			key = v
		}
	}
	return token, key, token != "" && key != ""
}
