package hub

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
	"github.com/patienthub/patienthub/store/storetest"
)

// weekdayMorning is 10:00 in London, clear of the quiet hours at every step of the timeline.
func weekdayMorning(t *testing.T) time.Time { return london(t, "2026-02-02 10:00") }

func TestLetterTimelineEndToEnd(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		start := weekdayMorning(t)
		f := newNotifyFixture(t, st, start)
		p := f.patient(true, false)
		a := f.appointment(p, 20*24*time.Hour, 0)
		l := f.letter(p, &a)
		f.tick()
		for _, h := range []int{1, 23} {
			f.at(start, time.Duration(h)*time.Hour)
		}
		if got := f.rec.sent(); !slices.Equal(got, []string{"sms invite"}) {
			t.Fatalf("first day: %v", got)
		}
		// Two schedulers (two servers) at each step, each run twice: nothing doubles.
		other := &Scheduler{Service: f.svc, Log: f.sched.Log}
		for _, h := range []int{24, 30, 48, 60, 72, 80, 200} {
			f.clock.Set(start.Add(time.Duration(h) * time.Hour))
			var wg sync.WaitGroup
			for _, sc := range []*Scheduler{f.sched, other, f.sched} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, _, err := sc.RunOnce(context.Background()); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			f.tick()
		}
		want := []string{"sms invite", "sms reminder_1", "sms reminder_2", "post postal_copy"}
		if got := f.rec.sent(); !slices.Equal(got, want) {
			t.Fatalf("timeline: %v, want %v", got, want)
		}
		for key, at := range map[string]time.Duration{"invite": 0, "reminder_1": 24 * time.Hour, "reminder_2": 48 * time.Hour, "postal_copy": 72 * time.Hour} {
			n := f.row(letterKey(l.ID, key))
			if n.Status != store.NotifySent || !n.SentAt.Valid || !n.SentAt.Time.Equal(start.Add(at)) {
				t.Errorf("%s: %s, sent %v, want sent at +%s", key, n.Status, n.SentAt.Time, at)
			}
		}
		if got := f.rec.msgs[1].Text; !strings.Contains(got, "within 2 days") || !strings.HasSuffix(got, p.VerificationCode) {
			t.Errorf("first reminder: %q", got)
		}
	})
}

func TestReadingTheLetterStopsEverything(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		start := weekdayMorning(t)
		f := newNotifyFixture(t, st, start)
		p := f.patient(true, true)
		a := f.appointment(p, 20*24*time.Hour, 0)
		l := f.letter(p, &a)
		f.at(start, 0)
		f.at(start, 24*time.Hour)
		// Reminder 2 is queued, then the patient reads the letter before it goes.
		f.clock.Set(start.Add(48 * time.Hour))
		if _, _, err := f.sched.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		f.markRead(l)
		f.tick()
		f.at(start, 80*time.Hour)
		if got := f.rec.sent(); !slices.Equal(got, []string{"sms invite", "sms reminder_1"}) {
			t.Fatalf("after reading: %v", got)
		}
		if n := f.row(letterKey(l.ID, "reminder_2")); n.Status != store.NotifyCancelled || !strings.Contains(n.LastError, "read") {
			t.Errorf("pending reminder for a letter read meanwhile: %s %q", n.Status, n.LastError)
		}
		if _, err := st.NotificationByKey(context.Background(), letterKey(l.ID, PurposePostalCopy)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a read letter got a paper copy: %v", err)
		}
	})
}

func TestAnsweringStopsLetterFollowUps(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		start := weekdayMorning(t)
		f := newNotifyFixture(t, st, start)
		ctx := context.Background()
		confirmed, cancelled := f.patient(true, false), f.patient(true, false)
		ac := f.appointment(confirmed, 20*24*time.Hour, 0)
		ax := f.appointment(cancelled, 20*24*time.Hour, 0)
		lc, lx := f.letter(confirmed, &ac), f.letter(cancelled, &ax)
		f.at(start, 0)
		if ok, err := st.RecordAppointmentResponse(ctx, ac.ID, store.StatusBooked, ac.Sequence, store.StatusConfirmed, start.Add(time.Hour)); err != nil || !ok {
			t.Fatal(ok, err)
		}
		f.at(start, 24*time.Hour)
		if ok, err := st.SetAppointmentStatus(ctx, ax.ID, store.StatusBooked, ax.Sequence, store.StatusCancelledByHospital, start.Add(30*time.Hour)); err != nil || !ok {
			t.Fatal(ok, err)
		}
		for _, h := range []int{48, 72, 100} {
			f.at(start, time.Duration(h)*time.Hour)
		}
		if got := f.rec.sent(); !slices.Equal(got, []string{"sms invite", "sms invite", "sms reminder_1"}) {
			t.Fatalf("sent: %v", got)
		}
		for _, l := range []store.Letter{lc, lx} {
			n := f.row(letterKey(l.ID, PurposePostalCopy))
			if n.Status != store.NotifyCancelled || !strings.Contains(n.LastError, "no paper copy") {
				t.Errorf("letter %d: paper copy %s %q, want cancelled with the reason", l.ID, n.Status, n.LastError)
			}
		}
	})
}

func TestNoDigitalContactGoesByPostAtOnce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		start := weekdayMorning(t)
		f := newNotifyFixture(t, st, start)
		paperOnly := f.patient(false, false)
		optedOut := f.patient(true, true, func(p *store.Patient) { p.OptedOutAt = nullTime(start.Add(-time.Hour)) })
		later := f.patient(true, false)
		for _, p := range []store.Patient{paperOnly, optedOut, later} {
			a := f.appointment(p, 20*24*time.Hour, 0)
			f.letter(p, &a)
		}
		f.at(start, 0)
		if _, err := f.svc.OptOut(context.Background(), later.ID, Actor{Kind: "patient"}); err != nil {
			t.Fatal(err)
		}
		f.at(start, time.Minute)
		f.at(start, 100*time.Hour)
		want := []string{"post postal_copy", "post postal_copy", "post postal_copy", "sms invite"}
		got := f.rec.sent()
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("sent: %v, want %v", got, want)
		}
	})
}

func TestQuietHoursHoldTexts(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		evening := london(t, "2026-02-02 22:15")
		f := newNotifyFixture(t, st, evening)
		texted, emailed := f.patient(true, false), f.patient(false, true)
		for _, p := range []store.Patient{texted, emailed} {
			a := f.appointment(p, 20*24*time.Hour, 0)
			f.letter(p, &a)
		}
		f.at(evening, 0)
		f.at(evening, 5*time.Hour)
		if got := f.rec.sent(); !slices.Equal(got, []string{"email invite"}) {
			t.Fatalf("at night: %v", got)
		}
		f.clock.Set(london(t, "2026-02-03 08:00"))
		f.tick()
		if got := f.rec.sent(); !slices.Equal(got, []string{"email invite", "sms invite"}) {
			t.Fatalf("in the morning: %v", got)
		}
		// A text queued in the day but still waiting at 21:00 (a retry, a busy queue) waits too.
		ctx := context.Background()
		f.clock.Set(london(t, "2026-02-03 20:59"))
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			return f.svc.QueueNewMessage(ctx, tx, texted, store.Message{ID: 77})
		}); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(london(t, "2026-02-03 21:01"))
		f.tick()
		n := f.row("message:77:new_message")
		if n.Status != store.NotifyPending || n.Attempts != 0 || !n.NextAttemptAt.Equal(london(t, "2026-02-04 08:00")) {
			t.Fatalf("held text: %s attempts %d due %v", n.Status, n.Attempts, n.NextAttemptAt)
		}
	})
}

func TestAppointmentRemindersEndToEnd(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		start := weekdayMorning(t)
		day := 24 * time.Hour
		f := newNotifyFixture(t, st, start)
		ctx := context.Background()
		p, optedOut := f.patient(true, false), f.patient(true, false, func(p *store.Patient) { p.OptedOutAt = nullTime(start) })
		a := f.appointment(p, 10*day, 30*day)
		cancelled := f.appointment(p, 10*day+time.Hour, 30*day)
		f.appointment(optedOut, 10*day, 30*day)
		for _, d := range []time.Duration{0, 2 * day, 3 * day, 3*day + time.Hour} {
			f.at(start, d)
		}
		if ok, err := st.SetAppointmentStatus(ctx, cancelled.ID, store.StatusBooked, cancelled.Sequence, store.StatusCancelled, f.clock.Now()); err != nil || !ok {
			t.Fatal(ok, err)
		}
		f.at(start, 5*day)
		late := f.appointment(p, 3*day, 0) // booked within the week: its invite, then the 1-day reminder only
		for _, d := range []time.Duration{6 * day, 7 * day, 9 * day, 9*day + 30*time.Minute, 9*day + 3*time.Hour, 11 * day} {
			f.at(start, d)
		}
		got := map[string]int{}
		for _, n := range f.rows(p) {
			if n.Purpose == PurposeAppointmentReminder {
				got[n.IdempotencyKey+" "+n.Status]++
			}
		}
		want := map[string]int{
			appointmentReminderKey(a, 7*day) + " sent": 1, appointmentReminderKey(a, day) + " sent": 1,
			appointmentReminderKey(cancelled, 7*day) + " sent": 1,
			appointmentReminderKey(late, day) + " sent":        1,
		}
		if len(got) != len(want) {
			t.Fatalf("reminders: %v, want %v", got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("reminders: %v, want %v", got, want)
				break
			}
		}
		if ns := f.rows(optedOut); len(ns) != 0 {
			t.Errorf("an opted-out patient got %d reminders", len(ns))
		}
	})
}

func TestPermanentFailureFallsBack(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		start := weekdayMorning(t)
		f := newNotifyFixture(t, st, start)
		p := f.patient(true, true)
		a := f.appointment(p, 20*24*time.Hour, 0)
		l := f.letter(p, &a)
		f.rec.failWith(store.ChannelSMS, errNoSuchNumber)
		f.rec.failWith(store.ChannelEmail, notify.Permanent(errors.New("550 no such mailbox")))
		f.at(start, 0)
		if got := f.rec.sent(); !slices.Equal(got, []string{"post postal_copy"}) {
			t.Fatalf("sent: %v", got)
		}
		sms, email := f.row(letterKey(l.ID, "invite")), f.row(letterKey(l.ID, "invite")+":after-sms")
		if sms.Status != store.NotifyFailed || !strings.Contains(sms.LastError, "not a valid mobile") ||
			email.Status != store.NotifyFailed || email.Channel != store.ChannelEmail || !strings.Contains(email.LastError, "550") {
			t.Errorf("dead ends not visible: %+v / %+v", sms, email)
		}
		// The paper copy is the letter's one copy: no reminders follow it, and the 72-hour step
		// does not post it again.
		f.rec.failWith(store.ChannelSMS, nil)
		f.rec.failWith(store.ChannelEmail, nil)
		for _, h := range []int{24, 48, 100} {
			f.at(start, time.Duration(h)*time.Hour)
		}
		if got := f.rec.sent(); !slices.Equal(got, []string{"post postal_copy"}) {
			t.Fatalf("after the fallback: %v", got)
		}
	})
}

func TestTransientFailuresRetryWithBackoff(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, st *store.Store) {
		start := weekdayMorning(t)
		f := newNotifyFixture(t, st, start)
		f.disp.MaxTries = 3
		ctx := context.Background()
		p := f.patient(true, false)
		a := f.appointment(p, 20*24*time.Hour, 0)
		f.rec.failWith(store.ChannelSMS, errors.New("503 service unavailable"))
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			return f.svc.QueueAppointmentChanged(ctx, tx, p, a, PurposeCancelledByHospital)
		}); err != nil {
			t.Fatal(err)
		}
		key := "appointment:" + strconv.FormatInt(a.ID, 10) + ":cancelled_by_hospital:0"
		f.at(start, 0)
		n := f.row(key)
		if n.Status != store.NotifyPending || n.Attempts != 1 || !n.NextAttemptAt.Equal(start.Add(10*time.Second)) || !strings.Contains(n.LastError, "503") {
			t.Fatalf("after a transient failure: %+v", n)
		}
		f.at(start, 5*time.Second)
		if f.row(key).Attempts != 1 {
			t.Fatal("retried before its backoff")
		}
		f.at(start, 10*time.Second)
		if n := f.row(key); n.Attempts != 2 || !n.NextAttemptAt.Equal(start.Add(30*time.Second)) {
			t.Fatalf("second backoff: %+v", n)
		}
		f.at(start, 30*time.Second)
		if n := f.row(key); n.Status != store.NotifyFailed {
			t.Fatalf("after %d tries: %s", f.disp.MaxTries, n.Status)
		}
		if got := f.rec.sent(); !slices.Equal(got, []string{"post cancelled_by_hospital"}) {
			t.Fatalf("the cancellation did not reach the patient another way: %v", got)
		}
	})
}
