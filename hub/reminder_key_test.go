package hub

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

// A patient who confirms after the 7-day reminder is not reminded a second time: confirming
// bumps the appointment's sequence but not the time the reminder announced.
func TestConfirmingDoesNotRepeatTheReminder(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		start := weekdayMorning(t)
		day := 24 * time.Hour
		f := newNotifyFixture(t, st, start)
		ctx := context.Background()
		p := f.patient(true, false)
		a := f.appointment(p, 10*day, 30*day)
		f.at(start, 3*day+time.Hour)
		if _, err := f.svc.ConfirmAppointment(ctx, p.ID, a.ID, a.Sequence, Actor{Kind: "patient", ID: strconv.FormatInt(p.ID, 10)}); err != nil {
			t.Fatal(err)
		}
		for _, d := range []time.Duration{3*day + 2*time.Hour, 4 * day, 6 * day, 9*day + time.Hour} {
			f.at(start, d)
			if d == 4*day {
				due, err := st.AppointmentsDue(ctx, reminderStep(7*day), 7*day, f.clock.Now().Add(day), f.clock.Now().Add(7*day), 10)
				if err != nil || len(due) != 0 {
					t.Fatalf("the sent reminder is not found by its key: %+v %v", due, err)
				}
			}
		}
		got := map[string]string{}
		for _, n := range f.rows(p) {
			if n.Purpose == PurposeAppointmentReminder && n.Channel == store.ChannelSMS {
				if _, dup := got[n.IdempotencyKey]; dup || len(got) == 2 {
					t.Fatalf("reminders: %v and %s", got, n.IdempotencyKey)
				}
				got[n.IdempotencyKey] = n.Status
			}
		}
		confirmed, _ := st.Appointment(ctx, a.ID)
		for _, before := range []time.Duration{7 * day, day} {
			if key := appointmentReminderKey(confirmed, before); got[key] != store.NotifySent {
				t.Errorf("reminder %s: %q; all: %v", key, got[key], got)
			}
		}
	})
}

// A reminder waiting out the quiet hours still goes after the patient confirms, and is dropped
// when the appointment moves to another time.
func TestAWaitingReminderFollowsTheTimeNotTheSequence(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		night := london(t, "2026-02-02 22:00")
		day := 24 * time.Hour
		f := newNotifyFixture(t, st, night)
		ctx := context.Background()
		p := f.patient(true, false)
		kept, moved := f.appointment(p, 7*day-time.Hour, 30*day), f.appointment(p, 7*day-time.Hour, 30*day)
		f.tick()
		as := Actor{Kind: "patient", ID: strconv.FormatInt(p.ID, 10)}
		if _, err := f.svc.ConfirmAppointment(ctx, p.ID, kept.ID, kept.Sequence, as); err != nil {
			t.Fatal(err)
		}
		if _, err := st.UpdateAppointmentDetails(ctx, func() store.Appointment {
			m := moved
			m.StartsAt, m.EndsAt = m.StartsAt.Add(2*day), m.EndsAt.Add(2*day)
			return m
		}(), f.clock.Now()); err != nil {
			t.Fatal(err)
		}
		f.at(london(t, "2026-02-03 08:00"), 0)
		if n := f.row(appointmentReminderKey(kept, 7*day)); n.Status != store.NotifySent {
			t.Errorf("the confirmed appointment's reminder: %s %q", n.Status, n.LastError)
		}
		if n := f.row(appointmentReminderKey(moved, 7*day)); n.Status != store.NotifyCancelled || n.LastError != "the appointment changed" {
			t.Errorf("the moved appointment's old reminder: %s %q", n.Status, n.LastError)
		}
	})
}
