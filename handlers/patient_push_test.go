package handlers_test

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
)

// pushDevice is a browser's side of a push subscription (RFC 8291): its key pair and auth secret.
type pushDevice struct {
	key  *ecdh.PrivateKey
	auth []byte
}

func newPushDevice(t *testing.T) pushDevice {
	t.Helper()
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	return pushDevice{key: key, auth: auth}
}

// subscription is the JSON a browser's PushSubscription.toJSON() gives for this device.
func (d pushDevice) subscription(endpoint string) string {
	b, _ := json.Marshal(map[string]any{"endpoint": endpoint, "expirationTime": nil, "keys": map[string]string{
		"p256dh": base64.RawURLEncoding.EncodeToString(d.key.PublicKey().Bytes()),
		"auth":   base64.RawURLEncoding.EncodeToString(d.auth)}})
	return string(b)
}

// decrypt reads an aes128gcm push body as the device would.
func (d pushDevice) decrypt(body []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("shorter than the header")
	}
	salt, idLen := body[:16], int(body[20])
	if binary.BigEndian.Uint32(body[16:20]) < 18 || len(body) < 21+idLen {
		return nil, errors.New("bad header")
	}
	serverKey, ciphertext := body[21:21+idLen], body[21+idLen:]
	pub, err := ecdh.P256().NewPublicKey(serverKey)
	if err != nil {
		return nil, err
	}
	shared, err := d.key.ECDH(pub)
	if err != nil {
		return nil, err
	}
	prkKey, _ := hkdf.Extract(sha256.New, shared, d.auth)
	ikm, _ := hkdf.Expand(sha256.New, prkKey, "WebPush: info\x00"+string(d.key.PublicKey().Bytes())+string(serverKey), 32)
	prk, _ := hkdf.Extract(sha256.New, ikm, salt)
	cek, _ := hkdf.Expand(sha256.New, prk, "Content-Encoding: aes128gcm\x00", 16)
	nonce, _ := hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00", 12)
	block, _ := aes.NewCipher(cek)
	gcm, _ := cipher.NewGCM(block)
	plain, err := gcm.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		return nil, err
	}
	plain = bytes.TrimRight(plain, "\x00")
	if len(plain) == 0 || plain[len(plain)-1] != 2 {
		return nil, errors.New("no last-record delimiter")
	}
	return plain[:len(plain)-1], nil
}

// fakePushService is a push service: it checks the VAPID signature and decrypts each push for
// the device subscribed at the path.
type fakePushService struct {
	t        *testing.T
	srv      *httptest.Server
	vapidKey string
	devices  map[string]pushDevice
	mu       sync.Mutex
	received []notify.PushPayload
}

func newFakePushService(t *testing.T, vapidKey string) *fakePushService {
	ps := &fakePushService{t: t, vapidKey: vapidKey, devices: map[string]pushDevice{}}
	ps.srv = httptest.NewServer(ps)
	t.Cleanup(ps.srv.Close)
	return ps
}

func (ps *fakePushService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var token, key string
	for _, part := range strings.Split(strings.TrimPrefix(r.Header.Get("Authorization"), "vapid "), ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			token = v
		case "k":
			key = v
		}
	}
	raw, _ := base64.RawURLEncoding.DecodeString(key)
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	if key != ps.vapidKey || err != nil {
		http.Error(w, "unknown VAPID key", http.StatusUnauthorized)
		return
	}
	if _, err := jwt.Parse(token, func(*jwt.Token) (any, error) { return pub, nil }, jwt.WithValidMethods([]string{"ES256"}),
		jwt.WithAudience(ps.srv.URL)); err != nil {
		http.Error(w, "VAPID: "+err.Error(), http.StatusForbidden)
		return
	}
	dev, ok := ps.devices[r.URL.Path]
	if !ok {
		w.WriteHeader(http.StatusGone)
		return
	}
	body, _ := io.ReadAll(r.Body)
	plain, err := dev.decrypt(body)
	var payload notify.PushPayload
	if err == nil {
		err = json.Unmarshal(plain, &payload)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ps.mu.Lock()
	ps.received = append(ps.received, payload)
	ps.mu.Unlock()
	w.WriteHeader(http.StatusCreated)
}

// withWebPush gives the hub a web push provider, as serve does when PATIENTHUB_PUSH_PROVIDER is webpush.
func withWebPush(c *hub.Config) { c.PushProvider = "webpush" }

func pushEnv(t *testing.T) (*testEnv, *fakePushService) {
	t.Helper()
	e := newEnv(t, withWebPush)
	ctx := context.Background()
	public, private, err := notify.VAPIDKeys(ctx, e.st, "", "")
	if err != nil {
		t.Fatal(err)
	}
	ps := newFakePushService(t, public)
	outbox := &notify.Outbox{Store: e.st}
	e.svc.Router = notify.NewRouter(outbox, outbox, &notify.WebPush{Store: e.st, PublicKey: public, PrivateKey: private,
		Subject: "patienthub@hub.example.nhs.uk", Now: e.clock.Now}, outbox)
	return e, ps
}

// postJSON posts body as the preferences page's script does, with the CSRF token in a header.
func (b *browser) postJSON(path, csrf, body string) pageResult {
	b.e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	return b.do(req)
}

func TestPushSubscriptionStoredAndRemoved(t *testing.T) {
	e, ps := pushEnv(t)
	ctx := context.Background()
	p, _ := browserAmelia(e)
	b := e.browser()
	b.signInAs(p)
	prefs := b.get("/preferences")
	key, _ := e.svc.PushKey(ctx)
	mustContain(t, prefs, "Get notifications on this device", `data-app-push-key="`+key+`"`)
	csrf := b.csrfOf(prefs)
	dev := newPushDevice(t)
	endpoint := ps.srv.URL + "/push/amelia-phone"

	if r := b.postJSON("/preferences/push", "", dev.subscription(endpoint)); r.status != http.StatusForbidden {
		t.Fatalf("without the CSRF token: %d", r.status)
	}
	if r := b.postJSON("/preferences/push", csrf, `{"endpoint": "`+endpoint+`", "keys": {"p256dh": "nope", "auth": "x"}}`); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, "could not be set up") {
		t.Fatalf("a subscription with bad keys: %d %s", r.status, r.body)
	}
	if r := b.postJSON("/preferences/push", csrf, `not json`); r.status != http.StatusBadRequest {
		t.Fatalf("a body that is not a subscription: %d", r.status)
	}
	if subs, _ := e.st.PushSubscriptionsForPatient(ctx, p.ID); len(subs) != 0 {
		t.Fatalf("refused subscriptions were stored: %+v", subs)
	}

	r := b.postJSON("/preferences/push", csrf, dev.subscription(endpoint))
	if r.status != http.StatusOK || !strings.Contains(r.body, "Notifications are on for this device.") {
		t.Fatalf("subscribing: %d %s", r.status, r.body)
	}
	subs, err := e.st.PushSubscriptionsForPatient(ctx, p.ID)
	if err != nil || len(subs) != 1 || subs[0].Endpoint != endpoint {
		t.Fatalf("stored subscriptions: %+v %v", subs, err)
	}
	if got := e.audits("push.subscribe"); len(got) != 1 || got[0].Detail != "127.0.0.1" {
		t.Errorf("audit of the subscription: %+v", got)
	}

	r = b.postJSON("/preferences/push/delete", csrf, `{"endpoint": "`+endpoint+`"}`)
	if r.status != http.StatusOK || !strings.Contains(r.body, "Notifications are off for this device.") {
		t.Fatalf("unsubscribing: %d %s", r.status, r.body)
	}
	if subs, _ := e.st.PushSubscriptionsForPatient(ctx, p.ID); len(subs) != 0 {
		t.Fatalf("the subscription is still stored: %+v", subs)
	}
	if got := e.audits("push.unsubscribe"); len(got) != 1 {
		t.Errorf("audit of turning it off: %+v", got)
	}

	// Signed out, neither endpoint does anything.
	other := e.browser()
	if r := other.postJSON("/preferences/push", csrf, dev.subscription(endpoint)); r.url != "/signin" && r.status != http.StatusForbidden {
		t.Fatalf("subscribing while signed out: %d at %s", r.status, r.url)
	}
}

// TestPushFromAChangeIsNotClinical follows one appointment change from the patient's subscribed
// device, through the queue and the dispatcher, to what the device decrypts.
func TestPushFromAChangeIsNotClinical(t *testing.T) {
	e, ps := pushEnv(t)
	ctx := context.Background()
	p, a := browserAmelia(e)
	b := e.browser()
	b.signInAs(p)
	csrf := b.csrfOf(b.get("/preferences"))
	dev := newPushDevice(t)
	endpoint := ps.srv.URL + "/push/amelia-phone"
	ps.devices["/push/amelia-phone"] = dev
	if r := b.postJSON("/preferences/push", csrf, dev.subscription(endpoint)); r.status != http.StatusOK {
		t.Fatalf("subscribing: %d %s", r.status, r.body)
	}

	err := e.st.InTx(ctx, func(tx *store.Tx) error {
		return e.svc.QueueAppointmentChanged(ctx, tx, p, a, hub.PurposeCancelledByHospital)
	})
	if err != nil {
		t.Fatal(err)
	}
	d := &notify.Dispatcher{Store: e.st, Router: e.svc.Router, Policy: e.svc.DispatchPolicy(), Now: e.clock.Now}
	if _, err := d.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	ps.mu.Lock()
	got := append([]notify.PushPayload(nil), ps.received...)
	ps.mu.Unlock()
	want := notify.PushPayload{Title: "Patient Hub", Body: "You have an update in Patient Hub",
		URL: fmt.Sprintf("%s/appointments/%d", e.svc.Cfg.PublicURL, a.ID)}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("the device decrypted %+v, want %+v", got, want)
	}
	all, _ := json.Marshal(got[0])
	for _, clinical := range []string{"Cardiology", "cancel", "St James", "Amelia"} {
		if strings.Contains(strings.ToLower(string(all)), strings.ToLower(clinical)) {
			t.Errorf("the push says %q: %s", clinical, all)
		}
	}
	ns, _ := e.st.NotificationsForPatient(ctx, p.ID)
	channels := map[store.Channel]string{}
	for _, n := range ns {
		channels[n.Channel] = n.Status
	}
	if channels[store.ChannelPush] != store.NotifySent || channels[store.ChannelSMS] != store.NotifySent {
		t.Errorf("notifications after dispatch: %v", channels)
	}
}
