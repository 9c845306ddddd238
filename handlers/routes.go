package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/assets"
	serviceworker "github.com/patienthub/patienthub/service-worker"
)

// routes is the one route table. Each group's guard is beside it, so who can reach patient data
// is read here.
func (s *Server) routes(e *echo.Echo) {
	// Public, no session, no CSRF.
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/assets/*", echo.WrapHandler(assets.Handler()))
	e.GET("/manifest.webmanifest", echo.WrapHandler(serviceworker.ManifestHandler(assets.Path)))

	// Delivery receipts from message providers: no session and no CSRF token, since providers post
	// them; each handler checks its provider's own credential (Notify's bearer token, Twilio's signature).
	e.POST(NotifyCallbackPath, s.notifyCallback)
	e.POST(TwilioCallbackPath, s.twilioCallback)

	// Everything a browser sees: CSRF on every state-changing request, the patient loaded if signed in.
	web := e.Group("", s.csrf.middleware, s.loadPatient)
	web.GET("/", s.home)
	web.GET("/accessibility", s.accessibility)
	web.GET("/privacy", s.privacy)

	// Signing in: per-address limits on every form post.
	signin := web.Group("/signin", s.limiter.middleware)
	signin.GET("", s.signInForm)
	signin.POST("", s.signInStart)
	signin.GET("/code", s.codeForm)
	signin.POST("/code", s.codeCheck)
	signin.POST("/code/resend", s.codeResend)
	signin.GET("/verify", s.verifyForm)
	signin.POST("/verify", s.verifyCheck)
	web.POST("/signout", s.signOut)

	// A signed-in patient's own data.
	patient := web.Group("", s.requirePatient)
	patient.GET("/appointments", s.appointments)
	patient.GET("/appointments/:id", s.appointment)
	patient.POST("/appointments/:id/confirm", s.appointmentConfirm)
	patient.GET("/appointments/:id/rebook", s.rebookForm)
	patient.POST("/appointments/:id/rebook", s.rebookRequest)
	patient.GET("/appointments/:id/cancel", s.cancelForm)
	patient.POST("/appointments/:id/cancel", s.cancelRequest)
	patient.GET("/letters", s.letters)
	patient.GET("/letters/:id", s.letter)
	patient.GET("/letters/:id/file", s.letterFile)
	patient.GET("/messages", s.messages)
	patient.GET("/messages/:id", s.message)
	patient.GET("/preferences", s.preferences)
	patient.POST("/preferences", s.preferencesSave)
	patient.GET("/preferences/opt-out", s.optOutForm)
	patient.POST("/preferences/opt-out", s.optOut)
	patient.POST("/preferences/opt-in", s.optIn)

	// Hospital sites, directions and maps: no personal data, so public and cacheable (no session,
	// no cookies).
	e.GET("/sites", s.sites)
	e.GET("/sites/:id", s.site)
	e.GET("/sites/:id/maps/:map", s.siteMap)

	// Demo mode only: the outbox where every message "arrives".
	if s.Hub.Cfg.Demo {
		dev := web.Group("/dev")
		dev.GET("/outbox", s.devOutbox)
		dev.GET("/outbox.json", s.devOutboxJSON)
	}

	e.RouteNotFound("/*", func(c echo.Context) error { return echo.NewHTTPError(http.StatusNotFound) })
}
