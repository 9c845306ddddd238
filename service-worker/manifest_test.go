package serviceworker

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
)

func TestManifest(t *testing.T) {
	h := ManifestHandler(func(name string) string { return "/assets/abc/" + name })
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/manifest.webmanifest", nil))
	if ct := rec.Header().Get("Content-Type"); ct != "application/manifest+json" {
		t.Fatalf("content type %q", ct)
	}
	var m manifest
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m.Name != "Patient Hub" || m.StartURL != "/" || m.Display != "standalone" || len(m.Icons) < 2 {
		t.Fatalf("manifest %+v", m)
	}
	if m.Icons[1].Sizes != "512x512" || m.Icons[1].Src != "/assets/abc/images/nhsuk-icon-512.png" {
		t.Fatalf("icons %+v", m.Icons)
	}
}
