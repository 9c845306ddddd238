package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

// With short timings, a fresh demo shows the whole timeline at /dev/outbox within seconds:
// invites at once, then reminder 1, reminder 2 and the paper copy.
func TestDemoTimelineInTheOutbox(t *testing.T) {
	if testing.Short() {
		t.Skip("takes about 8 seconds")
	}
	addr, data := freePort(t), t.TempDir()
	env := map[string]string{"PATIENTHUB_LETTER_REMINDERS": "2s,4s", "PATIENTHUB_POSTAL_FALLBACK_AFTER": "6s"}
	ctx, cancel := context.WithCancel(context.Background())
	var logs bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--listen", addr, "--data", data, "--log-level", "warn"},
			func(k string) string { return env[k] }, nil, &logs, &logs)
	}()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(25 * time.Second):
			t.Error("server did not stop")
		}
	}()
	type entry struct {
		Channel, To, Purpose string
	}
	want := []string{"sms invite", "sms reminder_1", "sms reminder_2", "post postal_copy"}
	deadline := time.Now().Add(20 * time.Second)
	var seen []string
	for time.Now().Before(deadline) {
		time.Sleep(250 * time.Millisecond)
		resp, err := http.Get("http://" + addr + "/dev/outbox.json")
		if err != nil {
			continue
		}
		var es []entry
		json.NewDecoder(resp.Body).Decode(&es)
		resp.Body.Close()
		seen = seen[:0]
		for _, e := range es {
			if e.To == "+447700900001" || strings.HasPrefix(e.To, "Amelia Clarke\n") {
				seen = append(seen, e.Channel+" "+e.Purpose)
			}
		}
		if strings.Join(seen, ",") == strings.Join(want, ",") {
			return
		}
	}
	t.Fatalf("Amelia's timeline in the outbox: %v, want %v\n%s", seen, want, logs.String())
}

func TestNewRouterPicksOneProviderPerChannel(t *testing.T) {
	ctx := context.Background()
	env := map[string]string{"PATIENTHUB_SECRET_KEY": strings.Repeat("s", 32), "PATIENTHUB_DATA": t.TempDir(),
		"PATIENTHUB_SMS_PROVIDER": "twilio", "PATIENTHUB_TWILIO_ACCOUNT_SID": "AC1", "PATIENTHUB_TWILIO_AUTH_TOKEN": "t",
		"PATIENTHUB_TWILIO_FROM": "+447700900999", "PATIENTHUB_EMAIL_PROVIDER": "smtp", "PATIENTHUB_SMTP_URL": "smtp://mail.example:587",
		"PATIENTHUB_EMAIL_FROM": "no-reply@hub.example.nhs.uk", "PATIENTHUB_POST_PROVIDER": "notify",
		"PATIENTHUB_NOTIFY_API_KEY": "live-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"}
	cfg, err := hub.LoadConfig(nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	st, err := openStore(ctx, cfg, newLogger("error", io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	router, gov, err := newRouter(ctx, cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	want := map[store.Channel]string{store.ChannelSMS: "twilio", store.ChannelEmail: "smtp", store.ChannelPost: "govuk_notify", store.ChannelPush: "webpush"}
	for ch, name := range want {
		if p := router.Provider(ch); p == nil || p.Name() != name {
			t.Errorf("%s: %v, want %s", ch, p, name)
		}
	}
	if gov == nil {
		t.Error("no Notify client to poll letters with")
	}
}

func TestVAPIDKeysCommand(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"vapid-keys"}, noEnv, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "PATIENTHUB_VAPID_PUBLIC_KEY=B") || !strings.HasPrefix(lines[1], "PATIENTHUB_VAPID_PRIVATE_KEY=") {
		t.Fatalf("output: %q", out.String())
	}
}
