package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/store"
)

// MessagesPage lists a patient's messages.
type MessagesPage struct {
	PatientPage
	Messages []store.Message
}

// MessagePage is one message, its body split into paragraphs.
type MessagePage struct {
	PatientPage
	Message    store.Message
	Paragraphs []string
}

func (s *Server) messages(c echo.Context) error {
	ms, err := s.Hub.MessagesFor(c.Request().Context(), currentPatient(c).ID, s.actor(c))
	if err != nil {
		return err
	}
	data := MessagesPage{PatientPage: s.patientPage(c, "Your messages", "messages"), Messages: ms}
	return s.render(c, http.StatusOK, "messages", data)
}

func (s *Server) message(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	m, err := s.Hub.MessageFor(c.Request().Context(), currentPatient(c).ID, id, s.actor(c))
	if err != nil {
		return err
	}
	data := MessagePage{PatientPage: s.patientPage(c, m.Subject, "messages"), Message: m}
	data.BackURL = "/messages"
	for _, p := range strings.Split(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			data.Paragraphs = append(data.Paragraphs, p)
		}
	}
	return s.render(c, http.StatusOK, "message", data)
}
