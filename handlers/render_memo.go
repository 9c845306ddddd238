package handlers

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// selfCompressed lists the routes whose handlers compress their own answers (with renderMemo),
// which the gzip middleware must leave alone.
var selfCompressed = map[string]bool{"/appointments": true}

// memoSize is how many rendered pages are kept; about 20 KB each.
const memoSize = 2048

// pageMemo keeps recently rendered pages, and their gzip form, under a hash of the page's
// complete data. The same data always renders the same page, so a page can never be out of
// date: any change to what it shows changes the key. Only the busiest page uses it.
type pageMemo struct {
	mu      sync.Mutex
	entries map[[32]byte]*list.Element
	order   *list.List // most recently used first
}

type memoEntry struct {
	key      [32]byte
	html, gz []byte
}

func newPageMemo() *pageMemo {
	return &pageMemo{entries: map[[32]byte]*list.Element{}, order: list.New()}
}

func (m *pageMemo) get(key [32]byte) (*memoEntry, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.entries[key]
	if !ok {
		return nil, false
	}
	m.order.MoveToFront(el)
	return el.Value.(*memoEntry), true
}

func (m *pageMemo) put(e *memoEntry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.entries[e.key]; ok {
		return
	}
	m.entries[e.key] = m.order.PushFront(e)
	for m.order.Len() > memoSize {
		last := m.order.Back()
		m.order.Remove(last)
		delete(m.entries, last.Value.(*memoEntry).key)
	}
}

// renderMemo renders a page like render, reusing the rendering and its compression when the
// page's data is exactly the same as a recent request's. data must be a value whose printed form
// (%#v) covers everything the template reads: plain structs, no pointers or functions.
func (s *Server) renderMemo(c echo.Context, page string, data any) error {
	key := sha256.Sum256(fmt.Appendf(nil, "%s\x00%#v", page, data))
	e, ok := s.memo.get(key)
	if !ok {
		var html, gz bytes.Buffer
		if err := s.Views.Page(&html, page, data); err != nil {
			return err
		}
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(html.Bytes())
		if err := zw.Close(); err != nil {
			return err
		}
		e = &memoEntry{key: key, html: html.Bytes(), gz: gz.Bytes()}
		s.memo.put(e)
	}
	h := c.Response().Header()
	h.Add("Vary", "HX-Request")
	h.Add("Vary", "Accept-Encoding")
	if strings.Contains(c.Request().Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		return c.Blob(http.StatusOK, echo.MIMETextHTMLCharsetUTF8, e.gz)
	}
	return c.HTMLBlob(http.StatusOK, e.html)
}
