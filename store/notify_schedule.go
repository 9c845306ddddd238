package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// LetterDue is an unread, unposted letter the scheduler may have to follow up.
type LetterDue struct {
	LetterID      int64         `db:"id"`
	PatientID     int64         `db:"patient_id"`
	AppointmentID sql.NullInt64 `db:"appointment_id"`
	CreatedAt     time.Time     `db:"created_at"`
}

// AppointmentDue is an upcoming appointment that may be due a reminder.
type AppointmentDue struct {
	AppointmentID int64     `db:"id"`
	PatientID     int64     `db:"patient_id"`
	StartsAt      time.Time `db:"starts_at"`
	CreatedAt     time.Time `db:"created_at"`
	Sequence      int       `db:"sequence"`
}

// The idempotency keys these queries look for are built by hub as "letter:<id>:<step>" and
// "appointment:<id>:<step>:<starts_at as Unix seconds>"; the SQL builds the same text to find them
// by the unique index.
var (
	qLettersDue = q(`SELECT l.id, l.patient_id, l.appointment_id, l.created_at FROM letters l
		WHERE l.first_viewed_at IS NULL AND l.posted_at IS NULL AND l.created_at <= ? AND l.created_at > ?
		AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.idempotency_key = 'letter:' || l.id || ':postal_copy')
		AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.idempotency_key = 'letter:' || l.id || ':' || ?)
		ORDER BY l.created_at, l.id LIMIT ?`)
	qLettersWithoutDigital = q(`SELECT l.id, l.patient_id, l.appointment_id, l.created_at FROM letters l
		JOIN patients p ON p.id = l.patient_id
		WHERE l.first_viewed_at IS NULL AND l.posted_at IS NULL
		AND (p.opted_out_at IS NOT NULL OR ((p.mobile IS NULL OR p.mobile = '') AND (p.email IS NULL OR p.email = '')))
		AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.idempotency_key = 'letter:' || l.id || ':postal_copy')
		ORDER BY l.created_at, l.id LIMIT ?`)
	// An appointment booked after a reminder's time gets no such reminder (its invite said it all).
	qAppointmentsDue = qd(appointmentsDue(`a.created_at <= a.starts_at - CAST(? AS double precision) * interval '1 second'`,
		`CAST(FLOOR(EXTRACT(EPOCH FROM a.starts_at)) AS BIGINT)`),
		appointmentsDue(`julianday(a.created_at) <= julianday(a.starts_at) - CAST(? AS REAL) / 86400.0`,
			`CAST(strftime('%s', a.starts_at) AS INTEGER)`))
)

func appointmentsDue(bookedInTime, startsUnix string) string {
	return `SELECT a.id, a.patient_id, a.starts_at, a.created_at, a.sequence FROM appointments a
		JOIN patients p ON p.id = a.patient_id
		WHERE a.status IN ('booked', 'confirmed') AND a.starts_at > ? AND a.starts_at <= ? AND ` + bookedInTime + `
		AND p.opted_out_at IS NULL AND ((p.mobile IS NOT NULL AND p.mobile <> '') OR (p.email IS NOT NULL AND p.email <> ''))
		AND NOT EXISTS (SELECT 1 FROM notifications n
			WHERE n.idempotency_key = 'appointment:' || a.id || ':' || ? || ':' || ` + startsUnix + `)
		ORDER BY a.starts_at, a.id LIMIT ?`
}

// LettersDue lists unread, unposted letters created in (createdAfter, createdBefore] that have no
// row with the key "letter:<id>:<step>" and no postal copy queued, oldest first.
func (q Queries) LettersDue(ctx context.Context, step string, createdAfter, createdBefore time.Time, limit int) ([]LetterDue, error) {
	var ls []LetterDue
	if err := q.sel(ctx, &ls, qLettersDue, createdBefore.UTC(), createdAfter.UTC(), step, limit); err != nil {
		return nil, fmt.Errorf("store: letters due %s: %w", step, err)
	}
	return ls, nil
}

// LettersWithoutDigitalRoute lists unread, unposted letters with no postal copy queued whose
// patient has opted out or has neither a mobile nor an email address.
func (q Queries) LettersWithoutDigitalRoute(ctx context.Context, limit int) ([]LetterDue, error) {
	var ls []LetterDue
	if err := q.sel(ctx, &ls, qLettersWithoutDigital, limit); err != nil {
		return nil, fmt.Errorf("store: letters without a digital route: %w", err)
	}
	return ls, nil
}

// AppointmentsDue lists booked or confirmed appointments starting in (from, to] and booked at
// least `before` ahead, of patients who can be reached digitally and have not opted out, with no
// row keyed "appointment:<id>:<step>:<starts_at>".
func (q Queries) AppointmentsDue(ctx context.Context, step string, before time.Duration, from, to time.Time, limit int) ([]AppointmentDue, error) {
	var as []AppointmentDue
	if err := q.sel(ctx, &as, qAppointmentsDue, from.UTC(), to.UTC(), before.Seconds(), step, limit); err != nil {
		return nil, fmt.Errorf("store: appointments due %s: %w", step, err)
	}
	return as, nil
}

// NullID is a present id for a nullable reference column.
func NullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: true} }
