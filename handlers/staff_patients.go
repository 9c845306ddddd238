package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

// StaffSearchPage is patient search: the form and, after a search, what it found.
type StaffSearchPage struct {
	StaffPage
	Query    hub.PatientSearch
	Searched bool
	Results  []store.Patient
}

func (con *staffConsole) patientSearch(c echo.Context) error {
	q := hub.PatientSearch{HospitalNumber: c.QueryParam("hospital-number"), NHSNumber: c.QueryParam("nhs-number"),
		FamilyName: c.QueryParam("family-name"), GivenName: c.QueryParam("given-name"),
		BirthDay: c.QueryParam("dob-day"), BirthMonth: c.QueryParam("dob-month"), BirthYear: c.QueryParam("dob-year")}
	data := StaffSearchPage{StaffPage: con.page(c, "Find a patient", "/staff/patients"), Query: q}
	if q.Empty() && c.QueryParam("search") == "" {
		return con.render(c, http.StatusOK, "staff_patients", data)
	}
	results, err := con.Hub.SearchPatients(c.Request().Context(), q, con.actor(c))
	var problems *hub.RequestError
	if errors.As(err, &problems) {
		for _, p := range problems.Problems {
			data.Errors.Add(p.Field, p.Message)
		}
		return con.renderForm(c, "staff_patients", data)
	}
	if err != nil {
		return err
	}
	if len(results) == 1 && c.QueryParam("hospital-number") != "" {
		return c.Redirect(http.StatusSeeOther, patientURL(results[0].ID))
	}
	data.Searched, data.Results = true, results
	return con.render(c, http.StatusOK, "staff_patients", data)
}

// StaffRecordPage is a patient's whole record.
type StaffRecordPage struct {
	StaffPage
	hub.PatientRecord
	Mobile   string
	OptOutBy []staffChoice
	CanEdit  bool
}

func (con *staffConsole) patientRecordPage(c echo.Context, id int64) (StaffRecordPage, error) {
	r, err := con.Hub.PatientRecordFor(c.Request().Context(), id, con.actor(c))
	if err != nil {
		return StaffRecordPage{}, err
	}
	data := StaffRecordPage{StaffPage: con.page(c, r.Patient.FullName(), "/staff/patients"), PatientRecord: r,
		Mobile: hub.DisplayMobile(r.Patient.Mobile.String)}
	data.BackURL = "/staff/patients"
	data.OptOutBy = choicesOf("how", "", []struct{ Value, Label string }{
		{hub.OptOutByForm, "Their opt-out form has been received"},
		{hub.OptOutByPhone, "They asked by phone or in person"},
	})
	return data, nil
}

func (con *staffConsole) patientRecord(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	data, err := con.patientRecordPage(c, id)
	if err != nil {
		return err
	}
	return con.render(c, http.StatusOK, "staff_patient", data)
}

func (con *staffConsole) patientOptOut(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	how := c.FormValue("how")
	err = con.Hub.StaffOptOut(c.Request().Context(), id, how, con.actor(c))
	if msg, field, ok := refusalOrProblem(err, "how"); ok {
		data, perr := con.patientRecordPage(c, id)
		if perr != nil {
			return perr
		}
		data.Errors.Add(field, msg)
		return con.renderForm(c, "staff_patient", data)
	}
	if err != nil {
		return err
	}
	return con.done(c, patientURL(id)+"#contact", "The patient is opted out. Their letters will go by post and they will get no texts or emails.")
}

func (con *staffConsole) patientOptIn(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	err = con.Hub.StaffOptIn(c.Request().Context(), id, con.actor(c))
	if msg, _, ok := refusalOrProblem(err, "how"); ok {
		return con.done(c, patientURL(id)+"#contact", msg)
	}
	if err != nil {
		return err
	}
	return con.done(c, patientURL(id)+"#contact", "The patient is back on Patient Hub: they will get texts or emails again.")
}

// refusalOrProblem returns the message of a refusal or the first form problem, with its field.
func refusalOrProblem(err error, field string) (msg, at string, ok bool) {
	var refusal *hub.Refusal
	var problems *hub.RequestError
	switch {
	case errors.As(err, &refusal):
		return refusal.Message, field, true
	case errors.As(err, &problems):
		return problems.Problems[0].Message, problems.Problems[0].Field, true
	}
	return "", "", false
}

func patientURL(id int64) string { return "/staff/patients/" + strconv.FormatInt(id, 10) }
