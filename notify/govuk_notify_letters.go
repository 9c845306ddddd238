package notify

import (
	"context"
	"log/slog"
	"time"

	"github.com/patienthub/patienthub/store"
)

// NotifyLetterPoller asks GOV.UK Notify what became of each letter it accepted, because Notify
// sends no callbacks for letters. Each run reads one page of letters still marked sent and hands
// every conclusive status to Record; running it twice, or on two servers, records nothing twice.
type NotifyLetterPoller struct {
	Client   *GovNotify
	Store    *store.Store
	Record   func(ctx context.Context, r DeliveryReport) error
	Log      *slog.Logger
	Interval time.Duration // between pages; default 10 minutes
	Page     int           // letters asked about per run; default 100

	after int64 // the last id asked about; back to 0 after the last page
}

// Run polls until ctx is cancelled.
func (p *NotifyLetterPoller) Run(ctx context.Context) {
	if p.Interval == 0 {
		p.Interval = 10 * time.Minute
	}
	if p.Log == nil {
		p.Log = slog.Default()
	}
	t := time.NewTicker(p.Interval)
	defer t.Stop()
	for {
		if _, err := p.RunOnce(ctx); err != nil && ctx.Err() == nil {
			p.Log.Error("polling GOV.UK Notify letters", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce asks about one page of letters and returns how many it asked about.
func (p *NotifyLetterPoller) RunOnce(ctx context.Context) (int, error) {
	if p.Page == 0 {
		p.Page = 100
	}
	rows, err := p.Store.SentNotifications(ctx, store.ChannelPost, NotifyProviderName, p.after, p.Page)
	if err != nil {
		return 0, err
	}
	if len(rows) < p.Page {
		p.after = 0
	} else {
		p.after = rows[len(rows)-1].ID
	}
	for _, n := range rows {
		st, err := p.Client.Status(ctx, n.ProviderRef)
		if err != nil {
			return 0, err
		}
		out := NotifyOutcome(st.Status)
		if out == OutcomePending {
			continue
		}
		at := p.Client.Now().UTC()
		if st.CompletedAt != nil {
			at = st.CompletedAt.UTC()
		}
		if err := p.Record(ctx, DeliveryReport{Provider: NotifyProviderName, Ref: n.ProviderRef, Outcome: out,
			Detail: "letter " + st.Status, At: at}); err != nil {
			return 0, err
		}
	}
	return len(rows), nil
}
