package hub

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"time"

	"github.com/patienthub/patienthub/store"
)

// RetentionConfig is how long the hub keeps what patients see (the seed: "securely held in your
// space for 24 months").
type RetentionConfig struct {
	RetentionMonths int // appointments, letters and messages are kept this many months after they end
}

var retentionSettings = []setting{
	{env: "PATIENTHUB_RETENTION", flag: "retention", def: "24 months", usage: `how long past appointments, letters and messages are kept, like "24 months"`,
		set: func(c *Config, v string) error {
			n, err := parseMonths(v)
			if err != nil {
				return err
			}
			c.RetentionMonths = n
			return nil
		}},
}

var monthsRE = regexp.MustCompile(`^\s*(\d+)\s*(months?|mo)\s*$`)

func parseMonths(v string) (int, error) {
	m := monthsRE.FindStringSubmatch(v)
	if m == nil {
		return 0, fmt.Errorf(`must be a number of months, like "24 months"`)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 || n > 1200 {
		return 0, fmt.Errorf("must be between 1 and 1200 months")
	}
	return n, nil
}

func (c Config) retentionValues() map[string]string {
	return map[string]string{"PATIENTHUB_RETENTION": strconv.Itoa(c.RetentionMonths) + " months"}
}

// Kept only briefly, whatever the retention: sign-in codes and locks a day, the demo outbox a week.
const (
	codesKeptFor  = 24 * time.Hour
	outboxKeptFor = 7 * 24 * time.Hour
)

// ForgetOld removes, in one transaction, what is past its keeping time, and audits the run.
// Running it twice, or on two servers, does no harm.
func (s *Service) ForgetOld(ctx context.Context) (store.Forgotten, error) {
	now := s.now()
	months := s.Cfg.RetentionMonths
	if months == 0 {
		months = pastMonthsShown
	}
	var f store.Forgotten
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		f, err = tx.Forget(ctx, now, now.AddDate(0, -months, 0), now.Add(-codesKeptFor), now.Add(-outboxKeptFor))
		if err != nil {
			return err
		}
		e := Actor{Kind: "system", ID: "retention"}.event("retention.run", 0, "", fmt.Sprintf("%+v", f))
		e.At = now
		return tx.AddAudit(ctx, e)
	})
	return f, err
}

// Retention runs ForgetOld shortly after start and then every day.
type Retention struct {
	Service *Service
	Log     *slog.Logger
	Every   time.Duration // default 24 hours
	Delay   time.Duration // before the first run; default 1 minute
}

// Run forgets old data until ctx ends.
func (r *Retention) Run(ctx context.Context) {
	every, delay := r.Every, r.Delay
	if every == 0 {
		every = 24 * time.Hour
	}
	if delay == 0 {
		delay = time.Minute
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if f, err := r.Service.ForgetOld(ctx); err != nil {
			if ctx.Err() == nil {
				r.Log.Error("retention", "err", err)
			}
		} else {
			r.Log.Info("retention: old data removed", "appointments", f.Appointments, "messages", f.Messages, "sign_in_codes", f.SignInCodes, "sessions", f.Sessions)
		}
		t.Reset(every)
	}
}
