package notify

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/patienthub/patienthub/store"
)

// Policy is asked about every claimed row just before it is sent, and told about permanent
// failures. The hub implements it: it decides, the dispatcher sends.
type Policy interface {
	// Prepare says whether n still goes now, and renders exactly what goes.
	Prepare(ctx context.Context, n store.Notification, now time.Time) (Decision, error)
	// Failed records n's permanent failure on its channel and queues what replaces it, at once.
	Failed(ctx context.Context, n store.Notification, provider, reason string, now time.Time) error
}

// Decision is the policy's answer for one row: send Message, or cancel it with a reason, or wait.
type Decision struct {
	Message Message
	Cancel  string    // not wanted any more, for this reason (the letter was read ...)
	Wait    time.Time // not yet: due again at this time (quiet hours), without counting an attempt
}

// Dispatcher sends the queued notifications: it claims due rows, sends each through the router,
// and records the result. Several dispatchers, in one process or on several servers, share the
// work without sending a row twice; a row whose sender died is sent when its lease runs out.
type Dispatcher struct {
	Store    *store.Store
	Router   *Router
	Policy   Policy // nil sends rows as they are and records failures without fallback
	Log      *slog.Logger
	Now      func() time.Time
	Interval time.Duration // how often to look for due rows when the queue is empty
	Batch    int           // rows claimed at a time
	Workers  int           // rows of a batch sent at once
	Lease    time.Duration // a claimed row is due again after this, if its sender died
	MaxTries int           // a row failing transiently this many times fails for good (and falls back)
	Timeout  time.Duration // one provider call
	Backoff  func(attempt int) time.Duration

	once sync.Once
}

// DefaultBackoff waits 10 seconds after the first failure, doubling up to 30 minutes.
func DefaultBackoff(attempt int) time.Duration {
	d := 10 * time.Second << min(max(attempt-1, 0), 12)
	return min(d, 30*time.Minute)
}

func (d *Dispatcher) defaults() {
	d.once.Do(func() {
		if d.Now == nil {
			d.Now = time.Now
		}
		if d.Interval == 0 {
			d.Interval = time.Second
		}
		if d.Batch == 0 {
			d.Batch = 50
		}
		if d.Workers == 0 {
			d.Workers = 4
		}
		if d.Lease == 0 {
			d.Lease = 2 * time.Minute
		}
		if d.MaxTries == 0 {
			d.MaxTries = 10
		}
		if d.Timeout == 0 {
			d.Timeout = 30 * time.Second
		}
		if d.Backoff == nil {
			d.Backoff = DefaultBackoff
		}
		if d.Log == nil {
			d.Log = slog.Default()
		}
	})
}

// Run dispatches until ctx is cancelled. A message being sent when ctx ends is finished first.
func (d *Dispatcher) Run(ctx context.Context) {
	d.defaults()
	t := time.NewTicker(d.Interval)
	defer t.Stop()
	for {
		for ctx.Err() == nil {
			n, err := d.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				d.Log.Error("dispatch", "err", err)
			}
			if n < d.Batch {
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

// RunOnce claims one batch of due rows, sends them, and returns how many it claimed.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	d.defaults()
	now := d.Now().UTC()
	rows, err := d.Store.ClaimNotifications(ctx, now, now.Add(d.Lease), d.Batch)
	if err != nil {
		return 0, err
	}
	work := make(chan store.Notification)
	var wg sync.WaitGroup
	for range min(d.Workers, len(rows)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range work {
				d.handle(context.WithoutCancel(ctx), n)
			}
		}()
	}
	for _, n := range rows {
		if ctx.Err() != nil {
			break // the rest stay claimed and go when their lease runs out
		}
		work <- n
	}
	close(work)
	wg.Wait()
	return len(rows), nil
}

// handle prepares, sends and records one claimed row.
func (d *Dispatcher) handle(ctx context.Context, n store.Notification) {
	claim := store.ClaimOf(n)
	dec := Decision{Message: Message{Channel: n.Channel, To: n.Recipient, Purpose: n.Purpose, Subject: n.Subject,
		Text: n.Body, Ref: n.IdempotencyKey}}
	if d.Policy != nil {
		var err error
		if dec, err = d.Policy.Prepare(ctx, n, d.Now().UTC()); err != nil {
			reason := "preparing: " + err.Error()
			if n.Attempts >= d.MaxTries {
				d.Log.Warn("notification failed", "id", n.ID, "channel", n.Channel, "purpose", n.Purpose, "attempts", n.Attempts, "err", reason)
				d.fail(ctx, n, "", reason, d.Now().UTC())
				return
			}
			d.Log.Error("preparing a notification", "id", n.ID, "err", err)
			d.record(n, "retry", func() (bool, error) {
				now := d.Now().UTC()
				return d.Store.RecordRetry(ctx, claim, reason, now.Add(d.Backoff(n.Attempts)), now)
			})
			return
		}
	}
	switch {
	case dec.Cancel != "":
		d.record(n, "cancel", func() (bool, error) { return d.Store.RecordCancelled(ctx, claim, dec.Cancel, d.Now().UTC()) })
		return
	case !dec.Wait.IsZero():
		d.record(n, "defer", func() (bool, error) { return d.Store.RecordDeferred(ctx, claim, dec.Wait, d.Now().UTC()) })
		return
	}
	sendCtx, cancel := context.WithTimeout(ctx, d.Timeout)
	provider, ref, err := d.Router.Send(sendCtx, dec.Message)
	cancel()
	now := d.Now().UTC()
	switch {
	case err == nil:
		d.record(n, "sent", func() (bool, error) { return d.Store.RecordSent(ctx, claim, provider, ref, now) })
	case errors.Is(err, ErrPermanent) || n.Attempts >= d.MaxTries:
		d.Log.Warn("notification failed", "id", n.ID, "channel", n.Channel, "purpose", n.Purpose, "attempts", n.Attempts, "err", err)
		d.fail(ctx, n, provider, err.Error(), now)
	default:
		d.Log.Info("notification will be retried", "id", n.ID, "channel", n.Channel, "attempts", n.Attempts, "err", err)
		d.record(n, "retry", func() (bool, error) {
			return d.Store.RecordRetry(ctx, claim, err.Error(), now.Add(d.Backoff(n.Attempts)), now)
		})
	}
}

// fail records that n failed for good: through the policy, which also queues what replaces it,
// or, without a policy or when the policy cannot record it, as a visible dead end, so a row that
// cannot be sent is never tried for ever.
func (d *Dispatcher) fail(ctx context.Context, n store.Notification, provider, reason string, now time.Time) {
	if d.Policy != nil {
		err := d.Policy.Failed(ctx, n, provider, reason, now)
		if err == nil {
			return
		}
		d.Log.Error("recording a failed notification and its fallback", "id", n.ID, "err", err)
	}
	d.record(n, "failed", func() (bool, error) { return d.Store.RecordFailed(ctx, store.ClaimOf(n), provider, reason, now) })
}

// record runs one result update and logs when it failed or the claim was lost.
func (d *Dispatcher) record(n store.Notification, what string, update func() (bool, error)) {
	ok, err := update()
	switch {
	case err != nil:
		d.Log.Error("recording a notification's result", "id", n.ID, "result", what, "err", err)
	case !ok:
		d.Log.Warn("notification claim lost before its result was recorded", "id", n.ID, "result", what)
	}
}
