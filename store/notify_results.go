package store

import (
	"context"
	"fmt"
	"time"
)

// Claim names one claimed attempt at a notification. A result is recorded only while that attempt
// still holds the row, so a sender whose lease ran out cannot overwrite what a later sender did.
type Claim struct {
	ID      int64
	Attempt int
}

// ClaimOf returns the claim a dispatcher holds on a row it has just claimed.
func ClaimOf(n Notification) Claim { return Claim{ID: n.ID, Attempt: n.Attempts} }

var (
	qClaimSent = q(`UPDATE notifications SET status = 'sent', provider = ?, provider_ref = ?, last_error = '',
		sent_at = ?, updated_at = ? WHERE id = ? AND attempts = ? AND status = 'sending'`)
	qClaimRetry = q(`UPDATE notifications SET status = 'pending', last_error = ?, next_attempt_at = ?, updated_at = ?
		WHERE id = ? AND attempts = ? AND status = 'sending'`)
	qClaimFailed = q(`UPDATE notifications SET status = 'failed', provider = ?, last_error = ?, updated_at = ?
		WHERE id = ? AND attempts = ? AND status = 'sending'`)
	qClaimCancelled = q(`UPDATE notifications SET status = 'cancelled', last_error = ?, updated_at = ?
		WHERE id = ? AND attempts = ? AND status = 'sending'`)
	qClaimDeferred = q(`UPDATE notifications SET status = 'pending', attempts = attempts - 1, next_attempt_at = ?, updated_at = ?
		WHERE id = ? AND attempts = ? AND status = 'sending'`)
)

func (q Queries) recordClaim(ctx context.Context, what string, c Claim, id query, args ...any) (bool, error) {
	n, err := q.exec(ctx, id, append(args, c.ID, c.Attempt)...)
	if err != nil {
		return false, fmt.Errorf("store: notification %d %s: %w", c.ID, what, err)
	}
	return n == 1, nil
}

// RecordSent records that the claimed attempt handed the message to provider, which called it ref.
// It reports false when the claim was lost (the lease ran out and another sender took the row).
func (q Queries) RecordSent(ctx context.Context, c Claim, provider, ref string, now time.Time) (bool, error) {
	return q.recordClaim(ctx, "sent", c, qClaimSent, provider, ref, now.UTC(), now.UTC())
}

// RecordRetry puts the row back in the queue, due at next, after a transient failure.
func (q Queries) RecordRetry(ctx context.Context, c Claim, lastError string, next, now time.Time) (bool, error) {
	return q.recordClaim(ctx, "retry", c, qClaimRetry, lastError, next.UTC(), now.UTC())
}

// RecordFailed records a permanent failure: the row's visible dead end.
func (q Queries) RecordFailed(ctx context.Context, c Claim, provider, lastError string, now time.Time) (bool, error) {
	return q.recordClaim(ctx, "failed", c, qClaimFailed, provider, lastError, now.UTC())
}

// RecordCancelled records that the message is no longer wanted (the letter was read, the
// appointment cancelled ...), with the reason.
func (q Queries) RecordCancelled(ctx context.Context, c Claim, reason string, now time.Time) (bool, error) {
	return q.recordClaim(ctx, "cancelled", c, qClaimCancelled, reason, now.UTC())
}

// RecordDeferred puts the row back, due at until, without counting the attempt (quiet hours).
func (q Queries) RecordDeferred(ctx context.Context, c Claim, until, now time.Time) (bool, error) {
	return q.recordClaim(ctx, "deferred", c, qClaimDeferred, until.UTC(), now.UTC())
}

var (
	qNotificationByRef = q(`SELECT ` + notificationColumns + ` FROM notifications WHERE provider = ? AND provider_ref = ?
		ORDER BY id DESC LIMIT 1`)
	qNotificationByKey = q(`SELECT ` + notificationColumns + ` FROM notifications WHERE idempotency_key = ?`)
	qDelivered         = q(`UPDATE notifications SET status = 'delivered', delivered_at = ?, updated_at = ?
		WHERE id = ? AND status = 'sent'`)
	qDeliveryFailed = q(`UPDATE notifications SET status = 'failed', last_error = ?, updated_at = ?
		WHERE id = ? AND status = 'sent'`)
	qDeliveryRetry = q(`UPDATE notifications SET status = 'pending', last_error = ?, next_attempt_at = ?, updated_at = ?
		WHERE id = ? AND status = 'sent'`)
	qSentByProvider = q(`SELECT ` + notificationColumns + ` FROM notifications WHERE channel = ? AND status = 'sent'
		AND provider = ? AND id > ? ORDER BY id LIMIT ?`)
)

// NotificationByProviderRef finds the notification a provider knows by ref.
func (q Queries) NotificationByProviderRef(ctx context.Context, provider, ref string) (Notification, error) {
	var n Notification
	if err := q.get(ctx, &n, qNotificationByRef, provider, ref); err != nil {
		return n, notFound(err, "notification from "+provider, ref)
	}
	return n, nil
}

// NotificationByKey returns the notification with this idempotency key.
func (q Queries) NotificationByKey(ctx context.Context, key string) (Notification, error) {
	var n Notification
	if err := q.get(ctx, &n, qNotificationByKey, key); err != nil {
		return n, notFound(err, "notification", key)
	}
	return n, nil
}

// MarkDelivered records the provider's word that a sent message arrived. It reports whether the
// row changed (false when it was not in the sent state).
func (q Queries) MarkDelivered(ctx context.Context, id int64, at, now time.Time) (bool, error) {
	n, err := q.exec(ctx, qDelivered, at.UTC(), now.UTC(), id)
	if err != nil {
		return false, fmt.Errorf("store: notification %d delivered: %w", id, err)
	}
	return n == 1, nil
}

// MarkDeliveryFailed records the provider's word that a sent message did not arrive.
func (q Queries) MarkDeliveryFailed(ctx context.Context, id int64, reason string, now time.Time) (bool, error) {
	n, err := q.exec(ctx, qDeliveryFailed, reason, now.UTC(), id)
	if err != nil {
		return false, fmt.Errorf("store: notification %d delivery failed: %w", id, err)
	}
	return n == 1, nil
}

// MarkDeliveryRetry puts a sent message back in the queue after the provider lost it.
func (q Queries) MarkDeliveryRetry(ctx context.Context, id int64, reason string, next, now time.Time) (bool, error) {
	n, err := q.exec(ctx, qDeliveryRetry, reason, next.UTC(), now.UTC(), id)
	if err != nil {
		return false, fmt.Errorf("store: notification %d delivery retry: %w", id, err)
	}
	return n == 1, nil
}

// SentNotifications lists rows of a channel that a provider accepted and has not yet confirmed,
// in id order from after the id afterID, so a poller can walk through them all a page at a time.
func (q Queries) SentNotifications(ctx context.Context, ch Channel, provider string, afterID int64, limit int) ([]Notification, error) {
	var ns []Notification
	if err := q.sel(ctx, &ns, qSentByProvider, ch, provider, afterID, limit); err != nil {
		return nil, fmt.Errorf("store: sent %s notifications by %s: %w", ch, provider, err)
	}
	return ns, nil
}
