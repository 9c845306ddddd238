package handlers

import (
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/store"
)

// fileCSP lets a browser show a PDF from here with its own viewer and nothing else: no script,
// no other content, never in a frame.
const fileCSP = "default-src 'none'; object-src 'self'; frame-ancestors 'none'"

// LettersPage lists a patient's letters.
type LettersPage struct {
	PatientPage
	Letters []store.Letter
}

// LetterPage is one letter, with links to open and download it.
type LetterPage struct {
	PatientPage
	Letter store.Letter
}

func (s *Server) letters(c echo.Context) error {
	ls, err := s.Hub.LettersFor(c.Request().Context(), currentPatient(c).ID, s.actor(c))
	if err != nil {
		return err
	}
	data := LettersPage{PatientPage: s.patientPage(c, "Your letters", "letters"), Letters: ls}
	return s.render(c, http.StatusOK, "letters", data)
}

func (s *Server) letter(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	l, err := s.Hub.LetterFor(c.Request().Context(), currentPatient(c).ID, id, s.actor(c))
	if err != nil {
		return err
	}
	data := LetterPage{PatientPage: s.patientPage(c, l.Title, "letters"), Letter: l}
	data.BackURL = "/letters"
	return s.render(c, http.StatusOK, "letter", data)
}

// letterFile sends a letter's document, shown in the browser or, with ?download=1, saved.
func (s *Server) letterFile(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	_, f, err := s.Hub.LetterFileFor(c.Request().Context(), currentPatient(c).ID, id, s.actor(c))
	if err != nil {
		return err
	}
	disposition := "inline"
	if c.QueryParam("download") == "1" {
		disposition = "attachment"
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": f.Filename}))
	h.Set("Content-Security-Policy", fileCSP)
	h.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, f.ContentType, f.Data)
}
