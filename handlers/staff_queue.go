package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

// StaffQueuePage is the booking centre's call-back queue.
type StaffQueuePage struct {
	StaffPage
	Entries    []hub.QueueEntry
	TargetDays int
	Overdue    int
}

func (con *staffConsole) queue(c echo.Context) error {
	st, _ := currentStaff(c)
	entries, err := con.Hub.CallbackQueue(c.Request().Context(), st.ID, con.actor(c))
	if err != nil {
		return err
	}
	data := StaffQueuePage{StaffPage: con.page(c, "Call-back queue", "/staff/queue"), Entries: entries,
		TargetDays: hub.CallbackTargetWorkingDays}
	for _, e := range entries {
		if e.Overdue {
			data.Overdue++
		}
	}
	return con.render(c, http.StatusOK, "staff_queue", data)
}

// Choice is one radio button or checkbox of the choices partial.
type staffChoice struct {
	ID, Value, Label, Hint string
	Checked                bool
}

// choicesOf turns value/label pairs into radio items named id, checking value.
func choicesOf(id, value string, options []struct{ Value, Label string }) []staffChoice {
	out := make([]staffChoice, len(options))
	for i, o := range options {
		out[i] = staffChoice{ID: id, Value: o.Value, Label: o.Label, Checked: o.Value == value}
		if i > 0 {
			out[i].ID = id + "-" + o.Value
		}
	}
	return out
}

// StaffTaskPage is one task: the patient, the request, the calls, and what the agent can do next.
type StaffTaskPage struct {
	StaffPage
	Task         hub.TaskDetail
	CallOutcomes []staffChoice
	Note         string
	Outcome      string
	Rebook       AppointmentFields
}

// taskPage builds the page of task id; the actions re-render it with their errors.
func (con *staffConsole) taskPage(c echo.Context, id int64) (StaffTaskPage, error) {
	st, _ := currentStaff(c)
	ctx := c.Request().Context()
	d, err := con.Hub.Task(ctx, id, st.ID, con.actor(c))
	if err != nil {
		return StaffTaskPage{}, err
	}
	data := StaffTaskPage{StaffPage: con.page(c, hub.TaskKindText(d.Kind)+" request from "+d.PatientName, "/staff/queue"), Task: d}
	data.BackURL = "/staff/queue"
	data.CallOutcomes = choicesOf("outcome", "", outcomeOptions())
	if d.Kind == store.TaskRebook && d.Appointment != nil {
		f := hub.FormOf(d.Appointment.Appointment)
		f.Day, f.Month, f.Year, f.Time, f.Which = "", "", "", "", ""
		if data.Rebook, err = con.appointmentFields(c, f); err != nil {
			return data, err
		}
	}
	return data, nil
}

func outcomeOptions() []struct{ Value, Label string } {
	out := make([]struct{ Value, Label string }, len(hub.CallOutcomes))
	copy(out, hub.CallOutcomes)
	return out
}

func (con *staffConsole) task(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	data, err := con.taskPage(c, id)
	if err != nil {
		return err
	}
	return con.render(c, http.StatusOK, "staff_task", data)
}

func taskURL(id int64) string { return "/staff/tasks/" + strconv.FormatInt(id, 10) }
