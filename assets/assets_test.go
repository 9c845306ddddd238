package assets

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, target string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, req)
	return rec
}

func staticBody(t *testing.T, name string) []byte {
	t.Helper()
	body, err := fs.ReadFile(staticFiles, "static/"+name)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func TestPathIsContentHashed(t *testing.T) {
	for _, name := range []string{"app.css", "app.js", "nhsuk-frontend.min.css", "nhsuk-frontend.min.js", "htmx.min.js", "images/favicon.svg"} {
		if !regexp.MustCompile(`^/assets/[0-9a-f]{8}/` + regexp.QuoteMeta(name) + `$`).MatchString(Path(name)) {
			t.Errorf("Path(%q) = %q", name, Path(name))
		}
	}
}

func TestHashedPathServedImmutable(t *testing.T) {
	tests := []struct{ name, contentType string }{
		{"app.css", "text/css; charset=utf-8"},
		{"app.js", "text/javascript; charset=utf-8"},
		{"htmx.min.js", "text/javascript; charset=utf-8"},
		{"images/favicon.svg", "image/svg+xml"},
		{"images/nhsuk-icon-192.png", "image/png"},
		{"images/favicon.ico", "image/x-icon"},
	}
	for _, tt := range tests {
		rec := get(t, Path(tt.name), nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d", tt.name, rec.Code)
		}
		if got := rec.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control %q", tt.name, got)
		}
		if got := rec.Header().Get("Content-Type"); got != tt.contentType {
			t.Errorf("%s: Content-Type %q, want %q", tt.name, got, tt.contentType)
		}
		if rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("%s: encoded without Accept-Encoding", tt.name)
		}
		if !bytes.Equal(rec.Body.Bytes(), staticBody(t, tt.name)) {
			t.Errorf("%s: body differs from the file", tt.name)
		}
	}
}

func TestNotFound(t *testing.T) {
	for _, target := range []string{
		"/assets/00000000/app.css",
		"/assets/" + strings.Split(Path("app.css"), "/")[2] + "/app.js",
		"/assets/images/no-such.svg",
		"/assets/VERSIONS.txt",
		"/assets/images/../app.css",
		"/other",
	} {
		if rec := get(t, target, nil); rec.Code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", target, rec.Code)
		}
	}
}

func TestGzip(t *testing.T) {
	rec := get(t, Path("nhsuk-frontend.min.css"), map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
	if rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q", rec.Header().Get("Content-Encoding"))
	}
	if rec.Header().Get("Vary") != "Accept-Encoding" {
		t.Errorf("Vary %q", rec.Header().Get("Vary"))
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain, staticBody(t, "nhsuk-frontend.min.css")) {
		t.Error("gzip body does not decompress to the file")
	}

	refused := get(t, Path("app.js"), map[string]string{"Accept-Encoding": "gzip;q=0, *"})
	if refused.Header().Get("Content-Encoding") != "" {
		t.Error("gzip sent although refused with q=0")
	}
}

func TestETag(t *testing.T) {
	first := get(t, Path("app.css"), nil)
	etag := first.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	zipped := get(t, Path("app.css"), map[string]string{"Accept-Encoding": "gzip"})
	if zipped.Header().Get("ETag") == etag {
		t.Error("gzip body has the same ETag as the plain one")
	}
	again := get(t, Path("app.css"), map[string]string{"If-None-Match": etag})
	if again.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", again.Code)
	}
}

func TestUnhashedImage(t *testing.T) {
	rec := get(t, "/assets/images/nhsuk-icon-cross.svg", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	if got := rec.Header().Get("Cache-Control"); got != "public, max-age=86400" {
		t.Errorf("Cache-Control %q", got)
	}
	if got := rec.Header().Get("Content-Type"); got != "image/svg+xml" {
		t.Errorf("Content-Type %q", got)
	}
}

func TestCSSImagesResolve(t *testing.T) {
	css := string(staticBody(t, "nhsuk-frontend.min.css"))
	if strings.Contains(css, "assets.nhs.uk") {
		t.Error("vendored CSS still refers to assets.nhs.uk")
	}
	if strings.Contains(css, "@font-face") {
		t.Error("vendored CSS still has @font-face")
	}
	urls := regexp.MustCompile(`url\(([^)]*)\)`).FindAllStringSubmatch(css, -1)
	if len(urls) == 0 {
		t.Fatal("no url() in the CSS; the test is not looking at the right file")
	}
	for _, u := range urls {
		target := strings.Trim(u[1], `"'`)
		if strings.HasPrefix(target, "data:") {
			continue
		}
		if rec := get(t, target, nil); rec.Code != http.StatusOK {
			t.Errorf("CSS refers to %s: status %d", target, rec.Code)
		}
	}
}

func TestPathPanicsOnUnknownName(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Path of an unknown name did not panic")
		}
	}()
	Path("no-such-file.css")
}

func TestNames(t *testing.T) {
	got := Names()
	want := map[string]bool{"app.css": false, "app.js": false, "htmx.min.js": false, "images/favicon.ico": false}
	for _, name := range got {
		if name == "VERSIONS.txt" {
			t.Error("VERSIONS.txt listed as an asset")
		}
		if _, ok := want[name]; ok {
			want[name] = true
		}
	}
	for name, seen := range want {
		if !seen {
			t.Errorf("Names() lacks %s", name)
		}
	}
	got[0] = "changed"
	if Names()[0] == "changed" {
		t.Error("Names returns its internal slice")
	}
}

func TestMethodNotAllowed(t *testing.T) {
	req := httptest.NewRequest(http.MethodPost, Path("app.css"), nil)
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("status %d", rec.Code)
	}
}
