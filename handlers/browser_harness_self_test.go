package handlers_test

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

const harnessCSP = "default-src 'self'; script-src 'self'"

// harnessPage wraps body in an accessible page layout.
func harnessPage(title, body string) string {
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>` + title + `</title>
<script src="/app.js" defer></script>
</head>
<body>
<main>
<h1>` + title + `</h1>
<p id="js-status">JavaScript is off</p>
` + body + `
</main>
</body>
</html>`
}

// newHarnessServer serves the pages that the harness self-tests use:
//
//	/        an accessible form under a strict CSP, posting to /done
//	/done    "Thanks, <name>"
//	/bad     a page with an image without alt text and an unlabelled input
//	/app.js  a script that reports that JavaScript ran
func newHarnessServer(t *testing.T) *httptest.Server {
	t.Helper()
	var pixel bytes.Buffer
	if err := png.Encode(&pixel, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}

	mux := http.NewServeMux()
	withCSP := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", harnessCSP)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			h(w, r)
		}
	}
	mux.HandleFunc("GET /{$}", withCSP(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, harnessPage("Contact us", `
<p id="inline-status">Inline scripts are blocked</p>
<script>document.getElementById("inline-status").textContent = "Inline script ran";</script>
<form method="post" action="/done">
  <div>
    <label for="name">Your name</label>
    <input id="name" name="name" type="text" autocomplete="name" value="placeholder text">
  </div>
  <div>
    <label>Reason <select name="reason"><option value="">Choose</option><option value="appt">Appointment</option></select></label>
  </div>
  <div>
    <input type="checkbox" id="agree" name="agree" value="yes">
    <label for="agree">I agree to the terms</label>
  </div>
  <button type="submit">Send</button>
</form>`))
	}))
	mux.HandleFunc("POST /done", withCSP(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprint(w, harnessPage("Message sent", fmt.Sprintf(
			"<p>Thanks, %s</p><p>Reason: %s</p><p>Agreed: %s</p>",
			html.EscapeString(r.PostForm.Get("name")),
			html.EscapeString(r.PostForm.Get("reason")),
			html.EscapeString(r.PostForm.Get("agree")))))
	}))
	mux.HandleFunc("GET /bad", withCSP(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, harnessPage("Broken page", `
<img src="/pixel.png" width="40" height="40">
<form method="get" action="/bad">
  <input type="text" name="q">
</form>`))
	}))
	mux.HandleFunc("GET /dynamic", withCSP(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, harnessPage("Dynamic page", `
<button type="button" id="fetch-only">Load plain</button>
<button type="button" hx-get="/fragment" hx-target="#result">Load more</button>
<div id="result" aria-live="polite"></div>
<script src="/dynamic.js" defer></script>
<script src="/htmx.min.js" defer></script>`))
	}))
	mux.HandleFunc("GET /fragment", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(400 * time.Millisecond)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<p>Fragment loaded</p>")
	})
	mux.HandleFunc("GET /dynamic.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `document.getElementById("fetch-only").addEventListener("click", () => {
	fetch("/fragment").then((r) => r.text()).then((html) => {
		document.getElementById("result").innerHTML = html.replace("Fragment", "Plain fragment");
	});
});`)
	})
	mux.HandleFunc("GET /htmx.min.js", func(w http.ResponseWriter, r *http.Request) {
		// The app's own copy of htmx, when it is there.
		w.Header().Set("Content-Type", "text/javascript")
		http.ServeFile(w, r, filepath.Join("..", "assets", "static", "htmx.min.js"))
	})
	mux.HandleFunc("GET /app.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `document.getElementById("js-status").textContent = "JavaScript is on";`)
	})
	mux.HandleFunc("GET /pixel.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(pixel.Bytes())
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestHarnessJourney(t *testing.T) {
	srv := newHarnessServer(t)
	for _, tc := range []struct {
		name     string
		jsOff    bool
		jsStatus string
	}{
		{"JavaScriptOn", false, "JavaScript is on"},
		{"JavaScriptOff", true, "JavaScript is off"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := newBrowser(t, browserOptions{JavaScriptDisabled: tc.jsOff})
			navigate(t, ctx, srv.URL+"/")
			waitForText(t, ctx, tc.jsStatus)

			// The CSP is enforced, and axe still runs under it.
			if text := pageText(t, ctx); !strings.Contains(text, "Inline scripts are blocked") {
				t.Errorf("the inline script ran despite the CSP; page text:\n%s", text)
			}
			checkAxe(t, ctx)

			fillByLabel(t, ctx, "Your name", "Sam")
			fillByLabel(t, ctx, "Reason", "Appointment")
			setCheckedByLabel(t, ctx, "I agree to the terms", true)
			clickButton(t, ctx, "Send")
			waitForText(t, ctx, "Thanks, Sam")
			waitForText(t, ctx, "Reason: appt")
			waitForText(t, ctx, "Agreed: yes")

			if u := currentURL(t, ctx); u != srv.URL+"/done" {
				t.Errorf("currentURL = %q, want %q", u, srv.URL+"/done")
			}
			// After checkAxe, JavaScript is still in the state the test asked for.
			waitForText(t, ctx, tc.jsStatus)
			checkAxe(t, ctx)

			path := filepath.Join(t.TempDir(), "shots", "done.png")
			screenshot(t, ctx, path)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
				t.Errorf("screenshot is not a PNG: % x", b[:min(len(b), 8)])
			}
		})
	}
}

func TestHarnessClickWaitsForFetches(t *testing.T) {
	srv := newHarnessServer(t)
	ctx := newBrowser(t, browserOptions{})
	navigate(t, ctx, srv.URL+"/dynamic")

	// No waitForText: clickButton itself waits for the request and the swap.
	clickButton(t, ctx, "Load plain")
	if text := pageText(t, ctx); !strings.Contains(text, "Plain fragment loaded") {
		t.Errorf("after a click that fetches, the page text is:\n%s", text)
	}

	if _, err := os.Stat(filepath.Join("..", "assets", "static", "htmx.min.js")); err != nil {
		t.Skipf("no htmx to test with: %v", err)
	}
	clickButton(t, ctx, "Load more")
	if text := pageText(t, ctx); !strings.Contains(text, "Fragment loaded") {
		t.Errorf("after an htmx click, the page text is:\n%s", text)
	}
	checkAxe(t, ctx)
}

func TestHarnessAxeFindsViolations(t *testing.T) {
	srv := newHarnessServer(t)
	for _, jsOff := range []bool{false, true} {
		t.Run(fmt.Sprintf("JavaScriptDisabled=%v", jsOff), func(t *testing.T) {
			ctx := newBrowser(t, browserOptions{JavaScriptDisabled: jsOff})
			navigate(t, ctx, srv.URL+"/bad")

			violations, err := axeViolations(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, v := range violations {
				ids = append(ids, v.ID)
			}
			for _, want := range []string{"image-alt", "label"} {
				if !slices.Contains(ids, want) {
					t.Errorf("axe violations %v do not include %q", ids, want)
				}
			}

			// checkAxe reports them as a test failure.
			rec := runRecorded(t, func(tb testing.TB) { checkAxe(tb, ctx) })
			if len(rec.fatals) != 0 || len(rec.errors) != 1 {
				t.Fatalf("checkAxe on /bad: got errors %q, fatals %q; want one error", rec.errors, rec.fatals)
			}
			msg := rec.errors[0]
			t.Logf("checkAxe reported:\n%s", msg)
			for _, want := range []string{"image-alt", "label", "<img", "/bad", "https://dequeuniversity.com/"} {
				if !strings.Contains(msg, want) {
					t.Errorf("checkAxe message does not mention %q:\n%s", want, msg)
				}
			}

			// The scripting state survives the check.
			navigate(t, ctx, srv.URL+"/bad")
			want := "JavaScript is on"
			if jsOff {
				want = "JavaScript is off"
			}
			waitForText(t, ctx, want)

			// The accessible page passes through the same recorder.
			navigate(t, ctx, srv.URL+"/")
			rec = runRecorded(t, func(tb testing.TB) { checkAxe(tb, ctx) })
			if len(rec.errors)+len(rec.fatals) != 0 {
				t.Errorf("checkAxe on /: errors %q, fatals %q", rec.errors, rec.fatals)
			}
		})
	}
}

func TestHarnessLookupFailures(t *testing.T) {
	srv := newHarnessServer(t)
	ctx := newBrowser(t, browserOptions{WaitTimeout: 300 * time.Millisecond})
	navigate(t, ctx, srv.URL+"/")

	for _, tc := range []struct {
		name string
		fn   func(testing.TB)
		want []string
	}{
		{"missing label", func(tb testing.TB) { fillByLabel(tb, ctx, "Surname", "x") },
			[]string{`label "Surname"`, "no <label>", `"Your name"`}},
		{"missing button", func(tb testing.TB) { clickButton(tb, ctx, "Cancel") },
			[]string{`button "Cancel"`, `"Send"`}},
		{"missing text", func(tb testing.TB) { waitForText(tb, ctx, "Goodbye") },
			[]string{`"Goodbye" did not appear`, "Contact us", srv.URL}},
		{"checkbox via fillByLabel", func(tb testing.TB) { fillByLabel(tb, ctx, "I agree to the terms", "yes") },
			[]string{"setCheckedByLabel"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := runRecorded(t, tc.fn)
			if len(rec.fatals) != 1 {
				t.Fatalf("got fatals %q, errors %q; want one fatal", rec.fatals, rec.errors)
			}
			t.Logf("reported:\n%s", rec.fatals[0])
			for _, w := range tc.want {
				if !strings.Contains(rec.fatals[0], w) {
					t.Errorf("message does not mention %q:\n%s", w, rec.fatals[0])
				}
			}
		})
	}
}

func TestHarnessBrowserAvailable(t *testing.T) {
	t.Setenv("PATIENTHUB_CHROMIUM", filepath.Join(t.TempDir(), "no-such-chromium"))

	t.Setenv("CI", "")
	rec := runRecorded(t, func(tb testing.TB) { browserAvailable(tb) })
	if len(rec.skips) != 1 || !strings.Contains(rec.skips[0], chromiumMissingHint) {
		t.Errorf("without CI: skips %q, fatals %q; want one skip with the install hint", rec.skips, rec.fatals)
	}

	t.Setenv("CI", "true")
	rec = runRecorded(t, func(tb testing.TB) { browserAvailable(tb) })
	if len(rec.fatals) != 1 || !strings.Contains(rec.fatals[0], chromiumMissingHint) {
		t.Errorf("with CI=true: fatals %q, skips %q; want one fatal with the install hint", rec.fatals, rec.skips)
	}
}

// recorder is a testing.TB that records failures and skips instead of
// reporting them, so the self-tests can check the harness's own failures.
// Fatal and Skip end the calling goroutine, as they do on a real test.
type recorder struct {
	testing.TB
	mu                    sync.Mutex
	errors, fatals, skips []string
	failed                bool
}

func (r *recorder) Helper() {}

func (r *recorder) add(list *[]string, msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	*list = append(*list, msg)
	r.failed = r.failed || list != &r.skips
}

func (r *recorder) Error(args ...any)                 { r.add(&r.errors, fmt.Sprint(args...)) }
func (r *recorder) Errorf(format string, args ...any) { r.add(&r.errors, fmt.Sprintf(format, args...)) }
func (r *recorder) Fatal(args ...any)                 { r.add(&r.fatals, fmt.Sprint(args...)); runtime.Goexit() }
func (r *recorder) Fatalf(format string, args ...any) {
	r.add(&r.fatals, fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (r *recorder) Skip(args ...any) { r.add(&r.skips, fmt.Sprint(args...)); runtime.Goexit() }
func (r *recorder) Skipf(format string, args ...any) {
	r.add(&r.skips, fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

// runRecorded runs fn with a recorder on its own goroutine and returns what it
// recorded.
func runRecorded(t *testing.T, fn func(testing.TB)) *recorder {
	t.Helper()
	rec := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(rec)
	}()
	<-done
	return rec
}
