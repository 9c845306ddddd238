package handlers_test

// Sign-in journeys in a real browser. Each journey runs twice in one browser:
// as the subtest "js" with JavaScript on and as "nojs" with it off, each time
// against its own hub and with no cookies left from the other run.

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/patienthub/patienthub/store"
)

const (
	ameliaMobile = "+447700900001"
	twinsMobile  = "+447700900003"
	patelMobile  = "+447700900002"
)

// browserJourney is one journey, run by inBothModes.
type browserJourney func(t *testing.T, ctx context.Context, e *testEnv, js bool)

// inBothModes runs journey as the subtests "js" and "nojs" in one browser.
// Every run gets its own hub and starts with no cookies. With JavaScript on,
// the run fails when the console shows a problem with the page's scripts
// (see checkConsoleClean).
func inBothModes(t *testing.T, journey browserJourney) {
	t.Helper()
	ctx := newBrowser(t, browserOptions{Timeout: 3 * time.Minute})
	for _, mode := range []struct {
		name string
		js   bool
	}{{"js", true}, {"nojs", false}} {
		t.Run(mode.name, func(t *testing.T) {
			e := newEnv(t)
			// Runs before the server closes: leave the app so that the tab
			// holds no request to it.
			t.Cleanup(func() {
				cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
				defer cancel()
				_ = chromedp.Do(cctx, chromedp.Navigate("about:blank"))
			})
			if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
				t.Fatalf("clearing cookies: %v", err)
			}
			setJavaScriptEnabled(t, ctx, mode.js)
			runCtx, watch := watchConsole(t, ctx)
			journey(t, runCtx, e, mode.js)
			if mode.js {
				checkConsoleClean(t, watch)
			}
		})
	}
}

// consoleWatch keeps the console messages of the tab during one run.
type consoleWatch struct {
	mu   sync.Mutex
	msgs []chromedp.ConsoleMessage
	from int // the first message that checkConsoleClean looks at
}

type consoleWatchKey struct{}

// watchConsole records the tab's console messages until the test ends. The
// returned context carries the watch for ignoreConsoleSoFar.
func watchConsole(t testing.TB, ctx context.Context) (context.Context, *consoleWatch) {
	t.Helper()
	w := &consoleWatch{}
	wctx, cancel := context.WithCancel(ctx)
	messages := chromedp.Console(wctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			w.mu.Lock()
			if len(w.msgs) < maxConsoleMessages {
				w.msgs = append(w.msgs, m)
			}
			w.mu.Unlock()
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return context.WithValue(ctx, consoleWatchKey{}, w), w
}

// ignoreConsoleSoFar makes checkConsoleClean skip the messages logged until
// now.
func ignoreConsoleSoFar(ctx context.Context) {
	if w, ok := ctx.Value(consoleWatchKey{}).(*consoleWatch); ok {
		w.mu.Lock()
		w.from = len(w.msgs)
		w.mu.Unlock()
	}
}

// scriptProblems returns the recorded messages that show a problem with the
// page's scripts: a Content Security Policy violation, an uncaught exception,
// or an error from the page's JavaScript. Network errors, such as the 422
// status of a form with errors, are not in the list.
func (w *consoleWatch) scriptProblems() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var bad []string
	for _, m := range w.msgs[w.from:] {
		switch {
		case m.Source == "security", strings.Contains(m.Text, "Content Security Policy"),
			m.IsException(),
			m.Type == chromedp.ConsoleError && (m.Source == "" || m.Source == "javascript"):
			s := m.String()
			if m.Source != "" {
				s += " [" + m.Source + "]"
			}
			if m.URL != "" {
				s += fmt.Sprintf(" (%s:%d)", m.URL, m.Line+1)
			}
			bad = append(bad, s)
		}
	}
	return bad
}

// checkConsoleClean fails the test when the console shows a problem with
// the page's scripts (see scriptProblems).
func checkConsoleClean(t testing.TB, w *consoleWatch) {
	t.Helper()
	if bad := w.scriptProblems(); len(bad) > 0 {
		t.Errorf("the browser console shows problems with the page's scripts:\n  %s", strings.Join(bad, "\n  "))
	}
}

// wantPath fails the test unless the tab is at path.
func wantPath(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	raw := currentURL(t, ctx)
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("parsing the URL %q: %v", raw, err)
	}
	if u.Path != path {
		t.Fatalf("the browser is at %s, want the path %s\npage text:\n%s", raw, path, truncate(pageText(t, ctx), maxTextInFailure))
	}
}

// wantNoText fails the test when the page shows text.
func wantNoText(t testing.TB, ctx context.Context, texts ...string) {
	t.Helper()
	got := normalizeSpace(pageText(t, ctx))
	for _, text := range texts {
		if strings.Contains(got, normalizeSpace(text)) {
			t.Fatalf("the page must not show %q\nURL: %s\npage text:\n%s", text, currentURL(t, ctx), truncate(got, maxTextInFailure))
		}
	}
}

// enterContactAndBirthDate fills in the first sign-in step and continues.
func enterContactAndBirthDate(t testing.TB, ctx context.Context, e *testEnv, contact, day, month, year string) {
	t.Helper()
	navigate(t, ctx, e.srv.URL+"/signin")
	waitForText(t, ctx, "Sign in to Patient Hub")
	fillByLabel(t, ctx, "Mobile number or email address", contact)
	fillByLabel(t, ctx, "Day", day)
	fillByLabel(t, ctx, "Month", month)
	fillByLabel(t, ctx, "Year", year)
	clickButton(t, ctx, "Continue")
	waitForText(t, ctx, "Enter your security code")
	wantPath(t, ctx, "/signin/code")
}

// enterSecurityCode types code, or when code is empty the newest code sent
// to codeTo, and continues.
func enterSecurityCode(t testing.TB, ctx context.Context, e *testEnv, codeTo, code string) {
	t.Helper()
	if code == "" {
		code = e.latestCode(codeTo)
		if code == "" {
			t.Fatalf("no security code was sent to %s", codeTo)
		}
	}
	fillByLabel(t, ctx, "Security code", code)
	clickButton(t, ctx, "Continue")
}

// wrongCode returns a well-formed code that is not right.
func wrongCode(right string) string {
	if right == "000000" {
		return "111111"
	}
	return "000000"
}

func TestBrowserSignInWithMobileAndSignOut(t *testing.T) {
	inBothModes(t, func(t *testing.T, ctx context.Context, e *testEnv, js bool) {
		e.addPatient("Amelia", "Clarke", ameliaMobile, "amelia.clarke@example.com", store.NewDate(1985, 3, 14), "Cardiology clinic")

		enterContactAndBirthDate(t, ctx, e, "07700 900001", "14", "3", "1985")
		checkAxe(t, ctx)

		enterSecurityCode(t, ctx, e, ameliaMobile, "")
		waitForText(t, ctx, "Your appointments")
		wantPath(t, ctx, "/appointments")
		waitForText(t, ctx, "Cardiology clinic")
		waitForText(t, ctx, "St James's University Hospital")
		waitForText(t, ctx, "Signed in as Amelia Clarke")
		waitForText(t, ctx, "Sign out")
		wantNoText(t, ctx, "For Amelia Clarke")
		checkAxe(t, ctx)

		clickButton(t, ctx, "Sign out")
		waitForText(t, ctx, "You have signed out")
		wantPath(t, ctx, "/signin")
		waitForText(t, ctx, "Mobile number or email address")
		wantNoText(t, ctx, "Signed in as", "Cardiology clinic")

		// The session is gone: the appointments page sends the person back.
		navigate(t, ctx, e.srv.URL+"/appointments")
		wantPath(t, ctx, "/signin")
		wantNoText(t, ctx, "Cardiology clinic")
	})
}

func TestBrowserSignInPageAndFormErrorsAreAccessible(t *testing.T) {
	inBothModes(t, func(t *testing.T, ctx context.Context, e *testEnv, js bool) {
		navigate(t, ctx, e.srv.URL+"/signin")
		waitForText(t, ctx, "Sign in to Patient Hub")
		checkAxe(t, ctx)

		clickButton(t, ctx, "Continue")
		waitForText(t, ctx, "There is a problem")
		waitForText(t, ctx, "Enter your mobile number or email address")
		wantPath(t, ctx, "/signin")
		title, err := chromedp.Run(ctx, chromedp.Title())
		if err != nil {
			t.Fatalf("reading the title: %v", err)
		}
		if !strings.HasPrefix(title, "Error: ") {
			t.Errorf("the title of a page with errors is %q, want it to start with \"Error: \"", title)
		}
		checkAxe(t, ctx)

		if js {
			// NHS.UK frontend moves focus to the error summary, so that
			// screen reader users hear the errors first.
			focused, err := pollReport(ctx, `!!(document.activeElement && document.activeElement.closest(".nhsuk-error-summary"))`,
				func(ok bool) bool { return ok })
			if err != nil || !focused {
				t.Errorf("the error summary does not have the focus (err=%v)", err)
			}
		}
	})
}

func TestBrowserWrongAndExpiredSecurityCodes(t *testing.T) {
	inBothModes(t, func(t *testing.T, ctx context.Context, e *testEnv, js bool) {
		e.addPatient("Amelia", "Clarke", ameliaMobile, "", store.NewDate(1985, 3, 14), "Cardiology clinic")

		enterContactAndBirthDate(t, ctx, e, "07700 900001", "14", "3", "1985")
		first := e.latestCode(ameliaMobile)
		if first == "" {
			t.Fatalf("no security code was sent to %s", ameliaMobile)
		}

		enterSecurityCode(t, ctx, e, ameliaMobile, wrongCode(first))
		waitForText(t, ctx, "There is a problem")
		waitForText(t, ctx, "The security code is not right")
		wantPath(t, ctx, "/signin/code")
		checkAxe(t, ctx)

		e.clock.Advance(151 * time.Second)
		enterSecurityCode(t, ctx, e, ameliaMobile, first)
		waitForText(t, ctx, "This security code has expired")
		wantPath(t, ctx, "/signin/code")
		wantNoText(t, ctx, "Your appointments")
		checkAxe(t, ctx)

		sent := e.outboxCount()
		clickButton(t, ctx, "Send a new code")
		waitForText(t, ctx, "We have sent a new security code")
		wantPath(t, ctx, "/signin/code")
		if n := e.outboxCount(); n != sent+1 {
			t.Fatalf("%d messages were sent for a new code, want 1", n-sent)
		}
		fresh := e.latestCode(ameliaMobile)
		if fresh == first {
			t.Fatal("the new code is the same as the expired one")
		}
		checkAxe(t, ctx)

		enterSecurityCode(t, ctx, e, ameliaMobile, fresh)
		waitForText(t, ctx, "Your appointments")
		wantPath(t, ctx, "/appointments")
		waitForText(t, ctx, "Cardiology clinic")
	})
}

func TestBrowserTwinsNeedTheUserVerificationCode(t *testing.T) {
	inBothModes(t, func(t *testing.T, ctx context.Context, e *testEnv, js bool) {
		ava := e.addPatient("Ava", "Jones", twinsMobile, "", store.NewDate(2019, 5, 5), "Ava's clinic")
		isla := e.addPatient("Isla", "Jones", twinsMobile, "", store.NewDate(2019, 5, 5), "Isla's clinic")
		if ava.VerificationCode == isla.VerificationCode {
			t.Fatal("the twins have the same user verification code")
		}

		enterContactAndBirthDate(t, ctx, e, "07700 900003", "5", "5", "2019")
		enterSecurityCode(t, ctx, e, twinsMobile, "")
		waitForText(t, ctx, "Enter your user verification code")
		wantPath(t, ctx, "/signin/verify")
		waitForText(t, ctx, "User verification code")
		wantNoText(t, ctx, "Ava", "Isla", "Your appointments")
		checkAxe(t, ctx)

		fillByLabel(t, ctx, "User verification code", "WRONG123")
		clickButton(t, ctx, "Continue")
		waitForText(t, ctx, "There is a problem")
		waitForText(t, ctx, "The user verification code is not right")
		wantPath(t, ctx, "/signin/verify")
		wantNoText(t, ctx, "Ava's clinic", "Isla's clinic")
		checkAxe(t, ctx)

		fillByLabel(t, ctx, "User verification code", isla.VerificationCode)
		clickButton(t, ctx, "Continue")
		waitForText(t, ctx, "Your appointments")
		wantPath(t, ctx, "/appointments")
		waitForText(t, ctx, "Isla's clinic")
		waitForText(t, ctx, "For Isla Jones")
		waitForText(t, ctx, "Signed in as Isla Jones")
		wantNoText(t, ctx, "Ava's clinic", "Ava Jones")
	})
}

func TestBrowserParentSignsInForChild(t *testing.T) {
	inBothModes(t, func(t *testing.T, ctx context.Context, e *testEnv, js bool) {
		e.addPatient("Sam", "Patel", patelMobile, "", store.NewDate(1988, 7, 20), "Orthopaedics")
		e.addPatient("Leo", "Patel", patelMobile, "", store.NewDate(2016, 9, 2), "Paediatrics")

		enterContactAndBirthDate(t, ctx, e, "+44 7700 900002", "2", "9", "2016")
		enterSecurityCode(t, ctx, e, patelMobile, "")
		waitForText(t, ctx, "Your appointments")
		wantPath(t, ctx, "/appointments")
		waitForText(t, ctx, "For Leo Patel")
		waitForText(t, ctx, "Paediatrics")
		wantNoText(t, ctx, "Orthopaedics", "Sam Patel")
		checkAxe(t, ctx)
	})
}

// recordCSPViolations is run in every new document before the page's own
// scripts: it keeps the securitypolicyviolation events of the page.
const recordCSPViolations = `window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
	window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline code") +
		" at " + e.sourceFile + ":" + e.lineNumber);
});`

func TestBrowserSignInPageScriptsRunUnderCSP(t *testing.T) {
	inBothModes(t, func(t *testing.T, ctx context.Context, e *testEnv, js bool) {
		added, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
			page.AddScriptToEvaluateOnNewDocumentParams{Source: recordCSPViolations})
		if err != nil {
			t.Fatalf("adding the CSP violation recorder: %v", err)
		}
		t.Cleanup(func() {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			_, _ = chromedp.Call(cctx, page.RemoveScriptToEvaluateOnNewDocument,
				page.RemoveScriptToEvaluateOnNewDocumentParams{Identifier: added.Identifier})
		})

		navigate(t, ctx, e.srv.URL+"/signin")
		waitForText(t, ctx, "Sign in to Patient Hub")

		type scriptState struct {
			JSEnabled       bool     `json:"jsEnabled"`
			FrontendOK      bool     `json:"frontendOK"`
			HTMX            bool     `json:"htmx"`
			ButtonReady     bool     `json:"buttonReady"`
			Violations      []string `json:"violations"`
			RecorderPresent bool     `json:"recorderPresent"`
		}
		const stateJS = `({
			jsEnabled: document.body.classList.contains("js-enabled"),
			frontendOK: document.body.classList.contains("nhsuk-frontend-supported"),
			htmx: typeof htmx !== "undefined",
			buttonReady: !!document.querySelector("[data-module=nhsuk-button][data-nhsuk-button-init]"),
			violations: window.__cspViolations || [],
			recorderPresent: Array.isArray(window.__cspViolations),
		})`

		if !js {
			// Without JavaScript, nothing ran; axe still sees a usable page.
			st, err := chromedp.Run(ctx, chromedp.Evaluate[scriptState](stateJS))
			if err != nil {
				t.Fatalf("reading the page state: %v", err)
			}
			if st.JSEnabled || st.HTMX || st.ButtonReady {
				t.Fatalf("scripts ran with JavaScript off: %+v", st)
			}
			checkAxe(t, ctx)
			return
		}

		// The inline script (allowed by its hash), htmx and the app module, which
		// imports NHS.UK frontend, all run.
		st, err := pollReport(ctx, stateJS, func(s scriptState) bool {
			return s.JSEnabled && s.FrontendOK && s.HTMX && s.ButtonReady
		})
		if err != nil || !st.JSEnabled || !st.FrontendOK || !st.HTMX || !st.ButtonReady {
			t.Fatalf("the page's scripts did not all run (err=%v): %+v", err, st)
		}
		if !st.RecorderPresent {
			t.Fatal("the CSP violation recorder was not installed")
		}
		if len(st.Violations) > 0 {
			t.Fatalf("Content Security Policy violations on the sign-in page:\n  %s", strings.Join(st.Violations, "\n  "))
		}
		watch := ctx.Value(consoleWatchKey{}).(*consoleWatch)
		checkConsoleClean(t, watch)

		// The recorder and the console check do see a violation: an inline
		// script not allowed by the policy is blocked and reported.
		ignoreConsoleSoFar(ctx)
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(() => {
			const s = document.createElement("script");
			s.textContent = "window.__inlineRan = true";
			document.body.appendChild(s);
		})()`)); err != nil {
			t.Fatalf("adding an inline script: %v", err)
		}
		type blockReport struct {
			Ran bool `json:"ran"`
			N   int  `json:"n"`
		}
		blocked, err := pollReport(ctx, `({ ran: window.__inlineRan === true, n: window.__cspViolations.length })`,
			func(r blockReport) bool { return r.N > 0 })
		if err != nil || blocked.Ran || blocked.N == 0 {
			t.Fatalf("an inline script the policy does not allow was not blocked and reported (err=%v): %+v", err, blocked)
		}
		for deadline := time.Now().Add(5 * time.Second); len(watch.scriptProblems()) == 0; sleepCtx(ctx, pollInterval) {
			if time.Now().After(deadline) {
				t.Fatal("the console check did not see the Content Security Policy violation of a blocked inline script")
			}
		}
		// The deliberate violation is not the page's: the console check at
		// the end of the run looks at a fresh sign-in page.
		ignoreConsoleSoFar(ctx)
		navigate(t, ctx, e.srv.URL+"/signin")
		waitForText(t, ctx, "Sign in to Patient Hub")
	})
}
