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

func newAppointment(t *testing.T, s *store.Store, p store.Patient, pas string, starts time.Time) store.Appointment {
	t.Helper()
	a := store.Appointment{PatientID: p.ID, ExternalID: pas, Clinic: "Clinic", StartsAt: starts, EndsAt: starts.Add(30 * time.Minute)}
	if err := s.CreateAppointment(context.Background(), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAppointmentResponseIsOptimistic(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		p := newPatient(t, s, "RA1", "+447700900001", "", store.NewDate(1980, 1, 1))
		a := newAppointment(t, s, p, "PAS-RA1", now.Add(48*time.Hour))

		ok, err := s.RecordAppointmentResponse(ctx, a.ID, store.StatusBooked, 0, store.StatusConfirmed, now)
		if err != nil || !ok {
			t.Fatalf("first response: %v %v", ok, err)
		}
		// The same change again, from the page as it was: nothing happens.
		if ok, err := s.RecordAppointmentResponse(ctx, a.ID, store.StatusBooked, 0, store.StatusConfirmed, now); err != nil || ok {
			t.Fatalf("stale response: %v %v", ok, err)
		}
		got, _ := s.Appointment(ctx, a.ID)
		if got.Status != store.StatusConfirmed || got.Sequence != 1 || !got.RespondedAt.Time.Equal(now) || !got.StatusChangedAt.Time.Equal(now) {
			t.Fatalf("after the response: %+v", got)
		}

		next := store.Appointment{PatientID: p.ID, ExternalID: "PAS-RA1-2", Clinic: "Clinic", StartsAt: now.Add(96 * time.Hour),
			EndsAt: now.Add(97 * time.Hour), PreviousAppointmentID: sql.NullInt64{Int64: a.ID, Valid: true}}
		if err := s.CreateAppointment(ctx, &next); err != nil {
			t.Fatal(err)
		}
		if r, err := s.AppointmentReplacing(ctx, p.ID, a.ID); err != nil || r.ID != next.ID {
			t.Fatalf("replacing: %v %+v", err, r)
		}
		if _, err := s.AppointmentReplacing(ctx, p.ID+1, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("replacing, another patient: %v", err)
		}
		if _, err := s.AppointmentReplacing(ctx, p.ID, next.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("nothing replaces the new appointment: %v", err)
		}
	})
}

func TestTasks(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		p := newPatient(t, s, "TK1", "+447700900001", "", store.NewDate(1980, 1, 1))
		a := newAppointment(t, s, p, "PAS-TK1", now.Add(48*time.Hour))
		task := store.Task{PatientID: p.ID, AppointmentID: sql.NullInt64{Int64: a.ID, Valid: true}, Kind: store.TaskRebook,
			PatientNote: "Away", CallbackTimes: "Mornings", CreatedAt: now}
		if err := s.CreateTask(ctx, &task); err != nil || task.ID == 0 {
			t.Fatalf("create: %v", err)
		}
		again := task
		again.ID = 0
		if err := s.CreateTask(ctx, &again); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a second open rebook task: %v", err)
		}
		cancel := store.Task{PatientID: p.ID, AppointmentID: task.AppointmentID, Kind: store.TaskCancel, CreatedAt: now.Add(time.Minute)}
		if err := s.CreateTask(ctx, &cancel); err != nil {
			t.Fatalf("a cancel task beside the rebook task: %v", err)
		}
		latest, err := s.LatestAppointmentTask(ctx, p.ID, a.ID)
		if err != nil || latest.ID != cancel.ID || latest.Status != store.TaskOpen {
			t.Fatalf("latest: %v %+v", err, latest)
		}
		got, err := s.Task(ctx, task.ID)
		if err != nil || got.PatientNote != "Away" || got.CallbackTimes != "Mornings" || !got.CreatedAt.Equal(now) {
			t.Fatalf("task: %v %+v", err, got)
		}
		if _, err := s.LatestAppointmentTask(ctx, p.ID+1, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another patient's task: %v", err)
		}
		if ts, err := s.TasksForPatient(ctx, p.ID); err != nil || len(ts) != 2 {
			t.Fatalf("tasks: %v %d", err, len(ts))
		}
		// Once done, the same request may be made again.
		if _, err := s.DB().Exec(s.DB().Rebind(`UPDATE tasks SET status = 'done' WHERE id = ?`), task.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateTask(ctx, &again); err != nil {
			t.Fatalf("a new rebook task after the first is done: %v", err)
		}
	})
}

func TestLettersAndMessagesViewed(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		p := newPatient(t, s, "LV1", "+447700900001", "", store.NewDate(1980, 1, 1))
		a := newAppointment(t, s, p, "PAS-LV1", now.Add(48*time.Hour))
		l := store.Letter{PatientID: p.ID, AppointmentID: sql.NullInt64{Int64: a.ID, Valid: true}, Title: "Letter"}
		if err := s.CreateLetter(ctx, &l, store.LetterFile{Filename: "a.pdf", ContentType: "application/pdf", Data: []byte("%PDF")}); err != nil {
			t.Fatal(err)
		}
		other := store.Letter{PatientID: p.ID, Title: "Leaflet"}
		if err := s.CreateLetter(ctx, &other, store.LetterFile{Filename: "b.pdf", ContentType: "application/pdf", Data: []byte("%PDF")}); err != nil {
			t.Fatal(err)
		}
		ls, err := s.LettersForAppointment(ctx, p.ID, a.ID)
		if err != nil || len(ls) != 1 || ls[0].ID != l.ID {
			t.Fatalf("letters of the appointment: %v %+v", err, ls)
		}
		if ls, _ := s.LettersForAppointment(ctx, p.ID+1, a.ID); len(ls) != 0 {
			t.Fatal("another patient sees the letters")
		}
		if first, err := s.MarkLetterViewed(ctx, l.ID, now); err != nil || !first {
			t.Fatalf("first view: %v %v", first, err)
		}
		if first, err := s.MarkLetterViewed(ctx, l.ID, now.Add(time.Hour)); err != nil || first {
			t.Fatalf("second view: %v %v", first, err)
		}
		if got, _ := s.Letter(ctx, l.ID); !got.FirstViewedAt.Time.Equal(now) {
			t.Fatalf("first viewed at %v", got.FirstViewedAt)
		}

		m := store.Message{PatientID: p.ID, Subject: "S", Body: "B"}
		if err := s.CreateMessage(ctx, &m); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Message(ctx, m.ID+100); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing message: %v", err)
		}
		if first, err := s.MarkMessageRead(ctx, m.ID, now); err != nil || !first {
			t.Fatalf("first read: %v %v", first, err)
		}
		if first, _ := s.MarkMessageRead(ctx, m.ID, now.Add(time.Hour)); first {
			t.Fatal("read twice")
		}
		if got, err := s.Message(ctx, m.ID); err != nil || !got.ReadAt.Time.Equal(now) || got.Body != "B" {
			t.Fatalf("message: %v %+v", err, got)
		}
	})
}

func TestPreferencesAndOptOut(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		p := newPatient(t, s, "PO1", "+447700900001", "po@example.com", store.NewDate(1980, 1, 1))
		other := newPatient(t, s, "PO2", "+447700900002", "", store.NewDate(1980, 1, 1))
		if err := s.SetPreferredChannel(ctx, p.ID, store.ChannelEmail, now); err != nil {
			t.Fatal(err)
		}
		if err := s.SetPreferredChannel(ctx, 999999, store.ChannelEmail, now); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing patient: %v", err)
		}
		for i, pid := range []int64{p.ID, p.ID, p.ID, p.ID, other.ID} {
			ch := []store.Channel{store.ChannelSMS, store.ChannelEmail, store.ChannelPush, store.ChannelPost, store.ChannelSMS}[i]
			n := store.Notification{PatientID: sql.NullInt64{Int64: pid, Valid: true}, Purpose: "reminder_1", Channel: ch,
				IdempotencyKey: "k" + string(rune('a'+i)), CreatedAt: now}
			if _, err := s.EnqueueNotification(ctx, &n); err != nil {
				t.Fatal(err)
			}
		}
		if ok, err := s.SetOptedOut(ctx, p.ID, now); err != nil || !ok {
			t.Fatalf("opt out: %v %v", ok, err)
		}
		if ok, _ := s.SetOptedOut(ctx, p.ID, now.Add(time.Hour)); ok {
			t.Fatal("opted out twice")
		}
		got, _ := s.Patient(ctx, p.ID)
		if !got.OptedOut() || !got.OptedOutAt.Time.Equal(now) || got.PreferredChannel != store.ChannelEmail {
			t.Fatalf("patient: %+v", got)
		}
		if n, err := s.CancelPendingDigitalNotifications(ctx, p.ID, now); err != nil || n != 3 {
			t.Fatalf("cancelled %d: %v", n, err)
		}
		ns, _ := s.NotificationsForPatient(ctx, p.ID)
		for _, n := range ns {
			if want := map[store.Channel]string{"post": "pending"}[n.Channel]; want == "" && n.Status != "cancelled" || want != "" && n.Status != want {
				t.Errorf("%s notification is %s", n.Channel, n.Status)
			}
		}
		if ns, _ := s.NotificationsForPatient(ctx, other.ID); ns[0].Status != "pending" {
			t.Error("another patient's notification was cancelled")
		}
		if ok, err := s.ClearOptedOut(ctx, p.ID, now); err != nil || !ok {
			t.Fatalf("opt in: %v %v", ok, err)
		}
		if ok, _ := s.ClearOptedOut(ctx, p.ID, now); ok {
			t.Fatal("opted in twice")
		}
	})
}
