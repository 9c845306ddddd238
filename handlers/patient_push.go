package handlers

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
)

// pushSubscription is a browser's PushSubscription as its toJSON() writes it.
type pushSubscription struct {
	Endpoint string `json:"endpoint"`
	Keys     struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

// pushAnswer is what the device controls on the preferences page show after a request.
type pushAnswer struct {
	Message string `json:"message"`
}

// maxPushBody is far more than any real subscription (an endpoint is at most 2 KB).
const maxPushBody = 8 << 10

// pushKey is the VAPID public key for the preferences page, or "" when web push is off here.
func (s *Server) pushKey(c echo.Context) string {
	key, err := s.Hub.PushKey(c.Request().Context())
	if err != nil {
		if !errors.Is(err, hub.ErrPushOff) {
			s.Log.Error("push key", "err", err)
		}
		return ""
	}
	return key
}

// readPushSubscription reads the JSON body the preferences page's script sends.
func readPushSubscription(c echo.Context) (pushSubscription, bool) {
	var sub pushSubscription
	err := json.NewDecoder(io.LimitReader(c.Request().Body, maxPushBody)).Decode(&sub)
	return sub, err == nil && sub.Endpoint != ""
}

// pushSubscribe stores the subscription of the device the patient turned notifications on for.
func (s *Server) pushSubscribe(c echo.Context) error {
	sub, ok := readPushSubscription(c)
	if !ok {
		return c.JSON(http.StatusBadRequest, pushAnswer{hub.ErrPushSubscription.Message})
	}
	err := s.Hub.SubscribePush(c.Request().Context(), currentPatient(c).ID, sub.Endpoint, sub.Keys.P256dh, sub.Keys.Auth, s.actor(c))
	if r, ok := refusal(err); ok {
		return c.JSON(http.StatusUnprocessableEntity, pushAnswer{r.Message})
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pushAnswer{"Notifications are on for this device."})
}

// pushUnsubscribe forgets the device the patient turned notifications off for.
func (s *Server) pushUnsubscribe(c echo.Context) error {
	sub, ok := readPushSubscription(c)
	if !ok {
		return c.JSON(http.StatusBadRequest, pushAnswer{"This device could not be found. Try again."})
	}
	if err := s.Hub.UnsubscribePush(c.Request().Context(), currentPatient(c).ID, sub.Endpoint, s.actor(c)); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pushAnswer{"Notifications are off for this device."})
}
