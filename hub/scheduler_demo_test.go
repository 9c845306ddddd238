package hub

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

// The demo with PATIENTHUB_LETTER_REMINDERS=2s,4s and PATIENTHUB_POSTAL_FALLBACK_AFTER=6s shows the
// whole timeline in the outbox within seconds: here with a fake clock, the scheduler and the
// dispatcher, and the outbox provider the demo uses.
func TestDemoTimelineWithShortTimings(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		env := envOf(map[string]string{"PATIENTHUB_LETTER_REMINDERS": "2s,4s", "PATIENTHUB_POSTAL_FALLBACK_AFTER": "6s"})
		cfg, err := LoadConfig([]string{"--demo"}, env, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		cfg.SecretKey = "demo-secret-demo-secret-demo-secret"
		if cfg.QuietHours.On || cfg.SchedulerInterval() != 500*time.Millisecond {
			t.Fatalf("demo: quiet hours %v, scheduler every %s", cfg.QuietHours, cfg.SchedulerInterval())
		}
		outbox := &notify.Outbox{Store: st}
		router := notify.NewRouter(outbox, outbox, nil, outbox)
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		svc := New(st, cfg, router, log)
		clock := &notifyClock{now: london(t, "2026-02-02 23:30")} // at night: the demo does not wait for morning
		svc.Now = clock.Now
		if err := svc.SeedDemo(ctx); err != nil {
			t.Fatal(err)
		}
		sched := &Scheduler{Service: svc, Log: log}
		disp := &notify.Dispatcher{Store: st, Router: router, Policy: svc.DispatchPolicy(), Log: log, Now: clock.Now}
		start := clock.Now()
		for _, d := range []time.Duration{0, 500 * time.Millisecond, 2 * time.Second, 2500 * time.Millisecond, 4 * time.Second, 6 * time.Second, 8 * time.Second} {
			clock.Set(start.Add(d))
			if _, _, err := sched.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			for {
				n, err := disp.RunOnce(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					break
				}
			}
		}
		ms, err := st.OutboxMessages(ctx, 1000)
		if err != nil {
			t.Fatal(err)
		}
		byRecipient := map[string][]string{}
		for _, m := range ms {
			if m.Channel != "post" {
				byRecipient[m.Recipient] = append(byRecipient[m.Recipient], m.Purpose)
			}
		}
		if got := byRecipient["+447700900001"]; !slices.Equal(got, []string{"invite", "reminder_1", "reminder_2"}) {
			t.Errorf("Amelia's texts: %v", got)
		}
		if got := byRecipient["tom.baker@example.com"]; !slices.Equal(got, []string{"invite", "reminder_1", "reminder_2"}) {
			t.Errorf("Tom's emails: %v", got)
		}
		posted := 0
		for _, m := range ms {
			if m.Channel == "post" && m.Purpose == PurposePostalCopy {
				posted++
			}
		}
		if posted != len(DemoPeople()) {
			t.Errorf("%d paper copies, want one for each of the %d demo people", posted, len(DemoPeople()))
		}
	})
}
