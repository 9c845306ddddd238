package hub

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

var staffActor = Actor{Kind: "staff", ID: "7"}

func patientActor(p store.Patient) Actor {
	return Actor{Kind: "patient", ID: strconv.FormatInt(p.ID, 10)}
}

// moveForm is the staff form that moves a to a phone appointment a day later.
func moveForm(a store.Appointment) AppointmentForm {
	moved := a
	moved.StartsAt, moved.EndsAt, moved.Kind = a.StartsAt.Add(24*time.Hour), a.EndsAt.Add(24*time.Hour), "phone"
	return FormOf(moved)
}

// A letter that replaces an appointment's letter ends the old one's reminders and paper copy,
// including a reminder already queued for it: one letter is chased, not two.
func TestAReplacedLetterIsNoLongerChased(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		start := weekdayMorning(t)
		f := newNotifyFixture(t, st, start)
		ctx := context.Background()
		p := f.patient(true, false)
		a := f.appointment(p, 20*24*time.Hour, 0)
		old := f.letter(p, &a)
		f.tick()
		f.clock.Set(start.Add(24 * time.Hour))
		if _, _, err := f.sched.RunOnce(ctx); err != nil { // the old letter's first reminder is queued ...
			t.Fatal(err)
		}
		newer, err := f.svc.RegenerateLetter(ctx, a.ID, staffActor) // ... and the letter replaced before it goes
		if err != nil {
			t.Fatal(err)
		}
		if n := f.row(letterKey(old.ID, PurposePostalCopy)); n.Status != store.NotifyCancelled || n.LastError != reasonReplaced {
			t.Fatalf("the replaced letter is not closed with the new one: %s %q", n.Status, n.LastError)
		}
		for h := 24; h <= 130; h += 2 {
			f.at(start, time.Duration(h)*time.Hour)
		}
		if n := f.row(letterKey(old.ID, ReminderPurpose(1))); n.Status != store.NotifyCancelled || n.LastError != reasonReplaced {
			t.Errorf("the replaced letter's queued reminder: %s %q", n.Status, n.LastError)
		}
		want := []string{"sms invite", "sms new_letter", "sms reminder_1", "sms reminder_2", "post postal_copy"}
		if got := f.rec.sent(); !slices.Equal(got, want) {
			t.Fatalf("sent %v, want %v", got, want)
		}
		if n := f.row(letterKey(newer.ID, PurposePostalCopy)); n.Status != store.NotifySent {
			t.Errorf("the newest letter's paper copy: %s", n.Status)
		}
	})
}

// Reading the newest letter stops everything about the appointment's letters, the older unread
// ones included; an uploaded letter replaces the appointment's letter the same way.
func TestReadingTheNewestLetterStopsEverything(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		start := weekdayMorning(t)
		f := newNotifyFixture(t, st, start)
		ctx := context.Background()
		p := f.patient(true, false)
		a := f.appointment(p, 20*24*time.Hour, 0)
		f.letter(p, &a)
		f.at(start, 0)
		f.clock.Set(start.Add(10 * time.Hour))
		newest, err := f.svc.AttachLetter(ctx, a.ID, "Pre-op leaflet", "leaflet.pdf", uploadedPDF, staffActor)
		if err != nil {
			t.Fatal(err)
		}
		f.at(start, 10*time.Hour)
		f.clock.Set(start.Add(30 * time.Hour))
		f.markRead(newest)
		for h := 30; h <= 150; h += 4 {
			f.at(start, time.Duration(h)*time.Hour)
		}
		if got, want := f.rec.sent(), []string{"sms invite", "sms new_letter"}; !slices.Equal(got, want) {
			t.Fatalf("sent %v, want %v", got, want)
		}
	})
}

// A patient reached only by post (here, opted out) who confirmed, then whose appointment staff
// moved, gets the new letter on paper: it is queued with the change and is not closed as
// "confirmed", since the confirm was of the old time.
func TestAPostOnlyPatientIsToldOfAChangeAfterConfirming(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		start := weekdayMorning(t)
		f := newNotifyFixture(t, st, start)
		ctx := context.Background()
		p := f.patient(true, false, func(p *store.Patient) { p.OptedOutAt = nullTime(start.Add(-time.Hour)) })
		a := f.appointment(p, 20*24*time.Hour, 0)
		first := f.letter(p, &a)
		f.at(start, 0)
		a, err := f.svc.ConfirmAppointment(ctx, p.ID, a.ID, a.Sequence, patientActor(p))
		if err != nil || a.Status != store.StatusConfirmed {
			t.Fatalf("confirm: %s %v", a.Status, err)
		}
		f.clock.Set(start.Add(2 * time.Hour))
		if _, err := f.svc.ChangeAppointment(ctx, a.ID, a.Sequence, moveForm(a), staffActor); err != nil {
			t.Fatal(err)
		}
		ls, _ := st.LettersForAppointment(ctx, p.ID, a.ID)
		if len(ls) != 2 || ls[1].ID != first.ID {
			t.Fatalf("letters: %+v", ls)
		}
		moved := ls[0]
		if n := f.row(letterKey(moved.ID, PurposePostalCopy)); n.Status != store.NotifyPending || n.Channel != store.ChannelPost {
			t.Fatalf("the new letter's paper copy is not queued with the change: %s %s", n.Channel, n.Status)
		}
		for h := 2; h <= 100; h += 6 {
			f.at(start, time.Duration(h)*time.Hour)
		}
		if n := f.row(letterKey(moved.ID, PurposePostalCopy)); n.Status != store.NotifySent {
			t.Fatalf("the new letter's paper copy: %s %q", n.Status, n.LastError)
		}
		if got, want := f.rec.sent(), []string{"post postal_copy", "post postal_copy"}; !slices.Equal(got, want) {
			t.Fatalf("sent %v, want %v (each letter once on paper, nothing else)", got, want)
		}
	})
}

// A patient with a phone who confirmed, then whose appointment moved, is told of the change and
// reminded about the new letter while it is unread: the confirm was of the old time.
func TestANewLetterAfterAConfirmIsFollowedUp(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		start := weekdayMorning(t)
		f := newNotifyFixture(t, st, start)
		ctx := context.Background()
		p := f.patient(true, false)
		a := f.appointment(p, 20*24*time.Hour, 0)
		f.letter(p, &a)
		f.at(start, 0)
		a, err := f.svc.ConfirmAppointment(ctx, p.ID, a.ID, a.Sequence, patientActor(p))
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Set(start.Add(2 * time.Hour))
		if _, err := f.svc.ChangeAppointment(ctx, a.ID, a.Sequence, moveForm(a), staffActor); err != nil {
			t.Fatal(err)
		}
		for h := 2; h <= 30; h += 4 {
			f.at(start, time.Duration(h)*time.Hour)
		}
		if got, want := f.rec.sent(), []string{"sms invite", "sms changed", "sms reminder_1"}; !slices.Equal(got, want) {
			t.Fatalf("sent %v, want %v", got, want)
		}
	})
}

// A letter in a batch the post room has printed stays in the queue, to be posted with the batch,
// even if the patient reads it online meanwhile; one not yet printed leaves the queue.
func TestThePostRoomKeepsWhatItPrinted(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		start := weekdayMorning(t)
		f := newNotifyFixture(t, st, start)
		f.disp.Router = notify.NewRouter(recProvider{f.rec, store.ChannelSMS}, recProvider{f.rec, store.ChannelEmail},
			recProvider{f.rec, store.ChannelPush}, notify.PostRoom{})
		ctx := context.Background()
		p, q := f.patient(false, false), f.patient(false, false)
		ap := f.appointment(p, 20*24*time.Hour, 0)
		printed := f.letter(p, &ap)
		f.tick()
		job, err := f.svc.StartPostBatch(ctx, 0, staffActor)
		if err != nil {
			t.Fatal(err)
		}
		f.svc.Wait()
		aq := f.appointment(q, 20*24*time.Hour, 0)
		waiting := f.letter(q, &aq)
		f.tick()
		f.markRead(printed)
		f.markRead(waiting)
		items, err := f.svc.PostQueue(ctx)
		if err != nil || len(items) != 1 || items[0].Letter.ID != printed.ID {
			t.Fatalf("post queue after both letters were read: %+v %v", items, err)
		}
		if n := f.row(letterKey(waiting.ID, PurposePostalCopy)); n.Status != store.NotifyCancelled {
			t.Errorf("the letter not yet printed: %s", n.Status)
		}
		if posted, err := f.svc.MarkBatchPosted(ctx, job.ID, staffActor); err != nil || posted != 1 {
			t.Fatalf("marking the printed batch posted: %d %v", posted, err)
		}
		if n := f.row(letterKey(printed.ID, PurposePostalCopy)); n.Status != store.NotifyDelivered {
			t.Errorf("the printed letter: %s %q", n.Status, n.LastError)
		}
	})
}
