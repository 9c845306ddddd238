package hub

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

// patientHubFixture is a service on a real database with two patients, each with one upcoming
// appointment, a letter and a message.
type patientHubFixture struct {
	svc          *Service
	st           *store.Store
	now          time.Time
	me, other    store.Patient
	mine, theirs store.Appointment
	by           Actor
}

func newPatientHubFixture(t *testing.T, st *store.Store) *patientHubFixture {
	t.Helper()
	ctx := context.Background()
	f := &patientHubFixture{st: st, now: time.Date(2027, time.March, 10, 9, 0, 0, 0, time.UTC)}
	f.svc = New(st, Config{SecretKey: strings.Repeat("k", 32), PublicURL: "http://localhost", HospitalName: "Test"}, nil, nil)
	f.svc.Now = func() time.Time { return f.now }
	add := func(mrn, mobile, email string) (store.Patient, store.Appointment) {
		p := store.Patient{HospitalNumber: mrn, GivenName: "Pat", FamilyName: mrn, DateOfBirth: store.NewDate(1980, 1, 2), VerificationCode: "VC" + mrn}
		if mobile != "" {
			p.Mobile = sql.NullString{String: mobile, Valid: true}
		}
		if email != "" {
			p.Email = sql.NullString{String: email, Valid: true}
		}
		if err := st.CreatePatient(ctx, &p); err != nil {
			t.Fatal(err)
		}
		a := store.Appointment{PatientID: p.ID, ExternalID: "PAS-" + mrn, Clinic: "Clinic " + mrn,
			StartsAt: f.now.Add(72 * time.Hour), EndsAt: f.now.Add(73 * time.Hour)}
		if err := st.CreateAppointment(ctx, &a); err != nil {
			t.Fatal(err)
		}
		return p, a
	}
	f.me, f.mine = add("ME1", "+447700900001", "")
	f.other, f.theirs = add("OTHER1", "+447700900009", "other@example.com")
	f.by = Actor{Kind: "patient", ID: "me"}
	return f
}

// fresh reads a patient again, as every request does with its session.
func (f *patientHubFixture) fresh(t *testing.T, id int64) store.Patient {
	t.Helper()
	p, err := f.st.Patient(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *patientHubFixture) audits(t *testing.T, action string) []store.AuditEvent {
	t.Helper()
	es, err := f.st.AuditByAction(context.Background(), action)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestConfirmRebookCancelUseCases(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newPatientHubFixture(t, st)

		a, err := f.svc.ConfirmAppointment(ctx, f.me.ID, f.mine.ID, 0, f.by)
		if err != nil || a.Status != store.StatusConfirmed || a.Sequence != 1 || !a.RespondedAt.Valid {
			t.Fatalf("confirm: %v %+v", err, a)
		}
		// The same page submitted again: nothing changes twice, and the message says why.
		if _, err := f.svc.ConfirmAppointment(ctx, f.me.ID, f.mine.ID, 0, f.by); !errors.Is(err, ErrAlreadyConfirmed) {
			t.Fatalf("second confirm: %v", err)
		}
		if got, _ := st.Appointment(ctx, f.mine.ID); got.Sequence != 1 {
			t.Fatalf("the second confirm bumped the sequence to %d", got.Sequence)
		}

		// A confirmed appointment can still be rebooked; a stale sequence is refused.
		req := AppointmentRequest{Reason: "  I am away that week  ", CallbackTimes: []string{"evening", "morning"}}
		if _, err := f.svc.RequestRebook(ctx, f.me.ID, f.mine.ID, 0, req, f.by); !errors.Is(err, ErrAppointmentChanged) {
			t.Fatalf("rebook with a stale sequence: %v", err)
		}
		a, err = f.svc.RequestRebook(ctx, f.me.ID, f.mine.ID, 1, req, f.by)
		if err != nil || a.Status != store.StatusRebookRequested || a.Sequence != 2 {
			t.Fatalf("rebook: %v %+v", err, a)
		}
		task, err := st.LatestAppointmentTask(ctx, f.me.ID, f.mine.ID)
		if err != nil || task.Kind != store.TaskRebook || task.Status != store.TaskOpen || task.PatientNote != "I am away that week" ||
			task.CallbackTimes != "Mornings (8am to midday); Early evenings (5pm to 7pm)" {
			t.Fatalf("rebook task: %v %+v", err, task)
		}
		if _, err := f.svc.RequestCancel(ctx, f.me.ID, f.mine.ID, 2, AppointmentRequest{}, f.by); !errors.Is(err, ErrRebookPending) {
			t.Fatalf("cancel while a rebook is pending: %v", err)
		}
		if ts, _ := st.TasksForPatient(ctx, f.me.ID); len(ts) != 1 {
			t.Fatalf("%d tasks, want 1", len(ts))
		}
		if n := len(f.audits(t, "appointment.confirm")) + len(f.audits(t, "appointment.rebook")); n != 2 {
			t.Errorf("%d action audit events, want 2", n)
		}
		if n := len(f.audits(t, "appointment.confirm.refused")) + len(f.audits(t, "appointment.rebook.refused")) +
			len(f.audits(t, "appointment.cancel.refused")); n != 3 {
			t.Errorf("%d refusal audit events, want 3", n)
		}

		// Cancelling the other patient's appointment: not found, audited, nothing changed.
		if _, err := f.svc.RequestCancel(ctx, f.me.ID, f.theirs.ID, 0, AppointmentRequest{}, f.by); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("cancelling another patient's appointment: %v", err)
		}
		if got, _ := st.Appointment(ctx, f.theirs.ID); got.Status != store.StatusBooked || got.Sequence != 0 {
			t.Fatalf("another patient's appointment changed: %+v", got)
		}
		denied := f.audits(t, "access.denied")
		if len(denied) != 1 || denied[0].PatientID.Int64 != f.other.ID || denied[0].ActorID != "me" {
			t.Fatalf("access.denied events: %+v", denied)
		}

		// Cancel the other patient's own appointment, as them: a cancel task.
		a, err = f.svc.RequestCancel(ctx, f.other.ID, f.theirs.ID, 0, AppointmentRequest{Reason: "Feeling better"}, Actor{Kind: "patient", ID: "other"})
		if err != nil || a.Status != store.StatusCancelRequested {
			t.Fatalf("cancel: %v %+v", err, a)
		}
		if task, _ := st.LatestAppointmentTask(ctx, f.other.ID, f.theirs.ID); task.Kind != store.TaskCancel || task.PatientNote != "Feeling better" {
			t.Fatalf("cancel task: %+v", task)
		}

		// A past appointment cannot be changed.
		f.now = f.now.Add(100 * time.Hour)
		if _, err := f.svc.RequestRebook(ctx, f.other.ID, f.theirs.ID, 1, AppointmentRequest{}, f.by); !errors.Is(err, ErrAppointmentPast) {
			t.Fatalf("rebooking a past appointment: %v", err)
		}
	})
}

func TestRequestProblemsChangeNothing(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newPatientHubFixture(t, st)
		var re *RequestError
		_, err := f.svc.RequestRebook(ctx, f.me.ID, f.mine.ID, 0, AppointmentRequest{CallbackTimes: []string{"never"}}, f.by)
		if !errors.As(err, &re) || re.Problems[0].Field != "callback-times" {
			t.Fatalf("bad call-back time: %v", err)
		}
		if got, _ := st.Appointment(ctx, f.mine.ID); got.Status != store.StatusBooked || got.Sequence != 0 {
			t.Fatalf("a refused request changed the appointment: %+v", got)
		}
	})
}

func TestConcurrentConfirmsChangeOnce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newPatientHubFixture(t, st)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.svc.ConfirmAppointment(ctx, f.me.ID, f.mine.ID, 0, f.by)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, ErrAlreadyConfirmed), errors.Is(err, ErrAppointmentChanged):
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		got, _ := st.Appointment(ctx, f.mine.ID)
		if ok != 1 || got.Sequence != 1 || got.Status != store.StatusConfirmed {
			t.Fatalf("%d confirms succeeded, sequence %d, status %s", ok, got.Sequence, got.Status)
		}
	})
}

func TestConcurrentRebooksQueueOneTask(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newPatientHubFixture(t, st)
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				f.svc.RequestRebook(ctx, f.me.ID, f.mine.ID, 0, AppointmentRequest{}, f.by)
			}()
		}
		wg.Wait()
		if ts, _ := st.TasksForPatient(ctx, f.me.ID); len(ts) != 1 {
			t.Fatalf("%d tasks for one rebook request", len(ts))
		}
		if got, _ := st.Appointment(ctx, f.mine.ID); got.Sequence != 1 {
			t.Fatalf("sequence %d after one change", got.Sequence)
		}
	})
}

func TestAppointmentsForShowsMovedAppointments(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newPatientHubFixture(t, st)
		moved := store.Appointment{PatientID: f.me.ID, ExternalID: "PAS-MOVED", Clinic: "Old slot", Status: store.StatusRebooked,
			StartsAt: f.now.Add(24 * time.Hour), EndsAt: f.now.Add(25 * time.Hour)}
		if err := st.CreateAppointment(ctx, &moved); err != nil {
			t.Fatal(err)
		}
		next := store.Appointment{PatientID: f.me.ID, ExternalID: "PAS-NEXT", Clinic: "New slot",
			StartsAt: time.Date(2027, time.April, 6, 9, 15, 0, 0, time.UTC), EndsAt: time.Date(2027, time.April, 6, 9, 45, 0, 0, time.UTC),
			PreviousAppointmentID: sql.NullInt64{Int64: moved.ID, Valid: true}}
		if err := st.CreateAppointment(ctx, &next); err != nil {
			t.Fatal(err)
		}
		list, err := f.svc.AppointmentsFor(ctx, f.fresh(t, f.me.ID), f.by)
		if err != nil || len(list.Upcoming) != 3 {
			t.Fatalf("%v %+v", err, list)
		}
		if s := list.Upcoming[0].State.Text; s != "Moved to 6 April 2027 at 10:15am" {
			t.Errorf("the moved appointment says %q", s)
		}
		if r := list.Upcoming[2].Replaces; r == nil || r.ID != moved.ID {
			t.Errorf("the new appointment does not know what it replaces: %+v", list.Upcoming[2])
		}
		d, err := f.svc.AppointmentFor(ctx, f.me.ID, moved.ID, f.by)
		if err != nil || d.MovedTo == nil || d.MovedTo.ID != next.ID || d.Actions.Any() {
			t.Fatalf("detail of the moved appointment: %v %+v", err, d)
		}
		if _, err := f.svc.AppointmentFor(ctx, f.other.ID, moved.ID, f.by); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another patient's appointment page: %v", err)
		}
	})
}

func TestLettersAndMessagesAreReadOnce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newPatientHubFixture(t, st)
		l := store.Letter{PatientID: f.me.ID, Title: "Your letter", CreatedAt: f.now.Add(-time.Hour)}
		if err := st.CreateLetter(ctx, &l, store.LetterFile{Filename: "l.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.LetterFor(ctx, f.me.ID, l.ID, f.by)
		if err != nil || !got.FirstViewedAt.Valid || !got.FirstViewedAt.Time.Equal(f.now) {
			t.Fatalf("first view: %v %+v", err, got)
		}
		f.now = f.now.Add(time.Hour)
		_, file, err := f.svc.LetterFileFor(ctx, f.me.ID, l.ID, f.by)
		if err != nil || string(file.Data) != "%PDF-1.4" {
			t.Fatalf("file: %v", err)
		}
		if stored, _ := st.Letter(ctx, l.ID); !stored.FirstViewedAt.Time.Equal(f.now.Add(-time.Hour)) {
			t.Fatalf("a second view moved first_viewed_at to %v", stored.FirstViewedAt.Time)
		}
		if _, _, err := f.svc.LetterFileFor(ctx, f.other.ID, l.ID, f.by); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another patient's letter: %v", err)
		}

		m := store.Message{PatientID: f.me.ID, Subject: "Car park", Body: "Works"}
		if err := st.CreateMessage(ctx, &m); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.MessageFor(ctx, f.other.ID, m.ID, f.by); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another patient's message: %v", err)
		}
		if stored, _ := st.Message(ctx, m.ID); stored.ReadAt.Valid {
			t.Fatal("another patient's attempt marked the message read")
		}
		if got, err := f.svc.MessageFor(ctx, f.me.ID, m.ID, f.by); err != nil || !got.ReadAt.Valid {
			t.Fatalf("read: %v %+v", err, got)
		}
		if n := len(f.audits(t, "access.denied")); n != 2 {
			t.Errorf("%d access.denied events, want 2", n)
		}
	})
}

func TestPreferencesAndOptOut(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := newPatientHubFixture(t, st)
		if err := f.svc.SetPreferredChannel(ctx, f.me.ID, store.ChannelEmail, f.by); !errors.Is(err, ErrChannelMissing) {
			t.Fatalf("email for a record with no email: %v", err)
		}
		if err := f.svc.SetPreferredChannel(ctx, f.other.ID, store.ChannelEmail, f.by); err != nil {
			t.Fatal(err)
		}
		if p, _ := st.Patient(ctx, f.other.ID); p.PreferredChannel != store.ChannelEmail {
			t.Fatalf("preferred channel %s", p.PreferredChannel)
		}

		enqueue := func(key string, ch store.Channel, status string) {
			n := store.Notification{Purpose: "reminder_1", Channel: ch, IdempotencyKey: key, Status: status, CreatedAt: f.now}
			n.PatientID = sql.NullInt64{Int64: f.other.ID, Valid: true}
			if _, err := st.EnqueueNotification(ctx, &n); err != nil {
				t.Fatal(err)
			}
		}
		enqueue("sms", store.ChannelSMS, store.NotifyPending)
		enqueue("email", store.ChannelEmail, store.NotifyPending)
		enqueue("push", store.ChannelPush, store.NotifyPending)
		enqueue("post", store.ChannelPost, store.NotifyPending)
		enqueue("sent", store.ChannelSMS, store.NotifySent)
		n, err := f.svc.OptOut(ctx, f.other.ID, f.by)
		if err != nil || n != 3 {
			t.Fatalf("opt out: %v, %d cancelled", err, n)
		}
		ns, _ := st.NotificationsForPatient(ctx, f.other.ID)
		for _, n := range ns {
			want := map[string]string{"sms": "cancelled", "email": "cancelled", "push": "cancelled", "post": "pending", "sent": "sent"}[n.IdempotencyKey]
			if n.Status != want {
				t.Errorf("%s is %s after opting out, want %s", n.IdempotencyKey, n.Status, want)
			}
		}
		if _, err := f.svc.OptOut(ctx, f.other.ID, f.by); !errors.Is(err, ErrOptedOutAlready) {
			t.Fatalf("second opt out: %v", err)
		}
		if err := f.svc.SetPreferredChannel(ctx, f.other.ID, store.ChannelSMS, f.by); !errors.Is(err, ErrChannelOptedOut) {
			t.Fatalf("choosing a channel while opted out: %v", err)
		}
		if err := f.svc.OptIn(ctx, f.other.ID, f.by); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.OptIn(ctx, f.other.ID, f.by); !errors.Is(err, ErrNotOptedOut) {
			t.Fatalf("second opt in: %v", err)
		}
		if p, _ := st.Patient(ctx, f.other.ID); p.OptedOut() {
			t.Fatal("still opted out")
		}
		for _, action := range []string{"preferences.channel", "preferences.opt_out", "preferences.opt_in"} {
			if len(f.audits(t, action)) != 1 {
				t.Errorf("want one %s audit event", action)
			}
		}
	})
}
