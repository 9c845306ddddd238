package handlers

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"net/http"
	"reflect"
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

// keyBuffers holds the scratch buffers memo keys are encoded in.
var keyBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// memoKey is the hash of a page's name and its complete data.
func memoKey(page string, data any) ([32]byte, error) {
	buf := keyBuffers.Get().(*[]byte)
	defer keyBuffers.Put(buf)
	b := append((*buf)[:0], page...)
	b, err := appendKey(append(b, 0), reflect.ValueOf(data))
	*buf = b
	if err != nil {
		return [32]byte{}, err
	}
	return sha256.Sum256(b), nil
}

// renderMemo renders a page like render, reusing the rendering and its compression when the
// page's data is exactly the same as a recent request's. data must be plain data that holds
// everything the template reads (see appendKey), with no cycles.
func (s *Server) renderMemo(c echo.Context, page string, data any) error {
	key, err := memoKey(page, data)
	if err != nil {
		return err
	}
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

// appendKey appends an unambiguous encoding of v to b: every string carries its length, every
// slice its count and every interface its type, so two different values never encode alike. It
// reads plain data only (structs, strings, numbers, bools, slices, arrays, pointers, interfaces)
// and reports an error for anything else, such as a map or a function, whose encoding would
// not be stable.
func appendKey(b []byte, v reflect.Value) ([]byte, error) {
	switch v.Kind() {
	case reflect.String:
		b = binary.AppendUvarint(b, uint64(v.Len()))
		return append(b, v.String()...), nil
	case reflect.Bool:
		if v.Bool() {
			return append(b, 1), nil
		}
		return append(b, 0), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return binary.AppendVarint(b, v.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return binary.AppendUvarint(b, v.Uint()), nil
	case reflect.Float32, reflect.Float64:
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(v.Float())), nil
	case reflect.Struct:
		var err error
		for i := range v.NumField() {
			if b, err = appendKey(b, v.Field(i)); err != nil {
				return b, err
			}
		}
		return b, nil
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return append(b, 0), nil // a nil slice and an empty one render alike, but keep them apart anyway
		}
		b = binary.AppendUvarint(b, uint64(v.Len())+1)
		var err error
		for i := range v.Len() {
			if b, err = appendKey(b, v.Index(i)); err != nil {
				return b, err
			}
		}
		return b, nil
	case reflect.Pointer:
		if v.IsNil() {
			return append(b, 0), nil
		}
		return appendKey(append(b, 1), v.Elem())
	case reflect.Interface:
		if v.IsNil() {
			return append(b, 0), nil
		}
		e := v.Elem()
		name := e.Type().PkgPath() + "." + e.Type().String()
		b = binary.AppendUvarint(b, uint64(len(name))+1)
		return appendKey(append(b, name...), e)
	}
	return b, fmt.Errorf("handlers: page data of kind %s cannot be part of a memo key", v.Kind())
}
