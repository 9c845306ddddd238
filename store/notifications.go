package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Notification statuses.
const (
	NotifyPending   = "pending"
	NotifySending   = "sending"
	NotifySent      = "sent"
	NotifyDelivered = "delivered"
	NotifyFailed    = "failed"
	NotifyCancelled = "cancelled"
)

// Notification is one message to a patient on one channel: the outbox row and its delivery log.
type Notification struct {
	ID             int64         `db:"id"`
	PatientID      sql.NullInt64 `db:"patient_id"`
	AppointmentID  sql.NullInt64 `db:"appointment_id"`
	LetterID       sql.NullInt64 `db:"letter_id"`
	Purpose        string        `db:"purpose"`
	Channel        Channel       `db:"channel"`
	Recipient      string        `db:"recipient"`
	Subject        string        `db:"subject"`
	Body           string        `db:"body"`
	IdempotencyKey string        `db:"idempotency_key"`
	Status         string        `db:"status"`
	Attempts       int           `db:"attempts"`
	NextAttemptAt  time.Time     `db:"next_attempt_at"`
	Provider       string        `db:"provider"`
	ProviderRef    string        `db:"provider_ref"`
	LastError      string        `db:"last_error"`
	CreatedAt      time.Time     `db:"created_at"`
	UpdatedAt      time.Time     `db:"updated_at"`
	SentAt         sql.NullTime  `db:"sent_at"`
	DeliveredAt    sql.NullTime  `db:"delivered_at"`
}

const notificationColumns = `id, patient_id, appointment_id, letter_id, purpose, channel, recipient, subject, body,
	idempotency_key, status, attempts, next_attempt_at, provider, provider_ref, last_error, created_at, updated_at,
	sent_at, delivered_at`

var (
	qEnqueueNotification = q(`INSERT INTO notifications (patient_id, appointment_id, letter_id, purpose, channel, recipient,
		subject, body, idempotency_key, status, attempts, next_attempt_at, provider, provider_ref, last_error,
		created_at, updated_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`)
	qClaimNotifications = qd(`UPDATE notifications SET status = 'sending', attempts = attempts + 1, next_attempt_at = ?, updated_at = ?
		WHERE id IN (SELECT id FROM notifications WHERE status IN ('pending', 'sending') AND next_attempt_at <= ?
		ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING `+notificationColumns,
		`UPDATE notifications SET status = 'sending', attempts = attempts + 1, next_attempt_at = ?, updated_at = ?
		WHERE id IN (SELECT id FROM notifications WHERE status IN ('pending', 'sending') AND next_attempt_at <= ?
		ORDER BY next_attempt_at, id LIMIT ?) RETURNING `+notificationColumns)
	qNotification            = q(`SELECT ` + notificationColumns + ` FROM notifications WHERE id = ?`)
	qNotificationsForPatient = q(`SELECT ` + notificationColumns + ` FROM notifications WHERE patient_id = ? ORDER BY created_at DESC, id DESC`)
)

// EnqueueNotification writes n unless a row with the same idempotency key exists. It reports
// whether the row was new, and sets n.ID when it was.
func (q Queries) EnqueueNotification(ctx context.Context, n *Notification) (bool, error) {
	now := time.Now().UTC()
	if n.CreatedAt.IsZero() {
		n.CreatedAt = now
	}
	n.UpdatedAt = n.CreatedAt
	if n.Status == "" {
		n.Status = NotifyPending
	}
	if n.NextAttemptAt.IsZero() {
		n.NextAttemptAt = n.CreatedAt
	}
	err := q.get(ctx, &n.ID, qEnqueueNotification, n.PatientID, n.AppointmentID, n.LetterID, n.Purpose, n.Channel,
		n.Recipient, n.Subject, n.Body, n.IdempotencyKey, n.Status, n.Attempts, n.NextAttemptAt.UTC(), n.Provider,
		n.ProviderRef, n.LastError, n.CreatedAt.UTC(), n.UpdatedAt.UTC(), n.SentAt)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: enqueue notification %s: %w", n.IdempotencyKey, err)
	}
	return true, nil
}

// ClaimNotifications marks up to limit due rows as sending until leaseUntil and returns them.
// A row whose sender died mid-send is due again when its lease runs out. On PostgreSQL,
// rows another server is claiming are skipped, so several servers share the work.
func (q Queries) ClaimNotifications(ctx context.Context, now, leaseUntil time.Time, limit int) ([]Notification, error) {
	var ns []Notification
	if err := q.sel(ctx, &ns, qClaimNotifications, leaseUntil.UTC(), now.UTC(), now.UTC(), limit); err != nil {
		return nil, fmt.Errorf("store: claim notifications: %w", err)
	}
	return ns, nil
}

// Notification returns one notification row.
func (q Queries) Notification(ctx context.Context, id int64) (Notification, error) {
	var n Notification
	if err := q.get(ctx, &n, qNotification, id); err != nil {
		return n, notFound(err, "notification", id)
	}
	return n, nil
}

// NotificationsForPatient lists a patient's notifications, newest first.
func (q Queries) NotificationsForPatient(ctx context.Context, patientID int64) ([]Notification, error) {
	var ns []Notification
	if err := q.sel(ctx, &ns, qNotificationsForPatient, patientID); err != nil {
		return nil, fmt.Errorf("store: notifications of %d: %w", patientID, err)
	}
	return ns, nil
}
