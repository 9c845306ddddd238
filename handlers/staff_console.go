package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/views"
)

const ctxStaff = "staff"

// staffConsole is the staff console's area: it has its own session cookie, so a patient's
// session never counts here, and every page checks the staff member's role.
type staffConsole struct {
	*Server
	sessions *sessionStore
}

func (s *Server) newStaffConsole() *staffConsole {
	return &staffConsole{Server: s, sessions: newSessionStore(s.Hub, hub.SessionStaff)}
}

// StaffNavItem is one link of the console's navigation.
type StaffNavItem struct {
	Href, Text string
	Current    bool
}

// StaffPage is the data every console page embeds.
type StaffPage struct {
	views.Page
	Nav      []StaffNavItem
	Role     string
	RoleName string
}

// staffSections are the console's parts, each with the role it needs.
var staffSections = []struct{ href, text, role string }{
	{"/staff/queue", "Call-back queue", hub.RoleAgent},
	{"/staff/patients", "Find a patient", hub.RoleAgent},
	{"/staff/post", "Post room", hub.RolePostroom},
	{"/staff/dashboard", "Dashboard", hub.RoleAdmin},
	{"/staff/admin/staff", "Staff accounts", hub.RoleAdmin},
	{"/staff/admin/sites", "Sites and maps", hub.RoleAdmin},
	{"/staff/admin/wording", "Message wording", hub.RoleAdmin},
	{"/staff/admin/timings", "Timings", hub.RoleAdmin},
}

// homeFor is the first page of the console a role may use.
func homeFor(role string) string {
	for _, sec := range staffSections {
		if hub.StaffMay(role, sec.role) {
			return sec.href
		}
	}
	return "/staff"
}

// page fills what every console page shares; section is the nav link to mark as current.
func (con *staffConsole) page(c echo.Context, title, section string) StaffPage {
	p := StaffPage{Page: views.Page{Title: title + " - Staff", CSRF: csrfToken(c), Demo: con.Hub.Cfg.Demo}}
	if st, ok := currentStaff(c); ok {
		p.StaffName, p.Role, p.RoleName = st.Name, st.Role, hub.RoleName(st.Role)
		for _, sec := range staffSections {
			if hub.StaffMay(st.Role, sec.role) {
				p.Nav = append(p.Nav, StaffNavItem{Href: sec.href, Text: sec.text, Current: sec.href == section})
			}
		}
	}
	p.Flash = con.takeFlash(c)
	return p
}

// session returns the request's staff session (empty and unsaved when there is none).
func (con *staffConsole) session(c echo.Context) *sessions.Session {
	sess, err := con.sessions.Get(c.Request(), con.sessions.name)
	if err != nil {
		con.Log.Error("loading a staff session", "err", err)
	}
	return sess
}

// startSession ends any staff session of this browser and starts a new one for staffID.
func (con *staffConsole) startSession(c echo.Context, staffID int64) error {
	old := con.session(c)
	old.Options.MaxAge = -1
	if err := old.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	fresh := sessions.NewSession(con.sessions, con.sessions.name)
	opts := con.sessions.opts
	fresh.Options, fresh.IsNew = &opts, true
	fresh.Values[keyStaffID] = staffID
	if err := fresh.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	*old = *fresh
	return nil
}

// flash keeps a one-off message for the next console page.
func (con *staffConsole) flash(c echo.Context, msg string) error {
	sess := con.session(c)
	sess.Values[keyFlash] = msg
	return sess.Save(c.Request(), c.Response())
}

func (con *staffConsole) takeFlash(c echo.Context) string {
	sess := con.session(c)
	msg, _ := sess.Values[keyFlash].(string)
	if msg != "" {
		delete(sess.Values, keyFlash)
		if err := sess.Save(c.Request(), c.Response()); err != nil {
			con.Log.Error("clearing a staff flash", "err", err)
		}
	}
	return msg
}

// done flashes msg and sends the browser to target after a successful POST.
func (con *staffConsole) done(c echo.Context, target, msg string) error {
	if err := con.flash(c, msg); err != nil {
		return err
	}
	return redirect(c, target)
}

// loadStaff puts the signed-in staff member, if any, in the request context. A switched-off
// account counts as signed out.
func (con *staffConsole) loadStaff(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if id := asInt64(con.session(c).Values[keyStaffID]); id != 0 {
			st, err := con.Hub.StaffMember(c.Request().Context(), id)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if err == nil {
				c.Set(ctxStaff, st)
			}
		}
		return next(c)
	}
}

// requireStaff lets through only a signed-in staff member whose role may use what is meant for
// role (an administrator may use everything). Others are sent to sign in; a staff member without
// the role gets 403.
func (con *staffConsole) requireStaff(role string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			st, ok := currentStaff(c)
			if !ok {
				msg := "Sign in to use the staff console."
				if _, err := c.Cookie(con.sessions.name); err == nil {
					msg = "For security, you were signed out because you had not used the console for a while. Sign in again to carry on."
				}
				if err := con.flash(c, msg); err != nil {
					return err
				}
				target := "/staff"
				if c.Request().Method == http.MethodGet && !isHTMX(c) {
					target += "?next=" + c.Request().URL.EscapedPath()
				}
				return redirect(c, target)
			}
			if !hub.StaffMay(st.Role, role) {
				con.Hub.StaffDenied(c.Request().Context(), c.Request().URL.Path, con.actor(c))
				data := con.page(c, "You cannot use this page", "")
				return con.render(c, http.StatusForbidden, "staff_forbidden", data)
			}
			return next(c)
		}
	}
}

// currentStaff returns the signed-in staff member.
func currentStaff(c echo.Context) (store.Staff, bool) {
	st, ok := c.Get(ctxStaff).(store.Staff)
	return st, ok
}

// actor is the signed-in staff member as the audit trail's actor.
func (con *staffConsole) actor(c echo.Context) hub.Actor {
	st, _ := currentStaff(c)
	return hub.StaffActor(st, c.Response().Header().Get(echo.HeaderXRequestID), c.RealIP())
}

// safeNext keeps a sign-in's next page only when it is a console page on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/staff/") || strings.ContainsAny(next, "\\\r\n") || strings.Contains(next, "//") {
		return ""
	}
	return next
}

// idParam reads a numeric path parameter; anything else is not found.
func idParam(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.NewHTTPError(http.StatusNotFound)
	}
	return id, nil
}
