package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/assets"
	"github.com/patienthub/patienthub/hub"
	serviceworker "github.com/patienthub/patienthub/service-worker"
	"github.com/patienthub/patienthub/store"
)

// routes is the one route table. Each group's guard is beside it, so who can reach patient data
// is read here.
func (s *Server) routes(e *echo.Echo) {
	// Public, no session, no CSRF.
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/assets/*", echo.WrapHandler(assets.Handler()))
	e.GET(serviceworker.ManifestPath, echo.WrapHandler(serviceworker.ManifestHandler(assets.Path)))
	// The service worker and its offline page: the same for everybody, nothing personal in them.
	e.GET(serviceworker.ScriptPath, echo.WrapHandler(s.newServiceWorker()))
	e.GET(serviceworker.OfflinePath, s.offline)
	// A patient's private calendar feed, fetched by calendar apps: no session and no CSRF; the
	// unguessable key in the link is the credential, and each address is limited.
	e.GET(CalendarFeedPath, s.calendarFeed, feedLimit(feedRequestsPerMinute))

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
	patient.GET("/appointments/:id/calendar.ics", s.appointmentCalendar)
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
	patient.POST("/preferences/calendar-feed", s.calendarFeedStart)
	patient.POST("/preferences/calendar-feed/stop", s.calendarFeedStop)
	patient.POST("/preferences/push", s.pushSubscribe)
	patient.POST("/preferences/push/delete", s.pushUnsubscribe)

	// Hospital sites, directions and maps: no personal data, so public and cacheable (no session,
	// no cookies).
	e.GET("/sites", s.sites)
	e.GET("/sites/:id", s.site)
	e.GET("/sites/:id/maps/:map", s.siteMap)

	// The staff console. Its own sign-in and session cookie (a patient's session never counts here),
	// CSRF on every form, and each route's role beside it. An administrator may use every page;
	// agents and the post room only their own (hub.StaffMay).
	con := s.newStaffConsole()
	staff := e.Group("/staff", s.csrf.middleware, con.loadStaff)
	agent, postroom, admin := con.requireStaff(hub.RoleAgent), con.requireStaff(hub.RolePostroom), con.requireStaff(hub.RoleAdmin)
	staff.GET("", con.home)
	staff.POST("", con.signIn, s.limiter.middleware)
	staff.POST("/signout", con.signOut)
	staff.GET("/queue", con.queue, agent)
	staff.GET("/tasks/:id", con.task, agent)
	staff.POST("/tasks/:id/claim", con.taskClaim, agent)
	staff.POST("/tasks/:id/release", con.taskRelease, agent)
	staff.POST("/tasks/:id/calls", con.taskCall, agent)
	staff.POST("/tasks/:id/rebook", con.taskRebook, agent)
	staff.POST("/tasks/:id/cancel", con.taskCancel, agent)
	staff.POST("/tasks/:id/keep", con.taskKeep, agent)
	staff.POST("/tasks/:id/close", con.taskClose, agent)
	staff.GET("/patients", con.patientSearch, agent)
	staff.GET("/patients/:id", con.patientRecord, agent)
	staff.POST("/patients/:id/opt-out", con.patientOptOut, agent)
	staff.POST("/patients/:id/opt-in", con.patientOptIn, agent)
	staff.GET("/patients/:id/appointments/new", con.appointmentNew, agent)
	staff.POST("/patients/:id/appointments", con.appointmentCreate, agent)
	staff.GET("/patients/:id/messages/new", con.messageNew, agent)
	staff.POST("/patients/:id/messages", con.messageSend, agent)
	staff.GET("/appointments/:id/edit", con.appointmentEdit, agent)
	staff.POST("/appointments/:id", con.appointmentUpdate, agent)
	staff.GET("/appointments/:id/letter", con.appointmentLetter, agent)
	staff.POST("/appointments/:id/letter/generate", con.letterGenerate, agent)
	staff.POST("/appointments/:id/letter/upload", con.letterUpload, agent)
	staff.GET("/letters/:id/file", con.letterFile, agent)
	staff.GET("/post", con.postRoom, postroom)
	staff.POST("/post/batch", con.postBatch, postroom)
	staff.GET("/post/batches/:id", con.job(store.JobPostroomBatch), postroom)
	staff.GET("/post/batches/:id/file", con.jobFile(store.JobPostroomBatch), postroom)
	staff.POST("/post/batches/:id/posted", con.postBatchPosted, postroom)
	staff.GET("/post/letters/:id/file", con.postLetterFile, postroom)
	staff.GET("/dashboard", con.dashboard, admin)
	staff.POST("/dashboard/export", con.dashboardExport, admin)
	staff.GET("/dashboard/exports/:id", con.job(store.JobReportExport), admin)
	staff.GET("/dashboard/exports/:id/file", con.jobFile(store.JobReportExport), admin)
	staff.GET("/admin/staff", con.staffAccounts, admin)
	staff.GET("/admin/staff/new", con.staffAccountNew, admin)
	staff.POST("/admin/staff", con.staffAccountCreate, admin)
	staff.GET("/admin/staff/:id", con.staffAccount, admin)
	staff.POST("/admin/staff/:id", con.staffAccountUpdate, admin)
	staff.POST("/admin/staff/:id/password", con.staffAccountPassword, admin)
	staff.POST("/admin/staff/:id/unlock", con.staffAccountUnlock, admin)
	staff.GET("/admin/sites", con.adminSites, admin)
	staff.GET("/admin/sites/new", con.adminSiteNew, admin)
	staff.POST("/admin/sites", con.adminSiteCreate, admin)
	staff.GET("/admin/sites/:id", con.adminSite, admin)
	staff.POST("/admin/sites/:id", con.adminSiteUpdate, admin)
	staff.POST("/admin/sites/:id/maps", con.adminSiteMapUpload, admin)
	staff.POST("/admin/sites/:id/maps/:map/delete", con.adminSiteMapDelete, admin)
	staff.GET("/admin/wording", con.adminWordings, admin)
	staff.GET("/admin/wording/:purpose", con.adminWording, admin)
	staff.POST("/admin/wording/:purpose", con.adminWordingSave, admin)
	staff.POST("/admin/wording/:purpose/reset", con.adminWordingReset, admin)
	staff.GET("/admin/timings", con.adminTimings, admin)

	// Demo mode only: the outbox where every message "arrives".
	if s.Hub.Cfg.Demo {
		dev := web.Group("/dev")
		dev.GET("/outbox", s.devOutbox)
		dev.GET("/outbox.json", s.devOutboxJSON)
	}

	e.RouteNotFound("/*", func(c echo.Context) error { return echo.NewHTTPError(http.StatusNotFound) })
}
