package serviceworker

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestScriptCarriesItsVersionAndPrecache(t *testing.T) {
	precache := []string{OfflinePath, "/assets/1a2b3c4d/app.css", "/assets/5e6f7a8b/pwa.js"}
	s := NewScript(precache, "/assets/99/images/icon.png", []byte("<h1>You are offline</h1>"))
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, ScriptPath, nil))
	h := rec.Header()
	for name, want := range map[string]string{
		"Content-Type":           "text/javascript; charset=utf-8",
		"Cache-Control":          "no-cache",
		"Service-Worker-Allowed": "/",
		"ETag":                   `"` + s.Version + `"`,
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	body := rec.Body.String()
	for _, want := range []string{
		`const VERSION = "` + s.Version + `"`,
		`const PRECACHE = ["/offline","/assets/1a2b3c4d/app.css","/assets/5e6f7a8b/pwa.js"]`,
		`const ICON = "/assets/99/images/icon.png"`,
		"self.addEventListener('fetch'",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the worker lacks %s", want)
		}
	}
	if len(s.Version) != 16 {
		t.Errorf("version %q", s.Version)
	}

	again := httptest.NewRequest(http.MethodGet, ScriptPath, nil)
	again.Header.Set("If-None-Match", h.Get("ETag"))
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, again)
	if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Errorf("an unchanged worker: %d with %d bytes", rec.Code, rec.Body.Len())
	}
}

func TestScriptVersionFollowsAssetsAndOfflinePage(t *testing.T) {
	base := NewScript([]string{"/assets/aaaa/app.css"}, "/i.png", []byte("offline"))
	for name, other := range map[string]*Script{
		"an asset changed":         NewScript([]string{"/assets/bbbb/app.css"}, "/i.png", []byte("offline")),
		"the offline page changed": NewScript([]string{"/assets/aaaa/app.css"}, "/i.png", []byte("offline, reworded")),
		"the icon changed":         NewScript([]string{"/assets/aaaa/app.css"}, "/j.png", []byte("offline")),
	} {
		if other.Version == base.Version {
			t.Errorf("%s: the version stayed %s", name, base.Version)
		}
	}
	if same := NewScript([]string{"/assets/aaaa/app.css"}, "/i.png", []byte("offline")); same.Version != base.Version {
		t.Errorf("the same inputs gave versions %s and %s", base.Version, same.Version)
	}
}
