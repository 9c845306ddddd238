package assets

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	// hashedCache is for /assets/<hash>/<name>: the URL changes with the content.
	hashedCache = "public, max-age=31536000, immutable"
	// imageCache is for /assets/images/<name>, the fixed URLs the NHS CSS uses.
	imageCache = "public, max-age=86400"
)

// Handler serves GET and HEAD for /assets/<hash>/<name> (cached for a year,
// immutable; 404 when the hash is not the file's current one) and for
// /assets/images/<name> without a hash (cached for a day), because the NHS.UK
// stylesheet refers to its icons as url(/assets/images/…). Mount it on the
// /assets/ prefix without stripping it. Bodies are sent gzipped when the client
// accepts it; ETag and conditional requests are supported.
func Handler() http.Handler {
	return http.HandlerFunc(serveAsset)
}

func serveAsset(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	a, cacheControl := lookup(r.URL.Path)
	if a == nil {
		http.NotFound(w, r)
		return
	}

	header := w.Header()
	header.Set("Content-Type", a.contentType)
	header.Set("Cache-Control", cacheControl)
	body, etag := a.body, a.etag
	if a.gzipBody != nil {
		header.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Values("Accept-Encoding")) {
			body = a.gzipBody
			// The compressed body is a different representation, so it needs its own tag.
			etag = strings.TrimSuffix(a.etag, `"`) + `-gzip"`
			header.Set("Content-Encoding", "gzip")
		}
	}
	header.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// lookup finds the asset for a request path and the Cache-Control it gets.
func lookup(urlPath string) (*asset, string) {
	rest, ok := strings.CutPrefix(urlPath, "/assets/")
	if !ok {
		return nil, ""
	}
	if image, ok := strings.CutPrefix(rest, "images/"); ok {
		if a := byName["images/"+image]; a != nil {
			return a, imageCache
		}
		return nil, ""
	}
	hash, name, ok := strings.Cut(rest, "/")
	if a := byName[name]; ok && a != nil && a.hash == hash {
		return a, hashedCache
	}
	return nil, ""
}

// acceptsGzip reports whether Accept-Encoding allows gzip with a non-zero
// quality. A gzip entry wins over "*", so "gzip;q=0, *" refuses it.
func acceptsGzip(acceptEncoding []string) bool {
	gzipQ, anyQ := -1.0, -1.0
	for _, header := range acceptEncoding {
		for part := range strings.SplitSeq(header, ",") {
			coding, params, _ := strings.Cut(part, ";")
			switch strings.ToLower(strings.TrimSpace(coding)) {
			case "gzip", "x-gzip":
				gzipQ = max(gzipQ, qualityOf(params))
			case "*":
				anyQ = max(anyQ, qualityOf(params))
			}
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return anyQ > 0
}

// qualityOf reads q from parameters like " q=0.5"; it is 1 when absent.
func qualityOf(params string) float64 {
	for param := range strings.SplitSeq(params, ";") {
		key, value, _ := strings.Cut(strings.TrimSpace(param), "=")
		if strings.EqualFold(key, "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
			if err != nil {
				return 0
			}
			return q
		}
	}
	return 1
}
