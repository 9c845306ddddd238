package handlers

import (
	"html/template"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/calendar"
	"github.com/patienthub/patienthub/hub"
)

// CalendarFeedPath is the address of every private calendar feed; the key in its query is the
// feed's only credential.
const CalendarFeedPath = "/calendar.ics"

// feedRequestsPerMinute is how often one address may fetch feeds: calendar apps check every few
// minutes at most, and a household behind one address has several phones.
const feedRequestsPerMinute = 30

// calendarCSP lets nothing in a calendar file run or load, should a browser show it.
const calendarCSP = "default-src 'none'; frame-ancestors 'none'"

// appointmentCalendar sends one appointment as an .ics file for the patient's calendar.
func (s *Server) appointmentCalendar(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	body, filename, err := s.Hub.AppointmentCalendar(c.Request().Context(), currentPatient(c).ID, id, s.actor(c))
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	h.Set("Content-Security-Policy", calendarCSP)
	return c.Blob(http.StatusOK, calendar.MIMEType, body)
}

// calendarFeed answers a calendar app with the patient's appointments. There is no session: the
// key is the credential, and a wrong or stopped key is a page that does not exist.
func (s *Server) calendarFeed(c echo.Context) error {
	body, err := s.Hub.CalendarFeed(c.Request().Context(), c.QueryParam("key"), s.actor(c))
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", `inline; filename="patient-hub.ics"`)
	h.Set("Content-Security-Policy", calendarCSP)
	h.Set("X-Robots-Tag", "noindex, nofollow")
	return c.Blob(http.StatusOK, calendar.MIMEType, body)
}

// calendarFeedStart gives the patient a calendar link, or a new one in place of the old.
func (s *Server) calendarFeedStart(c echo.Context) error {
	ctx, id := c.Request().Context(), currentPatient(c).ID
	_, had, err := s.Hub.CalendarFeedFor(ctx, id)
	if err != nil {
		return err
	}
	if _, err := s.Hub.StartCalendarFeed(ctx, id, s.actor(c)); err != nil {
		return err
	}
	msg := "Your calendar link is ready. Add it to your calendar app below."
	if had {
		msg = "You have a new calendar link. The old one no longer works, so add the new one to your calendar app."
	}
	return s.flashAndRedirect(c, msg, "/preferences#calendar")
}

// calendarFeedStop ends the patient's calendar link.
func (s *Server) calendarFeedStop(c echo.Context) error {
	if err := s.Hub.StopCalendarFeed(c.Request().Context(), currentPatient(c).ID, s.actor(c)); err != nil {
		return err
	}
	return s.flashAndRedirect(c, "Your calendar link no longer works. Your calendar app keeps the appointments it has until you remove the calendar from it.", "/preferences#calendar")
}

// calendarFeedLink is the patient's calendar link for the preferences page, or nil.
func (s *Server) calendarFeedLink(c echo.Context, patientID int64) (*FeedLink, error) {
	f, ok, err := s.Hub.CalendarFeedFor(c.Request().Context(), patientID)
	if err != nil || !ok {
		return nil, err
	}
	link := s.Hub.Cfg.PublicURL + CalendarFeedPath + "?key=" + f.Token
	_, rest, _ := strings.Cut(link, "://")
	return &FeedLink{Link: link, Webcal: template.URL("webcal://" + rest),
		Since: f.CreatedAt.In(hub.London).Format("2 January 2006")}, nil
}

// feedLimit refuses an address that fetches feeds more often than a calendar app would.
func feedLimit(perMinute int) echo.MiddlewareFunc {
	il := newIPLimiter(perMinute)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !il.allow(c.RealIP()) {
				return errTooManyRequests
			}
			return next(c)
		}
	}
}
