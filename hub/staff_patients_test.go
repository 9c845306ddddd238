package hub

import (
	"context"
	"database/sql"
	"testing"

	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

func TestStaffViewsOfPatientsAreInTheirTrails(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newPatientHubFixture(t, st)
		alex := addTestStaff(t, st, "alex", RoleAdmin)
		by := StaffActor(alex, "", "")
		if _, err := f.svc.StaffPatient(ctx, f.me.ID, "booking form", by); err != nil {
			t.Fatal(err)
		}
		if es := f.audits(t, "staff.patient.view"); len(es) != 1 || es[0].PatientID.Int64 != f.me.ID || es[0].Detail != "booking form" {
			t.Fatalf("view audits: %+v", es)
		}

		// A post-room batch file is in the trail of each patient whose letters it holds.
		var ids []int64
		for i, p := range []store.Patient{f.me, f.other, f.me} {
			n := store.Notification{PatientID: sql.NullInt64{Int64: p.ID, Valid: true}, Purpose: PurposePostalCopy,
				Channel: store.ChannelPost, IdempotencyKey: "batch-test-" + string(rune('a'+i)), Status: store.NotifySent}
			if _, err := st.EnqueueNotification(ctx, &n); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, n.ID)
		}
		batch := store.Job{Kind: store.JobPostroomBatch, Params: joinIDs(ids), TotalItems: len(ids)}
		export := store.Job{Kind: store.JobReportExport, Params: "7", TotalItems: 7}
		for _, j := range []*store.Job{&batch, &export} {
			if err := st.CreateJob(ctx, j); err != nil {
				t.Fatal(err)
			}
			if err := st.FinishJob(ctx, j.ID, "f", "application/pdf", []byte("%PDF"), f.now); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := f.svc.JobFile(ctx, batch.ID, store.JobPostroomBatch, by); err != nil {
			t.Fatal(err)
		}
		got := map[int64]int{}
		for _, e := range f.audits(t, "staff.job.download") {
			got[e.PatientID.Int64]++
		}
		if len(got) != 2 || got[f.me.ID] != 1 || got[f.other.ID] != 1 {
			t.Fatalf("batch download audited for patients %v, want each of %d and %d once", got, f.me.ID, f.other.ID)
		}
		if _, _, err := f.svc.JobFile(ctx, export.ID, store.JobReportExport, by); err != nil {
			t.Fatal(err)
		}
		if es := f.audits(t, "staff.job.download"); len(es) != 3 {
			t.Fatalf("a report export's download audited %d times, want once", len(es)-2)
		}
	})
}
