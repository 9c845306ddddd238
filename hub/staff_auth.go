package hub

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/patienthub/patienthub/store"
)

// Staff roles. An administrator may do everything an agent or the post room may do.
const (
	RoleAgent    = "agent"
	RolePostroom = "postroom"
	RoleAdmin    = "admin"
)

// StaffRoles lists the roles in the order the console shows them.
var StaffRoles = []string{RoleAgent, RolePostroom, RoleAdmin}

// RoleName is a role in words.
func RoleName(role string) string {
	switch role {
	case RoleAgent:
		return "Booking centre agent"
	case RolePostroom:
		return "Post room"
	case RoleAdmin:
		return "Administrator"
	}
	return role
}

// StaffMay reports whether a staff member with role may use what is meant for role need. An
// administrator may use everything; agents and the post room only their own part.
func StaffMay(role, need string) bool { return role == need || role == RoleAdmin }

// Staff sign-in lockout: this many wrong passwords in a row lock the account for staffLockFor.
const (
	staffLockAfter = 5
	staffLockFor   = 15 * time.Minute
)

// Reasons a staff sign-in is refused.
var (
	ErrStaffSignIn   = &Refusal{"staff_signin", "The username or password is not right. Check them and try again."}
	ErrStaffDisabled = &Refusal{"staff_disabled", "This account has been switched off. Ask an administrator to switch it back on."}
)

// StaffLockedError refuses a staff sign-in while the account is locked after wrong passwords.
type StaffLockedError struct{ Until time.Time }

func (e *StaffLockedError) Error() string {
	return "This account is locked because of " + strconv.Itoa(staffLockAfter) + " wrong passwords in a row. Try again after " +
		LondonTime(e.Until) + ", or ask an administrator to unlock it."
}

// decoyHash is checked when there is no password to check (an unknown username, a locked
// account), so every answer takes as long as checking a real one.
var decoyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not a real password")
	return h
})

// StaffSignIn checks a username and password. Each attempt is counted as a wrong password on the
// account before its password is checked, so parallel guesses cannot get past the lock; a right
// password clears the count. A username that does not exist locks the same way, so the answers
// do not tell which usernames exist. Every attempt is in the audit trail.
func (s *Service) StaffSignIn(ctx context.Context, username, password string, by Actor) (store.Staff, error) {
	now := s.now()
	username = strings.TrimSpace(username)
	known, err := s.Store.StaffByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		return store.Staff{}, s.unknownStaffSignIn(ctx, username, password, by, now)
	}
	if err != nil {
		return known, err
	}
	object := staffObject(known.ID)
	st, reserved, err := s.Store.StaffLoginAttempt(ctx, known.ID, staffLockAfter, now.Add(staffLockFor), now)
	if err != nil {
		return known, err
	}
	if !reserved {
		CheckPassword(decoyHash(), password)
		s.audit(ctx, by.event("staff.signin.locked", 0, object, ""))
		if st, err = s.Store.StaffByID(ctx, known.ID); err != nil {
			return st, err
		}
		return st, &StaffLockedError{Until: st.LockedUntil.Time}
	}
	if !CheckPassword(st.PasswordHash, password) {
		if s.StaffLocked(st) {
			s.audit(ctx, by.event("staff.locked", 0, object, strconv.Itoa(staffLockAfter)+" wrong passwords"))
			return st, &StaffLockedError{Until: st.LockedUntil.Time}
		}
		s.audit(ctx, by.event("staff.signin.failed", 0, object, "wrong password"))
		return st, ErrStaffSignIn
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.StaffLoginSucceeded(ctx, st.ID, now); err != nil {
			return err
		}
		if st.Disabled {
			return s.auditTx(ctx, tx, by.event("staff.signin.failed", 0, object, "account switched off"), now)
		}
		signedIn := by
		signedIn.Kind, signedIn.ID = "staff", strconv.FormatInt(st.ID, 10)
		return s.auditTx(ctx, tx, signedIn.event("staff.signin", 0, object, st.Role), now)
	})
	if err != nil {
		return st, err
	}
	st.FailedLogins, st.LockedUntil = 0, sql.NullTime{}
	if st.Disabled {
		return st, ErrStaffDisabled
	}
	return st, nil
}

// unknownStaffSignIn answers a sign-in to a username that does not exist as a wrong password
// for a real one would be answered, lock included.
func (s *Service) unknownStaffSignIn(ctx context.Context, username, password string, by Actor, now time.Time) error {
	object := "staff:" + username
	allowed, until := s.unknownStaff.attempt(username, now)
	CheckPassword(decoyHash(), password)
	switch {
	case !allowed:
		s.audit(ctx, by.event("staff.signin.locked", 0, object, "unknown username"))
		return &StaffLockedError{Until: until}
	case !until.IsZero():
		s.audit(ctx, by.event("staff.signin.failed", 0, object, "unknown username; "+strconv.Itoa(staffLockAfter)+" in a row"))
		return &StaffLockedError{Until: until}
	}
	s.audit(ctx, by.event("staff.signin.failed", 0, object, "unknown username"))
	return ErrStaffSignIn
}

// unknownStaffLimit bounds how many unknown usernames are remembered at once.
const unknownStaffLimit = 10000

// unknownStaffNames counts sign-in attempts to usernames that do not exist, exactly as
// StaffLoginAttempt counts them on a real account. It lives in memory because there is no row to
// keep them on; a name no longer locked and not tried for staffLockFor is forgotten.
type unknownStaffNames struct {
	mu    sync.Mutex
	names map[string]*unknownStaffName
}

type unknownStaffName struct {
	failed      int
	lockedUntil time.Time
	lastTried   time.Time
}

// attempt counts one attempt on name. It reports false while the name is locked, and the lock
// when there is one (set by this attempt when it is allowed).
func (u *unknownStaffNames) attempt(name string, now time.Time) (allowed bool, lockedUntil time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.names == nil {
		u.names = map[string]*unknownStaffName{}
	}
	n := u.names[name]
	if n == nil {
		if len(u.names) >= unknownStaffLimit {
			u.forget(now)
		}
		n = &unknownStaffName{}
		u.names[name] = n
	}
	n.lastTried = now
	if now.Before(n.lockedUntil) {
		return false, n.lockedUntil
	}
	n.lockedUntil = time.Time{}
	if n.failed++; n.failed >= staffLockAfter {
		n.failed, n.lockedUntil = 0, now.Add(staffLockFor)
	}
	return true, n.lockedUntil
}

// forget drops names that are not locked and were last tried staffLockFor ago, or, if that
// frees nothing, every name not locked.
func (u *unknownStaffNames) forget(now time.Time) {
	before := len(u.names)
	for name, n := range u.names {
		if !now.Before(n.lockedUntil) && now.Sub(n.lastTried) >= staffLockFor {
			delete(u.names, name)
		}
	}
	if len(u.names) < before {
		return
	}
	for name, n := range u.names {
		if !now.Before(n.lockedUntil) {
			delete(u.names, name)
		}
	}
}

// StaffMember returns a staff account that may use the console now: ErrNotFound when it is
// missing or switched off.
func (s *Service) StaffMember(ctx context.Context, id int64) (store.Staff, error) {
	st, err := s.Store.StaffByID(ctx, id)
	if err != nil {
		return st, err
	}
	if st.Disabled {
		return store.Staff{}, store.ErrNotFound
	}
	return st, nil
}

// StaffSignedOut records a staff member's sign-out in the audit trail.
func (s *Service) StaffSignedOut(ctx context.Context, by Actor) {
	s.audit(ctx, by.event("staff.signout", 0, "staff:"+by.ID, ""))
}

// StaffActor is a staff member as the actor of the audit trail.
func StaffActor(st store.Staff, requestID, ip string) Actor {
	return Actor{Kind: "staff", ID: strconv.FormatInt(st.ID, 10), RequestID: requestID, IP: ip}
}

func staffObject(id int64) string { return "staff:" + strconv.FormatInt(id, 10) }

// StaffDenied records a staff member's attempt to use a page their role does not allow.
func (s *Service) StaffDenied(ctx context.Context, path string, by Actor) {
	s.audit(ctx, by.event("staff.access.denied", 0, path, ""))
}
