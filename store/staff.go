package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

const staffColumns = `id, username, name, role, password_hash, disabled, failed_logins, locked_until, created_at, updated_at`

var (
	qCreateStaff = q(`INSERT INTO staff (username, name, role, password_hash, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	qStaffByUsername = q(`SELECT ` + staffColumns + ` FROM staff WHERE username = ?`)
	qStaffByID       = q(`SELECT ` + staffColumns + ` FROM staff WHERE id = ?`)
)

// CreateStaff inserts a staff member and sets its ID. A username in use gives ErrConflict.
func (q Queries) CreateStaff(ctx context.Context, s *Staff) error {
	now := time.Now().UTC()
	s.CreatedAt, s.UpdatedAt = now, now
	err := q.get(ctx, &s.ID, qCreateStaff, s.Username, s.Name, s.Role, s.PasswordHash, s.Disabled, now, now)
	if isUniqueViolation(err) {
		return fmt.Errorf("store: staff %s: %w", s.Username, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: create staff: %w", err)
	}
	return nil
}

// StaffByUsername returns the staff member with this username.
func (q Queries) StaffByUsername(ctx context.Context, username string) (Staff, error) {
	var s Staff
	if err := q.get(ctx, &s, qStaffByUsername, username); err != nil {
		return s, notFound(err, "staff", username)
	}
	return s, nil
}

// StaffByID returns the staff member with this id.
func (q Queries) StaffByID(ctx context.Context, id int64) (Staff, error) {
	var s Staff
	if err := q.get(ctx, &s, qStaffByID, id); err != nil {
		return s, notFound(err, "staff", id)
	}
	return s, nil
}

var (
	qStaffList = q(`SELECT ` + staffColumns + ` FROM staff ORDER BY username`)
	// qStaffLoginAttempt counts a sign-in attempt as a wrong password before the password is
	// checked, and only while the account is not locked, so parallel guesses cannot all be tried.
	qStaffLoginAttempt = qd(staffLoginAttempt("CAST(? AS TIMESTAMPTZ)"), staffLoginAttempt("?"))
	qStaffLoginOK      = q(`UPDATE staff SET failed_logins = 0, locked_until = NULL, updated_at = ? WHERE id = ?`)
	qUpdateStaff       = q(`UPDATE staff SET name = ?, role = ?, disabled = ?, updated_at = ? WHERE id = ?`)
	qSetStaffPassword  = q(`UPDATE staff SET password_hash = ?, failed_logins = 0, locked_until = NULL, updated_at = ? WHERE id = ?`)
	qEndStaffSessions  = q(`DELETE FROM sessions WHERE staff_id = ?`)
)

// staffLoginAttempt is the text of qStaffLoginAttempt with lockUntil written as each database
// needs it (PostgreSQL cannot infer a parameter's type beside a NULL).
func staffLoginAttempt(lockUntil string) string {
	return `UPDATE staff SET
		failed_logins = CASE WHEN failed_logins + 1 >= ? THEN 0 ELSE failed_logins + 1 END,
		locked_until = CASE WHEN failed_logins + 1 >= ? THEN ` + lockUntil + ` ELSE NULL END,
		updated_at = ? WHERE id = ? AND (locked_until IS NULL OR locked_until <= ?) RETURNING ` + staffColumns
}

// ListStaff returns every staff account by username.
func (q Queries) ListStaff(ctx context.Context) ([]Staff, error) {
	var ss []Staff
	if err := q.sel(ctx, &ss, qStaffList); err != nil {
		return nil, fmt.Errorf("store: staff list: %w", err)
	}
	return ss, nil
}

// StaffLoginAttempt reserves one sign-in attempt on an account that is not locked at now, counting
// it as a wrong password until StaffLoginSucceeded says otherwise. On the lockAfter-th in a row
// the account is locked until lockUntil and the count starts again. It returns the account as
// changed, or false (changing nothing) when the account is locked.
func (q Queries) StaffLoginAttempt(ctx context.Context, id int64, lockAfter int, lockUntil, now time.Time) (Staff, bool, error) {
	var s Staff
	err := q.get(ctx, &s, qStaffLoginAttempt, lockAfter, lockAfter, lockUntil.UTC(), now.UTC(), id, now.UTC())
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := q.StaffByID(ctx, id); err != nil {
			return s, false, err
		}
		return s, false, nil
	}
	if err != nil {
		return s, false, fmt.Errorf("store: staff %d: %w", id, err)
	}
	return s, true, nil
}

// StaffLoginSucceeded clears the failure count and any lock.
func (q Queries) StaffLoginSucceeded(ctx context.Context, id int64, now time.Time) error {
	return q.staffChange(ctx, id, qStaffLoginOK, now.UTC(), id)
}

// UpdateStaff saves a staff member's name, role and whether the account is disabled.
func (q Queries) UpdateStaff(ctx context.Context, s Staff, now time.Time) error {
	return q.staffChange(ctx, s.ID, qUpdateStaff, s.Name, s.Role, s.Disabled, now.UTC(), s.ID)
}

// SetStaffPassword replaces a staff member's password hash and unlocks the account.
func (q Queries) SetStaffPassword(ctx context.Context, id int64, hash string, now time.Time) error {
	return q.staffChange(ctx, id, qSetStaffPassword, hash, now.UTC(), id)
}

// EndStaffSessions signs a staff member out everywhere and returns how many sessions ended.
func (q Queries) EndStaffSessions(ctx context.Context, id int64) (int64, error) {
	n, err := q.exec(ctx, qEndStaffSessions, id)
	if err != nil {
		return 0, fmt.Errorf("store: end sessions of staff %d: %w", id, err)
	}
	return n, nil
}

func (q Queries) staffChange(ctx context.Context, id int64, stmt query, args ...any) error {
	n, err := q.exec(ctx, stmt, args...)
	if err != nil {
		return fmt.Errorf("store: staff %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("store: staff %d: %w", id, ErrNotFound)
	}
	return nil
}
