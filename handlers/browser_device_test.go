package handlers_test

// The preferences page's calendar and device sections in a real browser, notifications from
// the click to the worker showing a push, and the manifest's screenshots.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	cdpsw "github.com/chromedp/cdproto/serviceworker"
	"github.com/chromedp/chromedp"

	serviceworker "github.com/patienthub/patienthub/service-worker"
	"github.com/patienthub/patienthub/store"
)

func TestBrowserCalendarAndDeviceSettings(t *testing.T) {
	inBothModes(t, func(t *testing.T, ctx context.Context, e *testEnv, js bool) {
		p, a := browserAmelia(e)
		signInInBrowser(t, ctx, e, p)
		clickLink(t, ctx, "Cardiology clinic")
		waitForText(t, ctx, "Add to your calendar")
		if js {
			if got := fetchStatus(t, ctx, fmt.Sprintf("/appointments/%d/calendar.ics", a.ID)); got != "200 text/calendar; charset=utf-8" {
				t.Errorf("the calendar file: %s", got)
			}
		}

		clickLink(t, ctx, "Preferences")
		waitForText(t, ctx, "Your calendar")
		if js {
			// Web push is off in this hub.
			waitForText(t, ctx, "Notifications on devices are not available from this hospital.")
			waitForText(t, ctx, "This is my own device — keep my appointments available offline")
			wantNoText(t, ctx, "need JavaScript", "Get notifications on this device")
		} else {
			waitForText(t, ctx, "need JavaScript")
			wantNoText(t, ctx, "Get notifications on this device", "This is my own device")
		}
		checkAxe(t, ctx)

		clickButton(t, ctx, "Get a calendar link")
		waitForText(t, ctx, "Your calendar link is ready.")
		waitForText(t, ctx, "Add your appointments to your calendar app")
		link, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("calendar-link").value`))
		if err != nil || !strings.Contains(link, "/calendar.ics?key=") {
			t.Fatalf("the calendar link: %q (err %v)", link, err)
		}
		webcal, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("a")].find((a) => a.textContent.includes("calendar app")).getAttribute("href")`))
		if !strings.HasPrefix(webcal, "webcal://") || !strings.HasSuffix(link, strings.TrimPrefix(webcal, "webcal://")) {
			t.Errorf("webcal link %q for %q", webcal, link)
		}
		checkAxe(t, ctx)

		clickButton(t, ctx, "Get a new calendar link")
		waitForText(t, ctx, "You have a new calendar link.")
		renewed, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("calendar-link").value`))
		if renewed == link || renewed == "" {
			t.Errorf("renewing kept the link %q", renewed)
		}
		clickButton(t, ctx, "Stop your calendar link")
		waitForText(t, ctx, "Your calendar link no longer works.")
		waitForText(t, ctx, "Get a calendar link")
		checkAxe(t, ctx)
		if _, err := e.st.CalendarFeedOf(ctx, p.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the calendar link after stopping it: %v", err)
		}
	})
}

// fakePushManagerJS stands in for the browser's push service, which a headless browser here
// cannot reach: subscribe gives the test device's subscription, and each call to
// Notification.requestPermission is counted.
const fakePushManagerJS = `(() => {
	const device = %s;
	let current = null;
	window.__permissionAsked = 0;
	window.__serverKey = "";
	Notification.requestPermission = async () => { window.__permissionAsked++; return "granted"; };
	PushManager.prototype.getSubscription = async function () { return current; };
	PushManager.prototype.subscribe = async function (options) {
		window.__serverKey = btoa(String.fromCharCode(...new Uint8Array(options.applicationServerKey)))
			.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
		current = { endpoint: device.endpoint, toJSON: () => device, unsubscribe: async () => { current = null; return true; } };
		return current;
	};
})()`

func TestBrowserNotificationsAskOnlyOnAClick(t *testing.T) {
	ctx, e := newPWABrowser(t, withWebPush)
	p, _ := browserAmelia(e)
	dev := newPushDevice(t)
	endpoint := "https://push.example.net/send/amelia-phone"
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: fmt.Sprintf(fakePushManagerJS, dev.subscription(endpoint))}); err != nil {
		t.Fatal(err)
	}
	navigate(t, ctx, e.srv.URL+"/signin")
	waitForWorker(t, ctx)
	signInInBrowser(t, ctx, e, p)
	navigate(t, ctx, e.srv.URL+"/preferences")
	waitForText(t, ctx, "Notifications are off for this device.")
	if asked, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__permissionAsked`)); err != nil || asked != 0 {
		t.Fatalf("permission was asked for %d times before any click (err %v)", asked, err)
	}
	checkAxe(t, ctx)

	clickButton(t, ctx, "Get notifications on this device")
	waitForText(t, ctx, "Notifications are on for this device.")
	waitForText(t, ctx, "Turn off notifications on this device")
	if asked, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__permissionAsked`)); asked != 1 {
		t.Errorf("permission asked for %d times after one click", asked)
	}
	key, _ := e.svc.PushKey(ctx)
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`window.__serverKey`)); got != key {
		t.Errorf("subscribed with the server key %q, want the hub's %q", got, key)
	}
	subs, err := e.st.PushSubscriptionsForPatient(ctx, p.ID)
	if err != nil || len(subs) != 1 || subs[0].Endpoint != endpoint {
		t.Fatalf("stored subscriptions: %+v %v", subs, err)
	}
	checkAxe(t, ctx)

	clickButton(t, ctx, "Turn off notifications on this device")
	waitForText(t, ctx, "Notifications are off for this device.")
	if subs, _ := e.st.PushSubscriptionsForPatient(ctx, p.ID); len(subs) != 0 {
		t.Fatalf("the subscription is still stored after turning it off: %+v", subs)
	}

	// The browser offers to install the hub here, and only when asked does the page show it.
	waitForText(t, ctx, "Add Patient Hub to this device")
}

// TestBrowserMakeScreenshots takes the pictures the manifest offers to install dialogs, of the
// demo hospital as Amelia Clarke sees it. It runs only when asked, and the pictures are committed:
//
//	PATIENTHUB_MAKE_SCREENSHOTS=1 go test ./handlers -run TestBrowserMakeScreenshots
func TestBrowserMakeScreenshots(t *testing.T) {
	if os.Getenv("PATIENTHUB_MAKE_SCREENSHOTS") == "" {
		t.Skip("set PATIENTHUB_MAKE_SCREENSHOTS=1 to take the manifest's screenshots again")
	}
	ctx, e := newPWABrowser(t)
	if err := e.svc.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	amelia, err := e.st.PatientByHospitalNumber(ctx, "RR81044721")
	if err != nil {
		t.Fatal(err)
	}
	signInInBrowser(t, ctx, e, amelia)
	for _, shot := range serviceworker.Screenshots {
		if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: int64(shot.Width), Height: int64(shot.Height), DeviceScaleFactor: 1, Mobile: shot.FormFactor == "narrow"}); err != nil {
			t.Fatal(err)
		}
		navigate(t, ctx, e.srv.URL+"/appointments")
		waitForText(t, ctx, "Your appointments")
		png, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("..", "assets", "static", filepath.FromSlash(shot.Asset))
		if err := os.WriteFile(path, png.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("saved %s", path)
	}
}

// TestBrowserWorkerShowsAPush delivers pushes to the worker as a push service would, and reads
// back the notifications it shows: the words of the push, and a page of this hub to open.
func TestBrowserWorkerShowsAPush(t *testing.T) {
	ctx, e := newPWABrowser(t)
	navigate(t, ctx, e.srv.URL+"/signin")
	waitForWorker(t, ctx)
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
		Permission: &cdpbrowser.PermissionDescriptor{Name: "notifications"}, Setting: cdpbrowser.PermissionSettingGranted,
		Origin: e.srv.URL}); err != nil {
		t.Fatalf("allowing notifications: %v", err)
	}
	registrations := make(chan cdpsw.RegistrationID, 16)
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := chromedp.Listen(lctx, func(ev any) {
		if up, ok := ev.(*cdpsw.EventWorkerRegistrationUpdated); ok {
			for _, r := range up.Registrations {
				if r.ScopeURL == e.srv.URL+"/" && !r.IsDeleted {
					select {
					case registrations <- r.RegistrationID:
					default:
					}
				}
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, cdpsw.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	var reg cdpsw.RegistrationID
	select {
	case reg = <-registrations:
	case <-time.After(10 * time.Second):
		t.Fatal("no service worker registration reported")
	}

	type shown struct {
		Title string `json:"title"`
		Body  string `json:"body"`
		Path  string `json:"path"`
	}
	const shownJS = `navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((ns) =>
		ns.map((n) => ({ title: n.title, body: n.body, path: (n.data || {}).path || "" })))`
	for _, c := range []struct {
		payload string
		want    shown
	}{
		{`{"title":"Patient Hub","body":"You have an update in Patient Hub","url":"http://localhost/appointments/42"}`,
			shown{"Patient Hub", "You have an update in Patient Hub", "/appointments/42"}},
		{`{"title":"Patient Hub","body":"You have an update in Patient Hub","url":"https://elsewhere.example/letters/7"}`,
			shown{"Patient Hub", "You have an update in Patient Hub", "/letters/7"}},
		{`not json`, shown{"Patient Hub", "You have an update in Patient Hub", "/appointments"}},
	} {
		if _, err := chromedp.Call(ctx, cdpsw.DeliverPushMessage, cdpsw.DeliverPushMessageParams{
			Origin: e.srv.URL, RegistrationID: reg, Data: c.payload}); err != nil {
			t.Fatalf("delivering %s: %v", c.payload, err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			got, err := chromedp.Run(ctx, chromedp.Evaluate[[]shown](shownJS, chromedp.EvalAwaitPromise))
			if err == nil && len(got) == 1 && got[0] == c.want {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("after the push %s the worker shows %+v (err %v), want %+v", c.payload, got, err, c.want)
			}
			sleepCtx(ctx, 100*time.Millisecond)
		}
	}
}
