package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/patienthub/patienthub/assets"
)

func TestServiceWorkerIsServedFromTheRoot(t *testing.T) {
	e := newEnv(t)
	r := e.browser().get("/sw.js")
	if r.status != http.StatusOK {
		t.Fatalf("/sw.js: %d", r.status)
	}
	for name, want := range map[string]string{
		"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache", "Service-Worker-Allowed": "/",
	} {
		if got := r.header.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	mustContain(t, r, `const VERSION = "`, `"/offline"`, `"`+assets.Path("pwa.js")+`"`, `"`+assets.Path("app.css")+`"`,
		`const ICON = "`+assets.Path("images/nhsuk-icon-192.png")+`"`)
	mustLack(t, r, "screenshot-wide.png")
}

func TestOfflinePageHoldsNothingPersonal(t *testing.T) {
	e := newEnv(t)
	p, a := browserAmelia(e)
	l := e.addLetter(p, a, "Your Cardiology clinic appointment")
	b := e.browser()
	b.signInAs(p)
	r := b.get("/offline")
	if r.status != http.StatusOK {
		t.Fatalf("/offline: %d", r.status)
	}
	mustContain(t, r, "You are offline", "needs a connection")
	mustLack(t, r, "Amelia", "Clarke", "Sign out", "Cardiology", `name="_csrf"`)

	// Every page with personal data stays out of every cache but the one the patient may choose.
	for _, path := range []string{"/appointments", fmt.Sprintf("/appointments/%d", a.ID), fmt.Sprintf("/letters/%d", l.ID),
		fmt.Sprintf("/letters/%d/file", l.ID), "/preferences", fmt.Sprintf("/appointments/%d/calendar.ics", a.ID)} {
		if got := b.get(path).header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control %q", path, got)
		}
	}
	if got := b.get("/offline").header.Get("Cache-Control"); !strings.Contains(got, "no-store") {
		t.Errorf("/offline: Cache-Control %q (the worker keeps its own copy)", got)
	}
}

func TestDeviceControlsSayTheyNeedJavaScript(t *testing.T) {
	e := newEnv(t)
	p, _ := browserAmelia(e)
	b := e.browser()
	b.signInAs(p)
	r := b.get("/preferences")
	mustContain(t, r, "This device", "need JavaScript", `data-app-device data-app-csrf="`,
		"This is my own device — keep my appointments available offline", `data-app-push-key=""`)
	if !strings.Contains(r.body, `data-app-push-key="" hidden>`) {
		t.Error("the controls that need JavaScript are not hidden without it")
	}

	b.submit("/preferences/opt-out", "/preferences/opt-out", nil)
	r = b.get("/preferences")
	mustContain(t, r, "You opted out of Patient Hub, so we do not send notifications to your devices.")
	mustLack(t, r, "Get notifications on this device")
}
