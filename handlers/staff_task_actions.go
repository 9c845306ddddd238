package handlers

import (
	"errors"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
)

// taskAction runs one agent action on the task in the path. A refusal shows the task again with
// the reason at field (422); success goes back to the task with msg, or to the queue when the
// task is done.
func (con *staffConsole) taskAction(c echo.Context, field string, act func(id, staffID int64) (msg string, doneWith bool, err error)) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	st, _ := currentStaff(c)
	msg, doneWith, err := act(id, st.ID)
	if err != nil {
		return con.taskRefused(c, id, field, err, nil)
	}
	target := taskURL(id)
	if doneWith {
		target = "/staff/queue"
	}
	return con.done(c, target, msg)
}

// taskRefused re-renders the task page with a refusal or form problems, or returns any other error.
func (con *staffConsole) taskRefused(c echo.Context, id int64, field string, err error, keep func(*StaffTaskPage)) error {
	var refusal *hub.Refusal
	var problems *hub.RequestError
	if !errors.As(err, &refusal) && !errors.As(err, &problems) {
		return err
	}
	data, perr := con.taskPage(c, id)
	if perr != nil {
		return perr
	}
	if keep != nil {
		keep(&data)
	}
	if refusal != nil {
		data.Errors.Add(field, refusal.Message)
	} else {
		for _, p := range problems.Problems {
			data.Errors.Add(p.Field, p.Message)
		}
	}
	return con.renderForm(c, "staff_task", data)
}

func (con *staffConsole) taskClaim(c echo.Context) error {
	takeOver := c.FormValue("take_over") == "yes"
	return con.taskAction(c, "claim", func(id, staffID int64) (string, bool, error) {
		err := con.Hub.ClaimTask(c.Request().Context(), id, staffID, takeOver, con.actor(c))
		return "You are now working on this request. The patient can see it is being handled.", false, err
	})
}

func (con *staffConsole) taskRelease(c echo.Context) error {
	takeOver := c.FormValue("take_over") == "yes"
	return con.taskAction(c, "claim", func(id, staffID int64) (string, bool, error) {
		err := con.Hub.ReleaseTask(c.Request().Context(), id, staffID, takeOver, con.actor(c))
		return "The request is back in the queue for anyone to pick up.", true, err
	})
}

func (con *staffConsole) taskCall(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	st, _ := currentStaff(c)
	outcome, note := c.FormValue("outcome"), strings.TrimSpace(c.FormValue("note"))
	err = con.Hub.RecordCall(c.Request().Context(), id, st.ID, outcome, note, con.actor(c))
	if err != nil {
		field := "outcome"
		if errors.Is(err, hub.ErrCallNote) {
			field = "note"
		}
		return con.taskRefused(c, id, field, err, func(p *StaffTaskPage) {
			p.Note, p.CallOutcomes = note, choicesOf("outcome", outcome, outcomeOptions())
		})
	}
	return con.done(c, taskURL(id), "Call recorded: "+strings.ToLower(hub.CallOutcomeText(outcome))+".")
}

func (con *staffConsole) taskRebook(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	st, _ := currentStaff(c)
	f := appointmentFormOf(c)
	next, err := con.Hub.RebookFromTask(c.Request().Context(), id, st.ID, f, con.actor(c))
	if err != nil {
		return con.taskRefused(c, id, "rebook", err, func(p *StaffTaskPage) {
			p.Rebook, _ = con.appointmentFields(c, f)
			p.Rebook.AskWhich = p.Rebook.AskWhich || asksWhich(err)
		})
	}
	return con.done(c, "/staff/queue", "Rebooked to "+londonWhen(next.StartsAt)+". The patient has been sent the new time.")
}

func (con *staffConsole) taskCancel(c echo.Context) error {
	return con.taskAction(c, "cancel", func(id, staffID int64) (string, bool, error) {
		err := con.Hub.ConfirmCancel(c.Request().Context(), id, staffID, con.actor(c))
		return "Cancellation confirmed. The patient has been told.", true, err
	})
}

func (con *staffConsole) taskKeep(c echo.Context) error {
	return con.taskAction(c, "keep", func(id, staffID int64) (string, bool, error) {
		err := con.Hub.KeepAppointment(c.Request().Context(), id, staffID, con.actor(c))
		return "The request is closed and the appointment is confirmed.", true, err
	})
}

func (con *staffConsole) taskClose(c echo.Context) error {
	outcome := c.FormValue("outcome_note")
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	st, _ := currentStaff(c)
	if err := con.Hub.CloseTask(c.Request().Context(), id, st.ID, outcome, con.actor(c)); err != nil {
		return con.taskRefused(c, id, "outcome_note", err, func(p *StaffTaskPage) { p.Outcome = outcome })
	}
	return con.done(c, "/staff/queue", "The request is closed.")
}
