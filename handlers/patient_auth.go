package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/store"
)

const (
	ctxPatient     = "patient"
	ctxPatientName = "patient_name"
)

// loadPatient puts the signed-in patient, if any, in the request context.
func (s *Server) loadPatient(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if id := s.patientID(c); id != 0 {
			p, ok := s.session(c).Values[keyPatient].(store.Patient)
			var err error
			if !ok || p.ID != id {
				p, err = s.Hub.Patient(c.Request().Context(), id)
			}
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if err == nil {
				c.Set(ctxPatient, p)
				c.Set(ctxPatientName, p.FullName())
			}
		}
		return next(c)
	}
}

// requirePatient lets only a signed-in patient through; others are sent to sign in, told why.
func (s *Server) requirePatient(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, ok := c.Get(ctxPatient).(store.Patient); ok {
			return next(c)
		}
		msg := "Sign in to see your appointments."
		if _, err := c.Cookie(s.sessions.name); err == nil {
			msg = "For your security, you were signed out because you had not used Patient Hub for a while. Sign in again to carry on."
		}
		if err := s.flash(c, msg); err != nil {
			return err
		}
		if c.Request().Method != http.MethodGet {
			return redirect(c, "/signin")
		}
		return c.Redirect(http.StatusSeeOther, "/signin")
	}
}

// currentPatient returns the signed-in patient; only call it behind requirePatient.
func currentPatient(c echo.Context) store.Patient {
	p, _ := c.Get(ctxPatient).(store.Patient)
	return p
}
