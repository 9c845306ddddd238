package hub

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

// testStaffPassword is the password of the staff accounts these tests make.
const testStaffPassword = "correct horse battery staple"

// addTestStaff creates a staff account with testStaffPassword.
func addTestStaff(t *testing.T, st *store.Store, username, role string) store.Staff {
	t.Helper()
	hash, err := HashPassword(testStaffPassword)
	if err != nil {
		t.Fatal(err)
	}
	s := store.Staff{Username: username, Name: username + " Tester", Role: role, PasswordHash: hash}
	if err := st.CreateStaff(context.Background(), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStaffSignInParallelGuessesStopAtTheLock(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newPatientHubFixture(t, st)
		alex := addTestStaff(t, st, "alex", RoleAgent)
		const guesses = 2 * staffLockAfter
		errs := make([]error, guesses)
		var wg sync.WaitGroup
		for i := range guesses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.svc.StaffSignIn(ctx, "alex", fmt.Sprintf("guess %d", i), Actor{})
			}()
		}
		wg.Wait()
		wrong, locked := 0, 0
		for _, err := range errs {
			var le *StaffLockedError
			switch {
			case errors.Is(err, ErrStaffSignIn):
				wrong++
			case errors.As(err, &le):
				locked++
			default:
				t.Fatalf("a guess answered %v", err)
			}
		}
		if wrong != staffLockAfter-1 || locked != guesses-wrong {
			t.Fatalf("%d guesses: %d told wrong and %d locked, want %d and %d", guesses, wrong, locked, staffLockAfter-1, guesses-staffLockAfter+1)
		}
		if checked := len(f.audits(t, "staff.signin.failed")) + len(f.audits(t, "staff.locked")); checked != staffLockAfter {
			t.Fatalf("%d guesses were checked against the password, want %d", checked, staffLockAfter)
		}
		// The right password after the burst is refused while the account is locked.
		var le *StaffLockedError
		if _, err := f.svc.StaffSignIn(ctx, "alex", testStaffPassword, Actor{}); !errors.As(err, &le) {
			t.Fatalf("the right password while locked: %v", err)
		}
		if got, _ := st.StaffByID(ctx, alex.ID); !f.svc.StaffLocked(got) {
			t.Fatalf("the right password cleared the lock: %+v", got)
		}
		f.now = f.now.Add(staffLockFor)
		if _, err := f.svc.StaffSignIn(ctx, "alex", testStaffPassword, Actor{}); err != nil {
			t.Fatalf("the right password after the lock: %v", err)
		}
		if got, _ := st.StaffByID(ctx, alex.ID); got.FailedLogins != 0 || got.LockedUntil.Valid {
			t.Fatalf("signing in did not clear the count: %+v", got)
		}
	})
}

func TestStaffSignInAnswersAlikeForUnknownUsernames(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newPatientHubFixture(t, st)
		addTestStaff(t, st, "alex", RoleAgent)
		answers := func(username string) []string {
			var out []string
			for range staffLockAfter + 2 {
				_, err := f.svc.StaffSignIn(ctx, username, "a guess", Actor{})
				out = append(out, fmt.Sprintf("%T %v", err, err))
			}
			return out
		}
		known, unknown := answers("alex"), answers("nobody")
		if fmt.Sprint(known) != fmt.Sprint(unknown) {
			t.Fatalf("a real username is answered\n%q\nbut an unknown one\n%q", known, unknown)
		}
		if want := fmt.Sprintf("%T", &StaffLockedError{}); known[staffLockAfter-1][:len(want)] != want {
			t.Fatalf("the %dth wrong password did not lock: %q", staffLockAfter, known)
		}
		f.now = f.now.Add(staffLockFor)
		if _, err := f.svc.StaffSignIn(ctx, "nobody", "a guess", Actor{}); !errors.Is(err, ErrStaffSignIn) {
			t.Fatalf("an unknown username after its lock: %v", err)
		}
		if _, err := f.svc.StaffSignIn(ctx, "alex", testStaffPassword, Actor{}); err != nil {
			t.Fatalf("the right password after the lock: %v", err)
		}
	})
}

func TestUnknownStaffNamesAreForgotten(t *testing.T) {
	var u unknownStaffNames
	now := time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC)
	for range staffLockAfter {
		u.attempt("locked", now)
	}
	u.attempt("idle", now)
	// When the names fill up, those still counting go first; a lock is kept while it lasts.
	u.forget(now.Add(time.Minute))
	if _, ok := u.names["locked"]; !ok || len(u.names) != 1 {
		t.Fatalf("after forgetting, a minute on: %v", u.names)
	}
	u.forget(now.Add(staffLockFor))
	if len(u.names) != 0 {
		t.Fatalf("remembered after the lock: %v", u.names)
	}
}
