package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
)

// StaffWordingsPage lists the wording of every kind of message.
type StaffWordingsPage struct {
	StaffPage
	Wordings []hub.Wording
}

func (con *staffConsole) adminWordings(c echo.Context) error {
	ws, err := con.Hub.Wordings(c.Request().Context())
	if err != nil {
		return err
	}
	data := StaffWordingsPage{StaffPage: con.page(c, "Message wording", "/staff/admin/wording"), Wordings: ws}
	return con.render(c, http.StatusOK, "staff_admin_wordings", data)
}

// StaffWordingPage changes one kind of message's wording, with a preview.
type StaffWordingPage struct {
	StaffPage
	Wording      hub.Wording
	Placeholders []struct{ Name, Meaning string }
	Previews     []hub.WordingPreview
}

func (con *staffConsole) wordingPage(c echo.Context) (StaffWordingPage, error) {
	w, err := con.Hub.WordingFor(c.Request().Context(), c.Param("purpose"))
	if err != nil {
		return StaffWordingPage{}, err
	}
	data := StaffWordingPage{StaffPage: con.page(c, w.Label, "/staff/admin/wording"), Wording: w,
		Placeholders: hub.WordingPlaceholders}
	data.BackURL = "/staff/admin/wording"
	return data, nil
}

func (con *staffConsole) adminWording(c echo.Context) error {
	data, err := con.wordingPage(c)
	if err != nil {
		return err
	}
	// The wording in force, as patients get it; an old wording that no longer passes shows none.
	data.Previews, _ = con.Hub.PreviewWording(data.Wording.Purpose, data.Wording.Subject, data.Wording.Text)
	return con.render(c, http.StatusOK, "staff_admin_wording", data)
}

// adminWordingSave previews the typed wording, or saves it, as the pressed button says.
func (con *staffConsole) adminWordingSave(c echo.Context) error {
	data, err := con.wordingPage(c)
	if err != nil {
		return err
	}
	subject, text := c.FormValue("subject"), c.FormValue("text")
	data.Wording.Subject, data.Wording.Text = subject, text
	if c.FormValue("action") == "preview" {
		data.Previews, err = con.Hub.PreviewWording(data.Wording.Purpose, subject, text)
		if err != nil {
			if !formProblems(err, &data.StaffPage, "text") {
				return err
			}
			return con.renderForm(c, "staff_admin_wording", data)
		}
		return con.render(c, http.StatusOK, "staff_admin_wording", data)
	}
	if err := con.Hub.SaveWording(c.Request().Context(), data.Wording.Purpose, subject, text, con.actor(c)); err != nil {
		if !formProblems(err, &data.StaffPage, "text") {
			return err
		}
		return con.renderForm(c, "staff_admin_wording", data)
	}
	return con.done(c, "/staff/admin/wording", "The wording of \""+data.Wording.Label+"\" is saved. Messages from now on use it.")
}

func (con *staffConsole) adminWordingReset(c echo.Context) error {
	purpose := c.Param("purpose")
	if err := con.Hub.ResetWording(c.Request().Context(), purpose, con.actor(c)); err != nil {
		return err
	}
	return con.done(c, "/staff/admin/wording", "Back to the standard wording.")
}
