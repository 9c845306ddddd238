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

// newRouter builds the provider of each channel the configuration names. The three GOV.UK Notify
// providers share one client and one rate limit. It also returns the Notify client, if any, whose
// letters are polled for their status.
func newRouter(ctx context.Context, cfg hub.Config, st *store.Store) (*notify.Router, *notify.GovNotify, error) {
	outbox := &notify.Outbox{Store: st}
	var gov *notify.GovNotify
	govLimit := notify.PerMinute(cfg.NotifyPerMinute)
	govuk := func() (*notify.GovNotify, error) {
		if gov != nil {
			return gov, nil
		}
		var err error
		gov, err = notify.NewGovNotify(cfg.NotifyAPIKey, cfg.NotifyBaseURL, cfg.NotifySMSTemplate, cfg.NotifyEmailTemplate)
		if err != nil {
			return nil, fmt.Errorf("PATIENTHUB_NOTIFY_API_KEY: %w", err)
		}
		return gov, nil
	}
	pick := func(env, name string, build map[string]func() (notify.Provider, error)) (notify.Provider, error) {
		if name == "outbox" {
			return outbox, nil
		}
		if b, ok := build[name]; ok {
			return b()
		}
		return nil, fmt.Errorf("%s: unknown provider %q", env, name)
	}
	sms, err := pick("PATIENTHUB_SMS_PROVIDER", cfg.SMSProvider, map[string]func() (notify.Provider, error){
		"notify": func() (notify.Provider, error) {
			g, err := govuk()
			if err != nil {
				return nil, err
			}
			return notify.Limited{Provider: g.SMS(), Limiter: govLimit}, nil
		},
		"twilio": func() (notify.Provider, error) {
			t := notify.NewTwilio(cfg.TwilioAccountSID, cfg.TwilioAuthToken, cfg.TwilioFrom, cfg.TwilioBaseURL,
				cfg.PublicURL+handlers.TwilioCallbackPath)
			return notify.Limited{Provider: t, Limiter: notify.PerSecond(cfg.TwilioPerSecond)}, nil
		},
	})
	if err != nil {
		return nil, nil, err
	}
	email, err := pick("PATIENTHUB_EMAIL_PROVIDER", cfg.EmailProvider, map[string]func() (notify.Provider, error){
		"smtp": func() (notify.Provider, error) {
			p, err := notify.NewSMTP(cfg.SMTPURL, cfg.SMTPUser, cfg.SMTPPassword, cfg.SMTPStartTLS, cfg.EmailFrom)
			if err != nil {
				return nil, fmt.Errorf("PATIENTHUB_SMTP_URL: %w", err)
			}
			return p, nil
		},
		"notify": func() (notify.Provider, error) {
			g, err := govuk()
			if err != nil {
				return nil, err
			}
			return notify.Limited{Provider: g.Email(), Limiter: govLimit}, nil
		},
	})
	if err != nil {
		return nil, nil, err
	}
	post, err := pick("PATIENTHUB_POST_PROVIDER", cfg.PostProvider, map[string]func() (notify.Provider, error){
		"postroom": func() (notify.Provider, error) { return notify.PostRoom{}, nil },
		"notify": func() (notify.Provider, error) {
			g, err := govuk()
			if err != nil {
				return nil, err
			}
			return notify.Limited{Provider: g.Letters(), Limiter: govLimit}, nil
		},
	})
	if err != nil {
		return nil, nil, err
	}
	var push notify.Provider
	if cfg.PushProvider == "webpush" {
		public, private, err := notify.VAPIDKeys(ctx, st, cfg.VAPIDPublicKey, cfg.VAPIDPrivateKey)
		if err != nil {
			return nil, nil, err
		}
		push = &notify.WebPush{Store: st, PublicKey: public, PrivateKey: private, Subject: cfg.PushSubject()}
	}
	return notify.NewRouter(sms, email, push, post), gov, nil
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
	if !cfg.Demo && (cfg.SMSProvider == "outbox" || cfg.EmailProvider == "outbox" || cfg.PostProvider == "outbox") {
		log.Warn("PATIENTHUB_ALLOW_OUTBOX is set: messages, sign-in codes included, are kept in the database and not sent; for development only")
	}
	router, gov, err := newRouter(ctx, cfg, st)
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
	dispatcher := &notify.Dispatcher{Store: st, Router: router, Policy: svc.DispatchPolicy(), Log: log}
	work.Add(1)
	go func() { defer work.Done(); dispatcher.Run(workCtx) }()
	scheduler := &hub.Scheduler{Service: svc, Log: log}
	work.Add(1)
	go func() { defer work.Done(); scheduler.Run(workCtx) }()
	if gov != nil && cfg.PostProvider == "notify" {
		poller := &notify.NotifyLetterPoller{Client: gov, Store: st, Record: svc.RecordDelivery, Log: log}
		work.Add(1)
		go func() { defer work.Done(); poller.Run(workCtx) }()
	}
	work.Add(1)
	go func() { defer work.Done(); svc.RunAuditWriter(workCtx) }()
	retention := &hub.Retention{Service: svc, Log: log}
	work.Add(1)
	go func() { defer work.Done(); retention.Run(workCtx) }()

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

// loadLenient reads the configuration for commands that need no secret key and send nothing, so
// need no message providers either.
func loadLenient(args []string, getenv func(string) string, stderr io.Writer) (hub.Config, error) {
	return hub.LoadConfigWithoutProviders(args, func(k string) string {
		if k == "PATIENTHUB_SECRET_KEY" && getenv(k) == "" {
			return "not-needed-for-this-command-not-needed-for-this"
		}
		return getenv(k)
	}, stderr)
}

// printConfig prints the effective configuration; the providers may still be unset (printed
// empty), since choosing them is serve's concern.
func printConfig(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := hub.LoadConfigWithoutProviders(args, getenv, stderr)
	if err != nil {
		return err
	}
	cfg.Print(stdout)
	return nil
}

// vapidKeys prints a fresh web push key pair, to set in the configuration of every server.
func vapidKeys(stdout io.Writer) error {
	public, private, err := notify.NewVAPIDKeys()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "PATIENTHUB_VAPID_PUBLIC_KEY=%s\nPATIENTHUB_VAPID_PRIVATE_KEY=%s\n", public, private)
	return nil
}
