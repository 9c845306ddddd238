package notify_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

// brokenPolicy cannot prepare any row; its Failed records the failure (and would queue a
// fallback), or fails itself when failErr is set.
type brokenPolicy struct {
	st      *store.Store
	failErr error

	mu     sync.Mutex
	failed []string
}

func (p *brokenPolicy) Prepare(ctx context.Context, n store.Notification, now time.Time) (notify.Decision, error) {
	return notify.Decision{}, errors.New("the letter cannot be drawn")
}

func (p *brokenPolicy) Failed(ctx context.Context, n store.Notification, provider, reason string, now time.Time) error {
	p.mu.Lock()
	p.failed = append(p.failed, reason)
	p.mu.Unlock()
	if p.failErr != nil {
		return p.failErr
	}
	_, err := p.st.RecordFailed(ctx, store.ClaimOf(n), provider, reason, now)
	return err
}

func TestPrepareFailingFailsAfterMaxTriesAndFallsBack(t *testing.T) {
	for name, policyBroken := range map[string]bool{"fallback": false, "policy_broken": true} {
		t.Run(name, func(t *testing.T) { prepareFailing(t, policyBroken) })
	}
}

func prepareFailing(t *testing.T, policyBroken bool) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		enqueue(t, st, 1, now)
		pol := &brokenPolicy{st: st}
		if policyBroken {
			pol.failErr = errors.New("database gone")
		}
		c := &counter{}
		clock := now
		d := &notify.Dispatcher{Store: st, Router: notify.NewRouter(c, nil, nil, nil), Policy: pol, Log: quietLog(),
			Now: func() time.Time { return clock }, MaxTries: 3, Backoff: func(int) time.Duration { return time.Second }}
		for range 10 {
			if _, err := d.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			clock = clock.Add(time.Hour)
		}
		row, _ := st.NotificationByKey(ctx, "test:0")
		if row.Status != store.NotifyFailed || row.Attempts != 3 || row.LastError != "preparing: the letter cannot be drawn" {
			t.Fatalf("a row that cannot be prepared: %s after %d attempts, %q", row.Status, row.Attempts, row.LastError)
		}
		if len(pol.failed) != 1 {
			t.Fatalf("the policy was told of the failure %d times, want once (to fall back)", len(pol.failed))
		}
		if total, _, _ := c.count(); total != 0 {
			t.Fatalf("%d sends of a row that could not be prepared", total)
		}
	})
}
