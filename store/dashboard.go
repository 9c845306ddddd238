package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// LetterCounts is what became of the letters created in a period.
type LetterCounts struct {
	Total         int `db:"total"`
	ReadOnline    int `db:"read_online"`     // opened in Patient Hub and never posted
	Posted        int `db:"posted"`          // printed and posted (read online later or not)
	ReadAndPosted int `db:"read_and_posted"` // posted, and also opened online
}

// StatusCount is how many appointments have a status, split by whether the patient responded.
type StatusCount struct {
	Status    AppointmentStatus `db:"status"`
	Responded bool              `db:"responded"`
	N         int               `db:"n"`
}

// TaskTiming is when a request arrived and when it was done (null while open).
type TaskTiming struct {
	Kind      string       `db:"kind"`
	CreatedAt time.Time    `db:"created_at"`
	DoneAt    sql.NullTime `db:"done_at"`
}

// DeliveryCount is how many notifications on a channel ended in a status.
type DeliveryCount struct {
	Channel Channel `db:"channel"`
	Status  string  `db:"status"`
	N       int     `db:"n"`
}

var (
	qLetterCounts = q(`SELECT COUNT(*) AS total,
		COALESCE(SUM(CASE WHEN first_viewed_at IS NOT NULL AND posted_at IS NULL THEN 1 ELSE 0 END), 0) AS read_online,
		COALESCE(SUM(CASE WHEN posted_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS posted,
		COALESCE(SUM(CASE WHEN posted_at IS NOT NULL AND first_viewed_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS read_and_posted
		FROM letters WHERE created_at >= ? AND created_at < ?`)
	qStatusCounts = q(`SELECT status, CASE WHEN responded_at IS NULL THEN FALSE ELSE TRUE END AS responded, COUNT(*) AS n
		FROM appointments WHERE created_at >= ? AND created_at < ?
		GROUP BY status, CASE WHEN responded_at IS NULL THEN FALSE ELSE TRUE END ORDER BY status`)
	qTaskTimings = q(`SELECT kind, created_at, done_at FROM tasks WHERE created_at >= ? AND created_at < ?
		ORDER BY created_at, id`)
	qDeliveryCounts = q(`SELECT channel, status, COUNT(*) AS n FROM notifications
		WHERE created_at >= ? AND created_at < ? AND purpose <> 'sign_in_code'
		GROUP BY channel, status ORDER BY channel, status`)
)

// LetterCounts counts the letters created in [from, to) by what became of them.
func (q Queries) LetterCounts(ctx context.Context, from, to time.Time) (LetterCounts, error) {
	var c LetterCounts
	if err := q.get(ctx, &c, qLetterCounts, from.UTC(), to.UTC()); err != nil {
		return c, fmt.Errorf("store: letter counts: %w", err)
	}
	return c, nil
}

// AppointmentStatusCounts counts the appointments created in [from, to) by status and response.
func (q Queries) AppointmentStatusCounts(ctx context.Context, from, to time.Time) ([]StatusCount, error) {
	var cs []StatusCount
	if err := q.sel(ctx, &cs, qStatusCounts, from.UTC(), to.UTC()); err != nil {
		return nil, fmt.Errorf("store: appointment status counts: %w", err)
	}
	return cs, nil
}

// TaskTimings lists when each task created in [from, to) arrived and was done.
func (q Queries) TaskTimings(ctx context.Context, from, to time.Time) ([]TaskTiming, error) {
	var ts []TaskTiming
	if err := q.sel(ctx, &ts, qTaskTimings, from.UTC(), to.UTC()); err != nil {
		return nil, fmt.Errorf("store: task timings: %w", err)
	}
	return ts, nil
}

// DeliveryCounts counts the notifications (not sign-in codes) created in [from, to) by channel and status.
func (q Queries) DeliveryCounts(ctx context.Context, from, to time.Time) ([]DeliveryCount, error) {
	var cs []DeliveryCount
	if err := q.sel(ctx, &cs, qDeliveryCounts, from.UTC(), to.UTC()); err != nil {
		return nil, fmt.Errorf("store: delivery counts: %w", err)
	}
	return cs, nil
}
