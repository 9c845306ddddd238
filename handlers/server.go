// Package handlers is the hub's HTTP layer: routes, pages, forms and fragments. It parses and
// renders; the hub package decides.
package handlers

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/views"
)

// Server holds what the handlers share.
type Server struct {
	Hub      *hub.Service
	Views    *views.Renderer
	Log      *slog.Logger
	sessions *sessionStore
	csrf     *csrfGuard
	limiter  *ipLimiter
	memo     *pageMemo
}

// New builds the echo application with every route, middleware and the error handler.
func New(svc *hub.Service, log *slog.Logger) (*echo.Echo, error) {
	if log == nil {
		log = slog.Default()
	}
	r, err := newRenderer()
	if err != nil {
		return nil, err
	}
	s := &Server{
		Hub:      svc,
		Views:    r,
		Log:      log,
		sessions: newSessionStore(svc, hub.SessionPatient),
		csrf:     newCSRFGuard(svc.Cfg.HTTPS()),
		limiter:  newIPLimiter(svc.Cfg.SignInPerIPPerMinute),
		memo:     newPageMemo(),
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = echo.ExtractIPDirect()
	if svc.Cfg.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	}
	e.HTTPErrorHandler = s.handleError
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	e.Use(middleware.RequestID())
	e.Use(s.logRequests)
	e.Use(s.recoverPanics)
	e.Use(s.securityHeaders)
	e.Use(middleware.BodyLimit("12M"))
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{Level: 1, MinLength: 1024, Skipper: func(c echo.Context) bool {
		// Assets carry their own precompressed bodies, and some pages compress their own.
		return strings.HasPrefix(c.Request().URL.Path, "/assets/") || selfCompressed[c.Path()]
	}}))
	s.routes(e)
	return e, nil
}
