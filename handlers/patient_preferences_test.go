package handlers_test

import (
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/patienthub/patienthub/store"
)

func TestChooseTextOrEmail(t *testing.T) {
	e, b, p, _ := newAmelia(t)
	page := b.get("/preferences")
	mustContain(t, page, "Your preferences", "How should we contact you?", "Text message", "To 07700 900001", "Email",
		"To amelia.clarke@example.com", `value="sms" checked`, "These details come from your hospital record", "Opt out of Patient Hub")
	mustLack(t, page, "Change") // nothing the hospital owns can be changed here
	csrf := b.csrfOf(page)

	r := b.post("/preferences", url.Values{"_csrf": {csrf}, "channel": {"email"}})
	if r.url != "/preferences" {
		t.Fatalf("after saving: at %s", r.url)
	}
	mustContain(t, r, "We will send your notifications by email.", `value="email" checked`)
	if got, _ := e.st.Patient(t.Context(), p.ID); got.PreferredChannel != store.ChannelEmail {
		t.Fatalf("channel %s", got.PreferredChannel)
	}

	r = b.post("/preferences", url.Values{"_csrf": {csrf}, "channel": {"pigeon"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("an unknown channel: %d", r.status)
	}
	mustContain(t, r, "There is a problem", "Select text message or email", `href="#channel"`)
	if n := len(e.audits("preferences.channel")); n != 1 {
		t.Errorf("%d preferences.channel audit events", n)
	}
}

func TestOnlyChannelsOnTheRecordCanBeChosen(t *testing.T) {
	e := newEnv(t)
	tom := e.addPatient("Tom", "Baker", "", "tom.baker@example.com", store.NewDate(1950, 11, 23), "Eye clinic")
	b := e.browser()
	b.signInAs(tom)
	page := b.get("/preferences")
	mustContain(t, page, "We send your notifications by email to tom.baker@example.com", "Not on your record")
	mustLack(t, page, "How should we contact you?")
	r := b.post("/preferences", url.Values{"_csrf": {b.csrfOf(page)}, "channel": {"sms"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("text message with no mobile: %d", r.status)
	}
	if got, _ := e.st.Patient(t.Context(), tom.ID); got.PreferredChannel != store.ChannelSMS || got.Mobile.Valid {
		t.Fatalf("patient %+v", got)
	}
}

func TestOptOutAndBackIn(t *testing.T) {
	e, b, p, _ := newAmelia(t)
	for i, ch := range []store.Channel{store.ChannelSMS, store.ChannelEmail, store.ChannelPush, store.ChannelPost} {
		n := store.Notification{PatientID: sql.NullInt64{Int64: p.ID, Valid: true}, Purpose: "reminder_1", Channel: ch,
			IdempotencyKey: "test:" + string(ch) + string(rune('0'+i)), CreatedAt: e.clock.Now()}
		if _, err := e.st.EnqueueNotification(t.Context(), &n); err != nil {
			t.Fatal(err)
		}
	}
	confirm := b.get("/preferences/opt-out")
	mustContain(t, confirm, "Are you sure you want to opt out of Patient Hub?", "we will send your appointment letters by post",
		"we will not send you appointment reminders", "Yes, opt me out", "No, keep using Patient Hub")
	csrf := b.csrfOf(confirm)
	if got, _ := e.st.Patient(t.Context(), p.ID); got.OptedOut() {
		t.Fatal("the confirmation page opted the patient out")
	}

	r := b.post("/preferences/opt-out", url.Values{"_csrf": {csrf}})
	if r.url != "/preferences" {
		t.Fatalf("after opting out: at %s", r.url)
	}
	mustContain(t, r, "You have opted out of Patient Hub. We will send your letters by post", "You opted out of Patient Hub on",
		"Opt back in to Patient Hub")
	mustLack(t, r, "How should we contact you?")
	got, _ := e.st.Patient(t.Context(), p.ID)
	if !got.OptedOut() {
		t.Fatal("not opted out")
	}
	ns, _ := e.st.NotificationsForPatient(t.Context(), p.ID)
	for _, n := range ns {
		if !strings.HasPrefix(n.IdempotencyKey, "test:") {
			continue // the security code sent at sign-in
		}
		want := store.NotifyCancelled
		if n.Channel == store.ChannelPost {
			want = store.NotifyPending
		}
		if n.Status != want {
			t.Errorf("%s notification is %s after opting out, want %s", n.Channel, n.Status, want)
		}
	}

	// Twice: a clear message, nothing changes.
	r = b.post("/preferences/opt-out", url.Values{"_csrf": {csrf}})
	mustContain(t, r, "You have already opted out of Patient Hub")
	if r := b.get("/preferences/opt-out"); r.url != "/preferences" {
		t.Fatalf("the opt-out page when opted out: at %s", r.url)
	}
	r = b.post("/preferences", url.Values{"_csrf": {csrf}, "channel": {"email"}})
	mustContain(t, r, "Opt back in first")

	r = b.post("/preferences/opt-in", url.Values{"_csrf": {csrf}})
	mustContain(t, r, "You are using Patient Hub again", "How should we contact you?")
	if got, _ := e.st.Patient(t.Context(), p.ID); got.OptedOut() {
		t.Fatal("still opted out")
	}
	r = b.post("/preferences/opt-in", url.Values{"_csrf": {csrf}})
	mustContain(t, r, "You are already using Patient Hub")
	for _, action := range []string{"preferences.opt_out", "preferences.opt_in", "preferences.view"} {
		if len(e.audits(action)) == 0 {
			t.Errorf("no %s audit event", action)
		}
	}
}

func TestPreferencesNeedTheFormsToken(t *testing.T) {
	e, b, p, _ := newAmelia(t)
	for _, path := range []string{"/preferences", "/preferences/opt-out", "/preferences/opt-in"} {
		if r := b.post(path, url.Values{"channel": {"email"}}); r.status != http.StatusForbidden {
			t.Fatalf("%s without the token: %d", path, r.status)
		}
	}
	if got, _ := e.st.Patient(t.Context(), p.ID); got.OptedOut() || got.PreferredChannel != store.ChannelSMS {
		t.Fatalf("a request without the token changed the preferences: %+v", got)
	}
}
