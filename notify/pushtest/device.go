// Package pushtest is a browser's push subscription and a push service for tests of Web Push.
package pushtest

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
)

// Device is a browser's side of a push subscription (RFC 8291): its ECDH key pair and auth secret.
type Device struct {
	key  *ecdh.PrivateKey
	auth []byte
}

// NewDevice makes a device with a fresh P-256 key pair and a random 16-byte auth secret.
func NewDevice(t testing.TB) *Device {
	t.Helper()
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	if _, err := rand.Read(auth); err != nil {
		t.Fatal(err)
	}
	return &Device{key: key, auth: auth}
}

// P256dh is the device's public key, unpadded base64url, as a subscription's keys.p256dh.
func (d *Device) P256dh() string {
	return base64.RawURLEncoding.EncodeToString(d.key.PublicKey().Bytes())
}

// Auth is the device's auth secret, unpadded base64url, as a subscription's keys.auth.
func (d *Device) Auth() string { return base64.RawURLEncoding.EncodeToString(d.auth) }

// SubscriptionJSON is the JSON a browser's PushSubscription.toJSON() gives for this device at endpoint.
func (d *Device) SubscriptionJSON(endpoint string) string {
	b, _ := json.Marshal(map[string]any{"endpoint": endpoint, "expirationTime": nil,
		"keys": map[string]string{"p256dh": d.P256dh(), "auth": d.Auth()}})
	return string(b)
}

// Decrypt reads a single-record aes128gcm body (RFC 8188) encrypted for this device (RFC 8291),
// as the browser would, and returns the plaintext without its padding.
func (d *Device) Decrypt(body []byte) ([]byte, error) {
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
	prkKey, err := hkdf.Extract(sha256.New, shared, d.auth)
	if err != nil {
		return nil, err
	}
	keyInfo := "WebPush: info\x00" + string(d.key.PublicKey().Bytes()) + string(asPublicBytes)
	ikm, err := hkdf.Expand(sha256.New, prkKey, keyInfo, 32)
	if err != nil {
		return nil, err
	}
	prk, err := hkdf.Extract(sha256.New, ikm, salt)
	if err != nil {
		return nil, err
	}
	cek, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
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
