package handlers_test

// The hub as an installable app in a real browser: the service worker, what it keeps in Cache
// Storage and what opens with the network off, and Chromium's own installability check.

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/patienthub/patienthub/assets"
	"github.com/patienthub/patienthub/hub"
)

// cacheReport is what the page sees of its service worker and of Cache Storage: each cache's
// name and the paths it holds.
type cacheReport struct {
	Controlled bool                `json:"controlled"`
	State      string              `json:"state"`
	Scope      string              `json:"scope"`
	Caches     map[string][]string `json:"caches"`
}

const cacheReportJS = `(async () => {
	const reg = await navigator.serviceWorker.getRegistration();
	const out = { controlled: !!navigator.serviceWorker.controller, state: reg && reg.active ? reg.active.state : "",
		scope: reg ? reg.scope : "", caches: {} };
	for (const name of await caches.keys()) {
		const cache = await caches.open(name);
		out.caches[name] = (await cache.keys()).map((r) => new URL(r.url).pathname);
	}
	return out;
})()`

// personalPath matches the pages that hold a patient's own data.
var personalPath = regexp.MustCompile(`^/(appointments|letters|messages|preferences)(/|$)`)

func readCaches(t testing.TB, ctx context.Context) cacheReport {
	t.Helper()
	r, err := chromedp.Run(ctx, chromedp.Evaluate[cacheReport](cacheReportJS, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("reading Cache Storage: %v", err)
	}
	return r
}

// personalCopies lists every personal page kept in any cache, as "cache path".
func (r cacheReport) personalCopies() []string {
	var out []string
	for name, paths := range r.Caches {
		for _, p := range paths {
			if personalPath.MatchString(p) {
				out = append(out, name+" "+p)
			}
		}
	}
	slices.Sort(out)
	return out
}

func (r cacheReport) has(cache, path string) bool { return slices.Contains(r.Caches[cache], path) }

// waitForCaches waits until Cache Storage satisfies ok, and fails the test saying what was wanted.
func waitForCaches(t testing.TB, ctx context.Context, what string, ok func(cacheReport) bool) {
	t.Helper()
	deadline := time.Now().Add(sessionFrom(ctx).waitTimeout)
	for {
		r, err := chromedp.Run(ctx, chromedp.Evaluate[cacheReport](cacheReportJS, chromedp.EvalAwaitPromise))
		if err == nil && ok(r) {
			return
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			t.Fatalf("%s: Cache Storage holds %v (err %v)", what, r.Caches, err)
		}
		sleepCtx(ctx, 100*time.Millisecond)
	}
}

// waitForWorker waits until the service worker is active, controls the page and has its shell.
func waitForWorker(t testing.TB, ctx context.Context) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r, err := chromedp.Run(ctx, chromedp.Evaluate[cacheReport](cacheReportJS, chromedp.EvalAwaitPromise))
		shell := false
		for name, paths := range r.Caches {
			shell = shell || (strings.HasPrefix(name, "patienthub-shell-") && slices.Contains(paths, "/offline"))
		}
		if err == nil && r.Controlled && r.State == "activated" && shell {
			return
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			t.Fatalf("the service worker did not take control: %+v (err %v)", r, err)
		}
		sleepCtx(ctx, 100*time.Millisecond)
	}
}

// setOffline cuts the tab and its service worker off the network, or puts them back, with
// Chromium's network emulation. The worker is a target of its own, so it is attached to and
// emulated as well as the tab.
func setOffline(t testing.TB, ctx context.Context, offline bool) {
	t.Helper()
	targets := []context.Context{ctx}
	infos, err := chromedp.Targets(ctx)
	if err != nil {
		t.Fatalf("listing the browser's targets: %v", err)
	}
	for _, info := range infos {
		if info.Type == "service_worker" {
			targets = append(targets, workerContext(t, ctx, info.TargetID))
		}
	}
	conditions := []*network.Conditions{}
	if offline {
		conditions = append(conditions, &network.Conditions{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
	}
	for _, tctx := range targets {
		if _, err := chromedp.Call(tctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			EmulateOfflineServiceWorker: &offline, MatchedNetworkConditions: conditions}); err != nil {
			t.Fatalf("network emulation (offline %v): %v", offline, err)
		}
	}
	if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
		Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatalf("network state (offline %v): %v", offline, err)
	}
}

type workerKey struct{}

// workerContext returns a context attached to the service worker target id, kept for the test.
func workerContext(t testing.TB, ctx context.Context, id target.ID) context.Context {
	t.Helper()
	attached, _ := ctx.Value(workerKey{}).(map[target.ID]context.Context)
	if wctx, ok := attached[id]; ok {
		return wctx
	}
	wctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(id), chromedp.WithDetachOnCancel())
	t.Cleanup(cancel)
	if err := chromedp.Do(wctx); err != nil {
		t.Fatalf("attaching to the service worker: %v", err)
	}
	if attached != nil {
		attached[id] = wctx
	}
	return wctx
}

// fetchStatus fetches path from the page and returns "status content-type".
func fetchStatus(t testing.TB, ctx context.Context, path string) string {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(`+jsonString(path)+`).then(
		(r) => r.status + " " + (r.headers.get("content-type") || ""), (e) => "failed " + e)`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch %s: %v", path, err)
	}
	return got
}

func newPWABrowser(t *testing.T, mutate ...func(*hub.Config)) (context.Context, *testEnv) {
	t.Helper()
	ctx := newBrowser(t, browserOptions{Timeout: 3 * time.Minute})
	ctx = context.WithValue(ctx, workerKey{}, map[target.ID]context.Context{})
	e := newEnv(t, mutate...)
	t.Cleanup(func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = chromedp.Do(cctx, chromedp.Navigate("about:blank"))
	})
	return ctx, e
}

func TestBrowserInstallableWithItsWorker(t *testing.T) {
	ctx, e := newPWABrowser(t)
	navigate(t, ctx, e.srv.URL+"/signin")
	waitForWorker(t, ctx)
	r := readCaches(t, ctx)
	if r.Scope != e.srv.URL+"/" {
		t.Errorf("worker scope %q, want the whole site", r.Scope)
	}
	for name, paths := range r.Caches {
		if !strings.HasPrefix(name, "patienthub-shell-") {
			t.Errorf("a cache %s before anyone signed in: %v", name, paths)
			continue
		}
		for _, want := range []string{assets.Path("pwa.js"), assets.Path("nhsuk-frontend.min.css"), "/offline", "/manifest.webmanifest"} {
			if !slices.Contains(paths, want) {
				t.Errorf("the app shell lacks %s", want)
			}
		}
	}

	manifest, err := chromedp.Call(ctx, page.GetAppManifest, page.GetAppManifestParams{})
	if err != nil {
		t.Fatalf("reading the manifest: %v", err)
	}
	if len(manifest.Errors) > 0 {
		for _, m := range manifest.Errors {
			t.Errorf("manifest: %s (line %d)", m.Message, m.Line)
		}
	}
	for _, want := range []string{`"purpose": "maskable"`, `"form_factor": "wide"`, `"form_factor": "narrow"`, `"display": "standalone"`} {
		if !strings.Contains(manifest.Data, want) {
			t.Errorf("the manifest lacks %s:\n%s", want, manifest.Data)
		}
	}
	installable, err := chromedp.Call(ctx, page.GetInstallabilityErrors, cdp.Empty{})
	if err != nil {
		t.Fatalf("Chromium's installability check: %v", err)
	}
	for _, ie := range installable.InstallabilityErrors {
		var args []string
		for _, a := range ie.ErrorArguments {
			args = append(args, a.Name+"="+a.Value)
		}
		t.Errorf("not installable: %s %v", ie.ErrorID, args)
	}

	setOffline(t, ctx, true)
	navigate(t, ctx, e.srv.URL+"/accessibility")
	waitForText(t, ctx, "You are offline")
	waitForText(t, ctx, "Check your internet connection and try again")
	checkAxe(t, ctx)
	navigate(t, ctx, e.srv.URL+"/offline")
	waitForText(t, ctx, "You are offline")
	if got := fetchStatus(t, ctx, "/manifest.webmanifest"); got != "200 application/manifest+json" {
		t.Errorf("the manifest offline: %s", got)
	}
	setOffline(t, ctx, false)
	navigate(t, ctx, e.srv.URL+"/accessibility")
	waitForText(t, ctx, "Accessibility statement")
}

func TestBrowserMapSeenOnceOpensOffline(t *testing.T) {
	ctx, e := newPWABrowser(t)
	site, svg, _ := addSiteWithMaps(t, e)
	navigate(t, ctx, e.srv.URL+"/sites")
	waitForWorker(t, ctx)
	sitePath, mapPath := fmt.Sprintf("/sites/%d", site.ID), fmt.Sprintf("/sites/%d/maps/%d", site.ID, svg.ID)
	navigate(t, ctx, e.srv.URL+sitePath)
	waitForText(t, ctx, "By bus: routes 1, 6 and 97.")
	waitForCaches(t, ctx, "the site page and its map kept", func(r cacheReport) bool {
		return r.has("patienthub-sites", sitePath) && r.has("patienthub-sites", mapPath)
	})

	setOffline(t, ctx, true)
	navigate(t, ctx, e.srv.URL+sitePath)
	waitForText(t, ctx, "By bus: routes 1, 6 and 97.")
	waitForText(t, ctx, "Site map of Leeds General Infirmary")
	if got := fetchStatus(t, ctx, mapPath); got != "200 image/svg+xml" {
		t.Errorf("the map offline: %s", got)
	}
	navigate(t, ctx, e.srv.URL+"/sites")
	waitForText(t, ctx, "Leeds General Infirmary")
	checkAxe(t, ctx)
}

// TestBrowserOwnDeviceKeepsAppointmentsOffline is the journey of a patient who reads their
// appointment and letter with the network off, then signs out and leaves nothing behind.
func TestBrowserOwnDeviceKeepsAppointmentsOffline(t *testing.T) {
	ctx, e := newPWABrowser(t)
	p, a := browserAmelia(e)
	l := e.addLetter(p, a, "Your Cardiology clinic appointment")
	apptPath, letterPath := fmt.Sprintf("/appointments/%d", a.ID), fmt.Sprintf("/letters/%d", l.ID)

	navigate(t, ctx, e.srv.URL+"/signin")
	waitForWorker(t, ctx)
	signInInBrowser(t, ctx, e, p)
	for _, path := range []string{"/appointments", apptPath, letterPath} {
		navigate(t, ctx, e.srv.URL+path)
	}
	if got := readCaches(t, ctx).personalCopies(); len(got) > 0 {
		t.Fatalf("personal pages were kept without the patient choosing it: %v", got)
	}
	setOffline(t, ctx, true)
	navigate(t, ctx, e.srv.URL+"/appointments")
	waitForText(t, ctx, "You are offline")
	wantNoText(t, ctx, "Cardiology clinic")
	setOffline(t, ctx, false)

	// The patient chooses to keep their appointments on this device.
	navigate(t, ctx, e.srv.URL+"/preferences")
	waitForText(t, ctx, "This is my own device — keep my appointments available offline")
	wantNoText(t, ctx, "need JavaScript")
	setCheckedByLabel(t, ctx, "This is my own device — keep my appointments available offline", true)
	waitForText(t, ctx, "Your appointments are kept on this device. Last saved")
	checkAxe(t, ctx)
	navigate(t, ctx, e.srv.URL+letterPath)
	waitForText(t, ctx, "Read the letter (PDF)")
	waitForCaches(t, ctx, "the appointments and the letter kept", func(r cacheReport) bool {
		return r.has("patienthub-personal", "/appointments") && r.has("patienthub-personal", apptPath) &&
			r.has("patienthub-personal", letterPath) && r.has("patienthub-personal", letterPath+"/file")
	})
	if got := readCaches(t, ctx).personalCopies(); slices.ContainsFunc(got, func(s string) bool { return !strings.HasPrefix(s, "patienthub-personal ") }) {
		t.Fatalf("personal pages kept outside the personal cache: %v", got)
	}

	setOffline(t, ctx, true)
	for _, c := range []struct{ path, text string }{
		{"/appointments", "Cardiology clinic"}, {apptPath, "Appointment details"}, {letterPath, "Read the letter (PDF)"},
	} {
		navigate(t, ctx, e.srv.URL+c.path)
		waitForText(t, ctx, "You are offline — showing what was saved on")
		waitForText(t, ctx, c.text)
		checkAxe(t, ctx)
	}
	navigate(t, ctx, e.srv.URL+"/appointments")
	waitForText(t, ctx, "You need an internet connection to do this.")
	if disabled, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll("main form[method=post] button")].every((b) => b.disabled)`)); err != nil || !disabled {
		t.Errorf("the offline copy still offers actions (err %v)", err)
	}
	if got := fetchStatus(t, ctx, letterPath+"/file"); got != "200 application/pdf" {
		t.Errorf("the letter's file offline: %s", got)
	}
	setOffline(t, ctx, false)

	// The session ends while the device is away: the next visit shows the sign-in page and the
	// copies go, though the device keeps the patient's choice.
	e.clock.Advance(16 * time.Minute)
	navigate(t, ctx, e.srv.URL+"/appointments")
	waitForText(t, ctx, "Sign in")
	if got := readCaches(t, ctx).personalCopies(); len(got) > 0 {
		t.Fatalf("personal pages kept after the session ended: %v", got)
	}
	signInInBrowser(t, ctx, e, p)
	waitForCaches(t, ctx, "the appointments kept again after signing in", func(r cacheReport) bool {
		return r.has("patienthub-personal", apptPath)
	})

	clickButton(t, ctx, "Sign out")
	waitForText(t, ctx, "You have signed out.")
	after := readCaches(t, ctx)
	if got := after.personalCopies(); len(got) > 0 {
		t.Fatalf("personal pages kept after signing out: %v", got)
	}
	for name := range after.Caches {
		if name == "patienthub-personal" || name == "patienthub-device" {
			t.Errorf("cache %s is left after signing out: %v", name, after.Caches[name])
		}
	}
	setOffline(t, ctx, true)
	for _, path := range []string{"/appointments", apptPath, letterPath} {
		navigate(t, ctx, e.srv.URL+path)
		waitForText(t, ctx, "You are offline")
		wantNoText(t, ctx, "Cardiology clinic", "showing what was saved")
	}
	if got := fetchStatus(t, ctx, letterPath+"/file"); !strings.HasPrefix(got, "failed") {
		t.Errorf("the letter's file after signing out, offline: %s", got)
	}
	setOffline(t, ctx, false)
}
