package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/views"
)

// handleError renders every error: never err.Error() to a person, always what to do next.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, heading, message := http.StatusInternalServerError, "Sorry, there is a problem with the service",
		"Try again later. If you need to change an appointment urgently, call the number on your appointment letter."
	var he *echo.HTTPError
	switch {
	case errors.Is(err, store.ErrNotFound):
		status = http.StatusNotFound
	case errors.As(err, &he):
		status = he.Code
	}
	switch status {
	case http.StatusInternalServerError:
		s.Log.Error("request failed", "path", c.Request().URL.Path, "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err)
	case http.StatusNotFound:
		heading, message = "Page not found", "If you typed the web address, check it is correct. If you pasted the web address, check you copied the entire address."
	case http.StatusMethodNotAllowed:
		heading, message = "Page not found", "This address cannot be used that way. Go back to the previous page."
	case http.StatusForbidden:
		heading, message = "This form has expired", "For your security, forms only work for a limited time and only once. Go back, refresh the page and try again. Nothing was changed."
	case http.StatusTooManyRequests:
		heading, message = "Too many attempts", "There have been too many attempts from your connection. Wait a minute, then try again."
	case http.StatusRequestEntityTooLarge:
		heading, message = "The file is too large", "Go back and choose a smaller file."
	case http.StatusServiceUnavailable:
		heading, message = "Sorry, the service is unavailable", "Try again in a few minutes."
	default:
		if status >= 400 && status < 500 {
			heading, message = "Sorry, we could not do that", "Go back and try again."
		}
	}
	if c.Request().Method == http.MethodHead {
		c.NoContent(status)
		return
	}
	data := views.ErrorPage{Page: s.base(c, heading), Heading: heading, Message: message,
		HomeURL: "/", HomeText: "Go to the Patient Hub home page"}
	if path := c.Request().URL.Path; path == "/staff" || strings.HasPrefix(path, "/staff/") {
		staffError(c, &data, status)
	}
	if isHTMX(c) {
		// Show the message in place of the page's main content.
		c.Response().Header().Set("HX-Retarget", "#maincontent")
		c.Response().Header().Set("HX-Reswap", "innerHTML")
	}
	if rerr := s.render(c, status, "error", data); rerr != nil {
		s.Log.Error("rendering the error page", "err", rerr)
		c.String(status, heading+". "+message)
	}
}

// staffError words an error page for the staff console: staff can act on what went wrong, and
// the reference finds the request in the server's log.
func staffError(c echo.Context, data *views.ErrorPage, status int) {
	data.HomeURL, data.HomeText = "/staff", "Go to the staff console"
	if st, ok := currentStaff(c); ok {
		data.PersonName, data.StaffName = "", st.Name
	}
	switch status {
	case http.StatusInternalServerError:
		data.Message = "Try again. If it keeps happening, tell your system administrator and give them this reference: " +
			c.Response().Header().Get(echo.HeaderXRequestID) + "."
	case http.StatusNotFound:
		data.Message = "The page or record may have been removed, or the web address is wrong. Search for the patient again from the staff console."
	}
}
