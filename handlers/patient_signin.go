package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/views"
)

// SignInPage is the first sign-in step: contact and date of birth.
type SignInPage struct {
	views.Page
	Contact, Day, Month, Year string
	DOBErrorItem              string
	Notice                    string
}

// CodePage asks for the 6-digit security code.
type CodePage struct {
	views.Page
	Code      string
	ExpiresAt time.Time
	Lasts     string
	Expired   bool
}

// VerifyPage asks for the user verification code when several records match.
type VerifyPage struct {
	views.Page
	Value string
}

// actor describes who is making the request, for the audit trail.
func (s *Server) actor(c echo.Context) hub.Actor {
	a := hub.Actor{Kind: "anonymous", RequestID: c.Response().Header().Get(echo.HeaderXRequestID), IP: c.RealIP()}
	if id := s.patientID(c); id != 0 {
		a.Kind, a.ID = "patient", strconv.FormatInt(id, 10)
	}
	return a
}

func (s *Server) home(c echo.Context) error {
	if s.patientID(c) != 0 {
		return c.Redirect(http.StatusSeeOther, "/appointments")
	}
	return c.Redirect(http.StatusSeeOther, "/signin")
}

func (s *Server) signInForm(c echo.Context) error {
	if s.patientID(c) != 0 {
		return c.Redirect(http.StatusSeeOther, "/appointments")
	}
	data := SignInPage{Page: s.base(c, "Sign in to Patient Hub")}
	data.Flash = s.takeFlash(c)
	if c.QueryParam("signedout") == "1" {
		data.Flash = "You have signed out."
	}
	return s.render(c, http.StatusOK, "signin", data)
}

func (s *Server) signInStart(c echo.Context) error {
	data := SignInPage{Page: s.base(c, "Sign in to Patient Hub"), Contact: strings.TrimSpace(c.FormValue("contact")),
		Day: c.FormValue("dob-day"), Month: c.FormValue("dob-month"), Year: c.FormValue("dob-year")}
	contact, err := hub.ParseContact(data.Contact)
	if err != nil {
		data.Errors.Add("contact", err.Error())
	}
	dob, err := hub.ParseDateOfBirth(data.Day, data.Month, data.Year, s.Hub.Now().In(hub.London))
	if err != nil {
		var de *hub.DateError
		if errors.As(err, &de) {
			data.DOBErrorItem = de.Field
			field := "dob-day"
			if de.Field != "" {
				field = "dob-" + de.Field
			}
			data.Errors.Add(field, de.Message)
		}
	}
	if data.Errors.Any() {
		return s.renderForm(c, "signin", data)
	}
	started, err := s.Hub.StartSignIn(c.Request().Context(), contact, store.DateOf(dob), s.actor(c))
	if msg, ok := refusalMessage(err); ok {
		data.Errors.Add("contact", msg)
		return s.renderForm(c, "signin", data)
	}
	if err != nil {
		return err
	}
	sess := s.session(c)
	sess.Values[keyCodeID] = started.CodeID
	delete(sess.Values, keyUVCCodeID)
	if err := s.saveSession(c, sess); err != nil {
		return err
	}
	return redirect(c, "/signin/code")
}

// refusalMessage returns the sentence for a sign-in refusal the person can act on.
func refusalMessage(err error) (string, bool) {
	var r *hub.Refusal
	var l *hub.LockedError
	switch {
	case errors.As(err, &r):
		return r.Message, true
	case errors.As(err, &l):
		return l.Error(), true
	}
	return "", false
}

// pendingCode returns the code id of the sign-in in progress, or 0.
func (s *Server) pendingCode(c echo.Context, key string) int64 {
	return asInt64(s.session(c).Values[key])
}

func (s *Server) codePage(c echo.Context, codeID int64) (CodePage, error) {
	data := CodePage{Page: s.base(c, "Enter your security code"), Lasts: hub.HumanDuration(s.Hub.Cfg.OTPTTL)}
	data.BackURL = "/signin"
	exp, err := s.Hub.CodeExpiry(c.Request().Context(), codeID)
	if err != nil {
		return data, err
	}
	data.ExpiresAt = exp
	data.Expired = !s.Hub.Now().Before(exp)
	return data, nil
}

// codeRefused shows the code page again with why the last step was refused.
func (s *Server) codeRefused(c echo.Context, codeID int64, msg string) error {
	data, err := s.codePage(c, codeID)
	if err != nil {
		return err
	}
	data.Errors.Add("code", msg)
	return s.renderForm(c, "signin_code", data)
}

func (s *Server) codeForm(c echo.Context) error {
	codeID := s.pendingCode(c, keyCodeID)
	if codeID == 0 {
		return s.startAgain(c)
	}
	data, err := s.codePage(c, codeID)
	if errors.Is(err, store.ErrNotFound) {
		return s.startAgain(c)
	} else if err != nil {
		return err
	}
	data.Flash = s.takeFlash(c)
	return s.render(c, http.StatusOK, "signin_code", data)
}

// startAgain sends someone with no sign-in in progress back to the first step, saying why.
func (s *Server) startAgain(c echo.Context) error {
	if err := s.flash(c, "Enter your mobile number or email address and date of birth to get a security code."); err != nil {
		return err
	}
	return redirect(c, "/signin")
}

func (s *Server) codeCheck(c echo.Context) error {
	codeID := s.pendingCode(c, keyCodeID)
	if codeID == 0 {
		return s.startAgain(c)
	}
	typed := c.FormValue("code")
	res, err := s.Hub.VerifyCode(c.Request().Context(), codeID, typed, s.actor(c))
	if msg, ok := refusalMessage(err); ok {
		return s.codeRefused(c, codeID, msg)
	}
	if errors.Is(err, store.ErrNotFound) {
		return s.startAgain(c)
	}
	if err != nil {
		return err
	}
	if res.NeedsUVC {
		sess := s.session(c)
		delete(sess.Values, keyCodeID)
		sess.Values[keyUVCCodeID] = res.CodeID
		if err := s.saveSession(c, sess); err != nil {
			return err
		}
		return redirect(c, "/signin/verify")
	}
	if err := s.renewSession(c, map[string]any{keyPatientID: res.Patient.ID}); err != nil {
		return err
	}
	return redirect(c, "/appointments")
}

func (s *Server) codeResend(c echo.Context) error {
	codeID := s.pendingCode(c, keyCodeID)
	if codeID == 0 {
		return s.startAgain(c)
	}
	started, err := s.Hub.ResendCode(c.Request().Context(), codeID, s.actor(c))
	if msg, ok := refusalMessage(err); ok {
		return s.codeRefused(c, codeID, msg)
	}
	if err != nil {
		return err
	}
	sess := s.session(c)
	sess.Values[keyCodeID] = started.CodeID
	sess.Values[keyFlash] = "We have sent a new security code. Use the newest code: earlier codes no longer work once it arrives."
	if err := s.saveSession(c, sess); err != nil {
		return err
	}
	return redirect(c, "/signin/code")
}

func (s *Server) verifyForm(c echo.Context) error {
	if s.pendingCode(c, keyUVCCodeID) == 0 {
		return s.startAgain(c)
	}
	data := VerifyPage{Page: s.base(c, "Enter your user verification code")}
	return s.render(c, http.StatusOK, "signin_verify", data)
}

func (s *Server) verifyCheck(c echo.Context) error {
	codeID := s.pendingCode(c, keyUVCCodeID)
	if codeID == 0 {
		return s.startAgain(c)
	}
	data := VerifyPage{Page: s.base(c, "Enter your user verification code"), Value: strings.TrimSpace(c.FormValue("uvc"))}
	p, err := s.Hub.ChooseRecord(c.Request().Context(), codeID, data.Value, s.actor(c))
	if msg, ok := refusalMessage(err); ok {
		if errors.Is(err, hub.ErrUVCTimedOut) || errors.Is(err, hub.ErrCodeSpent) {
			if ferr := s.flash(c, msg); ferr != nil {
				return ferr
			}
			return redirect(c, "/signin")
		}
		data.Errors.Add("uvc", msg)
		return s.renderForm(c, "signin_verify", data)
	}
	if errors.Is(err, store.ErrNotFound) {
		return s.startAgain(c)
	}
	if err != nil {
		return err
	}
	if err := s.renewSession(c, map[string]any{keyPatientID: p.ID}); err != nil {
		return err
	}
	return redirect(c, "/appointments")
}

func (s *Server) signOut(c echo.Context) error {
	sess := s.session(c)
	if id := s.patientID(c); id != 0 {
		s.Hub.SignedOut(c.Request().Context(), id, s.actor(c))
	}
	sess.Options.MaxAge = -1
	if err := s.saveSession(c, sess); err != nil {
		return err
	}
	c.Response().Header().Set("Clear-Site-Data", `"cache"`)
	return redirect(c, "/signin?signedout=1")
}
