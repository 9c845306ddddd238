package store

import (
	"context"
	"fmt"
	"time"
)

var (
	qForgetAppointments  = q(`DELETE FROM appointments WHERE ends_at < ?`)
	qForgetLooseLetters  = q(`DELETE FROM letters WHERE appointment_id IS NULL AND created_at < ?`)
	qForgetMessages      = q(`DELETE FROM messages WHERE created_at < ?`)
	qForgetNotifications = q(`DELETE FROM notifications WHERE created_at < ? AND status IN ('sent', 'delivered', 'failed', 'cancelled')`)
	qForgetLooseTasks    = q(`DELETE FROM tasks WHERE appointment_id IS NULL AND status = 'done' AND updated_at < ?`)
	qForgetLocks         = q(`DELETE FROM sign_in_locks WHERE updated_at < ? AND (locked_until IS NULL OR locked_until < ?)`)
	qForgetOutbox        = q(`DELETE FROM outbox_messages WHERE created_at < ?`)
)

// Forgotten counts what one retention run removed.
type Forgotten struct {
	Appointments, Letters, Messages, Notifications, Tasks, SignInCodes, SignInLocks, Sessions, OutboxMessages int64
}

// Forget removes what the hospital no longer keeps: appointments that ended before keepUntil (their
// letters, notifications and tasks go with them), letters, messages, finished notifications and
// tasks older than keepUntil, sign-in codes and contact locks older than codesUntil, expired
// sessions, and demo outbox messages older than outboxUntil.
func (q Queries) Forget(ctx context.Context, now, keepUntil, codesUntil, outboxUntil time.Time) (Forgotten, error) {
	var f Forgotten
	steps := []struct {
		n    *int64
		id   query
		args []any
	}{
		{&f.Appointments, qForgetAppointments, []any{keepUntil.UTC()}},
		{&f.Letters, qForgetLooseLetters, []any{keepUntil.UTC()}},
		{&f.Messages, qForgetMessages, []any{keepUntil.UTC()}},
		{&f.Notifications, qForgetNotifications, []any{keepUntil.UTC()}},
		{&f.Tasks, qForgetLooseTasks, []any{keepUntil.UTC()}},
		{&f.SignInCodes, qDeleteOldCodes, []any{codesUntil.UTC()}},
		{&f.SignInLocks, qForgetLocks, []any{codesUntil.UTC(), now.UTC()}},
		{&f.Sessions, qDeleteExpiredSessions, []any{now.UTC()}},
		{&f.OutboxMessages, qForgetOutbox, []any{outboxUntil.UTC()}},
	}
	for _, st := range steps {
		n, err := q.exec(ctx, st.id, st.args...)
		if err != nil {
			return f, fmt.Errorf("store: retention: %w", err)
		}
		*st.n = n
	}
	return f, nil
}
