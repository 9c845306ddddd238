package hub

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/patienthub/patienthub/store"
)

// MinStaffPassword is the shortest password a staff account may have.
const MinStaffPassword = 12

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,39}$`)

// Reasons an administrator's change to staff accounts is refused; nothing was changed.
var (
	ErrOwnAccount   = &Refusal{"own_account", "You cannot switch off your own account or take away your own administrator role. Ask another administrator."}
	ErrUsernameUsed = &Refusal{"username_used", "That username is already used by another account. Choose another."}
)

// StaffAccountForm is a staff account as an administrator types it.
type StaffAccountForm struct {
	Username, Name, Role, Password string
	Disabled                       bool
}

func (f StaffAccountForm) problems(creating bool) []RequestProblem {
	var ps []RequestProblem
	if creating && !usernamePattern.MatchString(f.Username) {
		ps = append(ps, RequestProblem{"username", "Enter a username of 2 to 40 lower-case letters, numbers, dots, dashes or underscores"})
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(f.Name)); n == 0 || n > 100 {
		ps = append(ps, RequestProblem{"name", "Enter the person's name, in 100 characters or fewer"})
	}
	if f.Role != RoleAgent && f.Role != RolePostroom && f.Role != RoleAdmin {
		ps = append(ps, RequestProblem{"role", "Select the account's role"})
	}
	if creating {
		ps = append(ps, passwordProblems(f.Password)...)
	}
	return ps
}

func passwordProblems(pw string) []RequestProblem {
	if utf8.RuneCountInString(pw) < MinStaffPassword || len(pw) > 200 {
		return []RequestProblem{{"password", "Enter a password of at least 12 characters"}}
	}
	return nil
}

// StaffAccounts lists every staff account.
func (s *Service) StaffAccounts(ctx context.Context) ([]store.Staff, error) {
	return s.Store.ListStaff(ctx)
}

// StaffAccount returns one staff account.
func (s *Service) StaffAccount(ctx context.Context, id int64) (store.Staff, error) {
	return s.Store.StaffByID(ctx, id)
}

// CreateStaffAccount adds a staff account with an argon2id hash of its password.
func (s *Service) CreateStaffAccount(ctx context.Context, f StaffAccountForm, by Actor) (store.Staff, error) {
	f.Username = strings.ToLower(strings.TrimSpace(f.Username))
	if ps := f.problems(true); len(ps) > 0 {
		return store.Staff{}, &RequestError{Problems: ps}
	}
	hash, err := HashPassword(f.Password)
	if err != nil {
		return store.Staff{}, err
	}
	now := s.now()
	st := store.Staff{Username: f.Username, Name: strings.TrimSpace(f.Name), Role: f.Role, PasswordHash: hash}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateStaff(ctx, &st); errors.Is(err, store.ErrConflict) {
			return &RequestError{Problems: []RequestProblem{{"username", ErrUsernameUsed.Message}}}
		} else if err != nil {
			return err
		}
		return s.auditTx(ctx, tx, by.event("staff.account.created", 0, staffObject(st.ID), st.Role), now)
	})
	return st, err
}

// UpdateStaffAccount changes an account's name, role and whether it is switched off. A switched
// off account is signed out everywhere at once. Administrators cannot lock themselves out.
func (s *Service) UpdateStaffAccount(ctx context.Context, id, selfID int64, f StaffAccountForm, by Actor) error {
	if ps := f.problems(false); len(ps) > 0 {
		return &RequestError{Problems: ps}
	}
	if id == selfID && (f.Disabled || f.Role != RoleAdmin) {
		return ErrOwnAccount
	}
	now := s.now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		st, err := tx.StaffByID(ctx, id)
		if err != nil {
			return err
		}
		detail := st.Role + " to " + f.Role
		if f.Disabled != st.Disabled {
			detail += map[bool]string{true: "; switched off", false: "; switched on"}[f.Disabled]
		}
		st.Name, st.Role, st.Disabled = strings.TrimSpace(f.Name), f.Role, f.Disabled
		if err := tx.UpdateStaff(ctx, st, now); err != nil {
			return err
		}
		if st.Disabled {
			ended, err := tx.EndStaffSessions(ctx, id)
			if err != nil {
				return err
			}
			detail += fmt.Sprintf("; %d sessions ended", ended)
		}
		return s.auditTx(ctx, tx, by.event("staff.account.changed", 0, staffObject(id), detail), now)
	})
}

// ResetStaffPassword gives an account a new password, unlocks it and signs it out everywhere.
func (s *Service) ResetStaffPassword(ctx context.Context, id int64, password string, by Actor) error {
	if ps := passwordProblems(password); len(ps) > 0 {
		return &RequestError{Problems: ps}
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	now := s.now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetStaffPassword(ctx, id, hash, now); err != nil {
			return err
		}
		ended, err := tx.EndStaffSessions(ctx, id)
		if err != nil {
			return err
		}
		return s.auditTx(ctx, tx, by.event("staff.account.password", 0, staffObject(id), fmt.Sprintf("%d sessions ended", ended)), now)
	})
}

// UnlockStaffAccount clears an account's lock after wrong passwords.
func (s *Service) UnlockStaffAccount(ctx context.Context, id int64, by Actor) error {
	now := s.now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.StaffLoginSucceeded(ctx, id, now); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, by.event("staff.account.unlocked", 0, staffObject(id), ""), now)
	})
}

// StaffLocked reports whether an account is locked now.
func (s *Service) StaffLocked(st store.Staff) bool {
	return st.LockedUntil.Valid && s.now().Before(st.LockedUntil.Time)
}
