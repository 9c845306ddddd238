package hub

import (
	"context"
	"errors"
	"testing"

	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

func TestChangeAppointmentNeedsTheFormsSequence(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newPatientHubFixture(t, st)
		alex := addTestStaff(t, st, "alex", RoleAgent)
		form := FormOf(f.mine)
		form.Kind, form.Clinic = "phone", "Phone clinic"
		if f.mine.Sequence != 0 {
			t.Fatalf("the fixture's appointment is at sequence %d", f.mine.Sequence)
		}
		if _, err := f.svc.ChangeAppointment(ctx, f.mine.ID, -1, form, StaffActor(alex, "", "")); !errors.Is(err, ErrAppointmentForm) {
			t.Fatalf("a form without its sequence: %v", err)
		}
		if got, _ := st.Appointment(ctx, f.mine.ID); got.Clinic != f.mine.Clinic || got.Sequence != 0 {
			t.Fatalf("changed without a sequence: %+v", got)
		}
		if a, err := f.svc.ChangeAppointment(ctx, f.mine.ID, 0, form, StaffActor(alex, "", "")); err != nil || a.Clinic != "Phone clinic" {
			t.Fatalf("with the form's sequence: %v %+v", err, a)
		}
	})
}
