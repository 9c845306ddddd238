package store

import (
	"context"
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
