// Command patienthub-bench seeds a large hospital, starts the real server, signs a patient in and
// measures the signed-in appointments page against a static asset. `make bench` runs it.
//
// Settings come from the environment:
//
//	BENCH_PATIENTS       patients to seed (default 100000)
//	BENCH_SECONDS        seconds of load per target (default 10)
//	BENCH_CONCURRENCY    keep-alive connections (default 16)
//	BENCH_BINARY         a built patienthub binary to use instead of building one
//	BENCH_DATABASE_URL   an empty PostgreSQL database to use instead of SQLite
//	BENCH_STRICT=1       exit non-zero when a target is missed
//
// The metrics are printed to standard output, one "name value" a line; everything else goes to
// standard error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// config is the benchmark's settings.
type config struct {
	patients    int
	seconds     int
	concurrency int
	binary      string
	databaseURL string
	strict      bool
}

func loadConfig(getenv func(string) string) (config, error) {
	c := config{binary: getenv("BENCH_BINARY"), databaseURL: getenv("BENCH_DATABASE_URL"),
		strict: getenv("BENCH_STRICT") == "1"}
	ints := []struct {
		env string
		def int
		dst *int
	}{
		{"BENCH_PATIENTS", 100000, &c.patients},
		{"BENCH_SECONDS", 10, &c.seconds},
		{"BENCH_CONCURRENCY", 16, &c.concurrency},
	}
	for _, s := range ints {
		*s.dst = s.def
		v := getenv(s.env)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return c, fmt.Errorf("%s: %q must be a whole number of 1 or more", s.env, v)
		}
		*s.dst = n
	}
	return c, nil
}

// metric is one measured number, printed as "name value".
type metric struct {
	name     string
	value    float64
	decimals int // 0 prints a whole number; at most 2
}

// target is a bound a metric should meet.
type target struct {
	metric string
	op     string // ">=" or "<"
	bound  float64
}

var targets = []target{
	{"appointments_page_vs_static", ">=", 0.25},
	{"page_bytes_gzip", "<", 14336},
}

func (t target) met(v float64) bool {
	if t.op == ">=" {
		return v >= t.bound
	}
	return v < t.bound
}

// bench is one benchmark run: its settings, the server under test and what was measured.
type bench struct {
	cfg     config
	log     io.Writer
	srv     *server
	metrics []metric
}

func (b *bench) add(name string, value float64, decimals int) {
	b.metrics = append(b.metrics, metric{name: name, value: value, decimals: decimals})
}

func (b *bench) value(name string) (float64, bool) {
	for _, m := range b.metrics {
		if m.name == name {
			return m.value, true
		}
	}
	return 0, false
}

func (b *bench) logf(format string, args ...any) { fmt.Fprintf(b.log, format+"\n", args...) }

func run(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, err := loadConfig(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "patienthub-bench:", err)
		return 2
	}
	b := &bench{cfg: cfg, log: stderr}
	if err := b.run(ctx); err != nil {
		if ctx.Err() != nil {
			err = errors.New("interrupted")
		}
		fmt.Fprintln(stderr, "patienthub-bench:", err)
		return 1
	}
	for _, m := range b.metrics {
		fmt.Fprintf(stdout, "%s %s\n", m.name, formatValue(m.value, m.decimals))
	}
	if missed := b.summary(); missed && cfg.strict {
		return 1
	}
	return 0
}

// run does every step in order; the server is stopped whatever happens.
func (b *bench) run(ctx context.Context) error {
	work, err := os.MkdirTemp("", "patienthub-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	binary := b.cfg.binary
	if binary == "" {
		if binary, err = buildServer(ctx, work, b.log); err != nil {
			return err
		}
	}
	dataDir := filepath.Join(work, "data")
	start := time.Now()
	if err := seed(ctx, b.cfg.databaseURL, dataDir, b.cfg.patients, b.log); err != nil {
		return fmt.Errorf("seeding: %w", err)
	}
	b.logf("seeding: done in %s", time.Since(start).Round(100*time.Millisecond))

	b.srv, err = startServer(ctx, binary, dataDir, b.cfg.databaseURL, b.log)
	if err != nil {
		return err
	}
	defer b.srv.stop()
	b.logf("server: running at %s (pid %d)", b.srv.url, b.srv.pid())

	if err := b.measurePages(ctx); err != nil {
		return err
	}
	return b.measureDispatch(ctx, work)
}

// measurePages signs the known patient in and drives load at a static asset and at /appointments.
func (b *bench) measurePages(ctx context.Context) error {
	pt, err := signIn(ctx, b.srv.url)
	if err != nil {
		return fmt.Errorf("signing in: %w", err)
	}
	b.logf("signed in as %s; static asset %s", knownMobile, pt.stylesheet)

	// The two targets take turns, a second each, so whatever else the machine (or the hub's own
	// background work) is doing weighs on both alike, and the ratio compares like with like.
	static, appts, err := b.loadInTurns(ctx, b.srv.url+pt.stylesheet, b.srv.url+"/appointments", pt.cookie)
	if err != nil {
		return err
	}
	rss, err := b.srv.rssMB()
	if err != nil {
		return err
	}
	size, err := pageBytesGzip(ctx, b.srv.url+"/appointments", pt.cookie)
	if err != nil {
		return err
	}
	b.logf("appointments page: %d bytes, %d gzipped", size.raw, size.gzipped)
	if !size.compressed {
		b.logf("note: the server sent /appointments uncompressed; page_bytes_gzip is the body gzipped here at the default level")
	}
	b.add("appointments_page_rps", appts.rps(), 0)
	b.add("static_rps", static.rps(), 0)
	b.add("appointments_page_vs_static", appts.rps()/static.rps(), 2)
	b.add("appointments_page_p99_ms", appts.percentile(0.99).Seconds()*1000, 2)
	b.add("rss_mb", rss, 2)
	b.add("page_bytes_gzip", float64(size.gzipped), 0)
	return nil
}

// loadInTurns warms both targets up, then measures them in alternating one-second turns for
// BENCH_SECONDS each, and checks each one's error rate.
func (b *bench) loadInTurns(ctx context.Context, staticURL, pageURL, cookie string) (static, page loadResult, err error) {
	sl, pl := newLoader(staticURL, "", b.cfg.concurrency), newLoader(pageURL, cookie, b.cfg.concurrency)
	defer sl.close()
	defer pl.close()
	for _, l := range []*loader{sl, pl} {
		if _, err := l.drive(ctx, time.Second); err != nil {
			return static, page, err
		}
	}
	for range max(1, b.cfg.seconds) {
		s, err := sl.drive(ctx, time.Second)
		if err != nil {
			return static, page, err
		}
		p, err := pl.drive(ctx, time.Second)
		if err != nil {
			return static, page, err
		}
		static, page = static.merge(s), page.merge(p)
	}
	slices.Sort(static.latencies)
	slices.Sort(page.latencies)
	if err := b.check("static", static); err != nil {
		return static, page, err
	}
	return static, page, b.check("appointments", page)
}

// check reports a target's numbers and fails it when more than 1% of its requests failed.
func (b *bench) check(name string, res loadResult) error {
	b.logf("%s: %d requests in %s (%.0f/s, p50 %s, p99 %s), %d errors",
		name, res.requests, res.elapsed.Round(time.Millisecond), res.rps(), res.percentile(0.5).Round(time.Microsecond),
		res.percentile(0.99).Round(time.Microsecond), res.errors)
	if res.errors > 0 {
		b.logf("%s: first error: %s", name, res.firstError)
	}
	if res.requests == 0 || float64(res.errors) > 0.01*float64(res.requests) {
		return fmt.Errorf("%s: %d of %d requests failed (more than 1%%): %s", name, res.errors, res.requests, res.firstError)
	}
	return nil
}

// summary writes the human summary and reports whether a target was missed.
func (b *bench) summary() (missed bool) {
	b.logf("\nPatient Hub benchmark: %d patients, %d connections, %ds per target", b.cfg.patients, b.cfg.concurrency, b.cfg.seconds)
	for _, m := range b.metrics {
		b.logf("  %-30s %s", m.name, formatValue(m.value, m.decimals))
	}
	for _, t := range targets {
		v, ok := b.value(t.metric)
		if !ok {
			continue
		}
		if t.met(v) {
			b.logf("target met: %s %s %s %s", t.metric, formatValue(v, 2), t.op, formatValue(t.bound, 2))
			continue
		}
		missed = true
		b.logf("TARGET MISSED: %s is %s, want %s %s", t.metric, formatValue(v, 2), t.op, formatValue(t.bound, 2))
	}
	return missed
}

// formatValue rounds v to the given decimals (at most 2) without trailing zeros.
func formatValue(v float64, decimals int) string {
	p := math.Pow(10, float64(min(decimals, 2)))
	return strconv.FormatFloat(math.Round(v*p)/p, 'f', -1, 64)
}
