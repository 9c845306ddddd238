package hub

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

// TestSignInLimitsHoldUnderParallelRequests sends guesses and code requests at once: the limits
// count every one, whatever the interleaving.
func TestSignInLimitsHoldUnderParallelRequests(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		outbox := &notify.Outbox{Store: st}
		s := New(st, Config{SecretKey: strings.Repeat("k", 32), OTPTTL: 150 * time.Second}, notify.NewRouter(outbox, outbox, nil, outbox), nil)
		p := store.Patient{HospitalNumber: "R1", GivenName: "A", FamilyName: "B", DateOfBirth: store.NewDate(1985, 3, 14),
			VerificationCode: "X", Mobile: sql.NullString{String: "+447700900001", Valid: true}}
		if err := st.CreatePatient(ctx, &p); err != nil {
			t.Fatal(err)
		}
		contact := Contact{Kind: ContactMobile, Value: "+447700900001"}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var started []SignInStarted
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if got, err := s.StartSignIn(ctx, contact, p.DateOfBirth, Actor{}); err == nil {
					mu.Lock()
					started = append(started, got)
					mu.Unlock()
				} else if !errors.Is(err, ErrTooManyCodes) {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		s.Wait()
		if len(started) != maxCodesPer15Minutes {
			t.Fatalf("%d codes made by parallel requests, want %d", len(started), maxCodesPer15Minutes)
		}
		code := started[0].CodeID
		for i := 0; i < 12; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.VerifyCode(ctx, code, "000000", Actor{})
			}()
		}
		wg.Wait()
		row, err := st.SignInCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if row.WrongGuesses > maxWrongGuessesPerCode {
			t.Fatalf("%d guesses were compared, want at most %d", row.WrongGuesses, maxWrongGuessesPerCode)
		}
	})
}
