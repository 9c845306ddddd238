package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

// StaffAccountRow is one account in the administrators' list.
type StaffAccountRow struct {
	store.Staff
	RoleName string
	Locked   bool
}

// StaffAccountsPage lists the staff accounts.
type StaffAccountsPage struct {
	StaffPage
	Accounts []StaffAccountRow
}

func (con *staffConsole) staffAccounts(c echo.Context) error {
	list, err := con.Hub.StaffAccounts(c.Request().Context())
	if err != nil {
		return err
	}
	data := StaffAccountsPage{StaffPage: con.page(c, "Staff accounts", "/staff/admin/staff")}
	for _, st := range list {
		data.Accounts = append(data.Accounts, StaffAccountRow{Staff: st, RoleName: hub.RoleName(st.Role), Locked: con.Hub.StaffLocked(st)})
	}
	return con.render(c, http.StatusOK, "staff_admin_staff", data)
}

// StaffAccountPage adds or changes one staff account.
type StaffAccountPage struct {
	StaffPage
	Account  StaffAccountRow
	Creating bool
	Form     hub.StaffAccountForm
	Roles    []staffChoice
	Self     bool
}

func (con *staffConsole) accountPage(c echo.Context, id int64, f *hub.StaffAccountForm) (StaffAccountPage, error) {
	data := StaffAccountPage{StaffPage: con.page(c, "Add a staff member", "/staff/admin/staff"), Creating: id == 0}
	data.BackURL = "/staff/admin/staff"
	if id != 0 {
		st, err := con.Hub.StaffAccount(c.Request().Context(), id)
		if err != nil {
			return data, err
		}
		me, _ := currentStaff(c)
		data.Title, data.Self = st.Name+" - Staff", me.ID == id
		data.Account = StaffAccountRow{Staff: st, RoleName: hub.RoleName(st.Role), Locked: con.Hub.StaffLocked(st)}
		data.Form = hub.StaffAccountForm{Username: st.Username, Name: st.Name, Role: st.Role, Disabled: st.Disabled}
	}
	if f != nil {
		data.Form.Name, data.Form.Role, data.Form.Disabled = f.Name, f.Role, f.Disabled
		if id == 0 {
			data.Form.Username = f.Username
		}
	}
	var roles []struct{ Value, Label string }
	for _, r := range hub.StaffRoles {
		roles = append(roles, struct{ Value, Label string }{r, hub.RoleName(r)})
	}
	data.Roles = choicesOf("role", data.Form.Role, roles)
	return data, nil
}

func accountFormOf(c echo.Context) hub.StaffAccountForm {
	return hub.StaffAccountForm{Username: c.FormValue("username"), Name: c.FormValue("name"), Role: c.FormValue("role"),
		Password: c.FormValue("password"), Disabled: c.FormValue("disabled") == "yes"}
}

func (con *staffConsole) staffAccountNew(c echo.Context) error {
	data, err := con.accountPage(c, 0, nil)
	if err != nil {
		return err
	}
	return con.render(c, http.StatusOK, "staff_admin_account", data)
}

func (con *staffConsole) staffAccountCreate(c echo.Context) error {
	f := accountFormOf(c)
	st, err := con.Hub.CreateStaffAccount(c.Request().Context(), f, con.actor(c))
	if err != nil {
		data, perr := con.accountPage(c, 0, &f)
		if perr != nil {
			return perr
		}
		if !formProblems(err, &data.StaffPage, "username") {
			return err
		}
		return con.renderForm(c, "staff_admin_account", data)
	}
	return con.done(c, "/staff/admin/staff", st.Name+" can now sign in as "+st.Username+".")
}

func (con *staffConsole) staffAccount(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	data, err := con.accountPage(c, id, nil)
	if err != nil {
		return err
	}
	return con.render(c, http.StatusOK, "staff_admin_account", data)
}

func (con *staffConsole) staffAccountUpdate(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	me, _ := currentStaff(c)
	f := accountFormOf(c)
	if err := con.Hub.UpdateStaffAccount(c.Request().Context(), id, me.ID, f, con.actor(c)); err != nil {
		data, perr := con.accountPage(c, id, &f)
		if perr != nil {
			return perr
		}
		if !formProblems(err, &data.StaffPage, "role") {
			return err
		}
		return con.renderForm(c, "staff_admin_account", data)
	}
	return con.done(c, "/staff/admin/staff", "The account of "+strings.TrimSpace(f.Name)+" is saved.")
}

func (con *staffConsole) staffAccountPassword(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := con.Hub.ResetStaffPassword(c.Request().Context(), id, c.FormValue("password"), con.actor(c)); err != nil {
		data, perr := con.accountPage(c, id, nil)
		if perr != nil {
			return perr
		}
		if !formProblems(err, &data.StaffPage, "password") {
			return err
		}
		return con.renderForm(c, "staff_admin_account", data)
	}
	if me, _ := currentStaff(c); me.ID == id {
		// The reset ended every session of the account, this one too: carry on in a new one.
		if err := con.startSession(c, id); err != nil {
			return err
		}
	}
	return con.done(c, accountURL(id), "The new password is set. Give it to them in person or by phone, never by email.")
}

func (con *staffConsole) staffAccountUnlock(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := con.Hub.UnlockStaffAccount(c.Request().Context(), id, con.actor(c)); err != nil {
		return err
	}
	return con.done(c, accountURL(id), "The account is unlocked.")
}

func accountURL(id int64) string { return "/staff/admin/staff/" + strconv.FormatInt(id, 10) }
