package handlers

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

// AppointmentCard is one appointment with what its status block needs: the block is also the
// htmx answer to Confirm.
type AppointmentCard struct {
	hub.AppointmentItem
	CSRF    string
	From    string // "list" or "page": where the plain form goes back to
	Message string // what just happened, or why nothing did
	Failed  bool   // Message is a refusal
}

// AppointmentsPage lists a patient's appointments.
type AppointmentsPage struct {
	PatientPage
	Upcoming []AppointmentCard
	Past     []AppointmentCard
}

// AppointmentPage is one appointment with everything its letter says the patient needs.
type AppointmentPage struct {
	PatientPage
	Appt     hub.AppointmentDetail
	Card     AppointmentCard
	Progress hub.Progress
	CallOn   string       // the number the booking team will call, as people write it
	Tel      template.URL // the clinic's phone as a tel: link
}

func (s *Server) appointments(c echo.Context) error {
	p := currentPatient(c)
	list, err := s.Hub.AppointmentsFor(c.Request().Context(), p.ID, s.actor(c))
	if err != nil {
		return err
	}
	data := AppointmentsPage{PatientPage: s.patientPage(c, "Your appointments", "appointments")}
	cards := func(items []hub.AppointmentItem) []AppointmentCard {
		out := make([]AppointmentCard, len(items))
		for i, it := range items {
			out[i] = AppointmentCard{AppointmentItem: it, CSRF: data.CSRF, From: "list"}
		}
		return out
	}
	data.Upcoming, data.Past = cards(list.Upcoming), cards(list.Past)
	return s.render(c, http.StatusOK, "appointments", data)
}

func (s *Server) appointment(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p := currentPatient(c)
	d, err := s.Hub.AppointmentFor(c.Request().Context(), p.ID, id, s.actor(c))
	if err != nil {
		return err
	}
	data := AppointmentPage{PatientPage: s.patientPage(c, d.Clinic, "appointments"), Appt: d, CallOn: callOn(p)}
	data.BackURL = "/appointments"
	if d.Site != nil {
		data.Tel = telURL(d.Site.Phone)
	}
	data.Card = AppointmentCard{AppointmentItem: d.AppointmentItem, CSRF: data.CSRF, From: "page"}
	if d.Task != nil {
		data.Progress = hub.TaskProgress(*d.Task)
	}
	return s.render(c, http.StatusOK, "appointment", data)
}

// appointmentConfirm confirms an appointment. A plain form is redirected back with a message; htmx
// gets the appointment's status block, updated, in place.
func (s *Server) appointmentConfirm(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	back := "/appointments/" + strconv.FormatInt(id, 10)
	if c.FormValue("from") == "list" {
		back = "/appointments"
	}
	a, err := s.Hub.ConfirmAppointment(c.Request().Context(), currentPatient(c).ID, id, formSequence(c), s.actor(c))
	if r, ok := refusal(err); ok {
		if isHTMX(c) {
			return s.renderStatus(c, http.StatusConflict, a, r.Message, true)
		}
		return s.noticeAndRedirect(c, r.Message, "/appointments/"+strconv.FormatInt(id, 10))
	}
	if err != nil {
		return err
	}
	msg := "You have confirmed your " + a.Clinic + " appointment on " + hub.LondonWhen(a.StartsAt) + ". Thank you."
	if isHTMX(c) {
		return s.renderStatus(c, http.StatusOK, a, msg, false)
	}
	return s.flashAndRedirect(c, msg, back)
}

// renderStatus answers htmx with an appointment's status block and a message.
func (s *Server) renderStatus(c echo.Context, status int, a store.Appointment, msg string, failed bool) error {
	card := AppointmentCard{AppointmentItem: s.Hub.Describe(a), CSRF: csrfToken(c), From: c.FormValue("from"), Message: msg, Failed: failed}
	if card.From != "list" {
		card.From = "page"
	}
	return s.renderPartial(c, status, "appointment_status", card)
}

// formSequence is the appointment's sequence on the page the patient acted on; -1 when missing,
// which never matches, so a form without it changes nothing.
func formSequence(c echo.Context) int {
	n, err := strconv.Atoi(c.FormValue("sequence"))
	if err != nil {
		return -1
	}
	return n
}

// callOn is the number the booking team calls a patient back on, as people write it, or "".
func callOn(p store.Patient) string {
	if p.Mobile.Valid {
		return hub.DisplayMobile(p.Mobile.String)
	}
	return ""
}
