package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
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
