package store

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// The post queue holds post-channel messages the "postroom" provider accepted, and in demo mode those
// the "outbox" provider kept: both wait for the hospital's own post room to print and post them.
var (
	qPostQueue = q(`SELECT ` + notificationColumns + ` FROM notifications WHERE channel = 'post' AND status = 'sent'
		AND provider IN ('postroom', 'outbox') ORDER BY sent_at, id LIMIT ?`)
	qPostItemPosted = q(`UPDATE notifications SET status = 'delivered', delivered_at = ?, updated_at = ?
		WHERE id = ? AND channel = 'post' AND status = 'sent'`)
	qLetterPosted = q(`UPDATE letters SET posted_at = ? WHERE id = ? AND posted_at IS NULL`)
)

// PostQueue lists post-channel messages handed to the post room and not yet posted, oldest first.
func (q Queries) PostQueue(ctx context.Context, limit int) ([]Notification, error) {
	var ns []Notification
	if err := q.sel(ctx, &ns, qPostQueue, limit); err != nil {
		return nil, fmt.Errorf("store: post queue: %w", err)
	}
	return ns, nil
}

// MarkPostItemPosted records that the post room posted one queued message. It reports false
// when the row was not waiting in the post room (already posted, cancelled, or not post).
func (q Queries) MarkPostItemPosted(ctx context.Context, id int64, now time.Time) (bool, error) {
	n, err := q.exec(ctx, qPostItemPosted, now.UTC(), now.UTC(), id)
	if err != nil {
		return false, fmt.Errorf("store: notification %d posted: %w", id, err)
	}
	return n == 1, nil
}

// MarkLetterPosted sets a letter's posted_at unless it is already set.
func (q Queries) MarkLetterPosted(ctx context.Context, letterID int64, at time.Time) error {
	if _, err := q.exec(ctx, qLetterPosted, at.UTC(), letterID); err != nil {
		return fmt.Errorf("store: letter %d posted: %w", letterID, err)
	}
	return nil
}

// A post-room batch keeps the ids of its items as "1,2,3" in its params; a batch being drawn or
// drawn (not failed) holds printed items until they are marked posted.
const inUnfinishedBatch = `EXISTS (SELECT 1 FROM staff_jobs j WHERE j.kind = 'postroom_batch'
	AND j.status IN ('running', 'done') AND (',' || j.params || ',') LIKE ?)`

var (
	qCancelPostItem = q(`UPDATE notifications SET status = 'cancelled', last_error = ?, updated_at = ?
		WHERE id = ? AND channel = 'post' AND status = 'sent' AND NOT ` + inUnfinishedBatch)
	qPostItemInBatch = q(`SELECT COUNT(*) FROM notifications WHERE id = ? AND status = 'sent' AND ` + inUnfinishedBatch)
)

// batchPattern matches a notification id in a batch's list of ids.
func batchPattern(id int64) string { return "%," + strconv.FormatInt(id, 10) + ",%" }

// CancelPostItem takes a message out of the post room's queue before it is printed (the patient
// read the letter online meanwhile), with the reason. It reports false, changing nothing, when the
// message is no longer waiting or is in a batch already printed or being drawn: that one is in
// the post room's hands and goes with its batch.
func (q Queries) CancelPostItem(ctx context.Context, id int64, reason string, now time.Time) (bool, error) {
	n, err := q.exec(ctx, qCancelPostItem, reason, now.UTC(), id, batchPattern(id))
	if err != nil {
		return false, fmt.Errorf("store: notification %d out of the post queue: %w", id, err)
	}
	return n == 1, nil
}

// PostItemInBatch reports whether a message still waiting in the post room is in a batch printed
// or being drawn, and not yet marked posted.
func (q Queries) PostItemInBatch(ctx context.Context, id int64) (bool, error) {
	var n int
	if err := q.get(ctx, &n, qPostItemInBatch, id, batchPattern(id)); err != nil {
		return false, fmt.Errorf("store: notification %d in a post batch: %w", id, err)
	}
	return n > 0, nil
}

var qLetterInPostQueue = q(`SELECT COUNT(*) FROM notifications WHERE letter_id = ? AND channel = 'post' AND status = 'sent'
	AND provider IN ('postroom', 'outbox')`)

// LetterInPostQueue reports whether a letter is waiting in the post room's queue, not yet posted.
func (q Queries) LetterInPostQueue(ctx context.Context, letterID int64) (bool, error) {
	var n int
	if err := q.get(ctx, &n, qLetterInPostQueue, letterID); err != nil {
		return false, fmt.Errorf("store: letter %d in the post queue: %w", letterID, err)
	}
	return n > 0, nil
}
