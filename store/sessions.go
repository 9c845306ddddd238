package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Session is a server-side session of a patient (or of someone signing in) or of a staff member.
// ID is a hash of the secret the browser holds, never the secret itself.
type Session struct {
	ID         string        `db:"id"`
	Kind       string        `db:"kind"`
	PatientID  sql.NullInt64 `db:"patient_id"`
	StaffID    sql.NullInt64 `db:"staff_id"`
	Data       string        `db:"data"`
	CreatedAt  time.Time     `db:"created_at"`
	LastSeenAt time.Time     `db:"last_seen_at"`
	ExpiresAt  time.Time     `db:"expires_at"`
}

// sessionPatientColumns are a session's and its patient's columns, in the order SessionWithPatient
// scans them.
const sessionPatientColumns = `s.id, s.kind, s.patient_id, s.staff_id, s.data, s.created_at, s.last_seen_at, s.expires_at,
	p.id, p.hospital_number, p.nhs_number, p.given_name, p.family_name, p.date_of_birth, p.address, p.postcode,
	p.mobile, p.email, p.preferred_channel, p.opted_out_at, p.discreet, p.verification_code, p.language,
	p.created_at, p.updated_at, p.appointments_version`

var sessionPatientTimes = []string{"s.created_at", "s.last_seen_at", "s.expires_at", "p.date_of_birth",
	"p.opted_out_at", "p.created_at", "p.updated_at"}

const sessionPatientFrom = ` FROM sessions s JOIN patients p ON p.id = s.patient_id WHERE s.id = ?`

var (
	qCreateSession = q(`INSERT INTO sessions (id, kind, patient_id, staff_id, data, created_at, last_seen_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	qSession        = q(`SELECT id, kind, patient_id, staff_id, data, created_at, last_seen_at, expires_at FROM sessions WHERE id = ?`)
	qUpdateSession  = q(`UPDATE sessions SET patient_id = ?, staff_id = ?, data = ?, last_seen_at = ?, expires_at = ? WHERE id = ?`)
	qSessionPatient = qd(`SELECT `+sessionPatientColumns+sessionPatientFrom,
		`SELECT `+liteTimes(sessionPatientColumns, sessionPatientTimes...)+sessionPatientFrom)
	qDeleteSession         = q(`DELETE FROM sessions WHERE id = ?`)
	qDeleteExpiredSessions = q(`DELETE FROM sessions WHERE expires_at < ?`)
)

// CreateSession stores a new session.
func (q Queries) CreateSession(ctx context.Context, s Session) error {
	if _, err := q.exec(ctx, qCreateSession, s.ID, s.Kind, s.PatientID, s.StaffID, s.Data, s.CreatedAt.UTC(),
		s.LastSeenAt.UTC(), s.ExpiresAt.UTC()); err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// Session returns one session by its hashed id.
func (q Queries) Session(ctx context.Context, id string) (Session, error) {
	var s Session
	if err := q.get(ctx, &s, qSession, id); err != nil {
		return s, notFound(err, "session", "")
	}
	return s, nil
}

// SessionWithPatient returns a session and, when it is a signed-in patient's, the patient's record,
// in one query for the busiest path (every page a patient opens).
func (q Queries) SessionWithPatient(ctx context.Context, id string) (Session, *Patient, error) {
	var s Session
	var p Patient
	err := q.stmt(ctx, qSessionPatient).QueryRowContext(ctx, id).Scan(&s.ID, &s.Kind, &s.PatientID, &s.StaffID, &s.Data,
		(*scanTime)(&s.CreatedAt), (*scanTime)(&s.LastSeenAt), (*scanTime)(&s.ExpiresAt),
		&p.ID, &p.HospitalNumber, &p.NHSNumber, &p.GivenName, &p.FamilyName, &p.DateOfBirth, &p.Address, &p.Postcode,
		&p.Mobile, &p.Email, &p.PreferredChannel, (*scanNullTime)(&p.OptedOutAt), &p.Discreet, &p.VerificationCode,
		&p.Language, (*scanTime)(&p.CreatedAt), (*scanTime)(&p.UpdatedAt), &p.AppointmentsVersion)
	if err == nil {
		return s, &p, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Session{}, nil, fmt.Errorf("store: session: %w", err)
	}
	sess, err := q.Session(ctx, id)
	return sess, nil, err
}

// UpdateSession saves a session's owner, data and times.
func (q Queries) UpdateSession(ctx context.Context, s Session) error {
	if _, err := q.exec(ctx, qUpdateSession, s.PatientID, s.StaffID, s.Data, s.LastSeenAt.UTC(), s.ExpiresAt.UTC(), s.ID); err != nil {
		return fmt.Errorf("store: update session: %w", err)
	}
	return nil
}

// DeleteSession ends a session.
func (q Queries) DeleteSession(ctx context.Context, id string) error {
	if _, err := q.exec(ctx, qDeleteSession, id); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions past their expiry and returns how many went.
func (q Queries) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	n, err := q.exec(ctx, qDeleteExpiredSessions, now.UTC())
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return n, nil
}
