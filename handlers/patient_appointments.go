package handlers

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/views"
)

// AppointmentCard is one appointment as its card and status block show it: the block is also
// the htmx answer to Confirm. Its words are made here, once, and its fields are its own (not
// embedded), which keeps the appointments page quick to render.
type AppointmentCard struct {
	ID        int64
	Clinic    string
	Path      string // the appointment's page, "/appointments/12"
	When      string // "Monday 14 March 2027 at 2:30pm"
	Where     string // the site, or how the appointment happens
	VideoLink string
	Sequence  int
	State     hub.State
	Actions   hub.Actions
	AnyAction bool   // the patient may do something with it now
	Name      string // the end of each action's accessible name: " Eye clinic on Monday 14 March 2027"
	CSRF      string
	From      string // "list" or "page": where the plain form goes back to
	Message   string // what just happened, or why nothing did
	Failed    bool   // Message is a refusal
}

// newCard describes an appointment for its card and status block.
func newCard(it hub.AppointmentItem, csrf, from string) AppointmentCard {
	c := AppointmentCard{ID: it.ID, Clinic: it.Clinic, Path: appointmentURL(it.ID), When: hub.LondonWhen(it.StartsAt),
		VideoLink: it.VideoLink, Sequence: it.Sequence, State: it.State, Actions: it.Actions, AnyAction: it.Actions.Any(),
		CSRF: csrf, From: from}
	c.Name = " " + it.Clinic + " on " + c.When[:strings.Index(c.When, " at ")]
	switch {
	case it.Kind == "phone":
		c.Where = "Phone call: we will call you"
	case it.Kind == "video":
		c.Where = "Video call"
	case it.SiteName.Valid:
		c.Where = it.SiteName.String
		if it.SiteAddress.String != "" {
			c.Where += ", " + it.SiteAddress.String
		}
	default:
		c.Where = "See your letter"
	}
	return c
}

// AppointmentsPage lists a patient's appointments. It is the busiest page, so it embeds
// views.Page directly and repeats PatientPage's fields: every level of embedding makes each field
// the layout reads slower to find.
type AppointmentsPage struct {
	views.Page
	ForPatient string
	Notice     string
	Upcoming   []AppointmentCard
	Past       []AppointmentCard
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
	list, err := s.Hub.AppointmentsFor(c.Request().Context(), p, s.actor(c))
	if err != nil {
		return err
	}
	pp := s.patientPage(c, "Your appointments", "appointments")
	data := AppointmentsPage{Page: pp.Page, ForPatient: pp.ForPatient, Notice: pp.Notice}
	cards := func(items []hub.AppointmentItem) []AppointmentCard {
		out := make([]AppointmentCard, len(items))
		for i, it := range items {
			out[i] = newCard(it, data.CSRF, "list")
		}
		return out
	}
	data.Upcoming, data.Past = cards(list.Upcoming), cards(list.Past)
	return s.renderMemo(c, "appointments", data)
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
	data.Card = newCard(d.AppointmentItem, data.CSRF, "page")
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
	from := c.FormValue("from")
	if from != "list" {
		from = "page"
	}
	card := newCard(s.Hub.Describe(a), csrfToken(c), from)
	card.Message, card.Failed = msg, failed
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
