package hub

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
)

// Sign-in limits (DESIGN.md, "Signing in").
const (
	maxWrongGuessesPerCode = 5
	maxCodesPer15Minutes   = 3
	maxCodesPerDay         = 10
	lockAfterWrongInARow   = 20
	lockFor                = 2 * time.Hour
	verificationStepFor    = 10 * time.Minute
)

// Refusal is a sign-in step refused for a reason the person can act on. Message says what to do next.
type Refusal struct {
	Code    string // stable name for tests and logs
	Message string
}

func (r *Refusal) Error() string { return r.Message }

// Reasons a sign-in step is refused.
var (
	ErrTooManyCodes = &Refusal{"too_many_codes", "You have asked for 3 security codes in the last 15 minutes. Wait 15 minutes, then ask for a new code."}
	ErrCodesToday   = &Refusal{"codes_today", "You have asked for too many security codes today. Try again tomorrow, or contact the hospital's booking centre."}
	ErrCodeFormat   = &Refusal{"code_format", "Enter the 6-digit security code we sent you, like 123456"}
	ErrWrongCode    = &Refusal{"wrong_code", "The security code is not right. Check the code in your text or email and try again."}
	ErrCodeSpent    = &Refusal{"code_spent", "You have entered the wrong security code too many times. Send a new code and use that one."}
	ErrCodeExpired  = &Refusal{"code_expired", "This security code has expired. Send a new code and enter it as soon as it arrives."}
	ErrCodeUsed     = &Refusal{"code_used", "This security code has already been used. Send a new code to sign in again."}
	ErrUVCFormat    = &Refusal{"uvc_format", "Enter the user verification code. It is at the end of the text or email we sent you about your appointment."}
	ErrWrongUVC     = &Refusal{"wrong_uvc", "The user verification code is not right. Use the code at the end of the latest text or email we sent you about your appointment."}
	ErrUVCTimedOut  = &Refusal{"uvc_timed_out", "You took too long to enter the user verification code. Start again to get a new security code."}
)

// LockedError refuses sign-in for a contact locked after too many wrong guesses.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string {
	return "You have entered too many wrong codes. For your security you cannot sign in with these details until " +
		LondonTime(e.Until) + ". You can still contact the hospital's booking centre."
}

// LondonTime formats t as a time of day in Europe/London, like "4:15pm".
func LondonTime(t time.Time) string {
	return t.In(London).Format("3:04pm")
}

// London is the hospital's time zone.
var London = mustLoadLocation("Europe/London")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// SignInStarted is where a sign-in stands after the contact and date of birth were entered.
type SignInStarted struct {
	CodeID    int64
	ExpiresAt time.Time
}

// StartSignIn checks the limits for a contact, looks for records with that contact and date of
// birth and, when there are any, sends a 6-digit code to each record's mobile (else its email).
// The answer is the same whether or not anything matched, so nobody learns who is a patient here.
func (s *Service) StartSignIn(ctx context.Context, c Contact, dob store.Date, by Actor) (SignInStarted, error) {
	now := s.now()
	if err := s.checkLock(ctx, c.Value, now); err != nil {
		return SignInStarted{}, err
	}
	var matches []store.Patient
	var err error
	if c.Kind == ContactMobile {
		matches, err = s.Store.PatientsByMobileAndBirth(ctx, c.Value, dob)
	} else {
		matches, err = s.Store.PatientsByEmailAndBirth(ctx, c.Value, dob)
	}
	if err != nil {
		return SignInStarted{}, err
	}
	code, err := randomDigits(6)
	if err != nil {
		return SignInStarted{}, err
	}
	ids := make([]string, len(matches))
	for i, p := range matches {
		ids[i] = strconv.FormatInt(p.ID, 10)
	}
	row := store.SignInCode{Contact: c.Value, DateOfBirth: dob, CodeHMAC: s.codeMAC(c.Value, dob, code),
		PatientIDs: strings.Join(ids, ","), ExpiresAt: now.Add(s.Cfg.OTPTTL), IP: by.IP, CreatedAt: now}
	// Counting the codes and adding one happen under a per-contact lock, so requests racing
	// each other cannot together pass the limits.
	var refusal *Refusal
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.LockContactForCodes(ctx, c.Value); err != nil {
			return err
		}
		if n, err := tx.CountSignInCodesSince(ctx, c.Value, now.Add(-15*time.Minute)); err != nil {
			return err
		} else if n >= maxCodesPer15Minutes {
			refusal = ErrTooManyCodes
			return nil
		}
		if n, err := tx.CountSignInCodesSince(ctx, c.Value, now.Add(-24*time.Hour)); err != nil {
			return err
		} else if n >= maxCodesPerDay {
			refusal = ErrCodesToday
			return nil
		}
		return tx.CreateSignInCode(ctx, &row)
	})
	if err != nil {
		return SignInStarted{}, err
	}
	if refusal != nil {
		s.audit(ctx, by.event("signin.rate_limited", 0, "", refusal.Code))
		return SignInStarted{}, refusal
	}
	if len(matches) == 0 {
		s.audit(ctx, by.event("signin.code_requested", 0, "", "no matching record"))
	}
	for _, p := range matches {
		s.audit(ctx, by.event("signin.code_requested", p.ID, "sign_in_code:"+strconv.FormatInt(row.ID, 10), ""))
	}
	s.sendCodes(matches, code, row)
	return SignInStarted{CodeID: row.ID, ExpiresAt: row.ExpiresAt}, nil
}

// sendCodes sends the code in the background, once per distinct destination, so the page answers
// in the same time whether or not a record matched and however slow the provider is.
func (s *Service) sendCodes(matches []store.Patient, code string, row store.SignInCode) {
	seen := map[string]bool{}
	for _, p := range matches {
		ch, to := store.ChannelSMS, p.Mobile.String
		if !p.Mobile.Valid || to == "" {
			ch, to = store.ChannelEmail, p.Email.String
		}
		if to == "" || seen[to] {
			continue
		}
		seen[to] = true
		text := fmt.Sprintf("%s is your Patient Hub security code. It lasts %s. Do not share it with anyone. %s",
			code, HumanDuration(s.Cfg.OTPTTL), s.Cfg.HospitalName)
		msg := notify.Message{Channel: ch, To: to, Purpose: "sign_in_code", Subject: "Your Patient Hub security code", Text: text}
		s.sends.Add(1)
		go func(p store.Patient) {
			defer s.sends.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s.sendCode(ctx, p, msg, row)
		}(p)
	}
}

func (s *Service) sendCode(ctx context.Context, p store.Patient, msg notify.Message, row store.SignInCode) {
	now := s.now()
	n := store.Notification{Purpose: "sign_in_code", Channel: msg.Channel, Recipient: msg.To, Subject: msg.Subject,
		Body: "Your security code (not kept here).", CreatedAt: now, NextAttemptAt: now,
		IdempotencyKey: fmt.Sprintf("sign_in_code:%d:%s", row.ID, msg.To)}
	n.PatientID.Int64, n.PatientID.Valid = p.ID, true
	provider, ref, err := s.Router.Send(ctx, msg)
	n.Provider, n.ProviderRef, n.Attempts = provider, ref, 1
	if err != nil {
		s.Log.Error("sending a sign-in code", "patient", p.ID, "channel", msg.Channel, "err", err)
		n.Status, n.LastError = store.NotifyFailed, err.Error()
	} else {
		n.Status = store.NotifySent
		n.SentAt.Time, n.SentAt.Valid = now, true
	}
	if _, err := s.Store.EnqueueNotification(ctx, &n); err != nil {
		s.Log.Error("recording a sign-in code", "patient", p.ID, "err", err)
	}
}

// VerifiedCode is the outcome of a right security code: the matching records, and whether the
// person must still say which one is theirs with a user verification code.
type VerifiedCode struct {
	CodeID   int64
	Patient  store.Patient // set when exactly one record matched
	NeedsUVC bool
}

// VerifyCode checks a typed security code against the code sent for codeID.
func (s *Service) VerifyCode(ctx context.Context, codeID int64, typed string, by Actor) (VerifiedCode, error) {
	now := s.now()
	row, err := s.Store.SignInCode(ctx, codeID)
	if err != nil {
		return VerifiedCode{}, err
	}
	if row.UsedAt.Valid {
		return VerifiedCode{}, ErrCodeUsed
	}
	if err := s.checkLock(ctx, row.Contact, now); err != nil {
		return VerifiedCode{}, err
	}
	if !now.Before(row.ExpiresAt) {
		return VerifiedCode{}, ErrCodeExpired
	}
	typed = strings.Join(strings.Fields(typed), "")
	if len(typed) != 6 || strings.Trim(typed, "0123456789") != "" {
		return VerifiedCode{}, ErrCodeFormat
	}
	// Each guess is counted before it is compared, so parallel guesses cannot pass the limit.
	guesses, err := s.Store.ReserveGuess(ctx, row.ID, maxWrongGuessesPerCode, false)
	if errors.Is(err, store.ErrConflict) {
		if fresh, ferr := s.Store.SignInCode(ctx, row.ID); ferr == nil && fresh.UsedAt.Valid {
			return VerifiedCode{}, ErrCodeUsed
		}
		return VerifiedCode{}, ErrCodeSpent
	}
	if err != nil {
		return VerifiedCode{}, err
	}
	ids := patientIDs(row.PatientIDs)
	want := s.codeMAC(row.Contact, row.DateOfBirth, typed)
	if len(ids) == 0 || subtle.ConstantTimeCompare([]byte(want), []byte(row.CodeHMAC)) != 1 {
		return VerifiedCode{}, s.wrongGuess(ctx, row, ids, guesses, "signin.wrong_code", ErrWrongCode, by)
	}
	// A lock made by other guesses meanwhile still holds.
	if err := s.checkLock(ctx, row.Contact, now); err != nil {
		return VerifiedCode{}, err
	}
	if err := s.Store.UseSignInCode(ctx, row.ID, now); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return VerifiedCode{}, ErrCodeUsed
		}
		return VerifiedCode{}, err
	}
	if err := s.Store.ResetFailedStreak(ctx, row.Contact); err != nil {
		return VerifiedCode{}, err
	}
	if len(ids) > 1 {
		for _, id := range ids {
			s.audit(ctx, by.event("signin.verification_code_asked", id, "", "several records match"))
		}
		return VerifiedCode{CodeID: row.ID, NeedsUVC: true}, nil
	}
	p, err := s.Store.Patient(ctx, ids[0])
	if err != nil {
		return VerifiedCode{}, err
	}
	s.audit(ctx, by.event("signin.success", p.ID, "", ""))
	return VerifiedCode{CodeID: row.ID, Patient: p}, nil
}

// ChooseRecord finishes a sign-in that matched several records: the user verification code
// printed at the end of every notification picks the record. A wrong code shows nothing.
func (s *Service) ChooseRecord(ctx context.Context, codeID int64, typed string, by Actor) (store.Patient, error) {
	now := s.now()
	row, err := s.Store.SignInCode(ctx, codeID)
	if err != nil {
		return store.Patient{}, err
	}
	if !row.UsedAt.Valid || now.Sub(row.UsedAt.Time) > verificationStepFor {
		return store.Patient{}, ErrUVCTimedOut
	}
	if err := s.checkLock(ctx, row.Contact, now); err != nil {
		return store.Patient{}, err
	}
	typed = strings.ToUpper(strings.Join(strings.Fields(strings.ReplaceAll(typed, "-", "")), ""))
	if typed == "" {
		return store.Patient{}, ErrUVCFormat
	}
	guesses, err := s.Store.ReserveGuess(ctx, row.ID, maxWrongGuessesPerCode, true)
	if errors.Is(err, store.ErrConflict) {
		return store.Patient{}, ErrCodeSpent
	}
	if err != nil {
		return store.Patient{}, err
	}
	ids := patientIDs(row.PatientIDs)
	for _, id := range ids {
		p, err := s.Store.Patient(ctx, id)
		if err != nil {
			return store.Patient{}, err
		}
		if subtle.ConstantTimeCompare([]byte(strings.ToUpper(p.VerificationCode)), []byte(typed)) == 1 {
			if err := s.Store.ResetFailedStreak(ctx, row.Contact); err != nil {
				return store.Patient{}, err
			}
			s.audit(ctx, by.event("signin.success", p.ID, "", "with user verification code"))
			return p, nil
		}
	}
	return store.Patient{}, s.wrongGuess(ctx, row, ids, guesses, "signin.wrong_verification_code", ErrWrongUVC, by)
}

// wrongGuess counts a wrong code (already counted against the code as guesses) against the
// contact, locks the contact after too many in a row, and returns the refusal to show.
func (s *Service) wrongGuess(ctx context.Context, row store.SignInCode, ids []int64, guesses int, action string, refusal *Refusal, by Actor) error {
	now := s.now()
	streak, err := s.Store.BumpFailedStreak(ctx, row.Contact, now)
	if err != nil {
		return err
	}
	auditAll := func(action, detail string) {
		if len(ids) == 0 {
			s.audit(ctx, by.event(action, 0, "", detail))
		}
		for _, id := range ids {
			s.audit(ctx, by.event(action, id, "", detail))
		}
	}
	auditAll(action, fmt.Sprintf("wrong guess %d on this code, %d in a row", guesses, streak))
	if streak >= lockAfterWrongInARow {
		until := now.Add(lockFor)
		if err := s.Store.LockContact(ctx, row.Contact, until, now); err != nil {
			return err
		}
		auditAll("signin.locked", "until "+until.Format(time.RFC3339))
		return &LockedError{Until: until}
	}
	if guesses >= maxWrongGuessesPerCode {
		return ErrCodeSpent
	}
	return refusal
}

func (s *Service) checkLock(ctx context.Context, contact string, now time.Time) error {
	l, err := s.Store.SignInLockFor(ctx, contact)
	if err != nil {
		return err
	}
	if l.LockedUntil.Valid && now.Before(l.LockedUntil.Time) {
		return &LockedError{Until: l.LockedUntil.Time}
	}
	return nil
}

// codeMAC binds a code to the contact and date of birth it was sent for; only the MAC is stored.
func (s *Service) codeMAC(contact string, dob store.Date, code string) string {
	m := hmac.New(sha256.New, s.secret)
	fmt.Fprintf(m, "%s|%s|%s", contact, dob, code)
	return hex.EncodeToString(m.Sum(nil))
}

func patientIDs(csv string) []int64 {
	var ids []int64
	for _, f := range strings.Split(csv, ",") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

func randomDigits(n int) (string, error) {
	var b strings.Builder
	for range n {
		d, err := rand.Int(rand.Reader, big.NewInt(10))
		if err != nil {
			return "", err
		}
		b.WriteByte(byte('0' + d.Int64()))
	}
	return b.String(), nil
}

// HumanDuration writes a short duration the way a person would say it: "2 minutes 30 seconds".
func HumanDuration(d time.Duration) string {
	m, sec := int(d/time.Minute), int((d%time.Minute)/time.Second)
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return strconv.Itoa(n) + " " + unit + "s"
	}
	switch {
	case m == 0:
		return plural(sec, "second")
	case sec == 0:
		return plural(m, "minute")
	}
	return plural(m, "minute") + " " + plural(sec, "second")
}

// CodeExpiry returns when the code of a sign-in in progress runs out.
func (s *Service) CodeExpiry(ctx context.Context, codeID int64) (time.Time, error) {
	row, err := s.Store.SignInCode(ctx, codeID)
	if err != nil {
		return time.Time{}, err
	}
	return row.ExpiresAt, nil
}

// ResendCode starts the sign-in again with the contact and date of birth of an earlier code,
// within the same limits, and returns the new code's sign-in.
func (s *Service) ResendCode(ctx context.Context, codeID int64, by Actor) (SignInStarted, error) {
	row, err := s.Store.SignInCode(ctx, codeID)
	if err != nil {
		return SignInStarted{}, err
	}
	kind := ContactMobile
	if strings.Contains(row.Contact, "@") {
		kind = ContactEmail
	}
	return s.StartSignIn(ctx, Contact{Kind: kind, Value: row.Contact}, row.DateOfBirth, by)
}
