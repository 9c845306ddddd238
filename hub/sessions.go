package hub

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/patienthub/patienthub/store"
)

// ErrSessionEnded means the session is unknown, signed out, idle too long or past its maximum age.
var ErrSessionEnded = errors.New("session ended")

// Session kinds.
const (
	SessionPatient = "patient"
	SessionStaff   = "staff"
)

// touchEvery limits how often a session's last-seen time is written.
const touchEvery = 30 * time.Second

// sessionID is what the database keeps of a session token: its SHA-256, so a copy of the
// database cannot be used to take over sessions.
func sessionID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func (s *Service) idleFor(kind string) time.Duration {
	if kind == SessionStaff {
		return s.Cfg.StaffSessionIdle
	}
	return s.Cfg.SessionIdle
}

// StartSession creates a new server-side session and returns the secret token for the cookie.
// A new token is made every time, so signing in never keeps a session id from before.
func (s *Service) StartSession(ctx context.Context, kind string, patientID, staffID int64, data string) (string, store.Session, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", store.Session{}, err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	now := s.now()
	sess := store.Session{ID: sessionID(token), Kind: kind, Data: data, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: minTime(now.Add(s.idleFor(kind)), now.Add(s.Cfg.SessionMax))}
	if patientID != 0 {
		sess.PatientID = sql.NullInt64{Int64: patientID, Valid: true}
	}
	if staffID != 0 {
		sess.StaffID = sql.NullInt64{Int64: staffID, Valid: true}
	}
	if sess.Data == "" {
		sess.Data = "{}"
	}
	if err := s.Store.CreateSession(ctx, sess); err != nil {
		return "", store.Session{}, err
	}
	return token, sess, nil
}

// LoadSession returns the live session for a token, extending its idle time. An ended session
// is deleted and ErrSessionEnded returned.
func (s *Service) LoadSession(ctx context.Context, token string) (store.Session, error) {
	sess, _, err := s.LoadSessionWithPatient(ctx, token)
	return sess, err
}

// LoadSessionWithPatient is LoadSession that also returns the signed-in patient's record, if any.
func (s *Service) LoadSessionWithPatient(ctx context.Context, token string) (store.Session, *store.Patient, error) {
	if token == "" {
		return store.Session{}, nil, ErrSessionEnded
	}
	sess, patient, err := s.Store.SessionWithPatient(ctx, sessionID(token))
	if errors.Is(err, store.ErrNotFound) {
		return store.Session{}, nil, ErrSessionEnded
	}
	if err != nil {
		return store.Session{}, nil, err
	}
	now := s.now()
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.CreatedAt) >= s.Cfg.SessionMax {
		if err := s.Store.DeleteSession(ctx, sess.ID); err != nil {
			return store.Session{}, nil, err
		}
		return store.Session{}, nil, ErrSessionEnded
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		sess.LastSeenAt = now
		sess.ExpiresAt = minTime(now.Add(s.idleFor(sess.Kind)), sess.CreatedAt.Add(s.Cfg.SessionMax))
		if err := s.Store.UpdateSession(ctx, sess); err != nil {
			return store.Session{}, nil, err
		}
	}
	return sess, patient, nil
}

// SaveSession writes a session's owner and data back.
func (s *Service) SaveSession(ctx context.Context, sess store.Session) error {
	if err := s.Store.UpdateSession(ctx, sess); err != nil {
		return fmt.Errorf("hub: save session: %w", err)
	}
	return nil
}

// EndSession deletes the session of a token; it is gone for every server at once.
func (s *Service) EndSession(ctx context.Context, token string) error {
	return s.Store.DeleteSession(ctx, sessionID(token))
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// SignedOut records a patient's sign-out in the audit trail.
func (s *Service) SignedOut(ctx context.Context, patientID int64, by Actor) {
	s.audit(ctx, by.event("signout", patientID, "", ""))
}
