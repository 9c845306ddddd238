package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/views"
)

// outboxLimit is how many of the newest messages the developer outbox shows.
const outboxLimit = 500

// OutboxEntry is one message as /dev/outbox.json shows it.
type OutboxEntry struct {
	ID        int64     `json:"id"`
	Channel   string    `json:"channel"`
	To        string    `json:"to"`
	Purpose   string    `json:"purpose"`
	Subject   string    `json:"subject,omitempty"`
	Body      string    `json:"body"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

// OutboxPage shows the demo outbox to a person.
type OutboxPage struct {
	views.Page
	Messages []OutboxEntry
}

func outboxEntries(ms []store.OutboxMessage) []OutboxEntry {
	out := make([]OutboxEntry, len(ms))
	for i, m := range ms {
		body := m.Body
		if m.Channel == string(store.ChannelEmail) && m.Subject != "" {
			body = "Subject: " + m.Subject + "\n\n" + m.Body
		}
		out[i] = OutboxEntry{ID: m.ID, Channel: m.Channel, To: m.Recipient, Purpose: m.Purpose, Subject: m.Subject,
			Body: body, Status: "sent", CreatedAt: m.CreatedAt}
	}
	return out
}

// devOutboxJSON returns the outbox as a JSON array, newest last.
func (s *Server) devOutboxJSON(c echo.Context) error {
	ms, err := s.Hub.Store.OutboxMessages(c.Request().Context(), outboxLimit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, outboxEntries(ms))
}

// devOutbox shows the outbox, newest first, so the code that just "arrived" is at the top.
func (s *Server) devOutbox(c echo.Context) error {
	ms, err := s.Hub.Store.OutboxMessages(c.Request().Context(), outboxLimit)
	if err != nil {
		return err
	}
	entries := outboxEntries(ms)
	for i, j := 0, len(entries)-1; i < j; i, j = i+1, j-1 {
		entries[i], entries[j] = entries[j], entries[i]
	}
	return s.render(c, http.StatusOK, "dev_outbox", OutboxPage{Page: s.base(c, "Demo outbox"), Messages: entries})
}
