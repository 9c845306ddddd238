package serviceworker

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"net/http"
)

// ScriptPath is where the service worker is served: the site root, so it may control every page.
const ScriptPath = "/sw.js"

// OfflinePath is the offline page the worker precaches and shows when a page cannot be loaded.
const OfflinePath = "/offline"

//go:embed sw.js
var source []byte

// Script is the service worker with what it must precache written in front of it.
type Script struct {
	// Version changes whenever the script, an asset or the offline page changes, and with it the
	// worker's bytes: browsers then install the new worker and drop the old shell.
	Version string
	body    []byte
	etag    string
}

// NewScript builds the worker. precache lists the URLs kept at install (the hashed assets and the
// offline page); icon is the notifications' icon; offlinePage is the offline page's content, so a
// change to it gives a new version.
func NewScript(precache []string, icon string, offlinePage []byte) *Script {
	list, err := json.Marshal(precache)
	if err != nil {
		panic(err)
	}
	sum := sha256.New()
	sum.Write(source)
	sum.Write(list)
	sum.Write([]byte(icon))
	sum.Write(offlinePage)
	version := hex.EncodeToString(sum.Sum(nil))[:16]

	var b bytes.Buffer
	b.WriteString("// Written by Patient Hub at start: this version, and what it keeps at install.\n")
	b.WriteString("const VERSION = " + jsString(version) + "\n")
	b.WriteString("const PRECACHE = " + string(list) + "\n")
	b.WriteString("const ICON = " + jsString(icon) + "\n\n")
	b.Write(source)
	return &Script{Version: version, body: b.Bytes(), etag: `"` + version + `"`}
}

func jsString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// ServeHTTP sends the worker. no-cache makes browsers check for a new version on every visit;
// Service-Worker-Allowed lets it control the whole site.
func (s *Script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Service-Worker-Allowed", "/")
	h.Set("ETag", s.etag)
	if r.Header.Get("If-None-Match") == s.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if r.Method == http.MethodHead {
		return
	}
	w.Write(s.body)
}
