package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/views"
)

// AppointmentsPage lists a patient's appointments.
type AppointmentsPage struct {
	views.Page
	Patient  store.Patient
	IsChild  bool
	Upcoming []hub.AppointmentItem
	Past     []hub.AppointmentItem
}

func (s *Server) appointments(c echo.Context) error {
	p := currentPatient(c)
	list, err := s.Hub.AppointmentsFor(c.Request().Context(), p.ID, s.actor(c))
	if err != nil {
		return err
	}
	data := AppointmentsPage{Page: s.base(c, "Your appointments"), Patient: p, Upcoming: list.Upcoming, Past: list.Past,
		IsChild: p.DateOfBirth.AgeOn(s.Hub.Now()) < 16}
	data.Flash = s.takeFlash(c)
	return s.render(c, http.StatusOK, "appointments", data)
}
