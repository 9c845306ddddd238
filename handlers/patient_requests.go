package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
)

// RequestPage is the form to ask to rebook an appointment, or to confirm cancelling it.
type RequestPage struct {
	PatientPage
	Appt      AppointmentCard
	Cancel    bool // the cancel confirmation rather than the rebook form
	Reason    string
	Callbacks []Choice
	Sequence  int
	CallOn    string
	MaxReason int
}

// requestForm is what the rebook and cancel forms send.
type requestForm struct {
	hub.AppointmentRequest
	Sequence int
}

func parseRequestForm(c echo.Context) requestForm {
	f := requestForm{Sequence: formSequence(c)}
	f.Reason = strings.TrimSpace(c.FormValue("reason"))
	if form, err := c.FormParams(); err == nil {
		f.CallbackTimes = form["callback-times"]
	}
	return f
}

func (s *Server) rebookForm(c echo.Context) error { return s.requestForm(c, false) }
func (s *Server) cancelForm(c echo.Context) error { return s.requestForm(c, true) }

// requestForm shows the rebook form or the cancel confirmation, or says why the appointment can
// no longer be changed.
func (s *Server) requestForm(c echo.Context, cancel bool) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.Hub.AppointmentFor(c.Request().Context(), currentPatient(c).ID, id, s.actor(c))
	if err != nil {
		return err
	}
	action := hub.ActionRebook
	if cancel {
		action = hub.ActionCancel
	}
	if _, err := hub.NextStatus(d.Status, d.StartsAt, s.Hub.Now(), action); err != nil {
		if r, ok := refusal(err); ok {
			return s.noticeAndRedirect(c, r.Message, appointmentURL(id))
		}
		return err
	}
	data := s.requestPage(c, d.AppointmentItem, cancel, requestForm{Sequence: d.Sequence})
	return s.render(c, http.StatusOK, "appointment_request", data)
}

func (s *Server) requestPage(c echo.Context, a hub.AppointmentItem, cancel bool, f requestForm) RequestPage {
	title := "Request to rebook your appointment"
	if cancel {
		title = "Are you sure you want to cancel this appointment?"
	}
	data := RequestPage{PatientPage: s.patientPage(c, title, "appointments"), Appt: newCard(a, "", "page"), Cancel: cancel, Reason: f.Reason,
		Sequence: f.Sequence, CallOn: callOn(currentPatient(c)), MaxReason: hub.MaxReasonLength}
	data.BackURL = appointmentURL(a.ID)
	for i, ct := range hub.CallbackTimes {
		ch := Choice{ID: "callback-times", Value: ct.Value, Label: ct.Label}
		if i > 0 {
			ch.ID = "callback-times-" + strconv.Itoa(i+1)
		}
		for _, v := range f.CallbackTimes {
			ch.Checked = ch.Checked || v == ct.Value
		}
		data.Callbacks = append(data.Callbacks, ch)
	}
	return data
}

func (s *Server) rebookRequest(c echo.Context) error { return s.sendRequest(c, false) }
func (s *Server) cancelRequest(c echo.Context) error { return s.sendRequest(c, true) }

// sendRequest asks the booking centre to rebook or cancel. Problems with the form show it again
// (422); a refusal goes back to the appointment and says why; nothing changes twice.
func (s *Server) sendRequest(c echo.Context, cancel bool) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	f := parseRequestForm(c)
	ctx, patient := c.Request().Context(), currentPatient(c)
	if cancel {
		f.CallbackTimes = nil
		_, err = s.Hub.RequestCancel(ctx, patient.ID, id, f.Sequence, f.AppointmentRequest, s.actor(c))
	} else {
		_, err = s.Hub.RequestRebook(ctx, patient.ID, id, f.Sequence, f.AppointmentRequest, s.actor(c))
	}
	var invalid *hub.RequestError
	if errors.As(err, &invalid) {
		d, derr := s.Hub.AppointmentFor(ctx, patient.ID, id, s.actor(c))
		if derr != nil {
			return derr
		}
		data := s.requestPage(c, d.AppointmentItem, cancel, f)
		for _, p := range invalid.Problems {
			data.Errors.Add(p.Field, p.Message)
		}
		return s.renderForm(c, "appointment_request", data)
	}
	if r, ok := refusal(err); ok {
		return s.noticeAndRedirect(c, r.Message, appointmentURL(id))
	}
	if err != nil {
		return err
	}
	msg := "We have sent your request to rebook. The booking team will call you to find a new time."
	if cancel {
		msg = "We have sent your request to cancel. The booking team will call you to confirm it."
	}
	return s.flashAndRedirect(c, msg, appointmentURL(id))
}

func appointmentURL(id int64) string { return "/appointments/" + strconv.FormatInt(id, 10) }
