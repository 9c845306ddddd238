package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
)

// dispatchMessages is how many queued notifications the dispatch measurement sends.
const dispatchMessages = 5000

// nullProvider accepts every message at once: the measurement is of the hub and the database,
// not of a provider, and has no rate limit.
type nullProvider struct{}

func (nullProvider) Name() string { return "bench" }
func (nullProvider) Send(ctx context.Context, m notify.Message) (string, error) {
	return "bench-" + m.Ref, nil
}

// measureDispatch queues dispatchMessages invitations in a database of their own (a fresh SQLite
// file, or a fresh schema of BENCH_DATABASE_URL) and times the real dispatcher, with the hub's
// send-time checks, sending them all: dispatch_per_s.
func (b *bench) measureDispatch(ctx context.Context, work string) error {
	dbURL, cleanup, err := dispatchDatabase(ctx, b.cfg.databaseURL)
	if err != nil {
		return err
	}
	defer cleanup()
	st, err := store.Open(ctx, dbURL, filepath.Join(work, "dispatch"))
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	if err := st.Prepare(ctx); err != nil {
		return err
	}
	cfg, err := hub.LoadConfig([]string{"--demo", "--quiet-hours", "off"}, func(string) string { return "" }, io.Discard)
	if err != nil {
		return err
	}
	cfg.SecretKey = strings.Repeat("b", 32)
	p := nullProvider{}
	router := notify.NewRouter(p, p, p, p)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := hub.New(st, cfg, router, log)
	if err := queueInvites(ctx, st, svc, dispatchMessages); err != nil {
		return fmt.Errorf("queueing notifications: %w", err)
	}
	d := &notify.Dispatcher{Store: st, Router: router, Policy: svc.DispatchPolicy(), Log: log}
	start := time.Now()
	sent := 0
	for {
		n, err := d.RunOnce(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
		sent += n
	}
	elapsed := time.Since(start)
	if sent != dispatchMessages {
		return fmt.Errorf("dispatch: sent %d of %d", sent, dispatchMessages)
	}
	b.logf("dispatch: %d notifications in %s on %s", sent, elapsed.Round(time.Millisecond), st.Dialect())
	b.add("dispatch_per_s", float64(sent)/elapsed.Seconds(), 0)
	return nil
}

// queueInvites makes patients with an appointment and a letter each, and queues each letter's
// invitation as the hospital's systems would: n notifications in all.
func queueInvites(ctx context.Context, st *store.Store, svc *hub.Service, n int) error {
	now := time.Now().UTC()
	for done := 0; done < n; {
		err := st.InTx(ctx, func(tx *store.Tx) error {
			for i := 0; i < 500 && done < n; i, done = i+1, done+1 {
				p := store.Patient{HospitalNumber: fmt.Sprintf("D%07d", done), GivenName: "Oliver", FamilyName: "Smith",
					DateOfBirth: store.NewDate(1970, 1, 1), Address: "1 Otley Road, Leeds", Postcode: "LS6 2AA",
					Mobile: sql.NullString{String: fmt.Sprintf("+4477009%05d", done), Valid: true}, VerificationCode: fmt.Sprintf("V%07d", done)}
				if err := tx.CreatePatient(ctx, &p); err != nil {
					return err
				}
				a := store.Appointment{PatientID: p.ID, ExternalID: fmt.Sprintf("DISPATCH-%d", done), Clinic: "Cardiology outpatients",
					StartsAt: now.Add(20 * 24 * time.Hour), EndsAt: now.Add(20*24*time.Hour + 30*time.Minute)}
				if err := tx.CreateAppointment(ctx, &a); err != nil {
					return err
				}
				l := store.Letter{PatientID: p.ID, AppointmentID: store.NullID(a.ID), Title: "Your appointment", CreatedAt: now}
				if err := tx.CreateLetter(ctx, &l, store.LetterFile{Filename: "letter.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}); err != nil {
					return err
				}
				if err := svc.QueueLetterInvite(ctx, tx, p, l); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// dispatchDatabase returns where the measurement keeps its data: "" (SQLite) without a
// PostgreSQL URL, else the URL of a fresh schema that cleanup drops.
func dispatchDatabase(ctx context.Context, databaseURL string) (string, func(), error) {
	if databaseURL == "" {
		return "", func() {}, nil
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "bench_dispatch_" + hex.EncodeToString(b)
	admin, err := sql.Open("postgres", databaseURL)
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("dispatch: a schema of its own: %w", err)
	}
	cleanup := func() {
		admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	}
	u, err := url.Parse(databaseURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		cleanup()
		return "", nil, fmt.Errorf("dispatch: BENCH_DATABASE_URL must be a postgres:// URL")
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), cleanup, nil
}
