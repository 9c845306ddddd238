package notify

import (
	"context"

	"golang.org/x/time/rate"
)

// Limited sends through Provider no faster than its Limiter allows: GOV.UK Notify accepts 3,000
// messages a minute per service, so its three providers share one limiter. The limit holds within
// one process; several servers each keep to it.
type Limited struct {
	Provider
	Limiter *rate.Limiter
}

// PerMinute returns a limiter allowing n sends a minute, with a burst of a second's worth.
func PerMinute(n int) *rate.Limiter {
	return rate.NewLimiter(rate.Limit(float64(n)/60), max(1, n/60))
}

// PerSecond returns a limiter allowing n sends a second.
func PerSecond(n int) *rate.Limiter { return rate.NewLimiter(rate.Limit(n), max(1, n)) }

// Send waits for the limiter, then sends.
func (l Limited) Send(ctx context.Context, m Message) (string, error) {
	if err := l.Limiter.Wait(ctx); err != nil {
		return "", err
	}
	return l.Provider.Send(ctx, m)
}

// Unwrap returns the provider being limited.
func (l Limited) Unwrap() Provider { return l.Provider }
