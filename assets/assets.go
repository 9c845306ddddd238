// Package assets embeds the static files (NHS.UK frontend, htmx, the app's own
// CSS and JavaScript, icons) and serves them under content-hashed URLs.
package assets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

//go:embed static
var staticFiles embed.FS

// asset is one embedded file with everything needed to serve it.
type asset struct {
	name        string // path under static/, e.g. "images/favicon.svg"
	hash        string // first 8 hex characters of the SHA-256 of body
	etag        string
	contentType string
	body        []byte
	gzipBody    []byte // nil when not worth compressing
}

// notServed are files under static/ that document the folder, not assets.
var notServed = map[string]bool{"VERSIONS.txt": true}

var contentTypes = map[string]string{
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".ico":         "image/x-icon",
	".webmanifest": "application/manifest+json",
	".json":        "application/json",
}

// compressible lists the extensions precompressed with gzip at start.
var compressible = map[string]bool{".css": true, ".js": true, ".svg": true}

var (
	byName map[string]*asset
	names  []string
)

func init() {
	var err error
	byName, err = load(staticFiles)
	if err != nil {
		panic(err)
	}
	for name := range byName {
		names = append(names, name)
	}
	slices.Sort(names)
}

// load reads every file under static/ and hashes and compresses it once.
func load(fsys fs.FS) (map[string]*asset, error) {
	loaded := make(map[string]*asset)
	err := fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		if notServed[name] {
			return nil
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		a := &asset{
			name:        name,
			hash:        hex.EncodeToString(sum[:4]),
			etag:        `"` + hex.EncodeToString(sum[:12]) + `"`,
			contentType: contentTypes[ext],
			body:        body,
		}
		if a.contentType == "" {
			a.contentType = "application/octet-stream"
		}
		if compressible[ext] {
			if a.gzipBody, err = gzipped(body); err != nil {
				return fmt.Errorf("assets: compress %s: %w", name, err)
			}
		}
		loaded[name] = a
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("assets: load: %w", err)
	}
	return loaded, nil
}

// gzipped returns body compressed, or nil when compression does not help.
func gzipped(body []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(body); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if buf.Len() >= len(body) {
		return nil, nil
	}
	return buf.Bytes(), nil
}

// Path returns the content-hashed URL for a file under static/, e.g.
// Path("app.css") == "/assets/3f2a9c1b/app.css". It panics on an unknown name:
// a template asking for a missing asset is a start-up failure.
func Path(name string) string {
	a, ok := byName[name]
	if !ok {
		panic(fmt.Sprintf("assets: no asset named %q", name))
	}
	return "/assets/" + a.hash + "/" + a.name
}

// Names lists every asset name, sorted, e.g. "app.css", "images/favicon.svg".
func Names() []string {
	return slices.Clone(names)
}
