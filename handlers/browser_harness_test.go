package handlers_test

// Browser test harness.
//
// The helpers in this file drive a real headless Chromium through chromedp so
// that journey tests can exercise the app the way a person does: fill in
// fields by their visible label, press buttons by their visible text, wait for
// text to show up, and check every page with axe-core for WCAG 2.2 AA
// problems. A journey looks like this:
//
//	ctx := newBrowser(t, browserOptions{JavaScriptDisabled: true})
//	navigate(t, ctx, srv.URL+"/register")
//	checkAxe(t, ctx)
//	fillByLabel(t, ctx, "Full name", "Sam Smith")
//	clickButton(t, ctx, "Continue")
//	waitForText(t, ctx, "Check your answers")
//	checkAxe(t, ctx)
//
// Environment variables:
//
//	PATIENTHUB_CHROMIUM            path of the Chromium binary (default /usr/bin/chromium)
//	CI=true                        a missing Chromium fails the test instead of skipping it
//	PATIENTHUB_BROWSER_ARTIFACTS   directory for a full-page PNG of every failed browser test

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// axeSource is axe-core 4.14.1 (MPL-2.0, see testdata/AXE-LICENSE.txt).
//
//go:embed testdata/axe.min.js
var axeSource string

const (
	// defaultChromiumPath is where Debian's chromium package puts the browser.
	defaultChromiumPath = "/usr/bin/chromium"
	// chromiumMissingHint is the message for a machine without Chromium.
	chromiumMissingHint = "chromium not found: install it with apt-get install -y chromium"

	defaultBrowserTimeout = 60 * time.Second
	defaultWaitTimeout    = 10 * time.Second

	// pollInterval is how often the wait helpers look at the page.
	pollInterval = 50 * time.Millisecond
	// navigationGrace is how long clickButton waits for a navigation to be
	// requested before it decides that the click did not navigate.
	navigationGrace = 300 * time.Millisecond
	// settleQuietPolls is how many polls in a row must see no htmx activity
	// before the page counts as settled.
	settleQuietPolls = 3

	// axeTimeout bounds one axe-core run.
	axeTimeout = 30 * time.Second

	// maxTextInFailure bounds the page text quoted in a failure message.
	maxTextInFailure = 4000
	// maxConsoleMessages bounds the console messages kept per browser.
	maxConsoleMessages = 200
)

// axeTags are the rule tags that checkAxe runs: WCAG 2.0, 2.1 and 2.2, levels A
// and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// browserOptions configures newBrowser.
type browserOptions struct {
	// JavaScriptDisabled turns script execution off in the tab before the
	// first navigation, so the journey sees the app as a browser without
	// JavaScript does. checkAxe still works: it turns scripts on for the
	// check only and turns them off again.
	JavaScriptDisabled bool
	// Timeout bounds everything the test does with the browser after it has
	// started. Zero means 60 seconds.
	Timeout time.Duration
	// WaitTimeout bounds each single wait: waitForText, the lookups of
	// fillByLabel and clickButton, and the wait after a click. Zero means 10
	// seconds.
	WaitTimeout time.Duration
}

// browserSession is the per-tab state that the helpers share through the
// context that newBrowser returns.
type browserSession struct {
	waitTimeout time.Duration

	mu         sync.Mutex
	jsDisabled bool
	console    []string
	dropped    int
	// inflight holds the fetch and XMLHttpRequest requests of the page that
	// have not finished yet.
	inflight map[network.RequestID]bool
}

type browserSessionKey struct{}

// sessionFrom returns the session of a context made by newBrowser. For any
// other chromedp context it returns a session with the defaults.
func sessionFrom(ctx context.Context) *browserSession {
	if s, ok := ctx.Value(browserSessionKey{}).(*browserSession); ok {
		return s
	}
	return &browserSession{waitTimeout: defaultWaitTimeout}
}

func (s *browserSession) scriptsDisabled() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.jsDisabled
}

func (s *browserSession) addConsole(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.console) >= maxConsoleMessages {
		s.dropped++
		return
	}
	s.console = append(s.console, msg)
}

// trackNetwork keeps the set of fetch and XMLHttpRequest requests in flight.
// It runs in chromedp's event loop, so it must be fast.
func (s *browserSession) trackNetwork(ev any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		if e.Type == network.ResourceTypeFetch || e.Type == network.ResourceTypeXHR {
			if s.inflight == nil {
				s.inflight = make(map[network.RequestID]bool)
			}
			s.inflight[e.RequestID] = true
		}
	case *network.EventLoadingFinished:
		delete(s.inflight, e.RequestID)
	case *network.EventLoadingFailed:
		delete(s.inflight, e.RequestID)
	case *page.EventFrameNavigated:
		// A new document: the requests of the old one are gone.
		if e.Frame != nil && e.Frame.ParentID == "" {
			clear(s.inflight)
		}
	}
}

func (s *browserSession) requestsInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.inflight)
}

func (s *browserSession) consoleMessages() ([]string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.console...), s.dropped
}

// browserAvailable returns the path of the Chromium binary. PATIENTHUB_CHROMIUM
// wins when it is set; otherwise /usr/bin/chromium, then chromium or
// chromium-browser on PATH. When there is no browser the test is skipped, or
// fails when CI=true, so that CI never silently skips the browser tests.
func browserAvailable(t testing.TB) string {
	t.Helper()
	missing := func(msg string) {
		t.Helper()
		if ci := os.Getenv("CI"); strings.EqualFold(ci, "true") || ci == "1" {
			t.Fatalf("%s (CI=%s, so browser tests must not be skipped)", msg, ci)
		}
		t.Skip(msg)
	}
	if p := os.Getenv("PATIENTHUB_CHROMIUM"); p != "" {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
		missing(fmt.Sprintf("%s (PATIENTHUB_CHROMIUM=%q is not an executable)", chromiumMissingHint, p))
		return ""
	}
	if isExecutableFile(defaultChromiumPath) {
		return defaultChromiumPath
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	missing(chromiumMissingHint)
	return ""
}

func isExecutableFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// lockedBuffer collects the browser's own output for the start-up error.
type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() < 64<<10 {
		b.buf.Write(p)
	}
	return len(p), nil
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newBrowser starts a fresh headless Chromium with its own profile and returns
// the context of its tab. Pass the context to the other helpers. The browser
// closes in t.Cleanup. When the test has failed by then, the cleanup logs the
// page URL and the console messages, and saves a screenshot when
// PATIENTHUB_BROWSER_ARTIFACTS names a directory.
func newBrowser(t testing.TB, opts browserOptions) context.Context {
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	t.Helper()
	execPath := browserAvailable(t)
	if opts.Timeout <= 0 {
		opts.Timeout = defaultBrowserTimeout
	}
	if opts.WaitTimeout <= 0 {
		opts.WaitTimeout = defaultWaitTimeout
	}
	// Made before the cleanup below is registered, so the profile is
	// removed only after the browser has exited.
	userDataDir := t.TempDir()

	var output lockedBuffer
	allocOpts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1280, 1024),
		chromedp.UserDataDir(userDataDir),
		chromedp.CombinedOutput(&output),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocOpts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)

	// The first action binds the browser's life to the context it gets, so
	// it runs on tabCtx, which has no deadline; the test's timeout goes on
	// the context handed out below.
	if err := chromedp.Do(tabCtx); err != nil {
		cancelTab()
		cancelAlloc()
		t.Fatalf("newBrowser: starting %s: %v\nbrowser output:\n%s", execPath, err, output.String())
	}

	sess := &browserSession{waitTimeout: opts.WaitTimeout, jsDisabled: opts.JavaScriptDisabled}

	consoleCtx, cancelConsole := context.WithCancel(tabCtx)
	messages := chromedp.Console(consoleCtx)
	consoleDone := make(chan struct{})
	go func() {
		defer close(consoleDone)
		for m, err := range messages {
			if err != nil {
				return
			}
			msg := m.String()
			if m.URL != "" {
				msg += fmt.Sprintf(" (%s:%d)", m.URL, m.Line+1)
			}
			sess.addConsole(msg)
		}
	}()

	listenCtx, cancelListen := context.WithCancel(tabCtx)
	testCtx, cancelTest := context.WithTimeout(tabCtx, opts.Timeout)

	t.Cleanup(func() {
		if t.Failed() {
			reportFailedBrowser(t, tabCtx, sess)
		}
		cancelTest()
		cancelListen()
		cancelConsole()
		<-consoleDone
		closeCtx, cancelClose := context.WithTimeout(tabCtx, 5*time.Second)
		_ = chromedp.Cancel(closeCtx)
		cancelClose()
		cancelTab()
		cancelAlloc() // waits for the browser process to exit
	})

	if err := chromedp.Listen(listenCtx, sess.trackNetwork); err != nil {
		t.Fatalf("newBrowser: listening for network events: %v", err)
	}
	if opts.JavaScriptDisabled {
		if err := setScriptExecution(testCtx, false); err != nil {
			t.Fatalf("newBrowser: disabling JavaScript: %v", err)
		}
	}
	return context.WithValue(testCtx, browserSessionKey{}, sess)
}

// setScriptExecution turns script execution in the tab on or off. It applies
// to the current document and to the documents that the tab loads later.
func setScriptExecution(ctx context.Context, enabled bool) error {
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled,
		emulation.SetScriptExecutionDisabledParams{Value: !enabled})
	return err
}

// setJavaScriptEnabled switches JavaScript on or off for the rest of the
// journey. The change applies to the current page and to the pages loaded
// later; a page loaded with JavaScript off does not run its scripts when
// JavaScript is switched back on, reload it for that.
func setJavaScriptEnabled(t testing.TB, ctx context.Context, enabled bool) {
	t.Helper()
	sess := sessionFrom(ctx)
	if err := setScriptExecution(ctx, enabled); err != nil {
		t.Fatalf("setJavaScriptEnabled(%v): %v", enabled, err)
	}
	sess.mu.Lock()
	sess.jsDisabled = !enabled
	sess.mu.Unlock()
}

// reportFailedBrowser logs what the browser showed when the test failed. It
// uses the tab's own context, which outlives the test timeout.
func reportFailedBrowser(t testing.TB, tabCtx context.Context, sess *browserSession) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tabCtx, 10*time.Second)
	defer cancel()
	if u, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
		t.Logf("browser was at %s when the test failed", u)
	}
	if msgs, dropped := sess.consoleMessages(); len(msgs) > 0 {
		extra := ""
		if dropped > 0 {
			extra = fmt.Sprintf("\n  ... and %d more", dropped)
		}
		t.Logf("browser console:\n  %s%s", strings.Join(msgs, "\n  "), extra)
	}
	dir := os.Getenv("PATIENTHUB_BROWSER_ARTIFACTS")
	if dir == "" {
		return
	}
	name := regexp.MustCompile(`[^A-Za-z0-9._-]+`).ReplaceAllString(t.Name(), "_")
	path := filepath.Join(dir, name+".png")
	if err := saveScreenshot(ctx, path); err != nil {
		t.Logf("could not save failure screenshot: %v", err)
		return
	}
	t.Logf("failure screenshot saved to %s", path)
}

// navigate loads url in the tab, waits for the load event and for the page to
// settle (see pageBusy), and fails the test when the page cannot be loaded.
// An HTTP error status is not a failure: the error page is loaded.
func navigate(t testing.TB, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("navigate to %s: %v", url, err)
	}
	deadline := time.Now().Add(sessionFrom(ctx).waitTimeout)
	if err := waitSettled(ctx, deadline); err != nil {
		t.Fatalf("navigate to %s: %v", url, err)
	}
}

// pageText returns the rendered text of the page body (innerText), the text a
// sighted user can see.
func pageText(t testing.TB, ctx context.Context) string {
	t.Helper()
	text, err := readPageText(ctx)
	if err != nil {
		t.Fatalf("pageText: %v", err)
	}
	return text
}

func readPageText(ctx context.Context) (string, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
}

// currentURL returns the URL of the page in the tab.
func currentURL(t testing.TB, ctx context.Context) string {
	t.Helper()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("currentURL: %v", err)
	}
	return u
}

// waitForText polls the page until its visible body text contains text, with
// runs of white space treated as one space. On timeout it fails the test and
// quotes the URL and the text of the page.
func waitForText(t testing.TB, ctx context.Context, text string) {
	t.Helper()
	want := normalizeSpace(text)
	start := time.Now()
	deadline := start.Add(sessionFrom(ctx).waitTimeout)
	var (
		got     string
		lastErr error
	)
	for {
		s, err := readPageText(ctx)
		if err == nil {
			got = s
			lastErr = nil
			if strings.Contains(normalizeSpace(s), want) {
				return
			}
		} else {
			lastErr = err
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			break
		}
		sleepCtx(ctx, 2*pollInterval)
	}
	u := locationForReport(ctx)
	msg := fmt.Sprintf("waitForText: %q did not appear within %s\nURL: %s\npage text:\n%s",
		text, time.Since(start).Round(time.Millisecond), u, truncate(got, maxTextInFailure))
	if lastErr != nil {
		msg += fmt.Sprintf("\nlast error: %v", lastErr)
	}
	if err := ctx.Err(); err != nil {
		msg += fmt.Sprintf("\nbrowser context: %v (browserOptions.Timeout exceeded?)", err)
	}
	t.Fatal(msg)
}

// screenshot saves a full-page PNG of the tab to path, creating its directory.
// It is meant for debugging a journey.
func screenshot(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	if err := saveScreenshot(ctx, path); err != nil {
		t.Fatalf("screenshot %s: %v", path, err)
	}
	t.Logf("screenshot saved to %s", path)
}

func saveScreenshot(ctx context.Context, path string) error {
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100 means PNG
	if err != nil {
		return err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	return os.WriteFile(path, buf, 0o644)
}

// findControlJS is a JavaScript function (labelText, wantElement) that finds
// the form control whose <label> text is exactly labelText, after white space
// is collapsed and the text of controls nested in the label is left out. It
// returns the element when wantElement is true, and otherwise a report: {ok,
// error, tag, type, labels}.
const findControlJS = `(labelText, wantElement) => {
	const norm = (s) => (s || "").replace(/\s+/g, " ").trim();
	const textOf = (label) => {
		const clone = label.cloneNode(true);
		clone.querySelectorAll("input, select, textarea, button, datalist, output, meter, progress")
			.forEach((e) => e.remove());
		return norm(clone.textContent);
	};
	const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
	const labels = Array.from(document.querySelectorAll("label"));
	const want = norm(labelText);
	const matching = labels.filter((l) => textOf(l) === want);
	const controls = [...new Set(matching.map((l) => l.control).filter(Boolean))];
	const shown = controls.filter(visible);
	const el = shown.length === 1 ? shown[0] : (shown.length === 0 && controls.length === 1 ? controls[0] : null);
	if (wantElement) {
		return el;
	}
	const report = { ok: false, error: "", tag: "", type: "", labels: labels.map(textOf) };
	if (matching.length === 0) {
		report.error = "no <label> has exactly this text";
	} else if (controls.length === 0) {
		report.error = "the <label> is not associated with any form control (missing for= or nested control)";
	} else if (shown.length > 1) {
		report.error = shown.length + " visible form controls have this label";
	} else if (!el) {
		report.error = controls.length + " hidden form controls have this label";
	} else if (el.disabled) {
		report.error = "the form control is disabled";
	} else {
		report.ok = true;
		report.tag = el.tagName.toLowerCase();
		report.type = (el.getAttribute("type") || "").toLowerCase();
	}
	return report;
}`

// findButtonJS is a JavaScript function (text, wantElement) that finds the
// first visible <button>, or <input type=submit|button|reset>, whose visible
// text is exactly text. It returns the element when wantElement is true, and
// otherwise a report: {ok, error, matches, buttons}.
const findButtonJS = `(text, wantElement) => {
	const norm = (s) => (s || "").replace(/\s+/g, " ").trim();
	const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
	const labelOf = (el) => {
		if (el.tagName === "INPUT") {
			return norm(el.value || (el.type === "submit" ? "Submit" : el.type === "reset" ? "Reset" : ""));
		}
		return norm(el.innerText || el.textContent);
	};
	const all = Array.from(document.querySelectorAll(
		"button, input[type=submit], input[type=button], input[type=reset]")).filter(visible);
	const want = norm(text);
	const matches = all.filter((el) => labelOf(el) === want);
	const el = matches[0] || null;
	if (wantElement) {
		return el;
	}
	const report = { ok: false, error: "", matches: matches.length, buttons: all.map(labelOf) };
	if (!el) {
		report.error = "no visible button has exactly this text";
	} else if (el.disabled) {
		report.error = "the button is disabled";
	} else {
		report.ok = true;
	}
	return report;
}`

type controlReport struct {
	OK     bool     `json:"ok"`
	Error  string   `json:"error"`
	Tag    string   `json:"tag"`
	Type   string   `json:"type"`
	Labels []string `json:"labels"`
}

type buttonReport struct {
	OK      bool     `json:"ok"`
	Error   string   `json:"error"`
	Matches int      `json:"matches"`
	Buttons []string `json:"buttons"`
}

// jsCall returns a JavaScript expression that calls fn with the arguments,
// which are encoded as JSON.
func jsCall(fn string, args ...any) string {
	parts := make([]string, len(args))
	for i, a := range args {
		b, err := json.Marshal(a)
		if err != nil {
			panic(err)
		}
		parts[i] = string(b)
	}
	return "(" + fn + ")(" + strings.Join(parts, ", ") + ")"
}

// pollReport evaluates expr until the report it returns is ok, or the wait
// timeout passes. It returns the last report.
func pollReport[R any](ctx context.Context, expr string, ok func(R) bool) (R, error) {
	deadline := time.Now().Add(sessionFrom(ctx).waitTimeout)
	for {
		r, err := chromedp.Run(ctx, chromedp.Evaluate[R](expr))
		if err == nil && ok(r) {
			return r, nil
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			if err == nil {
				err = ctx.Err()
			}
			return r, err
		}
		sleepCtx(ctx, 2*pollInterval)
	}
}

// textEntryTypes are the input types that take typed text.
var textEntryTypes = map[string]bool{
	"": true, "text": true, "email": true, "password": true, "search": true,
	"tel": true, "url": true, "number": true,
}

// fillByLabel finds the form control whose <label> text is exactly labelText
// and gives it value. Text fields and text areas are cleared and typed into
// with key events; a <select> gets the option whose value or text is value;
// date, time, colour and range inputs get the value set directly. Use
// setCheckedByLabel for checkboxes and radio buttons.
func fillByLabel(t testing.TB, ctx context.Context, labelText, value string) {
	t.Helper()
	report, err := pollReport(ctx, jsCall(findControlJS, labelText, false), func(r controlReport) bool { return r.OK })
	if !report.OK {
		failLookup(t, "fillByLabel", fmt.Sprintf("label %q", labelText), report.Error, "labels on the page", report.Labels, err)
	}
	elem := jsCall(findControlJS, labelText, true)
	what := fmt.Sprintf("fillByLabel(%q)", labelText)

	switch {
	case report.Tag == "select":
		res, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const el = `+elem+`;
			const want = `+jsonString(value)+`;
			const norm = (s) => (s || "").replace(/\s+/g, " ").trim();
			const opt = Array.from(el.options).find((o) => o.value === want) ||
				Array.from(el.options).find((o) => norm(o.text) === norm(want));
			if (!opt) {
				return "no option has this value or text; options: " +
					JSON.stringify(Array.from(el.options).map((o) => norm(o.text)));
			}
			el.value = opt.value;
			el.dispatchEvent(new Event("input", { bubbles: true }));
			el.dispatchEvent(new Event("change", { bubbles: true }));
			return "";
		})()`))
		if err != nil {
			t.Fatalf("%s: selecting %q: %v", what, value, err)
		}
		if res != "" {
			t.Fatalf("%s: cannot select %q: %s", what, value, res)
		}
		return

	case report.Tag == "input" && (report.Type == "checkbox" || report.Type == "radio"):
		t.Fatalf("%s: the control is a %s; use setCheckedByLabel", what, report.Type)

	case report.Tag == "input" && report.Type == "file":
		t.Fatalf("%s: the control is a file input; fillByLabel cannot upload files", what)

	case report.Tag == "textarea" || (report.Tag == "input" && textEntryTypes[report.Type]):
		if err := chromedp.Do(ctx,
			chromedp.Evaluate[chromedp.Void](`(() => { const el = `+elem+`; el.focus(); el.value = ""; })()`),
			chromedp.SendKeys(chromedp.JSPath(elem), value),
		); err != nil {
			t.Fatalf("%s: typing %q: %v", what, value, err)
		}

	default: // date, time, month, week, datetime-local, color, range, ...
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
			const el = `+elem+`;
			el.focus();
			el.value = `+jsonString(value)+`;
			el.dispatchEvent(new Event("input", { bubbles: true }));
			el.dispatchEvent(new Event("change", { bubbles: true }));
		})()`)); err != nil {
			t.Fatalf("%s: setting %q: %v", what, value, err)
		}
	}

	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(`+elem+`).value`))
	if err != nil {
		t.Fatalf("%s: reading the value back: %v", what, err)
	}
	if got != value {
		t.Fatalf("%s: the field holds %q after entering %q (maxlength, pattern or input type?)", what, got, value)
	}
}

// setCheckedByLabel finds the checkbox or radio button whose <label> text is
// exactly labelText and clicks it, if needed, so that it is checked or
// unchecked.
func setCheckedByLabel(t testing.TB, ctx context.Context, labelText string, checked bool) {
	t.Helper()
	report, err := pollReport(ctx, jsCall(findControlJS, labelText, false), func(r controlReport) bool { return r.OK })
	if !report.OK {
		failLookup(t, "setCheckedByLabel", fmt.Sprintf("label %q", labelText), report.Error, "labels on the page", report.Labels, err)
	}
	what := fmt.Sprintf("setCheckedByLabel(%q)", labelText)
	if report.Tag != "input" || (report.Type != "checkbox" && report.Type != "radio") {
		t.Fatalf("%s: the control is a %s %s, not a checkbox or radio button", what, report.Tag, report.Type)
	}
	elem := jsCall(findControlJS, labelText, true)
	isChecked := func() bool {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(`+elem+`).checked`))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
	if isChecked() == checked {
		return
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.JSPath(elem))); err != nil {
		t.Fatalf("%s: clicking: %v", what, err)
	}
	if isChecked() != checked {
		t.Fatalf("%s: clicking did not change the checked state to %v", what, checked)
	}
}

// clickButton clicks the first visible <button>, or <input type=submit>,
// button or reset, whose visible text is exactly text, with a real mouse
// click. It then waits: for the new page to load when the click navigates (a
// form submission or a redirect), and otherwise until the page's fetch and
// XMLHttpRequest requests and htmx's swaps are done.
func clickButton(t testing.TB, ctx context.Context, text string) {
	t.Helper()
	report, err := pollReport(ctx, jsCall(findButtonJS, text, false), func(r buttonReport) bool { return r.OK })
	if !report.OK {
		failLookup(t, "clickButton", fmt.Sprintf("button %q", text), report.Error, "visible buttons", report.Buttons, err)
	}
	if report.Matches > 1 {
		t.Logf("clickButton: %d visible buttons read %q; clicking the first", report.Matches, text)
	}

	tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		t.Fatalf("clickButton(%q): reading the frame tree: %v", text, err)
	}
	mainFrame := tree.FrameTree.Frame.ID

	nav := &navigationWatch{}
	lctx, stopListening := context.WithCancel(ctx)
	defer stopListening()
	if err := chromedp.Listen(lctx, func(ev any) {
		switch e := ev.(type) {
		case *page.EventFrameRequestedNavigation:
			if e.FrameID == mainFrame {
				nav.set(func(w *navigationWatch) { w.requested, w.url = true, e.URL })
			}
		case *page.EventFrameStartedLoading:
			if e.FrameID == mainFrame {
				nav.set(func(w *navigationWatch) { w.requested = true })
			}
		case *page.EventFrameNavigated:
			if e.Frame != nil && e.Frame.ParentID == "" {
				nav.set(func(w *navigationWatch) { w.requested, w.committed, w.url = true, true, e.Frame.URL })
			}
		case *page.EventLoadEventFired:
			nav.set(func(w *navigationWatch) {
				if w.committed {
					w.loaded = true
				}
			})
		case *page.EventFrameStoppedLoading:
			if e.FrameID == mainFrame {
				nav.set(func(w *navigationWatch) {
					if w.requested {
						w.stopped = true
					}
				})
			}
		}
	}); err != nil {
		t.Fatalf("clickButton(%q): listening for navigation: %v", text, err)
	}

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.JSPath(jsCall(findButtonJS, text, true)))); err != nil {
		t.Fatalf("clickButton(%q): clicking: %v", text, err)
	}
	clickedAt := time.Now()
	timeout := sessionFrom(ctx).waitTimeout
	deadline := clickedAt.Add(timeout)

	quiet := 0
	for {
		w := nav.get()
		if w.requested {
			if w.loaded || w.stopped {
				break
			}
		} else {
			if busy, err := pageBusy(ctx); err == nil && !busy {
				quiet++
			} else {
				quiet = 0
			}
			if quiet >= settleQuietPolls && time.Since(clickedAt) >= navigationGrace {
				break
			}
		}
		if ctx.Err() != nil || time.Now().After(deadline) {
			u := locationForReport(ctx)
			state := "the page was still fetching or swapping content"
			if w.requested {
				state = fmt.Sprintf("a navigation to %s was started but the page did not finish loading", w.url)
			}
			t.Fatalf("clickButton(%q): after %s %s\nURL: %s", text, timeout, state, u)
		}
		sleepCtx(ctx, pollInterval)
	}
	stopListening()
	if err := waitSettled(ctx, deadline); err != nil {
		t.Fatalf("clickButton(%q): %v", text, err)
	}
}

// navigationWatch records the navigation events that follow a click.
type navigationWatch struct {
	mu                                    sync.Mutex
	requested, committed, loaded, stopped bool
	url                                   string
}

func (w *navigationWatch) set(f func(*navigationWatch)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	f(w)
}

func (w *navigationWatch) get() navigationWatch {
	w.mu.Lock()
	defer w.mu.Unlock()
	return navigationWatch{
		requested: w.requested, committed: w.committed,
		loaded: w.loaded, stopped: w.stopped, url: w.url,
	}
}

// pageBusy reports whether the page is still loading, has a fetch or
// XMLHttpRequest request in flight, or has an htmx request, swap or settle in
// progress (htmx marks those with its htmx-request, htmx-swapping,
// htmx-settling and htmx-added classes).
func pageBusy(ctx context.Context) (bool, error) {
	if sessionFrom(ctx).requestsInFlight() > 0 {
		return true, nil
	}
	return chromedp.Run(ctx, chromedp.Evaluate[bool](
		`document.readyState !== "complete" || !!document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")`))
}

// waitSettled waits until the page has been idle (see pageBusy) for a few
// polls in a row.
func waitSettled(ctx context.Context, deadline time.Time) error {
	quiet := 0
	for quiet < settleQuietPolls {
		if busy, err := pageBusy(ctx); err == nil && !busy {
			quiet++
		} else {
			quiet = 0
		}
		if quiet >= settleQuietPolls {
			break
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("waiting for the page to settle: %w", err)
		}
		if time.Now().After(deadline) {
			return errors.New("the page was still loading, fetching or swapping content at the timeout")
		}
		sleepCtx(ctx, pollInterval)
	}
	return nil
}

// axeViolation is one failed axe-core rule with the elements that fail it.
type axeViolation struct {
	ID      string    `json:"id"`
	Impact  string    `json:"impact"`
	Help    string    `json:"help"`
	HelpURL string    `json:"helpUrl"`
	Nodes   []axeNode `json:"nodes"`
}

// axeNode is one element that fails an axe-core rule.
type axeNode struct {
	Target         []string `json:"target"`
	HTML           string   `json:"html"`
	FailureSummary string   `json:"failureSummary"`
}

// checkAxe runs axe-core on the current page with the WCAG 2.0, 2.1 and 2.2 A
// and AA rules, and fails the test (without stopping it) with a list of the
// violations. It works on pages with a strict Content Security Policy and on
// tabs with JavaScript disabled. The contents of iframes are not checked.
func checkAxe(t testing.TB, ctx context.Context) {
	t.Helper()
	violations, err := axeViolations(ctx)
	if err != nil {
		t.Fatalf("checkAxe: %v", err)
	}
	if len(violations) == 0 {
		return
	}
	u := locationForReport(ctx)
	t.Errorf("checkAxe: %d accessibility violation(s) on %s:\n%s", len(violations), u, formatAxeViolations(violations))
}

// axeViolations injects axe-core into the current page and returns the WCAG
// A/AA violations it finds.
//
// The script goes in through the DevTools protocol (Runtime.evaluate), which
// the page's Content Security Policy does not apply to. When the tab has
// JavaScript disabled, script execution is switched on for the check and off
// again afterwards; the page's own scripts do not run again, so the check sees
// the page as it is without JavaScript.
func axeViolations(ctx context.Context) (violations []axeViolation, err error) {
	if sess := sessionFrom(ctx); sess.scriptsDisabled() {
		if err := setScriptExecution(ctx, true); err != nil {
			return nil, fmt.Errorf("enabling JavaScript for axe: %w", err)
		}
		defer func() {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if rerr := setScriptExecution(rctx, false); rerr != nil && err == nil {
				err = fmt.Errorf("disabling JavaScript again after axe: %w", rerr)
			}
		}()
	}

	const loaded = `typeof window.axe === "object" && window.axe !== null && typeof window.axe.run === "function"`
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](loaded))
	if err != nil {
		return nil, fmt.Errorf("checking for axe-core: %w", err)
	}
	if !ok {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
			return nil, fmt.Errorf("injecting axe-core: %w", err)
		}
		if ok, err = chromedp.Run(ctx, chromedp.Evaluate[bool](loaded)); err != nil || !ok {
			return nil, fmt.Errorf("axe-core did not load into the page (err=%v)", err)
		}
	}

	tags, _ := json.Marshal(axeTags)
	script := `window.axe.run(document, {
		runOnly: { type: "tag", values: ` + string(tags) + ` },
		resultTypes: ["violations"],
		iframes: false,
	}).then((r) => r.violations.map((v) => ({
		id: v.id,
		impact: v.impact || "",
		help: v.help,
		helpUrl: v.helpUrl,
		nodes: v.nodes.map((n) => ({
			target: n.target.map((s) => Array.isArray(s) ? s.join(" >>> ") : String(s)),
			html: n.html,
			failureSummary: n.failureSummary || "",
		})),
	})))`
	runCtx, cancel := context.WithTimeout(ctx, axeTimeout)
	defer cancel()
	violations, err = chromedp.Run(runCtx, chromedp.Evaluate[[]axeViolation](script, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("running axe-core: %w", err)
	}
	return violations, nil
}

// formatAxeViolations lists each violation with the first few failing
// elements.
func formatAxeViolations(violations []axeViolation) string {
	const maxNodes = 3
	var b strings.Builder
	for _, v := range violations {
		impact := v.Impact
		if impact == "" {
			impact = "unknown impact"
		}
		fmt.Fprintf(&b, "- %s [%s]: %s\n  %s\n", v.ID, impact, v.Help, v.HelpURL)
		for i, n := range v.Nodes {
			if i == maxNodes {
				fmt.Fprintf(&b, "    ... and %d more element(s)\n", len(v.Nodes)-maxNodes)
				break
			}
			fmt.Fprintf(&b, "    at %s\n      %s\n", strings.Join(n.Target, ", "), truncate(normalizeSpace(n.HTML), 300))
		}
	}
	return b.String()
}

// failLookup fails the test for an element that could not be found, and
// lists what the page has instead.
func failLookup(t testing.TB, helper, what, reason, listName string, list []string, err error) {
	t.Helper()
	if reason == "" && err != nil {
		reason = err.Error()
	}
	quoted := make([]string, len(list))
	for i, s := range list {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	t.Fatalf("%s: %s: %s\n%s: [%s]", helper, what, reason, listName, strings.Join(quoted, ", "))
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

var spaceRun = regexp.MustCompile(`\s+`)

func normalizeSpace(s string) string {
	return strings.TrimSpace(spaceRun.ReplaceAllString(s, " "))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// locationForReport returns the URL of the tab for a failure message. It
// works after the test's timeout has passed.
func locationForReport(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return fmt.Sprintf("(unknown: %v)", err)
	}
	return u
}

// sleepCtx sleeps for d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
	case <-timer.C:
	}
}
