package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/views"
)

// InfoPage is a page of fixed text with the hospital's name.
type InfoPage struct {
	views.Page
	HospitalName string
}

func (s *Server) accessibility(c echo.Context) error {
	return s.render(c, http.StatusOK, "accessibility", InfoPage{Page: s.base(c, "Accessibility statement"), HospitalName: s.Hub.Cfg.HospitalName})
}

func (s *Server) privacy(c echo.Context) error {
	return s.render(c, http.StatusOK, "privacy", InfoPage{Page: s.base(c, "Privacy"), HospitalName: s.Hub.Cfg.HospitalName})
}
