package notify_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

// counter is a provider that counts how often each reference was sent.
type counter struct {
	mu    sync.Mutex
	sends map[string]int
	delay time.Duration
	err   error
}

func (c *counter) Name() string { return "counter" }
func (c *counter) Send(ctx context.Context, m notify.Message) (string, error) {
	if c.delay > 0 {
		time.Sleep(c.delay)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return "", c.err
	}
	if c.sends == nil {
		c.sends = map[string]int{}
	}
	c.sends[m.Ref]++
	return "sent-" + m.Ref, nil
}

func (c *counter) count() (total, distinct, max int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range c.sends {
		total += n
		distinct++
		if n > max {
			max = n
		}
	}
	return
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func enqueue(t *testing.T, st *store.Store, n int, at time.Time) {
	t.Helper()
	for i := range n {
		row := store.Notification{Purpose: "invite", Channel: store.ChannelSMS, Recipient: "+447700900001", Body: "hello",
			IdempotencyKey: fmt.Sprintf("test:%d", i), CreatedAt: at}
		if _, err := st.EnqueueNotification(context.Background(), &row); err != nil {
			t.Fatal(err)
		}
	}
}

func statuses(t *testing.T, st *store.Store) map[string]int {
	t.Helper()
	rows, err := st.DB().Query(`SELECT status FROM notifications`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out[s]++
	}
	return out
}

func TestTwoDispatchersShareTheQueue(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		const rows = 300
		now := time.Now().UTC().Truncate(time.Microsecond)
		enqueue(t, st, rows, now)
		c := &counter{delay: time.Millisecond}
		router := notify.NewRouter(c, nil, nil, nil)
		var wg sync.WaitGroup
		for range 2 {
			d := &notify.Dispatcher{Store: st, Router: router, Log: quietLog(), Batch: 20, Workers: 3}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					n, err := d.RunOnce(context.Background())
					if err != nil {
						t.Error(err)
						return
					}
					if n == 0 {
						return
					}
				}
			}()
		}
		wg.Wait()
		total, distinct, most := c.count()
		if total != rows || distinct != rows || most != 1 {
			t.Fatalf("%d sends of %d messages (most sent %d times), want each of %d once", total, distinct, most, rows)
		}
		if got := statuses(t, st); got[store.NotifySent] != rows {
			t.Fatalf("statuses %v", got)
		}
	})
}

func TestCrashBetweenClaimAndSend(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		enqueue(t, st, 5, now)
		// A dispatcher claims every row and dies before sending any.
		lease := 2 * time.Minute
		if claimed, err := st.ClaimNotifications(ctx, now, now.Add(lease), 50); err != nil || len(claimed) != 5 {
			t.Fatalf("claim: %d %v", len(claimed), err)
		}
		c := &counter{}
		clock := now.Add(time.Second)
		d := &notify.Dispatcher{Store: st, Router: notify.NewRouter(c, nil, nil, nil), Log: quietLog(), Lease: lease,
			Now: func() time.Time { return clock }}
		if n, _ := d.RunOnce(ctx); n != 0 {
			t.Fatalf("the restarted server took %d rows another still held", n)
		}
		clock = now.Add(lease + time.Second)
		if n, err := d.RunOnce(ctx); n != 5 || err != nil {
			t.Fatalf("after the lease: %d rows, %v", n, err)
		}
		if total, distinct, _ := c.count(); total != 5 || distinct != 5 {
			t.Fatalf("nothing lost, nothing doubled: %d sends of %d", total, distinct)
		}
		if n, _ := d.RunOnce(ctx); n != 0 {
			t.Fatal("sent rows were claimed again")
		}
		// A sender whose lease ran out cannot overwrite what the next sender recorded.
		enqueue(t, st, 1, clock)
		row, _ := st.NotificationByKey(ctx, "test:0")
		if ok, err := st.RecordFailed(ctx, store.Claim{ID: row.ID, Attempt: 1}, "counter", "late", clock); err != nil || ok {
			t.Fatalf("a stale claim recorded a result: %v %v", ok, err)
		}
	})
}

func TestKilledAfterSendIsSentAgainWithTheSameReference(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		enqueue(t, st, 1, now)
		// The first server sends, then dies before recording it: the row is sent again after the
		// lease, with the same reference, which is what a provider's own idempotency can use.
		c := &counter{}
		claimed, _ := st.ClaimNotifications(ctx, now, now.Add(time.Minute), 10)
		if _, err := c.Send(ctx, notify.Message{Ref: claimed[0].IdempotencyKey}); err != nil {
			t.Fatal(err)
		}
		d := &notify.Dispatcher{Store: st, Router: notify.NewRouter(c, nil, nil, nil), Log: quietLog(),
			Now: func() time.Time { return now.Add(2 * time.Minute) }}
		d.RunOnce(ctx)
		if c.sends["test:0"] != 2 {
			t.Fatalf("sends by reference: %v", c.sends)
		}
		if got := statuses(t, st); got[store.NotifySent] != 1 {
			t.Fatalf("statuses %v", got)
		}
	})
}

func TestPermanentFailureWithoutPolicyIsAVisibleDeadEnd(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		enqueue(t, st, 1, now)
		c := &counter{err: notify.Permanent(errors.New("invalid number"))}
		d := &notify.Dispatcher{Store: st, Router: notify.NewRouter(c, nil, nil, nil), Log: quietLog(), Now: func() time.Time { return now }}
		d.RunOnce(ctx)
		row, _ := st.NotificationByKey(ctx, "test:0")
		if row.Status != store.NotifyFailed || row.LastError == "" || row.Provider != "counter" {
			t.Fatalf("after a permanent failure: %+v", row)
		}
	})
}

func TestRateLimitedProvider(t *testing.T) {
	c := &counter{}
	p := notify.Limited{Provider: c, Limiter: notify.PerSecond(20)}
	start := time.Now()
	for i := range 30 {
		if _, err := p.Send(context.Background(), notify.Message{Ref: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	// A burst of 20, then 10 more at 20 a second: about half a second.
	if took := time.Since(start); took < 400*time.Millisecond {
		t.Fatalf("30 sends at 20 a second took %s", took)
	}
	perMinute := notify.PerMinute(3000)
	if perMinute.Limit() != 50 || perMinute.Burst() != 50 {
		t.Fatalf("GOV.UK Notify's 3,000 a minute: limit %v burst %d", perMinute.Limit(), perMinute.Burst())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	slow := notify.Limited{Provider: c, Limiter: notify.PerMinute(1)}
	slow.Send(ctx, notify.Message{})
	if _, err := slow.Send(ctx, notify.Message{}); err == nil {
		t.Fatal("a cancelled send waited for the limiter")
	}
}
