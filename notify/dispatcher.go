package notify

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/patienthub/patienthub/store"
)

// Dispatcher sends the queued notifications: it claims due rows, sends each through the
// router, and records the result. Running several dispatchers at once is safe.
type Dispatcher struct {
	Store    *store.Store
	Router   *Router
	Log      *slog.Logger
	Now      func() time.Time
	Interval time.Duration // how often to look for due rows
	Batch    int           // rows claimed at a time
	Lease    time.Duration // a claimed row is due again after this, if its sender died
	MaxTries int           // transient failures retried this many times, then failed
}

func (d *Dispatcher) defaults() {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Interval == 0 {
		d.Interval = time.Second
	}
	if d.Batch == 0 {
		d.Batch = 50
	}
	if d.Lease == 0 {
		d.Lease = 2 * time.Minute
	}
	if d.MaxTries == 0 {
		d.MaxTries = 8
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
}

// Run dispatches until ctx is cancelled.
func (d *Dispatcher) Run(ctx context.Context) {
	d.defaults()
	t := time.NewTicker(d.Interval)
	defer t.Stop()
	for {
		for {
			n, err := d.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				d.Log.Error("dispatch", "err", err)
			}
			if n < d.Batch || ctx.Err() != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce claims one batch of due rows, sends them, and returns how many it handled.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	d.defaults()
	now := d.Now().UTC()
	rows, err := d.Store.ClaimNotifications(ctx, now, now.Add(d.Lease), d.Batch)
	if err != nil {
		return 0, err
	}
	for _, n := range rows {
		d.send(ctx, n)
	}
	return len(rows), nil
}

func (d *Dispatcher) send(ctx context.Context, n store.Notification) {
	m := Message{Channel: n.Channel, To: n.Recipient, Purpose: n.Purpose, Subject: n.Subject, Text: n.Body}
	provider, ref, err := d.Router.Send(ctx, m)
	now := d.Now().UTC()
	switch {
	case err == nil:
		err = d.Store.MarkNotificationSent(ctx, n.ID, provider, ref, now)
	case errors.Is(err, ErrPermanent) || n.Attempts >= d.MaxTries:
		d.Log.Warn("notification failed", "id", n.ID, "channel", n.Channel, "err", err)
		err = d.Store.MarkNotificationFailed(ctx, n.ID, err.Error(), now)
	default:
		backoff := time.Duration(1<<min(n.Attempts, 10)) * 10 * time.Second
		err = d.Store.MarkNotificationRetry(ctx, n.ID, err.Error(), now.Add(backoff), now)
	}
	if err != nil {
		d.Log.Error("recording a notification's result", "id", n.ID, "err", err)
	}
}
