package handlers

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
)

// Paths where providers post delivery receipts; Twilio is given its full address with each text.
const (
	NotifyCallbackPath = "/callbacks/govuk-notify"
	TwilioCallbackPath = "/callbacks/twilio"
)

// notifyReceipt is the body of a GOV.UK Notify delivery receipt.
type notifyReceipt struct {
	ID               string     `json:"id"`
	Reference        string     `json:"reference"`
	Status           string     `json:"status"`
	NotificationType string     `json:"notification_type"`
	CompletedAt      *time.Time `json:"completed_at"`
	SentAt           *time.Time `json:"sent_at"`
}

// notifyCallback records a GOV.UK Notify delivery receipt for a text or an email. Notify sends the
// bearer token configured in PATIENTHUB_NOTIFY_CALLBACK_TOKEN; anything else is refused.
func (s *Server) notifyCallback(c echo.Context) error {
	token := s.Hub.Cfg.NotifyCallbackToken
	if token == "" {
		return c.NoContent(http.StatusNotFound)
	}
	got := c.Request().Header.Get("Authorization")
	if subtle.ConstantTimeCompare([]byte(got), []byte("Bearer "+token)) != 1 {
		return c.NoContent(http.StatusUnauthorized)
	}
	var r notifyReceipt
	if err := json.NewDecoder(io.LimitReader(c.Request().Body, 64<<10)).Decode(&r); err != nil || r.ID == "" || r.Status == "" {
		return c.String(http.StatusBadRequest, "expected a JSON delivery receipt with id and status")
	}
	report := notify.DeliveryReport{Provider: notify.NotifyProviderName, Ref: r.ID, Outcome: notify.NotifyOutcome(r.Status),
		Detail: r.NotificationType + " " + r.Status}
	if r.CompletedAt != nil {
		report.At = *r.CompletedAt
	}
	return s.recordReceipt(c, report)
}

// twilioCallback records a Twilio message status. Twilio signs each callback with the account's
// auth token over the address it called (our public address) and the form; a bad signature is refused.
func (s *Server) twilioCallback(c echo.Context) error {
	token := s.Hub.Cfg.TwilioAuthToken
	if token == "" {
		return c.NoContent(http.StatusNotFound)
	}
	req := c.Request()
	req.Body = http.MaxBytesReader(c.Response(), req.Body, 64<<10)
	if err := req.ParseForm(); err != nil {
		return c.String(http.StatusBadRequest, "expected a form")
	}
	fullURL := s.Hub.Cfg.PublicURL + req.URL.RequestURI()
	if !notify.ValidTwilioSignature(token, fullURL, req.PostForm, req.Header.Get("X-Twilio-Signature")) {
		return c.NoContent(http.StatusForbidden)
	}
	sid, status := req.PostForm.Get("MessageSid"), req.PostForm.Get("MessageStatus")
	if sid == "" || status == "" {
		return c.String(http.StatusBadRequest, "expected MessageSid and MessageStatus")
	}
	detail := "sms " + status
	if code := req.PostForm.Get("ErrorCode"); code != "" {
		detail += " (Twilio error " + code + ")"
	}
	return s.recordReceipt(c, notify.DeliveryReport{Provider: notify.TwilioProviderName, Ref: sid,
		Outcome: notify.TwilioOutcome(status), Detail: detail})
}

// recordReceipt hands a report to the hub. An unknown message answers 404, so a provider that
// retries receipts tries again once the hub has recorded its reference.
func (s *Server) recordReceipt(c echo.Context, r notify.DeliveryReport) error {
	if r.Outcome == notify.OutcomePending {
		return c.NoContent(http.StatusNoContent)
	}
	err := s.Hub.RecordDelivery(c.Request().Context(), r)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return c.NoContent(http.StatusNotFound)
	case err != nil:
		s.Log.Error("recording a delivery receipt", "provider", r.Provider, "err", err)
		return c.NoContent(http.StatusInternalServerError)
	}
	return c.NoContent(http.StatusNoContent)
}
