package hub

import (
	"context"
	"crypto/ecdh"
	"encoding/base64"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
)

// Reasons turning on notifications for a device is refused.
var (
	ErrPushOff          = &Refusal{"push_off", "Notifications on this device are not available here. We will keep sending texts or emails."}
	ErrPushSubscription = &Refusal{"push_subscription", "This device could not be set up for notifications. Try again, or use another browser."}
)

// PushKey returns the VAPID public key a browser subscribes with (its applicationServerKey):
// the configured key, or the one generated once and kept in the database.
func (s *Service) PushKey(ctx context.Context) (string, error) {
	if s.Cfg.PushProvider != "webpush" {
		return "", ErrPushOff
	}
	public, _, err := notify.VAPIDKeys(ctx, s.Store, s.Cfg.VAPIDPublicKey, s.Cfg.VAPIDPrivateKey)
	return public, err
}

// SubscribePush records that a signed-in patient turned on notifications for a device: from now
// on each message to them also goes to that device, saying only that there is an update.
func (s *Service) SubscribePush(ctx context.Context, patientID int64, endpoint, p256dh, auth string, by Actor) error {
	if s.Cfg.PushProvider != "webpush" {
		return ErrPushOff
	}
	if !validPushSubscription(endpoint, p256dh, auth) {
		return ErrPushSubscription
	}
	now := s.now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		sub := store.PushSubscription{PatientID: patientID, Endpoint: endpoint, P256dh: p256dh, Auth: auth, CreatedAt: now}
		if err := tx.SavePushSubscription(ctx, &sub); err != nil {
			return err
		}
		e := by.event("push.subscribe", patientID, "push_subscription", pushService(endpoint))
		e.At = now
		return tx.AddAudit(ctx, e)
	})
}

// UnsubscribePush forgets one of the patient's devices (they turned notifications off).
func (s *Service) UnsubscribePush(ctx context.Context, patientID int64, endpoint string, by Actor) error {
	now := s.now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DeletePatientPushSubscription(ctx, patientID, endpoint); err != nil {
			return err
		}
		e := by.event("push.unsubscribe", patientID, "push_subscription", pushService(endpoint))
		e.At = now
		return tx.AddAudit(ctx, e)
	})
}

// validPushSubscription checks a subscription as a browser makes it: an https endpoint (http only
// on this machine, for tests), a P-256 public key and a 16-byte auth secret, in base64url.
func validPushSubscription(endpoint, p256dh, auth string) bool {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || len(endpoint) > 2048 {
		return false
	}
	if u.Scheme != "https" && (u.Scheme != "http" || !loopback(u.Hostname())) {
		return false
	}
	key, err := decodeBase64URL(p256dh)
	if err != nil {
		return false
	}
	if _, err := ecdh.P256().NewPublicKey(key); err != nil {
		return false
	}
	secret, err := decodeBase64URL(auth)
	return err == nil && len(secret) == 16
}

func loopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

func decodeBase64URL(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// pushService names the push service of an endpoint for the audit trail, never the endpoint itself.
func pushService(endpoint string) string {
	if u, err := url.Parse(endpoint); err == nil {
		return u.Hostname()
	}
	return ""
}

// pushPath is the page of the hub a click on a push opens: the letter or appointment it is about,
// the messages, or else the appointments. It names a page, never anything clinical.
func pushPath(n store.Notification) string {
	switch {
	case n.Purpose == PurposeNewMessage:
		return "/messages"
	case n.LetterID.Valid:
		return "/letters/" + strconv.FormatInt(n.LetterID.Int64, 10)
	case n.AppointmentID.Valid:
		return "/appointments/" + strconv.FormatInt(n.AppointmentID.Int64, 10)
	}
	return "/appointments"
}
