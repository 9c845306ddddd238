package handlers

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"

	"github.com/labstack/echo/v4"
)

const ctxCSRF = "csrf_token"

// errCSRF is the refusal of a state-changing request that did not carry the form's token.
var errCSRF = echo.NewHTTPError(http.StatusForbidden, "csrf")

// csrfGuard protects every state-changing request with a token kept in a cookie and repeated
// in the form (field _csrf) or, for htmx, in the X-CSRF-Token header.
type csrfGuard struct {
	cookie string
	secure bool
}

func newCSRFGuard(https bool) *csrfGuard {
	g := &csrfGuard{cookie: "patienthub_csrf", secure: https}
	if https {
		g.cookie = "__Host-patienthub_csrf"
	}
	return g
}

func (g *csrfGuard) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := ""
		if ck, err := c.Cookie(g.cookie); err == nil && len(ck.Value) >= 32 {
			token = ck.Value
		} else {
			b := make([]byte, 32)
			rand.Read(b)
			token = base64.RawURLEncoding.EncodeToString(b)
			c.SetCookie(&http.Cookie{Name: g.cookie, Value: token, Path: "/", HttpOnly: true, Secure: g.secure, SameSite: http.SameSiteLaxMode})
		}
		c.Set(ctxCSRF, token)
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		if c.Request().Header.Get("Sec-Fetch-Site") == "cross-site" {
			return errCSRF
		}
		sent := c.Request().Header.Get("X-CSRF-Token")
		if sent == "" {
			sent = c.FormValue("_csrf")
		}
		if sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
			return errCSRF
		}
		return next(c)
	}
}

func csrfToken(c echo.Context) string {
	t, _ := c.Get(ctxCSRF).(string)
	return t
}
