package hub

import (
	"context"
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

// decoyHash is checked when a username is unknown, so the answer takes as long as for a real one.
var decoyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not a real password")
	return h
})

// StaffSignIn checks a username and password. Wrong passwords are counted on the account and
// lock it for a while after several in a row; every attempt is in the audit trail.
func (s *Service) StaffSignIn(ctx context.Context, username, password string, by Actor) (store.Staff, error) {
	now := s.now()
	username = strings.TrimSpace(username)
	st, err := s.Store.StaffByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		CheckPassword(decoyHash(), password)
		s.audit(ctx, by.event("staff.signin.failed", 0, "staff:"+username, "unknown username"))
		return st, ErrStaffSignIn
	}
	if err != nil {
		return st, err
	}
	object := staffObject(st.ID)
	if st.LockedUntil.Valid && now.Before(st.LockedUntil.Time) {
		s.audit(ctx, by.event("staff.signin.locked", 0, object, ""))
		return st, &StaffLockedError{Until: st.LockedUntil.Time}
	}
	if !CheckPassword(st.PasswordHash, password) {
		until, err := s.Store.StaffLoginFailed(ctx, st.ID, staffLockAfter, now.Add(staffLockFor), now)
		if err != nil {
			return st, err
		}
		if until.Valid && now.Before(until.Time) {
			s.audit(ctx, by.event("staff.locked", 0, object, strconv.Itoa(staffLockAfter)+" wrong passwords"))
			return st, &StaffLockedError{Until: until.Time}
		}
		s.audit(ctx, by.event("staff.signin.failed", 0, object, "wrong password"))
		return st, ErrStaffSignIn
	}
	if st.Disabled {
		s.audit(ctx, by.event("staff.signin.failed", 0, object, "account switched off"))
		return st, ErrStaffDisabled
	}
	if err := s.Store.StaffLoginSucceeded(ctx, st.ID, now); err != nil {
		return st, err
	}
	by.Kind, by.ID = "staff", strconv.FormatInt(st.ID, 10)
	s.audit(ctx, by.event("staff.signin", 0, object, st.Role))
	return st, nil
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
