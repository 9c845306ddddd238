package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"

	"github.com/patienthub/patienthub/store"
)

// WebPushProviderName is the provider name web pushes are recorded under.
const WebPushProviderName = "webpush"

// WebPush sends Web Push notifications signed with the hub's VAPID keys. The message's To is the
// subscription's endpoint; the device's keys come from the store.
type WebPush struct {
	Store      *store.Store
	PublicKey  string
	PrivateKey string
	Subject    string // a contact email address (or https URL) the push services can reach
	TTL        time.Duration
	HTTP       *http.Client
	Now        func() time.Time
}

// PushPayload is what the service worker receives: never anything clinical.
type PushPayload struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	URL   string `json:"url,omitempty"`
}

// Name is "webpush".
func (w *WebPush) Name() string { return WebPushProviderName }

// Send encrypts the payload for the device and posts it to the push service. A push service that
// no longer knows the subscription (404 or 410) makes the hub forget it.
func (w *WebPush) Send(ctx context.Context, m Message) (string, error) {
	sub, err := w.Store.PushSubscriptionByEndpoint(ctx, m.To)
	if errors.Is(err, store.ErrNotFound) {
		return "", Permanent(fmt.Errorf("webpush: the device has unsubscribed"))
	}
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(PushPayload{Title: m.Subject, Body: m.Text, URL: m.URL})
	if err != nil {
		return "", err
	}
	ttl := w.TTL
	if ttl == 0 {
		ttl = 24 * time.Hour
	}
	client := w.HTTP
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := webpush.SendNotificationWithContext(ctx, payload, &webpush.Subscription{Endpoint: sub.Endpoint,
		Keys: webpush.Keys{P256dh: sub.P256dh, Auth: sub.Auth}}, &webpush.Options{HTTPClient: client,
		Subscriber: strings.TrimPrefix(w.Subject, "mailto:"), VAPIDPublicKey: w.PublicKey, VAPIDPrivateKey: w.PrivateKey,
		TTL: int(ttl / time.Second), Urgency: webpush.UrgencyNormal})
	if err != nil {
		if ctx.Err() == nil && strings.Contains(err.Error(), "not a valid point") {
			return "", Permanent(fmt.Errorf("webpush: %w", err))
		}
		return "", fmt.Errorf("webpush: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		now := time.Now
		if w.Now != nil {
			now = w.Now
		}
		if err := w.Store.TouchPushSubscription(ctx, sub.Endpoint, now()); err != nil {
			return "", err
		}
		return resp.Header.Get("Location"), nil
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		if err := w.Store.DeletePushSubscription(ctx, sub.Endpoint); err != nil {
			return "", err
		}
		return "", Permanent(fmt.Errorf("webpush: %s: the subscription has expired and was removed", resp.Status))
	case resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusRequestEntityTooLarge:
		return "", Permanent(fmt.Errorf("webpush: %s: %s", resp.Status, strings.TrimSpace(string(body))))
	}
	return "", fmt.Errorf("webpush: %s: %s", resp.Status, strings.TrimSpace(string(body)))
}

// vapidSetting is where generated VAPID keys are kept.
const vapidSetting = "vapid_keys"

// VAPIDKeys returns the configured key pair, or when none is configured the pair generated once
// and kept in the settings table (two servers starting together end up with the same pair).
func VAPIDKeys(ctx context.Context, st *store.Store, public, private string) (string, string, error) {
	if public != "" && private != "" {
		return public, private, nil
	}
	priv, pub, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		return "", "", fmt.Errorf("webpush: generating VAPID keys: %w", err)
	}
	fresh, _ := json.Marshal([2]string{pub, priv})
	stored, err := st.SettingOnce(ctx, vapidSetting, string(fresh))
	if err != nil {
		return "", "", err
	}
	var pair [2]string
	if err := json.Unmarshal([]byte(stored), &pair); err != nil {
		return "", "", fmt.Errorf("webpush: stored VAPID keys: %w", err)
	}
	return pair[0], pair[1], nil
}

// NewVAPIDKeys generates a fresh key pair for configuration (patienthub vapid-keys).
func NewVAPIDKeys() (public, private string, err error) {
	private, public, err = webpush.GenerateVAPIDKeys()
	return public, private, err
}
