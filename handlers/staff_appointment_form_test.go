package handlers_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/patienthub/patienthub/hub"
	"github.com/patienthub/patienthub/store"
)

func TestAppointmentFormWithoutItsSequenceIsRefused(t *testing.T) {
	e := newEnv(t)
	p := e.addPatient("Amelia", "Clarke", "+447700900001", "", store.NewDate(1985, time.March, 14), "Cardiology")
	a := e.firstAppointment(p)
	if a.Sequence != 0 {
		t.Fatalf("a new appointment at sequence %d", a.Sequence)
	}
	e.addStaff("agent", hub.RoleAgent)
	b := e.browser()
	b.staffSignIn("agent")
	path := "/staff/appointments/" + strconv.FormatInt(a.ID, 10)
	for _, seq := range []string{"", "x", "-3"} {
		fields := map[string]string{"clinic": "Moved clinic", "kind": "phone", "minutes": "30"}
		if seq != "" {
			fields["sequence"] = seq
		}
		r := b.staffPost(path+"/edit", path, fields)
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("sequence %q: status %d at %s", seq, r.status, r.url)
		}
		mustContain(t, r, "This form did not say which version of the appointment it changes")
	}
	if got := e.appointmentNow(a.ID); got.Clinic != a.Clinic || got.Sequence != 0 {
		t.Fatalf("changed by a form without its sequence: %+v", got)
	}
}
