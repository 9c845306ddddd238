package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/patienthub/patienthub/handlers"
	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
)

func newLogger(level string, w io.Writer) *slog.Logger {
	var l slog.Level
	l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// openStore opens the configured database, applies pending migrations and prepares every query.
func openStore(ctx context.Context, cfg hub.Config, log *slog.Logger) (*store.Store, error) {
	st, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	n, err := st.Migrate(ctx)
	if err != nil {
		st.Close()
		return nil, err
	}
	if n > 0 {
		log.Info("database migrated", "applied", n, "dialect", st.Dialect())
	}
	if err := st.Prepare(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// demoSecret makes up the secret key once for demo mode and keeps it in the database,
// so sessions survive a restart.
func demoSecret(ctx context.Context, st *store.Store) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return st.SettingOnce(ctx, "demo_secret_key", hex.EncodeToString(b))
}

func newRouter(cfg hub.Config, st *store.Store) (*notify.Router, error) {
	outbox := &notify.Outbox{Store: st}
	pick := func(name string) (notify.Provider, error) {
		switch name {
		case "outbox":
			return outbox, nil
		}
		return nil, fmt.Errorf("unknown provider %q", name)
	}
	sms, err := pick(cfg.SMSProvider)
	if err != nil {
		return nil, fmt.Errorf("PATIENTHUB_SMS_PROVIDER: %w", err)
	}
	email, err := pick(cfg.EmailProvider)
	if err != nil {
		return nil, fmt.Errorf("PATIENTHUB_EMAIL_PROVIDER: %w", err)
	}
	post, err := pick(cfg.PostProvider)
	if err != nil {
		return nil, fmt.Errorf("PATIENTHUB_POST_PROVIDER: %w", err)
	}
	return notify.NewRouter(sms, email, nil, post), nil
}

func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg, err := hub.LoadConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := newLogger(cfg.LogLevel, stderr)
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	if cfg.Demo && cfg.SecretKey == "" {
		if cfg.SecretKey, err = demoSecret(ctx, st); err != nil {
			return err
		}
	}
	if !cfg.Demo && (cfg.SMSProvider == "outbox" || cfg.EmailProvider == "outbox") {
		log.Warn("messages are kept in the outbox and not sent: set PATIENTHUB_SMS_PROVIDER and PATIENTHUB_EMAIL_PROVIDER for real use")
	}
	router, err := newRouter(cfg, st)
	if err != nil {
		return err
	}
	svc := hub.New(st, cfg, router, log)
	if cfg.Demo {
		if err := svc.SeedDemo(ctx); err != nil {
			return fmt.Errorf("seeding the demo hospital: %w", err)
		}
	}
	app, err := handlers.New(svc, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("PATIENTHUB_LISTEN: %w", err)
	}
	srv := &http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}

	workCtx, stopWork := context.WithCancel(context.Background())
	var work sync.WaitGroup
	dispatcher := &notify.Dispatcher{Store: st, Router: router, Log: log}
	work.Add(1)
	go func() { defer work.Done(); dispatcher.Run(workCtx) }()

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("Patient Hub is running", "address", "http://"+displayAddr(ln.Addr()), "public_url", cfg.PublicURL,
		"database", st.Dialect(), "demo", cfg.Demo)
	if cfg.Demo {
		log.Info("demo mode: every message lands at /dev/outbox", "outbox", cfg.PublicURL+"/dev/outbox")
	}

	select {
	case err := <-served:
		stopWork()
		work.Wait()
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	stopWork()
	work.Wait()
	svc.Wait()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil || host == "::" || host == "0.0.0.0" || host == "" {
		return "localhost:" + port
	}
	return net.JoinHostPort(host, port)
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := loadLenient(args, getenv, stderr)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	cur, _, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s database: applied %d migration(s); schema version %d\n", st.Dialect(), n, cur)
	return nil
}

// loadLenient reads the configuration for commands that need no secret key.
func loadLenient(args []string, getenv func(string) string, stderr io.Writer) (hub.Config, error) {
	return hub.LoadConfig(args, func(k string) string {
		if k == "PATIENTHUB_SECRET_KEY" && getenv(k) == "" {
			return "not-needed-for-this-command-not-needed-for-this"
		}
		return getenv(k)
	}, stderr)
}

func printConfig(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := hub.LoadConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	cfg.Print(stdout)
	return nil
}
