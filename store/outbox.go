package store

import (
	"context"
	"fmt"
	"time"
)

// OutboxMessage is a message kept by the development outbox provider instead of being sent.
type OutboxMessage struct {
	ID        int64     `db:"id" json:"id"`
	Channel   string    `db:"channel" json:"channel"`
	Recipient string    `db:"recipient" json:"to"`
	Purpose   string    `db:"purpose" json:"purpose"`
	Subject   string    `db:"subject" json:"subject,omitempty"`
	Body      string    `db:"body" json:"body"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
}

var (
	qAddOutbox = q(`INSERT INTO outbox_messages (channel, recipient, purpose, subject, body, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`)
	qOutbox    = q(`SELECT id, channel, recipient, purpose, subject, body, created_at FROM outbox_messages ORDER BY id DESC LIMIT ?`)
)

// AddOutboxMessage keeps a message in the development outbox and sets its ID.
func (q Queries) AddOutboxMessage(ctx context.Context, m *OutboxMessage) error {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now().UTC()
	}
	if err := q.get(ctx, &m.ID, qAddOutbox, m.Channel, m.Recipient, m.Purpose, m.Subject, m.Body, m.CreatedAt.UTC()); err != nil {
		return fmt.Errorf("store: outbox message: %w", err)
	}
	return nil
}

// OutboxMessages returns the newest limit messages, oldest first.
func (q Queries) OutboxMessages(ctx context.Context, limit int) ([]OutboxMessage, error) {
	var ms []OutboxMessage
	if err := q.sel(ctx, &ms, qOutbox, limit); err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	for i, j := 0, len(ms)-1; i < j; i, j = i+1, j-1 {
		ms[i], ms[j] = ms[j], ms[i]
	}
	return ms, nil
}
