package notify_test

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
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

// device is a browser's push subscription: its ECDH key pair and auth secret (RFC 8291).
type device struct {
	key  *ecdh.PrivateKey
	auth []byte
}

func newDevice(t *testing.T) device {
	t.Helper()
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	return device{key: key, auth: auth}
}

func (d device) p256dh() string {
	return base64.RawURLEncoding.EncodeToString(d.key.PublicKey().Bytes())
}
func (d device) authKey() string { return base64.RawURLEncoding.EncodeToString(d.auth) }

// decrypt reads an aes128gcm body (RFC 8188) encrypted for this device (RFC 8291), as the
// browser would, and returns the plaintext without its padding.
func (d device) decrypt(body []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("body shorter than the aes128gcm header")
	}
	salt, rs, idLen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if len(body) < 21+idLen || rs < 18 {
		return nil, errors.New("bad header")
	}
	asPublicBytes, ciphertext := body[21:21+idLen], body[21+idLen:]
	if len(ciphertext) > int(rs) {
		return nil, errors.New("more than one record")
	}
	asPublic, err := ecdh.P256().NewPublicKey(asPublicBytes)
	if err != nil {
		return nil, fmt.Errorf("the application server's key: %w", err)
	}
	shared, err := d.key.ECDH(asPublic)
	if err != nil {
		return nil, err
	}
	prkKey, _ := hkdf.Extract(sha256.New, shared, d.auth)
	keyInfo := "WebPush: info\x00" + string(d.key.PublicKey().Bytes()) + string(asPublicBytes)
	ikm, _ := hkdf.Expand(sha256.New, prkKey, keyInfo, 32)
	prk, _ := hkdf.Extract(sha256.New, ikm, salt)
	cek, _ := hkdf.Expand(sha256.New, prk, "Content-Encoding: aes128gcm\x00", 16)
	nonce, _ := hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00", 12)
	block, _ := aes.NewCipher(cek)
	gcm, _ := cipher.NewGCM(block)
	plain, err := gcm.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		return nil, fmt.Errorf("decrypting: %w", err)
	}
	plain = bytes.TrimRight(plain, "\x00")
	if len(plain) == 0 || plain[len(plain)-1] != 2 {
		return nil, errors.New("no last-record delimiter")
	}
	return plain[:len(plain)-1], nil
}

// pushService is a push service that checks the VAPID token (RFC 8292) and decrypts each push
// for the device subscribed at its endpoint.
type pushService struct {
	t         *testing.T
	mu        sync.Mutex
	devices   map[string]device // path → device
	gone      map[string]bool
	vapidKey  string
	delivered []notify.PushPayload
	srv       *httptest.Server
}

func (p *pushService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.gone[r.URL.Path] {
		w.WriteHeader(http.StatusGone)
		return
	}
	tokenText, key, ok := parseVapid(r.Header.Get("Authorization"))
	if !ok || key != p.vapidKey {
		http.Error(w, "missing or unknown VAPID key", http.StatusUnauthorized)
		return
	}
	raw, _ := base64.RawURLEncoding.DecodeString(key)
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	if err != nil {
		http.Error(w, "bad k", http.StatusUnauthorized)
		return
	}
	tok, err := jwt.Parse(tokenText, func(*jwt.Token) (any, error) { return pub, nil }, jwt.WithValidMethods([]string{"ES256"}),
		jwt.WithAudience(p.srv.URL), jwt.WithExpirationRequired())
	if err != nil {
		http.Error(w, "VAPID token: "+err.Error(), http.StatusForbidden)
		return
	}
	exp, _ := tok.Claims.GetExpirationTime()
	sub, _ := tok.Claims.GetSubject()
	if exp.Sub(time.Now()) > 24*time.Hour || !strings.HasPrefix(sub, "mailto:") || strings.HasPrefix(sub, "mailto:mailto:") {
		http.Error(w, fmt.Sprintf("VAPID claims: exp %v sub %q", exp, sub), http.StatusForbidden)
		return
	}
	if r.Header.Get("Content-Encoding") != "aes128gcm" || r.Header.Get("TTL") == "" {
		http.Error(w, "Content-Encoding aes128gcm and TTL are required", http.StatusBadRequest)
		return
	}
	dev, ok := p.devices[r.URL.Path]
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	body, _ := io.ReadAll(r.Body)
	plain, err := dev.decrypt(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var payload notify.PushPayload
	if err := json.Unmarshal(plain, &payload); err != nil {
		http.Error(w, "payload is not JSON", http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	p.delivered = append(p.delivered, payload)
	p.mu.Unlock()
	w.Header().Set("Location", p.srv.URL+"/messages/1")
	w.WriteHeader(http.StatusCreated)
}

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

func TestWebPushIsEncryptedForTheDeviceAndSigned(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		public, private, err := notify.VAPIDKeys(ctx, st, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if again, _, _ := notify.VAPIDKeys(ctx, st, "", ""); again != public {
			t.Fatal("VAPID keys were generated twice instead of kept")
		}
		ps := &pushService{t: t, devices: map[string]device{}, gone: map[string]bool{"/gone": true}, vapidKey: public}
		ps.srv = httptest.NewServer(ps)
		defer ps.srv.Close()
		dev := newDevice(t)
		ps.devices["/push/abc"] = dev
		p := store.Patient{HospitalNumber: "MRN1", GivenName: "A", FamilyName: "B", VerificationCode: "X", DateOfBirth: store.NewDate(1980, 1, 1)}
		if err := st.CreatePatient(ctx, &p); err != nil {
			t.Fatal(err)
		}
		for _, endpoint := range []string{ps.srv.URL + "/push/abc", ps.srv.URL + "/gone"} {
			sub := store.PushSubscription{PatientID: p.ID, Endpoint: endpoint, P256dh: dev.p256dh(), Auth: dev.authKey()}
			if err := st.SavePushSubscription(ctx, &sub); err != nil {
				t.Fatal(err)
			}
		}
		wp := &notify.WebPush{Store: st, PublicKey: public, PrivateKey: private, Subject: "mailto:patienthub@hub.example.nhs.uk"}
		msg := notify.Message{Channel: store.ChannelPush, To: ps.srv.URL + "/push/abc", Subject: "Patient Hub",
			Text: "You have an update in Patient Hub", URL: "https://hub.example/"}
		ref, err := wp.Send(ctx, msg)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps.delivered) != 1 || ps.delivered[0].Body != "You have an update in Patient Hub" || ps.delivered[0].URL != "https://hub.example/" || ref == "" {
			t.Fatalf("delivered %+v (ref %q)", ps.delivered, ref)
		}
		if sub, _ := st.PushSubscriptionByEndpoint(ctx, msg.To); !sub.LastSuccessAt.Valid {
			t.Error("last success not recorded")
		}
		msg.To = ps.srv.URL + "/gone"
		if _, err := wp.Send(ctx, msg); !errors.Is(err, notify.ErrPermanent) {
			t.Fatalf("410: %v, want permanent", err)
		}
		if _, err := st.PushSubscriptionByEndpoint(ctx, msg.To); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a subscription the push service forgot is kept: %v", err)
		}
		if _, err := wp.Send(ctx, msg); !errors.Is(err, notify.ErrPermanent) {
			t.Fatalf("a removed subscription: %v, want permanent", err)
		}
		other, _, _ := notify.NewVAPIDKeys()
		wrong := &notify.WebPush{Store: st, PublicKey: other, PrivateKey: private, Subject: "patienthub@hub.example.nhs.uk"}
		msg.To = ps.srv.URL + "/push/abc"
		if _, err := wrong.Send(ctx, msg); err == nil {
			t.Fatal("a push signed with keys the push service does not know was accepted")
		}
	})
}
