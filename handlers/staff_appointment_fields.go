package handlers

import (
	"errors"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
)

// staffOption is one option of a select.
type staffOption struct {
	Value, Label string
	Selected     bool
}

// AppointmentFields is what the staff_appointment_fields partial needs: the form's values, the
// sites to choose from, and whether to ask which of two times is meant when the clocks go back.
type AppointmentFields struct {
	Form     hub.AppointmentForm
	Sites    []staffOption
	Kinds    []staffChoice
	Which    []staffChoice
	AskWhich bool
}

// appointmentFormOf reads the appointment fields of a posted form.
func appointmentFormOf(c echo.Context) hub.AppointmentForm {
	return hub.AppointmentForm{
		Clinic: c.FormValue("clinic"), Specialty: c.FormValue("specialty"), Clinician: c.FormValue("clinician"),
		SiteID: c.FormValue("site"), Kind: c.FormValue("kind"), VideoLink: c.FormValue("video-link"),
		Day: c.FormValue("start-day"), Month: c.FormValue("start-month"), Year: c.FormValue("start-year"),
		Time: c.FormValue("start-time"), Which: c.FormValue("which"), Minutes: c.FormValue("minutes"),
		Bring: c.FormValue("bring"), Instructions: c.FormValue("instructions"),
	}
}

// appointmentFields fills the partial's data for f.
func (con *staffConsole) appointmentFields(c echo.Context, f hub.AppointmentForm) (AppointmentFields, error) {
	sites, err := con.Hub.Sites(c.Request().Context())
	if err != nil {
		return AppointmentFields{}, err
	}
	if f.Kind == "" {
		f.Kind = "in_person"
	}
	if f.Minutes == "" {
		f.Minutes = "30"
	}
	af := AppointmentFields{Form: f, AskWhich: f.Which != ""}
	af.Sites = append(af.Sites, staffOption{Value: "", Label: "Choose a site"})
	for _, s := range sites {
		id := strconv.FormatInt(s.ID, 10)
		label := s.Name
		if s.Department != "" {
			label += " – " + s.Department
		}
		af.Sites = append(af.Sites, staffOption{Value: id, Label: label, Selected: id == f.SiteID})
	}
	af.Kinds = choicesOf("kind", f.Kind, hub.AppointmentKinds)
	af.Which = choicesOf("which", f.Which, []struct{ Value, Label string }{
		{hub.FirstOccurrence, "The first one, British Summer Time (before the clocks go back)"},
		{hub.SecondOccurrence, "The second one, Greenwich Mean Time (after the clocks go back)"},
	})
	return af, nil
}

// asksWhich reports whether a form error asks which of two times is meant.
func asksWhich(err error) bool {
	var re *hub.RequestError
	if errors.As(err, &re) {
		for _, p := range re.Problems {
			if p.Field == "which" {
				return true
			}
		}
	}
	return false
}

// londonWhen writes a time for a staff message: "Monday 14 March 2027 at 2:30pm".
func londonWhen(t time.Time) string { return hub.LondonDateTime(t) }
