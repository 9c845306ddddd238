package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

func TestStaffLockoutAndAccounts(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		st := store.Staff{Username: "alice", Name: "Alice", Role: "agent", PasswordHash: "h"}
		if err := s.CreateStaff(ctx, &st); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 2; i++ {
			got, ok, err := s.StaffLoginAttempt(ctx, st.ID, 3, now.Add(time.Hour), now)
			if err != nil || !ok || got.LockedUntil.Valid || got.FailedLogins != i || got.PasswordHash != "h" {
				t.Fatalf("attempt %d: %+v %v %v", i, got, ok, err)
			}
		}
		got, ok, err := s.StaffLoginAttempt(ctx, st.ID, 3, now.Add(time.Hour), now)
		if err != nil || !ok || !got.LockedUntil.Valid || !got.LockedUntil.Time.Equal(now.Add(time.Hour)) || got.FailedLogins != 0 {
			t.Fatalf("third attempt: %+v %v %v", got, ok, err)
		}
		// While locked, an attempt is refused and changes nothing.
		if _, ok, err := s.StaffLoginAttempt(ctx, st.ID, 3, now.Add(2*time.Hour), now.Add(time.Minute)); err != nil || ok {
			t.Fatalf("attempt while locked: %v %v", ok, err)
		}
		if got, _ := s.StaffByID(ctx, st.ID); !got.LockedUntil.Time.Equal(now.Add(time.Hour)) || got.FailedLogins != 0 {
			t.Fatalf("after a refused attempt: %+v", got)
		}
		// Once the lock has passed, attempts count again from one.
		if got, ok, _ := s.StaffLoginAttempt(ctx, st.ID, 3, now.Add(3*time.Hour), now.Add(time.Hour)); !ok || got.LockedUntil.Valid || got.FailedLogins != 1 {
			t.Fatalf("attempt after the lock: %+v %v", got, ok)
		}
		if _, _, err := s.StaffLoginAttempt(ctx, 999, 3, now, now); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("attempt on missing staff: %v", err)
		}
		if err := s.StaffLoginSucceeded(ctx, st.ID, now); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.StaffByID(ctx, st.ID); got.LockedUntil.Valid {
			t.Fatalf("still locked: %+v", got)
		}
		st.Role, st.Disabled = "admin", true
		if err := s.UpdateStaff(ctx, st, now); err != nil {
			t.Fatal(err)
		}
		if err := s.SetStaffPassword(ctx, st.ID, "h2", now); err != nil {
			t.Fatal(err)
		}
		list, err := s.ListStaff(ctx)
		if err != nil || len(list) != 1 || list[0].Role != "admin" || !list[0].Disabled || list[0].PasswordHash != "h2" {
			t.Fatalf("list: %v %+v", err, list)
		}
		if err := s.UpdateStaff(ctx, store.Staff{ID: 999, Role: "agent"}, now); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("update missing staff: %v", err)
		}
	})
}

func TestCallbackQueueAndJobs(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		p := newPatient(t, s, "RQ1", "+447700900001", "", store.NewDate(1985, 3, 14))
		a := store.Appointment{PatientID: p.ID, ExternalID: "Q1", Clinic: "Cardiology", StartsAt: now.Add(48 * time.Hour), EndsAt: now.Add(49 * time.Hour)}
		if err := s.CreateAppointment(ctx, &a); err != nil {
			t.Fatal(err)
		}
		agent := store.Staff{Username: "agent", Name: "Alex Agent", Role: "agent", PasswordHash: "h"}
		other := store.Staff{Username: "other", Name: "Olly Other", Role: "agent", PasswordHash: "h"}
		for _, st := range []*store.Staff{&agent, &other} {
			if err := s.CreateStaff(ctx, st); err != nil {
				t.Fatal(err)
			}
		}
		older := store.Task{PatientID: p.ID, AppointmentID: sql.NullInt64{Int64: a.ID, Valid: true}, Kind: store.TaskRebook,
			PatientNote: "away", CallbackTimes: "mornings", CreatedAt: now.Add(-48 * time.Hour)}
		newer := store.Task{PatientID: p.ID, Kind: store.TaskContactFix, CreatedAt: now.Add(-time.Hour)}
		for _, tk := range []*store.Task{&newer, &older} {
			if err := s.CreateTask(ctx, tk); err != nil {
				t.Fatal(err)
			}
		}
		q, err := s.CallbackQueue(ctx, 10)
		if err != nil || len(q) != 2 || q[0].ID != older.ID || q[0].PatientName != "Test RQ1" || q[0].Clinic.String != "Cardiology" {
			t.Fatalf("queue: %v %+v", err, q)
		}
		if ok, err := s.ClaimTask(ctx, older.ID, agent.ID, false, now); err != nil || !ok {
			t.Fatalf("claim: %v %v", ok, err)
		}
		if ok, _ := s.ClaimTask(ctx, older.ID, other.ID, false, now); ok {
			t.Fatal("another agent claimed a task already held")
		}
		c := store.CallAttempt{TaskID: older.ID, StaffID: sql.NullInt64{Int64: agent.ID, Valid: true}, Outcome: store.CallNoAnswer, CreatedAt: now}
		if err := s.AddCallAttempt(ctx, &c); err != nil {
			t.Fatal(err)
		}
		it, err := s.QueueItem(ctx, older.ID)
		if err != nil || it.AssignedName.String != "Alex Agent" || it.CallAttempts != 1 || it.Status != store.TaskInProgress {
			t.Fatalf("item: %v %+v", err, it)
		}
		calls, _ := s.CallAttempts(ctx, older.ID)
		if len(calls) != 1 || calls[0].StaffName.String != "Alex Agent" {
			t.Fatalf("calls: %+v", calls)
		}
		if ok, _ := s.ClaimTask(ctx, older.ID, other.ID, true, now); !ok {
			t.Fatal("take over refused")
		}
		if ok, _ := s.ReleaseTask(ctx, older.ID, agent.ID, now); ok {
			t.Fatal("released for an agent who no longer holds the task")
		}
		if ok, _ := s.ReleaseTask(ctx, older.ID, other.ID, now); !ok {
			t.Fatal("release refused")
		}
		if ok, _ := s.ReleaseTask(ctx, older.ID, other.ID, now); ok {
			t.Fatal("released a task nobody holds")
		}
		if ok, _ := s.FinishTask(ctx, older.ID, "Rebooked", now); !ok {
			t.Fatal("finish refused")
		}
		if ok, _ := s.FinishTask(ctx, older.ID, "again", now); ok {
			t.Fatal("finished twice")
		}
		if q, _ := s.CallbackQueue(ctx, 10); len(q) != 1 || q[0].ID != newer.ID {
			t.Fatalf("queue after done: %+v", q)
		}

		a2 := a
		a2.Clinic, a2.StartsAt, a2.EndsAt = "Cardiology 2", a.StartsAt.Add(time.Hour), a.EndsAt.Add(time.Hour)
		if ok, err := s.UpdateAppointmentDetails(ctx, a2, now); err != nil || !ok {
			t.Fatalf("update appointment: %v %v", ok, err)
		}
		if ok, _ := s.UpdateAppointmentDetails(ctx, a2, now); ok {
			t.Fatal("stale sequence accepted")
		}
		if ok, _ := s.SetAppointmentStatus(ctx, a.ID, store.StatusBooked, 1, store.StatusCancelled, now); !ok {
			t.Fatal("status change refused")
		}
		all, _ := s.AppointmentsOfPatient(ctx, p.ID)
		if len(all) != 1 || all[0].Sequence != 2 || all[0].Status != store.StatusCancelled || all[0].Clinic != "Cardiology 2" {
			t.Fatalf("appointments: %+v", all)
		}

		j := store.Job{Kind: store.JobReportExport, StaffID: sql.NullInt64{Int64: agent.ID, Valid: true}, TotalItems: 3}
		if err := s.CreateJob(ctx, &j); err != nil {
			t.Fatal(err)
		}
		if err := s.JobProgress(ctx, j.ID, 2, 3, now); err != nil {
			t.Fatal(err)
		}
		if _, err := s.JobResult(ctx, j.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("result of a running job: %v", err)
		}
		if err := s.FinishJob(ctx, j.ID, "r.csv", "text/csv", []byte("a,b"), now); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Job(ctx, j.ID)
		data, _ := s.JobResult(ctx, j.ID)
		if got.Status != store.JobDone || got.DoneItems != 3 || string(data) != "a,b" {
			t.Fatalf("job: %+v %q", got, data)
		}
		if js, _ := s.RecentJobs(ctx, store.JobReportExport, 5); len(js) != 1 {
			t.Fatalf("recent jobs: %+v", js)
		}
		stale := store.Job{Kind: store.JobPostroomBatch, CreatedAt: now.Add(-time.Hour)}
		s.CreateJob(ctx, &stale)
		if n, _ := s.FailStaleJobs(ctx, now.Add(-10*time.Minute), "stopped", now); n != 1 {
			t.Fatalf("stale jobs failed: %d", n)
		}
	})
}

func TestPatientSearchAndDashboardCounts(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Microsecond)
		dob := store.NewDate(1985, 3, 14)
		p := store.Patient{HospitalNumber: "RR123", GivenName: "Amelia", FamilyName: "Clarke", DateOfBirth: dob,
			NHSNumber: sql.NullString{String: "9992345616", Valid: true}, VerificationCode: "V1"}
		if err := s.CreatePatient(ctx, &p); err != nil {
			t.Fatal(err)
		}
		u := store.Patient{HospitalNumber: "RR124", GivenName: "A_b", FamilyName: "Clarke", DateOfBirth: dob, VerificationCode: "V2"}
		s.CreatePatient(ctx, &u)
		if ps, _ := s.PatientsByHospitalNumber(ctx, "rr123"); len(ps) != 1 || ps[0].ID != p.ID {
			t.Fatalf("by hospital number: %+v", ps)
		}
		if ps, _ := s.PatientsByNHSNumber(ctx, "9992345616"); len(ps) != 1 {
			t.Fatalf("by NHS number: %+v", ps)
		}
		if ps, _ := s.PatientsByNameAndBirth(ctx, "CLARKE", "", dob); len(ps) != 2 {
			t.Fatalf("by name: %+v", ps)
		}
		if ps, _ := s.PatientsByNameAndBirth(ctx, "clarke", "am", dob); len(ps) != 1 || ps[0].ID != p.ID {
			t.Fatalf("by name and given prefix: %+v", ps)
		}
		if ps, _ := s.PatientsByNameAndBirth(ctx, "clarke", "A_", dob); len(ps) != 1 || ps[0].ID != u.ID {
			t.Fatalf("a LIKE wildcard typed by staff matched as a wildcard: %+v", ps)
		}

		read := store.Letter{PatientID: p.ID, Title: "r", CreatedAt: now.Add(-time.Hour), FirstViewedAt: sql.NullTime{Time: now, Valid: true}}
		posted := store.Letter{PatientID: p.ID, Title: "p", CreatedAt: now.Add(-time.Hour), PostedAt: sql.NullTime{Time: now, Valid: true}}
		waiting := store.Letter{PatientID: p.ID, Title: "w", CreatedAt: now.Add(-time.Hour)}
		for _, l := range []*store.Letter{&read, &posted, &waiting} {
			if err := s.CreateLetter(ctx, l, store.LetterFile{Filename: "x.pdf", ContentType: "application/pdf", Data: []byte("%PDF")}); err != nil {
				t.Fatal(err)
			}
		}
		lc, err := s.LetterCounts(ctx, now.Add(-24*time.Hour), now.Add(time.Minute))
		if err != nil || lc.Total != 3 || lc.ReadOnline != 1 || lc.Posted != 1 {
			t.Fatalf("letter counts: %v %+v", err, lc)
		}
		if lc, _ := s.LetterCounts(ctx, now.Add(time.Hour), now.Add(2*time.Hour)); lc.Total != 0 {
			t.Fatalf("empty period: %+v", lc)
		}
		a := store.Appointment{PatientID: p.ID, ExternalID: "D1", Clinic: "C", StartsAt: now, EndsAt: now,
			Status: store.StatusConfirmed, RespondedAt: sql.NullTime{Time: now, Valid: true}, CreatedAt: now.Add(-time.Hour)}
		b := store.Appointment{PatientID: p.ID, ExternalID: "D2", Clinic: "C", StartsAt: now, EndsAt: now, CreatedAt: now.Add(-time.Hour)}
		s.CreateAppointment(ctx, &a)
		s.CreateAppointment(ctx, &b)
		sc, err := s.AppointmentStatusCounts(ctx, now.Add(-24*time.Hour), now.Add(time.Minute))
		if err != nil || len(sc) != 2 || sc[0].Status != store.StatusBooked || sc[0].Responded || !sc[1].Responded {
			t.Fatalf("status counts: %v %+v", err, sc)
		}
		tk := store.Task{PatientID: p.ID, Kind: store.TaskCancel, CreatedAt: now.Add(-time.Hour)}
		s.CreateTask(ctx, &tk)
		s.FinishTask(ctx, tk.ID, "done", now)
		tt, err := s.TaskTimings(ctx, now.Add(-24*time.Hour), now.Add(time.Minute))
		if err != nil || len(tt) != 1 || !tt[0].DoneAt.Valid || tt[0].DoneAt.Time.Sub(tt[0].CreatedAt) != time.Hour {
			t.Fatalf("task timings: %v %+v", err, tt)
		}
		n := store.Notification{Purpose: "invite", Channel: store.ChannelSMS, IdempotencyKey: "k", Status: store.NotifyFailed, CreatedAt: now}
		s.EnqueueNotification(ctx, &n)
		dc, err := s.DeliveryCounts(ctx, now.Add(-time.Hour), now.Add(time.Minute))
		if err != nil || len(dc) != 1 || dc[0].Channel != store.ChannelSMS || dc[0].Status != store.NotifyFailed || dc[0].N != 1 {
			t.Fatalf("delivery counts: %v %+v", err, dc)
		}
	})
}
