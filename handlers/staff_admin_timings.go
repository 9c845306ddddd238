package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
)

// StaffTimingsPage shows the service's timings and where each is set.
type StaffTimingsPage struct {
	StaffPage
	Timings []hub.Timing
}

func (con *staffConsole) adminTimings(c echo.Context) error {
	data := StaffTimingsPage{StaffPage: con.page(c, "Timings", "/staff/admin/timings"), Timings: con.Hub.Timings()}
	return con.render(c, http.StatusOK, "staff_admin_timings", data)
}
