package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
)

const (
	callbackToken = "notify-callback-token-7f3a9c"
	twilioToken   = "twilio-auth-token-55e1"
)

// sentRow queues a text for p and records it as handed to provider under ref.
func (e *testEnv) sentRow(p store.Patient, key, provider, ref string) store.Notification {
	e.t.Helper()
	ctx := context.Background()
	now := e.clock.Now()
	n := store.Notification{Purpose: hub.PurposeNewMessage, Channel: store.ChannelSMS, Recipient: p.Mobile.String, Body: "hello",
		IdempotencyKey: key, CreatedAt: now, PatientID: store.NullID(p.ID)}
	if _, err := e.st.EnqueueNotification(ctx, &n); err != nil {
		e.t.Fatal(err)
	}
	claimed, err := e.st.ClaimNotifications(ctx, now, now.Add(time.Minute), 10)
	if err != nil || len(claimed) != 1 {
		e.t.Fatalf("claim: %v %v", claimed, err)
	}
	if ok, err := e.st.RecordSent(ctx, store.ClaimOf(claimed[0]), provider, ref, now); err != nil || !ok {
		e.t.Fatal(ok, err)
	}
	n, _ = e.st.Notification(ctx, n.ID)
	return n
}

func post(t *testing.T, url, contentType, body string, header map[string]string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestNotifyDeliveryReceipts(t *testing.T) {
	e := newEnv(t, func(c *hub.Config) { c.NotifyCallbackToken = callbackToken })
	p := e.addPatient("Amelia", "Clarke", "+447700900001", "", store.NewDate(1985, 3, 14), "Cardiology")
	n := e.sentRow(p, "message:1:new_message", notify.NotifyProviderName, "740e5834-3a29-46b4-9a6f-16142fde533a")
	receipt := `{"id": "740e5834-3a29-46b4-9a6f-16142fde533a", "reference": "message:1:new_message", "to": "+447700900001",
		"status": "delivered", "created_at": "2026-02-02T10:00:00.000000Z", "completed_at": "2026-02-02T10:02:11.000000Z",
		"sent_at": "2026-02-02T10:00:01.000000Z", "notification_type": "sms"}`
	target := e.srv.URL + "/callbacks/govuk-notify"
	for _, auth := range []string{"", "Bearer wrong-token", callbackToken} {
		if got := post(t, target, "application/json", receipt, map[string]string{"Authorization": auth}); got != http.StatusUnauthorized {
			t.Errorf("Authorization %q: %d, want 401", auth, got)
		}
	}
	if got, _ := e.st.Notification(context.Background(), n.ID); got.Status != store.NotifySent {
		t.Fatalf("changed without the token: %s", got.Status)
	}
	if got := post(t, target, "application/json", receipt, map[string]string{"Authorization": "Bearer " + callbackToken}); got != http.StatusNoContent {
		t.Fatalf("with the token: %d", got)
	}
	got, _ := e.st.Notification(context.Background(), n.ID)
	if got.Status != store.NotifyDelivered || !got.DeliveredAt.Time.Equal(time.Date(2026, 2, 2, 10, 2, 11, 0, time.UTC)) {
		t.Fatalf("after the receipt: %s %v", got.Status, got.DeliveredAt)
	}
	unknown := strings.Replace(receipt, "740e5834", "00000000", 1)
	if got := post(t, target, "application/json", unknown, map[string]string{"Authorization": "Bearer " + callbackToken}); got != http.StatusNotFound {
		t.Errorf("receipt for an unknown message: %d", got)
	}
	if got := post(t, target, "application/json", "{", map[string]string{"Authorization": "Bearer " + callbackToken}); got != http.StatusBadRequest {
		t.Errorf("broken JSON: %d", got)
	}
}

func TestNotifyCallbackIsOffWithoutAToken(t *testing.T) {
	e := newEnv(t)
	if got := post(t, e.srv.URL+"/callbacks/govuk-notify", "application/json", `{}`, map[string]string{"Authorization": "Bearer "}); got != http.StatusNotFound {
		t.Fatalf("no token configured: %d, want 404", got)
	}
	if got := post(t, e.srv.URL+"/callbacks/twilio", "application/x-www-form-urlencoded", "", nil); got != http.StatusNotFound {
		t.Fatalf("no Twilio configured: %d, want 404", got)
	}
}

func TestTwilioStatusCallbacks(t *testing.T) {
	e := newEnv(t, func(c *hub.Config) { c.TwilioAuthToken = twilioToken })
	p := e.addPatient("Amelia", "Clarke", "+447700900001", "", store.NewDate(1985, 3, 14), "Cardiology")
	delivered := e.sentRow(p, "message:1:new_message", notify.TwilioProviderName, "SM11111111111111111111111111111111")
	form := url.Values{"MessageSid": {"SM11111111111111111111111111111111"}, "MessageStatus": {"delivered"},
		"AccountSid": {"AC0123"}, "To": {"+447700900001"}}
	signed := notify.TwilioSignature(twilioToken, "http://localhost/callbacks/twilio", form)
	target := e.srv.URL + "/callbacks/twilio"
	for _, sig := range []string{"", "bm90IHRoZSBzaWduYXR1cmU=", notify.TwilioSignature("another-token", "http://localhost/callbacks/twilio", form)} {
		if got := post(t, target, "application/x-www-form-urlencoded", form.Encode(), map[string]string{"X-Twilio-Signature": sig}); got != http.StatusForbidden {
			t.Errorf("signature %q: %d, want 403", sig, got)
		}
	}
	if got := post(t, target, "application/x-www-form-urlencoded", form.Encode(), map[string]string{"X-Twilio-Signature": signed}); got != http.StatusNoContent {
		t.Fatalf("signed: %d", got)
	}
	if got, _ := e.st.Notification(context.Background(), delivered.ID); got.Status != store.NotifyDelivered {
		t.Fatalf("after the callback: %s", got.Status)
	}
	// An undeliverable text fails, visibly, and the message goes another way (here on paper).
	failed := e.sentRow(p, "message:2:new_message", notify.TwilioProviderName, "SM22222222222222222222222222222222")
	form = url.Values{"MessageSid": {"SM22222222222222222222222222222222"}, "MessageStatus": {"undelivered"}, "ErrorCode": {"30005"}}
	if got := post(t, target, "application/x-www-form-urlencoded", form.Encode(),
		map[string]string{"X-Twilio-Signature": notify.TwilioSignature(twilioToken, "http://localhost/callbacks/twilio", form)}); got != http.StatusNoContent {
		t.Fatalf("undelivered: %d", got)
	}
	got, _ := e.st.Notification(context.Background(), failed.ID)
	if got.Status != store.NotifyFailed || got.LastError != "sms undelivered (Twilio error 30005)" {
		t.Fatalf("after undelivered: %s %q", got.Status, got.LastError)
	}
	if fb, err := e.st.NotificationByKey(context.Background(), "message:2:new_message:after-sms"); err != nil || fb.Channel != store.ChannelPost {
		t.Fatalf("fallback: %+v %v", fb, err)
	}
}
