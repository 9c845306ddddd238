package hub

import (
	"context"
	"errors"
	"testing"

	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

func TestReleaseTaskNeedsTheHolderOrATakeOver(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newPatientHubFixture(t, st)
		alex, sam := addTestStaff(t, st, "alex", RoleAgent), addTestStaff(t, st, "sam", RoleAgent)
		task := f.askFor(t, ActionRebook)
		if err := f.svc.ReleaseTask(ctx, task.ID, alex.ID, false, StaffActor(alex, "", "")); !errors.Is(err, ErrTaskNotHeld) {
			t.Fatalf("releasing a task nobody holds: %v", err)
		}
		if err := f.svc.ClaimTask(ctx, task.ID, alex.ID, false, StaffActor(alex, "", "")); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.ReleaseTask(ctx, task.ID, sam.ID, false, StaffActor(sam, "", "")); !errors.Is(err, ErrTaskHeld) {
			t.Fatalf("releasing someone else's task without taking it over: %v", err)
		}
		if got, _ := st.Task(ctx, task.ID); got.AssignedStaffID.Int64 != alex.ID || got.Status != store.TaskInProgress {
			t.Fatalf("a refused release changed the task: %+v", got)
		}
		if err := f.svc.ReleaseTask(ctx, task.ID, sam.ID, true, StaffActor(sam, "", "")); err != nil {
			t.Fatalf("releasing someone else's task, taking it over: %v", err)
		}
		if got, _ := st.Task(ctx, task.ID); got.AssignedStaffID.Valid || got.Status != store.TaskOpen {
			t.Fatalf("after release: %+v", got)
		}
		if err := f.svc.ReleaseTask(ctx, task.ID, alex.ID, false, StaffActor(alex, "", "")); !errors.Is(err, ErrTaskNotHeld) {
			t.Fatalf("releasing it again: %v", err)
		}
		es := f.audits(t, "task.release")
		if len(es) != 1 || es[0].Detail != "taken from staff "+StaffActor(alex, "", "").ID {
			t.Fatalf("release audits: %+v", es)
		}
	})
}
