package notify

import (
	"context"
	"strconv"

	"github.com/patienthub/patienthub/store"
)

// Outbox keeps messages in the database instead of sending them, for demo and development;
// /dev/outbox shows them.
type Outbox struct{ Store *store.Store }

// Name is "outbox".
func (o *Outbox) Name() string { return "outbox" }

// Send keeps m in the outbox table.
func (o *Outbox) Send(ctx context.Context, m Message) (string, error) {
	om := store.OutboxMessage{Channel: string(m.Channel), Recipient: m.To, Purpose: m.Purpose, Subject: m.Subject, Body: m.Text}
	if err := o.Store.AddOutboxMessage(ctx, &om); err != nil {
		return "", err
	}
	return "outbox-" + strconv.FormatInt(om.ID, 10), nil
}
