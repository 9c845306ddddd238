package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/views"
)

// keyNotice keeps a one-off important message (why an action changed nothing) for the next page.
const keyNotice = "notice"

// PatientPage is what every signed-in patient page shares: whose record it is, and the one-off
// messages left by the action before.
type PatientPage struct {
	views.Page
	ForPatient string // "Leo Patel, born 2 September 2016" when the record is a child's, else ""
	Notice     string // an important one-off message, shown as a notification banner
}

// Choice is one radio or checkbox of the choices partial.
type Choice struct {
	ID, Value, Label, Hint string
	Checked                bool
}

// patientPage fills the data every signed-in patient page shares, and takes the one-off messages.
func (s *Server) patientPage(c echo.Context, title, section string) PatientPage {
	p := currentPatient(c)
	pp := PatientPage{Page: s.base(c, title)}
	pp.Section = section
	if p.DateOfBirth.AgeOn(s.Hub.Now().In(hub.London)) < 16 {
		// A parent signs in with their own contact and the child's date of birth: say whose record this is.
		pp.ForPatient = p.FullName() + ", born " + p.DateOfBirth.Format("2 January 2006")
	}
	sess := s.session(c)
	pp.Flash, _ = sess.Values[keyFlash].(string)
	pp.Notice, _ = sess.Values[keyNotice].(string)
	if pp.Flash != "" || pp.Notice != "" {
		delete(sess.Values, keyFlash)
		delete(sess.Values, keyNotice)
		if err := s.saveSession(c, sess); err != nil {
			s.Log.Error("clearing one-off messages", "err", err)
		}
	}
	return pp
}

// notice keeps an important one-off message for the next page, then redirects there.
func (s *Server) noticeAndRedirect(c echo.Context, msg, target string) error {
	sess := s.session(c)
	sess.Values[keyNotice] = msg
	if err := s.saveSession(c, sess); err != nil {
		return err
	}
	return redirect(c, target)
}

// flashAndRedirect keeps a success message for the next page, then redirects there.
func (s *Server) flashAndRedirect(c echo.Context, msg, target string) error {
	if err := s.flash(c, msg); err != nil {
		return err
	}
	return redirect(c, target)
}

// pathID reads a numeric id from the path; anything else is a page that does not exist.
func pathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.NewHTTPError(http.StatusNotFound)
	}
	return id, nil
}

// refusal returns the refusal inside err, if it is one the patient can act on.
func refusal(err error) (*hub.Refusal, bool) {
	var r *hub.Refusal
	ok := errors.As(err, &r)
	return r, ok
}
