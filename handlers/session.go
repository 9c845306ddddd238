package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

// Keys kept in a patient session.
const (
	keyPatientID = "patient_id" // the signed-in patient
	keyStaffID   = "staff_id"   // the signed-in staff member (staff sessions only)
	keyCodeID    = "code_id"    // a sign-in waiting for its security code
	keyUVCCodeID = "uvc_code_id"
	keyFlash     = "flash"
	// keyPatient holds the signed-in patient's record for this request only; keys starting
	// with "_" are never saved.
	keyPatient = "_patient"
)

// sessionStore keeps gorilla sessions on the server, in the database through the hub: the cookie
// carries only a signed random token, so signing out or timing out ends the session everywhere.
type sessionStore struct {
	hub    *hub.Service
	codecs []securecookie.Codec
	opts   sessions.Options
	name   string
	kind   string // hub.SessionPatient or hub.SessionStaff
}

// newSessionStore returns the store for one kind of session; patients and staff have separate
// cookies, so a patient session never reaches the staff console.
func newSessionStore(svc *hub.Service, kind string) *sessionStore {
	key := sha256.Sum256([]byte("patienthub " + kind + " session cookie|" + svc.Cfg.SecretKey))
	codec := securecookie.New(key[:], nil)
	codec.MaxAge(0)
	codec.SetSerializer(securecookie.NopEncoder{}) // the value is the token's bytes: no gob needed
	st := &sessionStore{hub: svc, codecs: []securecookie.Codec{codec}, name: "patienthub_session", kind: kind}
	if kind == hub.SessionStaff {
		st.name = "patienthub_staff"
	}
	st.opts = sessions.Options{Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode}
	if svc.Cfg.HTTPS() {
		st.name = "__Host-" + st.name
		st.opts.Secure = true
	}
	return st
}

// Get returns the request's session, cached per request by gorilla's registry.
func (st *sessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(st, name)
}

// New loads the session named in the cookie, or a new empty one.
func (st *sessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	s := sessions.NewSession(st, name)
	opts := st.opts
	s.Options, s.IsNew = &opts, true
	ck, err := r.Cookie(name)
	if err != nil {
		return s, nil
	}
	var raw []byte
	if err := securecookie.DecodeMulti(name, ck.Value, &raw, st.codecs...); err != nil {
		return s, nil
	}
	token := string(raw)
	row, patient, err := st.hub.LoadSessionWithPatient(r.Context(), token)
	if errors.Is(err, hub.ErrSessionEnded) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	if row.Kind != st.kind {
		return s, nil
	}
	s.ID, s.IsNew = token, false
	values := map[string]any{}
	json.Unmarshal([]byte(row.Data), &values)
	for k, v := range values {
		s.Values[k] = v
	}
	if row.PatientID.Valid {
		s.Values[keyPatientID] = row.PatientID.Int64
	}
	if patient != nil {
		s.Values[keyPatient] = *patient
	}
	if row.StaffID.Valid {
		s.Values[keyStaffID] = row.StaffID.Int64
	}
	return s, nil
}

// Save writes the session to the database and the cookie; MaxAge < 0 ends it.
func (st *sessionStore) Save(r *http.Request, w http.ResponseWriter, s *sessions.Session) error {
	ctx := r.Context()
	if s.Options.MaxAge < 0 {
		if s.ID != "" {
			if err := st.hub.EndSession(ctx, s.ID); err != nil {
				return err
			}
		}
		http.SetCookie(w, sessions.NewCookie(s.Name(), "", s.Options))
		return nil
	}
	data, patientID, staffID := st.encode(s)
	if s.ID == "" {
		token, _, err := st.hub.StartSession(ctx, st.kind, patientID, staffID, data)
		if err != nil {
			return err
		}
		s.ID = token
	} else if err := st.update(ctx, s.ID, data, patientID, staffID); err != nil {
		return err
	}
	encoded, err := securecookie.EncodeMulti(s.Name(), []byte(s.ID), st.codecs...)
	if err != nil {
		return err
	}
	http.SetCookie(w, sessions.NewCookie(s.Name(), encoded, s.Options))
	return nil
}

func (st *sessionStore) update(ctx context.Context, token, data string, patientID, staffID int64) error {
	row, err := st.hub.LoadSession(ctx, token)
	if err != nil {
		return err
	}
	row.Data = data
	row.PatientID, row.StaffID = store.Session{}.PatientID, store.Session{}.StaffID
	if patientID != 0 {
		row.PatientID.Int64, row.PatientID.Valid = patientID, true
	}
	if staffID != 0 {
		row.StaffID.Int64, row.StaffID.Valid = staffID, true
	}
	return st.hub.SaveSession(ctx, row)
}

// encode keeps the patient and staff ids in their own columns and the rest as JSON.
func (st *sessionStore) encode(s *sessions.Session) (data string, patientID, staffID int64) {
	values := map[string]any{}
	for k, v := range s.Values {
		key, ok := k.(string)
		if !ok || strings.HasPrefix(key, "_") {
			continue
		}
		switch key {
		case keyPatientID:
			patientID = asInt64(v)
		case keyStaffID:
			staffID = asInt64(v)
		default:
			values[key] = v
		}
	}
	b, _ := json.Marshal(values)
	return string(b), patientID, staffID
}

func asInt64(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case int:
		return int64(n)
	case float64:
		return int64(n)
	}
	return 0
}

// session returns the request's patient session (empty and unsaved when there is none).
func (s *Server) session(c echo.Context) *sessions.Session {
	sess, err := s.sessions.Get(c.Request(), s.sessions.name)
	if err != nil {
		s.Log.Error("loading a session", "err", err)
	}
	return sess
}

// saveSession writes the session and its cookie.
func (s *Server) saveSession(c echo.Context, sess *sessions.Session) error {
	return sess.Save(c.Request(), c.Response())
}

// renewSession ends the current session and starts a new one holding values, so a session id
// from before sign-in never carries over.
func (s *Server) renewSession(c echo.Context, values map[string]any) error {
	old := s.session(c)
	old.Options.MaxAge = -1
	if err := s.saveSession(c, old); err != nil {
		return err
	}
	fresh := sessions.NewSession(s.sessions, s.sessions.name)
	opts := s.sessions.opts
	fresh.Options, fresh.IsNew = &opts, true
	for k, v := range values {
		fresh.Values[k] = v
	}
	if err := s.saveSession(c, fresh); err != nil {
		return err
	}
	*old = *fresh
	return nil
}

// patientID returns the signed-in patient's id, or 0.
func (s *Server) patientID(c echo.Context) int64 {
	return asInt64(s.session(c).Values[keyPatientID])
}

// flash stores a one-off message shown on the next page.
func (s *Server) flash(c echo.Context, msg string) error {
	sess := s.session(c)
	sess.Values[keyFlash] = msg
	return s.saveSession(c, sess)
}

// takeFlash returns and clears the one-off message.
func (s *Server) takeFlash(c echo.Context) string {
	sess := s.session(c)
	msg, _ := sess.Values[keyFlash].(string)
	if msg != "" {
		delete(sess.Values, keyFlash)
		if err := s.saveSession(c, sess); err != nil {
			s.Log.Error("clearing a flash", "err", err)
		}
	}
	return msg
}
