package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

// queueEnv is a patient who asked about their appointment, an agent signed in, and the patient
// signed in on their own device.
type queueEnv struct {
	*testEnv
	patient store.Patient
	appt    store.Appointment
	task    store.Task
	agent   *browser
	person  *browser
}

func newQueueEnv(t *testing.T, action hub.PatientAction) *queueEnv {
	return newQueueEnvOn(t, newEnv(t), action)
}

// newQueueEnvOn sets up the queue scene on an existing hub.
func newQueueEnvOn(t *testing.T, e *testEnv, action hub.PatientAction) *queueEnv {
	p := e.addPatient("Amelia", "Clarke", "+447700900001", "", store.NewDate(1985, time.March, 14), "Cardiology Outpatients")
	a := e.firstAppointment(p)
	q := &queueEnv{testEnv: e, patient: p, appt: a}
	q.task = e.patientAsks(p, a, action, "I am away that week")
	e.addStaff("agent", hub.RoleAgent)
	q.agent = e.browser()
	q.agent.staffSignIn("agent")
	q.person = e.browser()
	q.person.signIn("07700 900001", "14", "3", "1985", "+447700900001")
	return q
}

func (q *queueEnv) taskPath(action string) string {
	p := "/staff/tasks/" + strconv.FormatInt(q.task.ID, 10)
	if action != "" {
		p += "/" + action
	}
	return p
}

func (q *queueEnv) patientPage(id int64) pageResult {
	q.t.Helper()
	return q.person.get("/appointments/" + strconv.FormatInt(id, 10))
}

func TestQueueListsRequestsOldestFirstWithTheirDetails(t *testing.T) {
	q := newQueueEnv(t, hub.ActionRebook)
	other := q.addPatient("Tom", "Baker", "", "tom@example.com", store.NewDate(1950, 11, 23), "Eye Clinic")
	q.clock.Advance(time.Hour)
	q.patientAsks(other, q.firstAppointment(other), hub.ActionCancel, "")
	q.agent.staffSignIn("agent") // an hour idle signed the agent out
	p := q.agent.get("/staff/queue")
	mustContain(t, p, "Amelia Clarke", "I am away that week", "Mornings (8am to midday)", "Rebook", "Cardiology Outpatients",
		"Tom Baker", "Cancel", "No reason given", "within 2 working days")
	if strings.Index(p.body, "Amelia Clarke") > strings.Index(p.body, "Tom Baker") {
		t.Error("the queue is not oldest first")
	}
	q.clock.Advance(5 * 24 * time.Hour)
	mustContain(t, q.agent.staffSignIn("agent"), "Past target", "2 requests are past the target")
}

func TestAgentRebooksARequest(t *testing.T) {
	q := newQueueEnv(t, hub.ActionRebook)
	ctx := context.Background()
	mustContain(t, q.patientPage(q.appt.ID), "<strong>Received</strong>")

	p := q.agent.get(q.taskPath(""))
	mustContain(t, p, "Amelia Clarke", "I am away that week", "Start working on this request", "Book the new time")
	p = q.agent.staffPost(q.taskPath(""), q.taskPath("claim"), nil)
	mustContain(t, p, "You are now working on this request", "Put it back in the queue")
	mustContain(t, q.patientPage(q.appt.ID), "<strong>Being handled</strong>")

	p = q.agent.staffPost(q.taskPath(""), q.taskPath("calls"), map[string]string{"outcome": store.CallNoAnswer})
	mustContain(t, p, "Call recorded: no answer.")
	p = q.agent.staffPost(q.taskPath(""), q.taskPath("calls"), map[string]string{"outcome": store.CallSpoke, "note": "Agreed a new time"})
	mustContain(t, p, "Spoke to the patient", "Agreed a new time")

	newStart := time.Date(q.clock.Now().Year()+1, time.January, 12, 10, 30, 0, 0, hub.London)
	fields := rebookFields(q.appt, newStart)
	p = q.agent.staffPost(q.taskPath(""), q.taskPath("rebook"), fields)
	if p.url != "/staff/queue" {
		t.Fatalf("after rebooking: at %s (status %d)", p.url, p.status)
	}
	mustContain(t, p, "Rebooked to "+hub.LondonDateTime(newStart), "There are no requests waiting")

	old, _ := q.st.Appointment(ctx, q.appt.ID)
	if old.Status != store.StatusRebooked || old.Sequence <= q.appt.Sequence {
		t.Fatalf("old appointment: %s, sequence %d (was %d)", old.Status, old.Sequence, q.appt.Sequence)
	}
	next, err := q.st.AppointmentReplacing(ctx, q.patient.ID, q.appt.ID)
	if err != nil || !next.StartsAt.Equal(newStart) || next.Status != store.StatusBooked || next.Clinic != q.appt.Clinic {
		t.Fatalf("new appointment: %v %+v", err, next)
	}
	task, _ := q.st.Task(ctx, q.task.ID)
	if task.Status != store.TaskDone || !strings.HasPrefix(task.Outcome, "Rebooked to") {
		t.Fatalf("task: %+v", task)
	}
	if ns := q.notificationsOf(q.patient.ID); !hasString(ns, hub.PurposeRebooked+":sms") {
		t.Fatalf("no rebooked text queued: %v", ns)
	}
	if ls, _ := q.st.LettersForAppointment(ctx, q.patient.ID, next.ID); len(ls) != 1 {
		t.Fatalf("letters for the new appointment: %d", len(ls))
	}
	// The patient sees the request done, the old appointment moved and the new time.
	mustContain(t, q.patientPage(q.appt.ID), "<strong>Done</strong>", "See your new appointment on "+hub.LondonDateTime(newStart))
	mustContain(t, q.person.get("/appointments"), strings.Split(hub.LondonDateTime(newStart), " at ")[0])
	trail := q.auditActions(q.patient.ID)
	for _, want := range []string{"staff.queue.view", "staff.task.view", "task.claim", "task.call", "task.rebooked"} {
		if !hasString(trail, want) {
			t.Errorf("audit trail lacks %s: %v", want, trail)
		}
	}
}

// rebookFields is the rebook form for a new start at the same clinic and site.
func rebookFields(a store.Appointment, start time.Time) map[string]string {
	l := start.In(hub.London)
	return map[string]string{"clinic": a.Clinic, "kind": "in_person", "site": strconv.FormatInt(a.SiteID.Int64, 10),
		"start-day": strconv.Itoa(l.Day()), "start-month": strconv.Itoa(int(l.Month())), "start-year": strconv.Itoa(l.Year()),
		"start-time": l.Format("15:04"), "minutes": "30"}
}

func TestAgentConfirmsACancel(t *testing.T) {
	q := newQueueEnv(t, hub.ActionCancel)
	p := q.agent.get(q.taskPath(""))
	mustContain(t, p, "Confirm the cancellation and tell the patient")
	mustLack(t, p, "Book the new time")
	p = q.agent.staffPost(q.taskPath(""), q.taskPath("cancel"), nil)
	if p.url != "/staff/queue" {
		t.Fatalf("after confirming: at %s", p.url)
	}
	mustContain(t, p, "Cancellation confirmed. The patient has been told.")
	a, _ := q.st.Appointment(context.Background(), q.appt.ID)
	if a.Status != store.StatusCancelled || a.Sequence <= q.appt.Sequence {
		t.Fatalf("appointment: %s seq %d", a.Status, a.Sequence)
	}
	if ns := q.notificationsOf(q.patient.ID); !hasString(ns, hub.PurposeCancelled+":sms") {
		t.Fatalf("no cancelled text queued: %v", ns)
	}
	mustContain(t, q.patientPage(q.appt.ID), "Cancelled on", "<strong>Done</strong>", "Cancellation confirmed with the patient by phone")
	// Confirming again changes nothing and says why.
	p = q.agent.staffPost(q.taskPath(""), q.taskPath("cancel"), nil)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("second confirm: %d", p.status)
	}
	mustContain(t, p, "already been dealt with")
}

func TestAgentKeepsTheAppointmentAfterATakeOver(t *testing.T) {
	q := newQueueEnv(t, hub.ActionRebook)
	q.addStaff("other", hub.RoleAgent)
	other := q.browser()
	other.staffSignIn("other")
	other.staffPost(q.taskPath(""), q.taskPath("claim"), nil)

	p := q.agent.get(q.taskPath(""))
	mustContain(t, p, "Other Tester is working on this request", "Take over this request")
	p = q.agent.staffPost(q.taskPath(""), q.taskPath("calls"), map[string]string{"outcome": store.CallSpoke})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("calling about someone else's task: %d", p.status)
	}
	mustContain(t, p, "Someone else is working on this request")
	p = q.agent.staffPost(q.taskPath(""), q.taskPath("claim"), map[string]string{"take_over": "yes"})
	mustContain(t, p, "You are working on it")
	p = q.agent.staffPost(q.taskPath(""), q.taskPath("keep"), nil)
	mustContain(t, p, "The request is closed and the appointment is confirmed.")
	a, _ := q.st.Appointment(context.Background(), q.appt.ID)
	if a.Status != store.StatusConfirmed {
		t.Fatalf("appointment: %s", a.Status)
	}
	mustContain(t, q.patientPage(q.appt.ID), "Confirmed", "The patient kept the appointment")
}

func TestRebookFormChecksTheClockChanges(t *testing.T) {
	q := newQueueEnv(t, hub.ActionRebook)
	year := q.clock.Now().Year() + 1
	spring, autumn := lastSunday(year, time.March), lastSunday(year, time.October)

	fields := rebookFields(q.appt, spring)
	fields["start-time"] = "01:30"
	p := q.agent.staffPost(q.taskPath(""), q.taskPath("rebook"), fields)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("a time the clocks skip: %d", p.status)
	}
	mustContain(t, p, "There is a problem", "the clocks go forward an hour that night", `value="01:30"`)

	fields = rebookFields(q.appt, autumn)
	fields["start-time"] = "01:30"
	p = q.agent.staffPost(q.taskPath(""), q.taskPath("rebook"), fields)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("a time that happens twice: %d", p.status)
	}
	mustContain(t, p, "the clocks go back an hour that night", `name="which"`)
	fields["which"] = hub.SecondOccurrence
	p = q.agent.staffPost(q.taskPath(""), q.taskPath("rebook"), fields)
	if p.url != "/staff/queue" {
		t.Fatalf("with the second 1:30am chosen: at %s (%d)", p.url, p.status)
	}
	next, _ := q.st.AppointmentReplacing(context.Background(), q.patient.ID, q.appt.ID)
	want := time.Date(year, time.October, autumn.Day(), 1, 30, 0, 0, time.UTC)
	if !next.StartsAt.Equal(want) {
		t.Fatalf("the second 1:30am stored as %v, want %v", next.StartsAt, want)
	}
}

// lastSunday is the last Sunday of a month: the night the clocks change in March and October.
func lastSunday(year int, month time.Month) time.Time {
	d := time.Date(year, month+1, 0, 12, 0, 0, 0, hub.London)
	for d.Weekday() != time.Sunday {
		d = d.AddDate(0, 0, -1)
	}
	return d
}
