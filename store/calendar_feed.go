package store

import (
	"context"
	"fmt"
	"time"
)

// CalendarFeed is a patient's private calendar feed: its token kept as an HMAC (TokenHash, to find
// the feed from a link) and sealed with the server's key (TokenSealed, to show the link again).
type CalendarFeed struct {
	PatientID   int64     `db:"patient_id"`
	TokenHash   string    `db:"token_hash"`
	TokenSealed string    `db:"token_sealed"`
	CreatedAt   time.Time `db:"created_at"`
}

const calendarFeedColumns = `patient_id, token_hash, token_sealed, created_at`

var (
	qSaveCalendarFeed = q(`INSERT INTO calendar_feeds (patient_id, token_hash, token_sealed, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (patient_id) DO UPDATE SET token_hash = excluded.token_hash, token_sealed = excluded.token_sealed,
		created_at = excluded.created_at`)
	qCalendarFeedOf     = q(`SELECT ` + calendarFeedColumns + ` FROM calendar_feeds WHERE patient_id = ?`)
	qCalendarFeedByHash = q(`SELECT ` + calendarFeedColumns + ` FROM calendar_feeds WHERE token_hash = ?`)
	qDeleteCalendarFeed = q(`DELETE FROM calendar_feeds WHERE patient_id = ?`)
	qFeedAppointments   = q(`SELECT ` + appointmentColumns + ` FROM appointments a LEFT JOIN sites s ON s.id = a.site_id
		WHERE a.patient_id = ? AND a.ends_at >= ? ORDER BY a.starts_at, a.id`)
)

// SaveCalendarFeed stores the patient's feed, replacing the one they had: the old link stops working.
func (q Queries) SaveCalendarFeed(ctx context.Context, f CalendarFeed) error {
	if _, err := q.exec(ctx, qSaveCalendarFeed, f.PatientID, f.TokenHash, f.TokenSealed, f.CreatedAt.UTC()); err != nil {
		return fmt.Errorf("store: save calendar feed of %d: %w", f.PatientID, err)
	}
	return nil
}

// CalendarFeedOf returns the patient's feed, or ErrNotFound when they have none.
func (q Queries) CalendarFeedOf(ctx context.Context, patientID int64) (CalendarFeed, error) {
	var f CalendarFeed
	if err := q.get(ctx, &f, qCalendarFeedOf, patientID); err != nil {
		return f, notFound(err, "calendar feed of patient", patientID)
	}
	return f, nil
}

// CalendarFeedByHash returns the feed whose token has this HMAC, or ErrNotFound.
func (q Queries) CalendarFeedByHash(ctx context.Context, tokenHash string) (CalendarFeed, error) {
	var f CalendarFeed
	if err := q.get(ctx, &f, qCalendarFeedByHash, tokenHash); err != nil {
		return f, notFound(err, "calendar feed", "by token")
	}
	return f, nil
}

// DeleteCalendarFeed removes the patient's feed; its link stops working. It reports whether there was one.
func (q Queries) DeleteCalendarFeed(ctx context.Context, patientID int64) (bool, error) {
	n, err := q.exec(ctx, qDeleteCalendarFeed, patientID)
	if err != nil {
		return false, fmt.Errorf("store: delete calendar feed of %d: %w", patientID, err)
	}
	return n > 0, nil
}

// FeedAppointments returns a patient's appointments ending at or after since, whatever their
// status (a calendar needs the cancelled and moved ones to take them off), soonest first.
func (q Queries) FeedAppointments(ctx context.Context, patientID int64, since time.Time) ([]Appointment, error) {
	var as []Appointment
	if err := q.sel(ctx, &as, qFeedAppointments, patientID, since.UTC()); err != nil {
		return nil, fmt.Errorf("store: feed appointments of %d: %w", patientID, err)
	}
	return as, nil
}
