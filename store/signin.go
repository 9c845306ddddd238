package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SignInCode is one security code sent (or pretended sent) for a contact and date of birth.
type SignInCode struct {
	ID           int64        `db:"id"`
	Contact      string       `db:"contact"`
	DateOfBirth  Date         `db:"date_of_birth"`
	CodeHMAC     string       `db:"code_hmac"`
	PatientIDs   string       `db:"patient_ids"`
	ExpiresAt    time.Time    `db:"expires_at"`
	WrongGuesses int          `db:"wrong_guesses"`
	UsedAt       sql.NullTime `db:"used_at"`
	IP           string       `db:"ip"`
	CreatedAt    time.Time    `db:"created_at"`
}

// SignInLock is the running count of wrong guesses for a contact, and its lock.
type SignInLock struct {
	Contact      string       `db:"contact"`
	FailedStreak int          `db:"failed_streak"`
	LockedUntil  sql.NullTime `db:"locked_until"`
	UpdatedAt    time.Time    `db:"updated_at"`
}

var (
	qCreateSignInCode = q(`INSERT INTO sign_in_codes (contact, date_of_birth, code_hmac, patient_ids, expires_at, ip, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	qSignInCode = q(`SELECT id, contact, date_of_birth, code_hmac, patient_ids, expires_at, wrong_guesses, used_at, ip, created_at
		FROM sign_in_codes WHERE id = ?`)
	qCountCodesSince = q(`SELECT COUNT(*) FROM sign_in_codes WHERE contact = ? AND created_at >= ?`)
	qReserveGuess    = q(`UPDATE sign_in_codes SET wrong_guesses = wrong_guesses + 1
		WHERE id = ? AND wrong_guesses < ? AND used_at IS NULL RETURNING wrong_guesses`)
	qReserveUVCGuess = q(`UPDATE sign_in_codes SET wrong_guesses = wrong_guesses + 1
		WHERE id = ? AND wrong_guesses < ? AND used_at IS NOT NULL RETURNING wrong_guesses`)
	qLockContactCodes = qd(`SELECT pg_advisory_xact_lock(hashtext(?))`, `SELECT length(?)`)
	qUseCode          = q(`UPDATE sign_in_codes SET used_at = ? WHERE id = ? AND used_at IS NULL`)
	qSignInLock       = q(`SELECT contact, failed_streak, locked_until, updated_at FROM sign_in_locks WHERE contact = ?`)
	qBumpStreak       = q(`INSERT INTO sign_in_locks (contact, failed_streak, updated_at) VALUES (?, 1, ?)
		ON CONFLICT (contact) DO UPDATE SET failed_streak = sign_in_locks.failed_streak + 1, updated_at = excluded.updated_at
		RETURNING failed_streak`)
	qLockContact    = q(`UPDATE sign_in_locks SET locked_until = ?, updated_at = ? WHERE contact = ?`)
	qResetStreak    = q(`DELETE FROM sign_in_locks WHERE contact = ?`)
	qDeleteOldCodes = q(`DELETE FROM sign_in_codes WHERE created_at < ?`)
)

// CreateSignInCode records a code and sets its ID.
func (q Queries) CreateSignInCode(ctx context.Context, c *SignInCode) error {
	if err := q.get(ctx, &c.ID, qCreateSignInCode, c.Contact, c.DateOfBirth, c.CodeHMAC, c.PatientIDs, c.ExpiresAt.UTC(),
		c.IP, c.CreatedAt.UTC()); err != nil {
		return fmt.Errorf("store: create sign-in code: %w", err)
	}
	return nil
}

// SignInCode returns one code record.
func (q Queries) SignInCode(ctx context.Context, id int64) (SignInCode, error) {
	var c SignInCode
	if err := q.get(ctx, &c, qSignInCode, id); err != nil {
		return c, notFound(err, "sign-in code", id)
	}
	return c, nil
}

// CountSignInCodesSince counts the codes asked for a contact since a time.
func (q Queries) CountSignInCodesSince(ctx context.Context, contact string, since time.Time) (int, error) {
	var n int
	if err := q.get(ctx, &n, qCountCodesSince, contact, since.UTC()); err != nil {
		return 0, fmt.Errorf("store: count sign-in codes: %w", err)
	}
	return n, nil
}

// ReserveGuess counts one guess against a code before it is compared, and returns the count;
// ErrConflict means the code has had its limit of guesses (or, for a code still unused when
// afterUse is false, has been used). afterUse counts guesses at the user verification code,
// which follows a used security code.
func (q Queries) ReserveGuess(ctx context.Context, id int64, limit int, afterUse bool) (int, error) {
	stmt := qReserveGuess
	if afterUse {
		stmt = qReserveUVCGuess
	}
	var n int
	err := q.get(ctx, &n, stmt, id, limit)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("store: sign-in code %d: no guesses left: %w", id, ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("store: sign-in code %d guess: %w", id, err)
	}
	return n, nil
}

// LockContactForCodes serialises, until the transaction ends, the sign-in requests of one contact
// (PostgreSQL: an advisory lock; SQLite: its transactions already take the one write lock).
func (q Queries) LockContactForCodes(ctx context.Context, contact string) error {
	var ignored any
	if err := q.get(ctx, &ignored, qLockContactCodes, contact); err != nil {
		return fmt.Errorf("store: lock contact: %w", err)
	}
	return nil
}

// UseSignInCode marks a code used. It returns ErrConflict when the code was already used,
// so a code works exactly once even when two requests race.
func (q Queries) UseSignInCode(ctx context.Context, id int64, now time.Time) error {
	n, err := q.exec(ctx, qUseCode, now.UTC(), id)
	if err != nil {
		return fmt.Errorf("store: use sign-in code %d: %w", id, err)
	}
	if n != 1 {
		return fmt.Errorf("store: sign-in code %d already used: %w", id, ErrConflict)
	}
	return nil
}

// SignInLockFor returns the wrong-guess streak of a contact (zero when there is none).
func (q Queries) SignInLockFor(ctx context.Context, contact string) (SignInLock, error) {
	var l SignInLock
	err := q.get(ctx, &l, qSignInLock, contact)
	if errors.Is(err, sql.ErrNoRows) {
		return SignInLock{Contact: contact}, nil
	}
	if err != nil {
		return l, fmt.Errorf("store: sign-in lock: %w", err)
	}
	return l, nil
}

// BumpFailedStreak adds one wrong guess to a contact's streak and returns the new streak.
func (q Queries) BumpFailedStreak(ctx context.Context, contact string, now time.Time) (int, error) {
	var n int
	if err := q.get(ctx, &n, qBumpStreak, contact, now.UTC()); err != nil {
		return 0, fmt.Errorf("store: bump failed streak: %w", err)
	}
	return n, nil
}

// LockContact stops sign-in for a contact until a time.
func (q Queries) LockContact(ctx context.Context, contact string, until, now time.Time) error {
	if _, err := q.exec(ctx, qLockContact, until.UTC(), now.UTC(), contact); err != nil {
		return fmt.Errorf("store: lock contact: %w", err)
	}
	return nil
}

// ResetFailedStreak clears a contact's wrong guesses after a successful sign-in.
func (q Queries) ResetFailedStreak(ctx context.Context, contact string) error {
	if _, err := q.exec(ctx, qResetStreak, contact); err != nil {
		return fmt.Errorf("store: reset failed streak: %w", err)
	}
	return nil
}

// DeleteSignInCodesBefore removes code records created before a time and returns how many went.
func (q Queries) DeleteSignInCodesBefore(ctx context.Context, before time.Time) (int64, error) {
	n, err := q.exec(ctx, qDeleteOldCodes, before.UTC())
	if err != nil {
		return 0, fmt.Errorf("store: delete old sign-in codes: %w", err)
	}
	return n, nil
}
