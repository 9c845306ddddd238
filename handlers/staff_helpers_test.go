package handlers_test

import (
	"context"
	"net/http"
	"strings"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

// staffPassword is the password of every staff account the tests make.
const staffPassword = "correct horse battery staple"

// addStaff creates a staff account with staffPassword.
func (e *testEnv) addStaff(username, role string) store.Staff {
	e.t.Helper()
	hash, err := hub.HashPassword(staffPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	name := strings.ToUpper(username[:1]) + username[1:] + " Tester"
	st := store.Staff{Username: username, Name: name, Role: role, PasswordHash: hash}
	if err := e.st.CreateStaff(context.Background(), &st); err != nil {
		e.t.Fatal(err)
	}
	return st
}

// staffSignIn signs the browser in to the console and returns the page it lands on.
func (b *browser) staffSignIn(username string) pageResult {
	b.e.t.Helper()
	p := b.submit("/staff", "/staff", map[string]string{"username": username, "password": staffPassword})
	if p.status != http.StatusOK || p.url == "/staff" {
		b.e.t.Fatalf("signing in %s: at %s (status %d):\n%s", username, p.url, p.status, p.body)
	}
	return p
}

// staffPost posts fields to action with the CSRF token of formPage, like a person pressing a button there.
func (b *browser) staffPost(formPage, action string, fields map[string]string) pageResult {
	b.e.t.Helper()
	return b.submit(formPage, action, fields)
}

// auditActions lists the actions of a patient's audit trail, newest first.
func (e *testEnv) auditActions(patientID int64) []string {
	e.t.Helper()
	es, err := e.st.AuditForPatient(context.Background(), patientID, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	out := make([]string, len(es))
	for i, ev := range es {
		out[i] = ev.Action
	}
	return out
}

func hasString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// firstAppointment returns a patient's only upcoming appointment.
func (e *testEnv) firstAppointment(p store.Patient) store.Appointment {
	e.t.Helper()
	as, err := e.st.UpcomingAppointments(context.Background(), p.ID, e.clock.Now())
	if err != nil || len(as) == 0 {
		e.t.Fatalf("no appointment for %s: %v", p.FullName(), err)
	}
	return as[0]
}

// patientAsks makes the patient ask to rebook or cancel their appointment and returns the task.
func (e *testEnv) patientAsks(p store.Patient, a store.Appointment, action hub.PatientAction, reason string) store.Task {
	e.t.Helper()
	ctx := context.Background()
	by := hub.Actor{Kind: "patient", ID: "p"}
	req := hub.AppointmentRequest{Reason: reason, CallbackTimes: []string{"morning"}}
	var err error
	if action == hub.ActionRebook {
		_, err = e.svc.RequestRebook(ctx, p.ID, a.ID, a.Sequence, req, by)
	} else {
		_, err = e.svc.RequestCancel(ctx, p.ID, a.ID, a.Sequence, req, by)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	t, err := e.st.LatestAppointmentTask(ctx, p.ID, a.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return t
}

// notificationsOf lists the purposes of a patient's notifications, newest first.
func (e *testEnv) notificationsOf(patientID int64) []string {
	e.t.Helper()
	ns, err := e.st.NotificationsForPatient(context.Background(), patientID)
	if err != nil {
		e.t.Fatal(err)
	}
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Purpose + ":" + string(n.Channel)
	}
	return out
}
