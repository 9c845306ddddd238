package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
)

// StaffSignInPage is the console's sign-in form.
type StaffSignInPage struct {
	StaffPage
	Username string
	Next     string
}

// home shows the sign-in form, or sends a signed-in staff member to their first page.
func (con *staffConsole) home(c echo.Context) error {
	if st, ok := currentStaff(c); ok {
		return c.Redirect(http.StatusSeeOther, homeFor(st.Role))
	}
	data := StaffSignInPage{StaffPage: con.page(c, "Sign in", ""), Next: safeNext(c.QueryParam("next"))}
	if c.QueryParam("signedout") == "1" {
		data.Flash = "You have signed out."
	}
	return con.render(c, http.StatusOK, "staff_signin", data)
}

func (con *staffConsole) signIn(c echo.Context) error {
	data := StaffSignInPage{StaffPage: con.page(c, "Sign in", ""), Username: strings.TrimSpace(c.FormValue("username")),
		Next: safeNext(c.FormValue("next"))}
	password := c.FormValue("password")
	if data.Username == "" {
		data.Errors.Add("username", "Enter your username")
	}
	if password == "" {
		data.Errors.Add("password", "Enter your password")
	}
	if data.Errors.Any() {
		return con.renderForm(c, "staff_signin", data)
	}
	by := hub.Actor{Kind: "anonymous", RequestID: c.Response().Header().Get(echo.HeaderXRequestID), IP: c.RealIP()}
	st, err := con.Hub.StaffSignIn(c.Request().Context(), data.Username, password, by)
	var refusal *hub.Refusal
	var locked *hub.StaffLockedError
	switch {
	case errors.As(err, &refusal):
		data.Errors.Add("username", refusal.Message)
		return con.renderForm(c, "staff_signin", data)
	case errors.As(err, &locked):
		data.Errors.Add("username", locked.Error())
		return con.renderForm(c, "staff_signin", data)
	case err != nil:
		return err
	}
	if err := con.startSession(c, st.ID); err != nil {
		return err
	}
	target := data.Next
	if target == "" {
		target = homeFor(st.Role)
	}
	return redirect(c, target)
}

func (con *staffConsole) signOut(c echo.Context) error {
	if _, ok := currentStaff(c); ok {
		con.Hub.StaffSignedOut(c.Request().Context(), con.actor(c))
	}
	sess := con.session(c)
	sess.Options.MaxAge = -1
	if err := sess.Save(c.Request(), c.Response()); err != nil {
		return err
	}
	return redirect(c, "/staff?signedout=1")
}
