package handlers

import (
	"bytes"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/assets"
	"github.com/patienthub/patienthub/views"
)

func newRenderer() (*views.Renderer, error) { return views.New(assets.Path) }

// base fills the data every page shares.
func (s *Server) base(c echo.Context, title string) views.Page {
	p := views.Page{Title: title, CSRF: csrfToken(c), Demo: s.Hub.Cfg.Demo}
	if name, ok := c.Get(ctxPatientName).(string); ok {
		p.PersonName = name
	}
	return p
}

// render writes a whole page, or only the named partial when htmx asked and a partial is given.
func (s *Server) render(c echo.Context, status int, page string, data any) error {
	var buf bytes.Buffer
	if err := s.Views.Page(&buf, page, data); err != nil {
		return err
	}
	c.Response().Header().Add("Vary", "HX-Request")
	return c.HTMLBlob(status, buf.Bytes())
}

// renderPartial writes one fragment (an htmx response).
func (s *Server) renderPartial(c echo.Context, status int, name string, data any) error {
	var buf bytes.Buffer
	if err := s.Views.Partial(&buf, name, data); err != nil {
		return err
	}
	c.Response().Header().Add("Vary", "HX-Request")
	return c.HTMLBlob(status, buf.Bytes())
}

// renderForm re-renders a form page with its errors (422), or redirects on success.
func (s *Server) renderForm(c echo.Context, page string, data any) error {
	return s.render(c, http.StatusUnprocessableEntity, page, data)
}
