package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// loader sends GET requests for one URL over a fixed number of keep-alive connections.
type loader struct {
	url         string
	cookie      string
	concurrency int
	client      *http.Client
}

func newLoader(url, cookie string, concurrency int) *loader {
	tr := &http.Transport{MaxIdleConns: concurrency, MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency,
		IdleConnTimeout: time.Minute, DisableCompression: true}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &loader{url: url, cookie: cookie, concurrency: concurrency, client: client}
}

func (l *loader) close() { l.client.CloseIdleConnections() }

// loadResult is what one timed run of a loader saw.
type loadResult struct {
	requests   int
	errors     int
	firstError string
	elapsed    time.Duration
	latencies  []time.Duration // sorted
}

func (r loadResult) rps() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests) / r.elapsed.Seconds()
}

// merge adds another run's counts to r; the latencies are left unsorted.
func (r loadResult) merge(o loadResult) loadResult {
	r.requests += o.requests
	r.errors += o.errors
	if r.firstError == "" {
		r.firstError = o.firstError
	}
	r.elapsed += o.elapsed
	r.latencies = append(r.latencies, o.latencies...)
	return r
}

// percentile returns the latency that a fraction q of requests did not exceed.
func (r loadResult) percentile(q float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(q*float64(len(r.latencies))+0.999999) - 1
	return r.latencies[min(max(i, 0), len(r.latencies)-1)]
}

// drive keeps every connection busy for d; requests in flight at the end are waited for and counted.
func (l *loader) drive(ctx context.Context, d time.Duration) (loadResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	parts := make([]loadResult, l.concurrency)
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for w := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			part := &parts[w]
			part.latencies = make([]time.Duration, 0, 4096)
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t0 := time.Now()
				err := l.get(ctx)
				part.latencies = append(part.latencies, time.Since(t0))
				part.requests++
				if err != nil {
					part.errors++
					if part.firstError == "" {
						part.firstError = err.Error()
					}
				}
			}
		}()
	}
	wg.Wait()
	res := loadResult{elapsed: time.Since(start)}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	for _, p := range parts {
		res.requests += p.requests
		res.errors += p.errors
		if res.firstError == "" {
			res.firstError = p.firstError
		}
		res.latencies = append(res.latencies, p.latencies...)
	}
	slices.Sort(res.latencies)
	return res, nil
}

// get fetches the URL once like a browser that accepts gzip, and reads the whole body.
func (l *loader) get(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	if l.cookie != "" {
		req.Header.Set("Cookie", l.cookie)
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// pageSize is a page's body size as sent to a browser that accepts gzip, and uncompressed.
type pageSize struct {
	gzipped, raw int
	compressed   bool // false when the server sent the page uncompressed and gzipped is computed here
}

// pageBytesGzip fetches a page like a browser that accepts gzip and measures its body.
func pageBytesGzip(ctx context.Context, url, cookie string) (pageSize, error) {
	l := newLoader(url, cookie, 1)
	defer l.close()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return pageSize{}, err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("Cookie", cookie)
	resp, err := l.client.Do(req)
	if err != nil {
		return pageSize{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return pageSize{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return pageSize{}, fmt.Errorf("%s: status %d", url, resp.StatusCode)
	}
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return pageSize{}, err
		}
		raw, err := io.Copy(io.Discard, zr)
		if err != nil {
			return pageSize{}, err
		}
		return pageSize{gzipped: len(body), raw: int(raw), compressed: true}, nil
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(body)
	if err := zw.Close(); err != nil {
		return pageSize{}, err
	}
	return pageSize{gzipped: buf.Len(), raw: len(body)}, nil
}
