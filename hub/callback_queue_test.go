package hub

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

// askFor makes the fixture's patient ask to rebook or cancel their appointment and returns the task.
func (f *patientHubFixture) askFor(t *testing.T, action PatientAction) store.Task {
	t.Helper()
	ctx := context.Background()
	var err error
	if action == ActionRebook {
		_, err = f.svc.RequestRebook(ctx, f.me.ID, f.mine.ID, f.mine.Sequence, AppointmentRequest{}, f.by)
	} else {
		_, err = f.svc.RequestCancel(ctx, f.me.ID, f.mine.ID, f.mine.Sequence, AppointmentRequest{}, f.by)
	}
	if err != nil {
		t.Fatal(err)
	}
	task, err := f.st.LatestAppointmentTask(ctx, f.me.ID, f.mine.ID)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

func TestQueueLeavesStartedAppointmentsAlone(t *testing.T) {
	for _, c := range []struct {
		name   string
		asked  PatientAction
		finish func(s *Service, ctx context.Context, taskID, staffID int64, by Actor) error
	}{
		{"confirm a cancellation", ActionCancel, (*Service).ConfirmCancel},
		{"keep after a cancel request", ActionCancel, (*Service).KeepAppointment},
		{"keep after a rebook request", ActionRebook, (*Service).KeepAppointment},
	} {
		t.Run(c.name, func(t *testing.T) {
			storetest.ForEach(t, func(t *testing.T, st *store.Store) {
				ctx := context.Background()
				f := newPatientHubFixture(t, st)
				alex := addTestStaff(t, st, "alex", RoleAgent)
				task := f.askFor(t, c.asked)
				before, _ := st.Appointment(ctx, f.mine.ID)
				f.now = f.mine.StartsAt.Add(time.Minute)
				if err := c.finish(f.svc, ctx, task.ID, alex.ID, StaffActor(alex, "", "")); !errors.Is(err, ErrAppointmentPast) {
					t.Fatalf("on an appointment that has started: %v", err)
				}
				if got, _ := st.Appointment(ctx, f.mine.ID); got.Status != before.Status || got.Sequence != before.Sequence {
					t.Fatalf("the appointment changed: %s to %s", before.Status, got.Status)
				}
				if got, _ := st.Task(ctx, task.ID); got.Status != store.TaskOpen {
					t.Fatalf("the task changed: %+v", got)
				}
				f.now = f.mine.StartsAt.Add(-time.Minute)
				if err := c.finish(f.svc, ctx, task.ID, alex.ID, StaffActor(alex, "", "")); err != nil {
					t.Fatalf("a minute before it starts: %v", err)
				}
			})
		})
	}
}
