package handlers

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

// StaffAppointmentFormPage books a new appointment or changes one.
type StaffAppointmentFormPage struct {
	StaffPage
	Patient  store.Patient
	Action   string
	Heading  string
	Button   string
	Sequence int
	Fields   AppointmentFields
}

func (con *staffConsole) appointmentFormPage(c echo.Context, p store.Patient, f hub.AppointmentForm, heading string) (StaffAppointmentFormPage, error) {
	data := StaffAppointmentFormPage{StaffPage: con.page(c, heading, "/staff/patients"), Patient: p, Heading: heading}
	data.BackURL = patientURL(p.ID) + "#appointments"
	var err error
	data.Fields, err = con.appointmentFields(c, f)
	return data, err
}

// formProblems puts a use case's refusal or form problems on the page, or returns false.
func formProblems(err error, page *StaffPage, fallbackField string) bool {
	var refusal *hub.Refusal
	var problems *hub.RequestError
	switch {
	case errors.As(err, &refusal):
		page.Errors.Add(fallbackField, refusal.Message)
	case errors.As(err, &problems):
		for _, p := range problems.Problems {
			page.Errors.Add(p.Field, p.Message)
		}
	default:
		return false
	}
	return true
}

func (con *staffConsole) appointmentNew(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	p, err := con.Hub.StaffPatient(c.Request().Context(), id, "booking form", con.actor(c))
	if err != nil {
		return err
	}
	data, err := con.appointmentFormPage(c, p, hub.AppointmentForm{}, "Book an appointment")
	if err != nil {
		return err
	}
	data.Action, data.Button = patientURL(p.ID)+"/appointments", "Book the appointment and send the letter"
	return con.render(c, http.StatusOK, "staff_appointment_form", data)
}

func (con *staffConsole) appointmentCreate(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	f := appointmentFormOf(c)
	a, err := con.Hub.BookAppointment(c.Request().Context(), id, f, con.actor(c))
	if err != nil {
		p, perr := con.Hub.StaffPatient(c.Request().Context(), id, "booking form", con.actor(c))
		if perr != nil {
			return perr
		}
		data, perr := con.appointmentFormPage(c, p, f, "Book an appointment")
		if perr != nil {
			return perr
		}
		data.Action, data.Button = patientURL(p.ID)+"/appointments", "Book the appointment and send the letter"
		data.Fields.AskWhich = data.Fields.AskWhich || asksWhich(err)
		if !formProblems(err, &data.StaffPage, "clinic") {
			return err
		}
		return con.renderForm(c, "staff_appointment_form", data)
	}
	return con.done(c, patientURL(id)+"#appointments", "Booked for "+londonWhen(a.StartsAt)+". The letter is on its way to the patient.")
}

func (con *staffConsole) appointmentEdit(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	a, p, _, err := con.Hub.StaffAppointment(c.Request().Context(), id, con.actor(c))
	if err != nil {
		return err
	}
	data, err := con.appointmentFormPage(c, p, hub.FormOf(a), "Change the appointment")
	if err != nil {
		return err
	}
	data.Action, data.Button, data.Sequence = "/staff/appointments/"+strconv.FormatInt(id, 10), "Save the change and tell the patient", a.Sequence
	if !hub.StaffCanChange(a, con.Hub.Now()) {
		data.Errors.Add("clinic", hub.ErrStaffCannotChange.Message)
	}
	return con.render(c, http.StatusOK, "staff_appointment_form", data)
}

func (con *staffConsole) appointmentUpdate(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	// A missing or garbled sequence must not match an appointment never changed (sequence 0).
	seq, err := strconv.Atoi(c.FormValue("sequence"))
	if err != nil || seq < 0 {
		seq = -1
	}
	f := appointmentFormOf(c)
	a, err := con.Hub.ChangeAppointment(c.Request().Context(), id, seq, f, con.actor(c))
	if err != nil {
		old, p, _, perr := con.Hub.StaffAppointment(c.Request().Context(), id, con.actor(c))
		if perr != nil {
			return perr
		}
		data, perr := con.appointmentFormPage(c, p, f, "Change the appointment")
		if perr != nil {
			return perr
		}
		data.Action, data.Button, data.Sequence = "/staff/appointments/"+strconv.FormatInt(id, 10), "Save the change and tell the patient", old.Sequence
		data.Fields.AskWhich = data.Fields.AskWhich || asksWhich(err)
		if !formProblems(err, &data.StaffPage, "clinic") {
			return err
		}
		return con.renderForm(c, "staff_appointment_form", data)
	}
	return con.done(c, patientURL(a.PatientID)+"#appointments", "Changed to "+londonWhen(a.StartsAt)+". The patient has been told.")
}

// StaffLetterPage is an appointment's letters: write it again, or upload one.
type StaffLetterPage struct {
	StaffPage
	Appointment store.Appointment
	Patient     store.Patient
	Letters     []store.Letter
	Title       string
	MaxMB       int
}

func (con *staffConsole) letterPage(c echo.Context, id int64) (StaffLetterPage, error) {
	a, p, ls, err := con.Hub.StaffAppointment(c.Request().Context(), id, con.actor(c))
	if err != nil {
		return StaffLetterPage{}, err
	}
	data := StaffLetterPage{StaffPage: con.page(c, "Letters for an appointment", "/staff/patients"), Appointment: a, Patient: p,
		Letters: ls, MaxMB: hub.MaxLetterBytes >> 20}
	data.BackURL = patientURL(p.ID) + "#appointments"
	return data, nil
}

func (con *staffConsole) appointmentLetter(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	data, err := con.letterPage(c, id)
	if err != nil {
		return err
	}
	return con.render(c, http.StatusOK, "staff_letter", data)
}

func (con *staffConsole) letterGenerate(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	l, err := con.Hub.RegenerateLetter(c.Request().Context(), id, con.actor(c))
	if err != nil {
		return err
	}
	return con.done(c, "/staff/appointments/"+strconv.FormatInt(id, 10)+"/letter", "A new letter, "+l.Title+", is on its way to the patient.")
}

func (con *staffConsole) letterUpload(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	title := c.FormValue("title")
	var name string
	var data []byte
	if fh, ferr := c.FormFile("file"); ferr == nil {
		name = fh.Filename
		if fh.Size <= hub.MaxLetterBytes {
			f, err := fh.Open()
			if err != nil {
				return err
			}
			data, err = io.ReadAll(io.LimitReader(f, hub.MaxLetterBytes+1))
			f.Close()
			if err != nil {
				return err
			}
		} else {
			data = make([]byte, hub.MaxLetterBytes+1)
		}
	}
	_, err = con.Hub.AttachLetter(c.Request().Context(), id, title, name, data, con.actor(c))
	if err != nil {
		page, perr := con.letterPage(c, id)
		if perr != nil {
			return perr
		}
		page.Title = title
		if !formProblems(err, &page.StaffPage, "file") {
			return err
		}
		return con.renderForm(c, "staff_letter", page)
	}
	return con.done(c, "/staff/appointments/"+strconv.FormatInt(id, 10)+"/letter", "The letter is attached and on its way to the patient.")
}

func (con *staffConsole) letterFile(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	f, err := con.Hub.StaffLetterFile(c.Request().Context(), id, con.actor(c))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `inline; filename="`+f.Filename+`"`)
	return c.Blob(http.StatusOK, f.ContentType, f.Data)
}

// StaffMessagePage writes a message to a patient.
type StaffMessagePage struct {
	StaffPage
	Patient       store.Patient
	Subject, Body string
}

func (con *staffConsole) messageNew(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	p, err := con.Hub.StaffPatient(c.Request().Context(), id, "message form", con.actor(c))
	if err != nil {
		return err
	}
	data := StaffMessagePage{StaffPage: con.page(c, "Send a message", "/staff/patients"), Patient: p}
	data.BackURL = patientURL(id) + "#messages"
	return con.render(c, http.StatusOK, "staff_message_form", data)
}

func (con *staffConsole) messageSend(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	subject, body := c.FormValue("subject"), c.FormValue("body")
	if _, err := con.Hub.SendMessage(c.Request().Context(), id, subject, body, con.actor(c)); err != nil {
		p, perr := con.Hub.StaffPatient(c.Request().Context(), id, "message form", con.actor(c))
		if perr != nil {
			return perr
		}
		data := StaffMessagePage{StaffPage: con.page(c, "Send a message", "/staff/patients"), Patient: p, Subject: subject, Body: body}
		data.BackURL = patientURL(id) + "#messages"
		if !formProblems(err, &data.StaffPage, "subject") {
			return err
		}
		return con.renderForm(c, "staff_message_form", data)
	}
	return con.done(c, patientURL(id)+"#messages", "Message sent. The patient has been told it is waiting.")
}
