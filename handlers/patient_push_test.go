package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/notify/pushtest"
	"github.com/patienthub/patienthub/store"
)

// pushDevice is a browser's side of a push subscription (RFC 8291): its key pair and auth secret.
type pushDevice struct{ *pushtest.Device }

func newPushDevice(t *testing.T) pushDevice { return pushDevice{pushtest.NewDevice(t)} }

// subscription is the JSON a browser's PushSubscription.toJSON() gives for this device.
func (d pushDevice) subscription(endpoint string) string { return d.SubscriptionJSON(endpoint) }

// withWebPush gives the hub a web push provider, as serve does when PATIENTHUB_PUSH_PROVIDER is webpush.
func withWebPush(c *hub.Config) { c.PushProvider = "webpush" }

// pushEnv is a hub that sends web pushes to a push service which answers 410 Gone for a path
// with no device.
func pushEnv(t *testing.T) (*testEnv, *pushtest.Service) {
	t.Helper()
	e := newEnv(t, withWebPush)
	ctx := context.Background()
	public, private, err := notify.VAPIDKeys(ctx, e.st, "", "")
	if err != nil {
		t.Fatal(err)
	}
	ps := pushtest.NewService(t, public)
	ps.AnswerUnsubscribed(http.StatusGone)
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
	endpoint := ps.URL() + "/push/amelia-phone"

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
	endpoint := ps.URL() + "/push/amelia-phone"
	ps.Subscribe("/push/amelia-phone", dev.Device)
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
	got := ps.Messages()
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
