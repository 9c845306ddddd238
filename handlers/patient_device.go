package handlers

import (
	"html/template"

	"github.com/labstack/echo/v4"
)

// DeviceSettings is what the preferences page shows about the patient's calendar link and this
// device: notifications and keeping appointments offline (the device's own choice, kept by the
// service worker, never on the server).
type DeviceSettings struct {
	PushKey string    // the VAPID public key a browser subscribes with; "" when web push is off
	Feed    *FeedLink // the private calendar link, nil when the patient has none
}

// FeedLink is a patient's private calendar link, written both ways calendar apps take it.
type FeedLink struct {
	Link   string       // https://…/calendar.ics?key=…
	Webcal template.URL // webcal://…/calendar.ics?key=…, which opens the calendar app
	Since  string       // when it was made, "14 March 2027"
}

// deviceSettings fills the preferences page's calendar and device sections. A failure leaves a
// section out rather than the whole page.
func (s *Server) deviceSettings(c echo.Context, patientID int64) DeviceSettings {
	var d DeviceSettings
	d.PushKey = s.pushKey(c)
	feed, err := s.calendarFeedLink(c, patientID)
	if err != nil {
		s.Log.Error("preferences: calendar link", "err", err, "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
	}
	d.Feed = feed
	return d
}
