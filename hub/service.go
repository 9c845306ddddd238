// Package hub holds the rules of Patient Hub and its use cases: sign-in, sessions, appointments,
// what to send when. It knows nothing of HTTP.
package hub

import (
	"crypto/hmac"
	"crypto/sha256"
	"log/slog"
	"sync"
	"time"

	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
)

// Service runs the hub's use cases against the store.
type Service struct {
	Store  *store.Store
	Cfg    Config
	Router *notify.Router
	Log    *slog.Logger
	Now    func() time.Time

	secret []byte
	sends  sync.WaitGroup
	views  auditBuffer
	lists  listCache

	unknownStaff unknownStaffNames
}

// New returns a service. cfg.SecretKey must already be set (demo mode makes one up before this).
func New(st *store.Store, cfg Config, router *notify.Router, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	mac := hmac.New(sha256.New, []byte(cfg.SecretKey))
	mac.Write([]byte("patienthub sign-in codes"))
	return &Service{Store: st, Cfg: cfg, Router: router, Log: log, Now: time.Now, secret: mac.Sum(nil)}
}

// now is the service clock in UTC, at the databases' shared precision.
func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// Wait blocks until every message sent in the background (sign-in codes) has been handed over.
func (s *Service) Wait() { s.sends.Wait() }

// Actor is who does something, for the audit trail.
type Actor struct {
	Kind      string // patient, staff, system or anonymous
	ID        string
	RequestID string
	IP        string
}

// audit builds an audit event by actor, concerning a patient (0 for none).
func (a Actor) event(action string, patientID int64, object, detail string) store.AuditEvent {
	e := store.AuditEvent{ActorKind: a.Kind, ActorID: a.ID, Action: action, Object: object, Detail: detail, RequestID: a.RequestID, IP: a.IP}
	if e.ActorKind == "" {
		e.ActorKind = "anonymous"
	}
	if patientID != 0 {
		e.PatientID.Int64, e.PatientID.Valid = patientID, true
	}
	return e
}
