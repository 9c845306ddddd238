package hub

import (
	"context"
	"errors"
	"testing"

	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

// refuseNewTasks makes the database refuse every new task until the returned func is called.
func refuseNewTasks(t *testing.T, st *store.Store) (allow func()) {
	t.Helper()
	stmts := []string{`CREATE TRIGGER refuse_tasks BEFORE INSERT ON tasks BEGIN SELECT RAISE(ABORT, 'no new tasks'); END`}
	undo := []string{`DROP TRIGGER refuse_tasks`}
	if st.Dialect() == store.Postgres {
		stmts = []string{
			`CREATE FUNCTION refuse_tasks() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no new tasks'; END $$`,
			`CREATE TRIGGER refuse_tasks BEFORE INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION refuse_tasks()`,
		}
		undo = []string{`DROP TRIGGER refuse_tasks ON tasks`, `DROP FUNCTION refuse_tasks()`}
	}
	run := func(stmts []string) {
		for _, s := range stmts {
			if _, err := st.DB().Exec(s); err != nil {
				t.Fatal(err)
			}
		}
	}
	run(stmts)
	return func() { run(undo) }
}

func TestStaffOptOutIsOneTransaction(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newPatientHubFixture(t, st)
		alex := addTestStaff(t, st, "alex", RoleAgent)
		by := StaffActor(alex, "", "")
		allow := refuseNewTasks(t, st)
		if err := f.svc.StaffOptOut(ctx, f.me.ID, OptOutByForm, by); err == nil {
			t.Fatal("the opt-out went through without its form's task")
		}
		if p, _ := st.Patient(ctx, f.me.ID); p.OptedOut() {
			t.Fatal("the patient was opted out although recording the form failed")
		}
		if n := len(f.audits(t, "preferences.opt_out")); n != 0 {
			t.Fatalf("%d opt-outs audited for a change that did not happen", n)
		}
		allow()
		if err := f.svc.StaffOptOut(ctx, f.me.ID, OptOutByForm, by); err != nil {
			t.Fatal(err)
		}
		if p, _ := st.Patient(ctx, f.me.ID); !p.OptedOut() {
			t.Fatal("not opted out")
		}
		ts, _ := st.TasksForPatient(ctx, f.me.ID)
		if len(ts) != 1 || ts[0].Kind != store.TaskOptOutForm || ts[0].Status != store.TaskDone {
			t.Fatalf("tasks: %+v", ts)
		}
		if len(f.audits(t, "preferences.opt_out")) != 1 || len(f.audits(t, "staff.opt_out")) != 1 {
			t.Fatal("the opt-out is not audited once")
		}
		if err := f.svc.StaffOptOut(ctx, f.me.ID, OptOutByPhone, by); !errors.Is(err, ErrOptedOutAlready) {
			t.Fatalf("opting out twice: %v", err)
		}
		if len(f.audits(t, "staff.opt_out")) != 1 {
			t.Fatal("a refused opt-out was audited")
		}
	})
}
