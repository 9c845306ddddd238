package hub

import (
	"database/sql"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/patienthub/patienthub/store"
)

// policyConfig is the configuration with the documented default timings.
func policyConfig(t *testing.T) Config {
	t.Helper()
	c, err := LoadConfig(nil, devEnv(map[string]string{"PATIENTHUB_SECRET_KEY": strings.Repeat("k", 32)}), nil)
	if err != nil {
		t.Fatal(err)
	}
	c.HospitalName, c.PublicURL = "Test Hospital", "https://hub.example"
	return c
}

func london(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, letterZone)
	if err != nil {
		t.Fatal(err)
	}
	return tm.UTC()
}

func TestDefaultTimings(t *testing.T) {
	c := policyConfig(t)
	if durationList(c.LetterReminders) != "24h,48h" || c.PostalFallbackAfter != 72*time.Hour ||
		durationList(c.AppointmentReminders) != "168h,24h" || c.QuietHours.String() != "21:00-08:00" {
		t.Fatalf("defaults: %v %v %v %v", c.LetterReminders, c.PostalFallbackAfter, c.AppointmentReminders, c.QuietHours)
	}
	if got := c.SchedulerInterval(); got != time.Minute {
		t.Errorf("scheduler interval with default timings: %s", got)
	}
	c.LetterReminders, c.PostalFallbackAfter = []time.Duration{2 * time.Second, 4 * time.Second}, 6*time.Second
	if got := c.SchedulerInterval(); got != 500*time.Millisecond {
		t.Errorf("scheduler interval with demo timings: %s", got)
	}
}

func TestQuietHours(t *testing.T) {
	night, _ := ParseQuietHours("21:00-08:00")
	lunch, _ := ParseQuietHours("13:00-14:00")
	off, _ := ParseQuietHours("off")
	cases := []struct {
		q         QuietHours
		at, until string // Europe/London; until "" means not quiet
	}{
		{night, "2026-01-15 20:59", ""},
		{night, "2026-01-15 21:00", "2026-01-16 08:00"},
		{night, "2026-01-15 23:30", "2026-01-16 08:00"},
		{night, "2026-01-16 03:00", "2026-01-16 08:00"},
		{night, "2026-01-16 07:59", "2026-01-16 08:00"},
		{night, "2026-01-16 08:00", ""},
		{night, "2026-07-01 22:00", "2026-07-02 08:00"}, // summer time
		{night, "2026-03-28 23:00", "2026-03-29 08:00"}, // the clocks go forward overnight
		{lunch, "2026-01-15 12:59", ""},
		{lunch, "2026-01-15 13:30", "2026-01-15 14:00"},
		{off, "2026-01-15 23:00", ""},
	}
	for _, c := range cases {
		got := c.q.Until(london(t, c.at))
		want := time.Time{}
		if c.until != "" {
			want = london(t, c.until)
		}
		if !got.Equal(want) {
			t.Errorf("%s at %s: quiet until %v, want %v", c.q, c.at, got, want)
		}
	}
	if got := night.Until(london(t, "2026-03-28 23:00")); got.Hour() != 7 {
		t.Errorf("08:00 British Summer Time is 07:00 UTC, got %v", got)
	}
	for _, bad := range []string{"21:00", "9pm-8am", "21:00-21:00", ""} {
		if _, err := ParseQuietHours(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if !holdsForQuietHours(store.ChannelSMS, PurposeInvite) || !holdsForQuietHours(store.ChannelPush, PurposeInvite) ||
		holdsForQuietHours(store.ChannelEmail, PurposeInvite) || holdsForQuietHours(store.ChannelSMS, PurposeSignInCode) {
		t.Error("texts and pushes wait out quiet hours; emails and sign-in codes do not")
	}
}

// policyPatient is a patient with a mobile, an email, or both.
func policyPatient(mobile, email bool) store.Patient {
	p := store.Patient{ID: 1, GivenName: "Amelia", FamilyName: "Clarke", PreferredChannel: store.ChannelSMS, VerificationCode: "K7Q2XRPA"}
	if mobile {
		p.Mobile = sql.NullString{String: "+447700900001", Valid: true}
	}
	if email {
		p.Email = sql.NullString{String: "amelia@example.com", Valid: true}
	}
	return p
}

func TestLetterTimeline(t *testing.T) {
	c := policyConfig(t).NotifyConfig
	sent := london(t, "2026-02-02 10:00")
	appt := store.Appointment{ID: 9, Status: store.StatusBooked, StartsAt: sent.Add(20 * 24 * time.Hour)}
	st := LetterState{Letter: store.Letter{ID: 5, CreatedAt: sent, AppointmentID: store.NullID(9)}, Patient: policyPatient(true, false), Appointment: &appt}
	// A fake clock walks the first four days after the letter, hour by hour.
	for h := 0; h <= 96; h++ {
		now := sent.Add(time.Duration(h) * time.Hour)
		want := ""
		switch {
		case h >= 72:
			want = PurposePostalCopy
		case h >= 48:
			want = "reminder_2"
		case h >= 24:
			want = "reminder_1"
		}
		if got := c.LetterFollowUp(now, st); got.Purpose != want || got.Done != "" {
			t.Fatalf("+%dh: %+v, want %q", h, got, want)
		}
	}
}

func TestLetterFollowUpCases(t *testing.T) {
	c := policyConfig(t).NotifyConfig
	sent := london(t, "2026-02-02 10:00")
	at := func(h int) time.Time { return sent.Add(time.Duration(h) * time.Hour) }
	booked := store.Appointment{Status: store.StatusBooked, StartsAt: at(24 * 20)}
	with := func(mut func(a *store.Appointment)) *store.Appointment { a := booked; mut(&a); return &a }
	optedOut := policyPatient(true, true)
	optedOut.OptedOutAt = sql.NullTime{Time: sent, Valid: true}
	read := store.Letter{CreatedAt: sent, FirstViewedAt: sql.NullTime{Time: at(30), Valid: true}}
	posted := store.Letter{CreatedAt: sent, PostedAt: sql.NullTime{Time: at(1), Valid: true}}
	cases := []struct {
		name        string
		now         time.Time
		st          LetterState
		purpose     string
		doneHasWord string
	}{
		{"email only follows the same timeline", at(25), LetterState{Letter: store.Letter{CreatedAt: sent}, Patient: policyPatient(false, true), Appointment: &booked}, "reminder_1", ""},
		{"no contact: paper at once", at(0), LetterState{Letter: store.Letter{CreatedAt: sent}, Patient: policyPatient(false, false), Appointment: &booked}, PurposePostalCopy, ""},
		{"opted out: paper at once", at(1), LetterState{Letter: store.Letter{CreatedAt: sent}, Patient: optedOut, Appointment: &booked}, PurposePostalCopy, ""},
		{"read: nothing more", at(50), LetterState{Letter: read, Patient: policyPatient(true, false), Appointment: &booked}, "", ""},
		{"read: no paper copy", at(80), LetterState{Letter: read, Patient: policyPatient(true, false), Appointment: &booked}, "", ""},
		{"posted already", at(80), LetterState{Letter: posted, Patient: policyPatient(true, false), Appointment: &booked}, "", ""},
		{"confirmed: no reminders", at(30), LetterState{Letter: store.Letter{CreatedAt: sent}, Patient: policyPatient(true, false),
			Appointment: with(func(a *store.Appointment) { a.Status = store.StatusConfirmed })}, "", "confirmed"},
		{"cancelled: no paper copy", at(80), LetterState{Letter: store.Letter{CreatedAt: sent}, Patient: policyPatient(true, false),
			Appointment: with(func(a *store.Appointment) { a.Status = store.StatusCancelled })}, "", "cancelled"},
		{"cancel requested: the patient answered", at(30), LetterState{Letter: store.Letter{CreatedAt: sent}, Patient: policyPatient(true, false),
			Appointment: with(func(a *store.Appointment) { a.Status = store.StatusCancelRequested })}, "", "cancel requested"},
		{"appointment passed", at(80), LetterState{Letter: store.Letter{CreatedAt: sent}, Patient: policyPatient(true, false),
			Appointment: with(func(a *store.Appointment) { a.StartsAt = at(60) })}, "", "passed"},
		{"a letter about no appointment", at(73), LetterState{Letter: store.Letter{CreatedAt: sent}, Patient: policyPatient(true, false)}, PurposePostalCopy, ""},
		{"a stopped scheduler sends only the latest reminder", at(60), LetterState{Letter: store.Letter{CreatedAt: sent}, Patient: policyPatient(true, false)}, "reminder_2", ""},
	}
	for _, tc := range cases {
		got := c.LetterFollowUp(tc.now, tc.st)
		if got.Purpose != tc.purpose || (tc.doneHasWord == "") != (got.Done == "") || !strings.Contains(got.Done, tc.doneHasWord) {
			t.Errorf("%s: %+v, want purpose %q and done mentioning %q", tc.name, got, tc.purpose, tc.doneHasWord)
		}
	}
}

func TestAppointmentReminderDue(t *testing.T) {
	c := policyConfig(t).NotifyConfig
	start := london(t, "2026-03-10 10:30")
	day := 24 * time.Hour
	a := store.Appointment{Status: store.StatusBooked, StartsAt: start, CreatedAt: start.Add(-30 * day)}
	optedOut := policyPatient(true, false)
	optedOut.OptedOutAt = sql.NullTime{Time: start.Add(-40 * day), Valid: true}
	with := func(mut func(a *store.Appointment)) store.Appointment { b := a; mut(&b); return b }
	cases := []struct {
		name   string
		now    time.Time
		a      store.Appointment
		p      store.Patient
		before time.Duration
		want   bool
	}{
		{"8 days before: not yet", start.Add(-8 * day), a, policyPatient(true, false), 7 * day, false},
		{"7 days before", start.Add(-7 * day), a, policyPatient(true, false), 7 * day, true},
		{"3 days before, 7-day reminder still owed", start.Add(-3 * day), a, policyPatient(true, false), 7 * day, true},
		{"in the last day the 7-day reminder is over", start.Add(-20 * time.Hour), a, policyPatient(true, false), 7 * day, false},
		{"1 day before", start.Add(-day), a, policyPatient(false, true), day, true},
		{"after the start", start.Add(time.Minute), a, policyPatient(true, false), day, false},
		{"confirmed still gets reminders", start.Add(-day), with(func(a *store.Appointment) { a.Status = store.StatusConfirmed }), policyPatient(true, false), day, true},
		{"none after a cancel", start.Add(-day), with(func(a *store.Appointment) { a.Status = store.StatusCancelled }), policyPatient(true, false), day, false},
		{"none after a cancel request", start.Add(-day), with(func(a *store.Appointment) { a.Status = store.StatusCancelRequested }), policyPatient(true, false), day, false},
		{"none cancelled by the hospital", start.Add(-day), with(func(a *store.Appointment) { a.Status = store.StatusCancelledByHospital }), policyPatient(true, false), day, false},
		{"none for the opted out", start.Add(-day), a, optedOut, day, false},
		{"none without a contact", start.Add(-day), a, policyPatient(false, false), day, false},
		{"booked within the week: no 7-day reminder", start.Add(-3 * day), with(func(a *store.Appointment) { a.CreatedAt = start.Add(-4 * day) }), policyPatient(true, false), 7 * day, false},
		{"booked within the week: the 1-day one still goes", start.Add(-day), with(func(a *store.Appointment) { a.CreatedAt = start.Add(-4 * day) }), policyPatient(true, false), day, true},
	}
	for _, tc := range cases {
		if got := c.AppointmentReminderDue(tc.now, tc.a, tc.p, tc.before); got != tc.want {
			t.Errorf("%s: due %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestFallbackChannel(t *testing.T) {
	both, smsOnly, emailOnly := policyPatient(true, true), policyPatient(true, false), policyPatient(false, true)
	prefersEmail := both
	prefersEmail.PreferredChannel = store.ChannelEmail
	n := func(ch store.Channel, purpose, key string) store.Notification {
		return store.Notification{Channel: ch, Purpose: purpose, IdempotencyKey: key}
	}
	cases := []struct {
		name string
		p    store.Patient
		n    store.Notification
		want store.Channel
	}{
		{"text fails: email", both, n(store.ChannelSMS, PurposeInvite, "letter:1:invite"), store.ChannelEmail},
		{"then email fails: post", both, n(store.ChannelEmail, PurposeInvite, "letter:1:invite:after-sms"), store.ChannelPost},
		{"text fails, no email: post", smsOnly, n(store.ChannelSMS, PurposeInvite, "letter:1:invite"), store.ChannelPost},
		{"email preferred fails: text", prefersEmail, n(store.ChannelEmail, PurposeCancelledByHospital, "appointment:1:cancelled_by_hospital:2"), store.ChannelSMS},
		{"email only fails: post", emailOnly, n(store.ChannelEmail, PurposeNewMessage, "message:1:new_message"), store.ChannelPost},
		{"a reminder falls back to email", both, n(store.ChannelSMS, "reminder_1", "letter:1:reminder_1"), store.ChannelEmail},
		{"but never to paper", smsOnly, n(store.ChannelSMS, "reminder_1", "letter:1:reminder_1"), ""},
		{"nor an appointment reminder", smsOnly, n(store.ChannelSMS, PurposeAppointmentReminder, "appointment:1:reminder_24h:0"), ""},
		{"pushes are extra", both, n(store.ChannelPush, PurposeInvite, "letter:1:invite:push:3"), ""},
		{"post is the end", both, n(store.ChannelPost, PurposeChanged, "appointment:1:changed:1:after-sms"), ""},
	}
	for _, tc := range cases {
		if got := fallbackChannel(tc.p, tc.n); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestStaleAtSendTime(t *testing.T) {
	now := london(t, "2026-02-05 10:00")
	p := policyPatient(true, false)
	optedOut := p
	optedOut.OptedOutAt = sql.NullTime{Time: now.Add(-time.Hour), Valid: true}
	unread := &store.Letter{ID: 1}
	read := &store.Letter{ID: 1, FirstViewedAt: sql.NullTime{Time: now.Add(-time.Hour), Valid: true}}
	appt := func(st store.AppointmentStatus, seq int) *store.Appointment {
		return &store.Appointment{ID: 2, Status: st, StartsAt: now.Add(48 * time.Hour), Sequence: seq}
	}
	n := func(ch store.Channel, purpose, key string) store.Notification {
		return store.Notification{Channel: ch, Purpose: purpose, IdempotencyKey: key}
	}
	// An appointment reminder's key ends with the start it announces.
	at, before := strconv.FormatInt(now.Add(48*time.Hour).Unix(), 10), strconv.FormatInt(now.Add(24*time.Hour).Unix(), 10)
	cases := []struct {
		name string
		n    store.Notification
		p    *store.Patient
		l    *store.Letter
		a    *store.Appointment
		want string // a word of the reason; "" means it still goes
	}{
		{"a reminder for an unread letter goes", n(store.ChannelSMS, "reminder_1", "letter:1:reminder_1"), &p, unread, appt(store.StatusBooked, 0), ""},
		{"a reminder for a letter read since is cancelled", n(store.ChannelSMS, "reminder_2", "letter:1:reminder_2"), &p, read, appt(store.StatusBooked, 0), "read"},
		{"its push too", n(store.ChannelPush, "reminder_2", "letter:1:reminder_2:push:4"), &p, read, appt(store.StatusBooked, 0), "read"},
		{"the paper copy of a letter read since", n(store.ChannelPost, PurposePostalCopy, "letter:1:postal_copy"), &p, read, appt(store.StatusBooked, 0), "read"},
		{"a reminder after a confirm", n(store.ChannelSMS, "reminder_1", "letter:1:reminder_1"), &p, unread, appt(store.StatusConfirmed, 1), "answered"},
		{"paper copy still goes after a confirm by phone", n(store.ChannelPost, PurposePostalCopy, "letter:1:postal_copy"), &p, unread, appt(store.StatusConfirmed, 1), ""},
		{"paper copy of a cancelled appointment", n(store.ChannelPost, PurposePostalCopy, "letter:1:postal_copy"), &p, unread, appt(store.StatusCancelledByHospital, 1), "cancelled"},
		{"appointment reminder after a cancel", n(store.ChannelSMS, PurposeAppointmentReminder, "appointment:2:reminder_24h:"+at), &p, nil, appt(store.StatusCancelled, 0), "cancelled"},
		{"appointment reminder after a move", n(store.ChannelSMS, PurposeAppointmentReminder, "appointment:2:reminder_24h:"+before), &p, nil, appt(store.StatusBooked, 1), "changed"},
		{"appointment reminder, confirmed", n(store.ChannelEmail, PurposeAppointmentReminder, "appointment:2:reminder_24h:"+at+":after-sms"), &p, nil, appt(store.StatusConfirmed, 1), ""},
		{"opted out since", n(store.ChannelSMS, PurposeCancelledByHospital, "appointment:2:cancelled_by_hospital:1"), &optedOut, nil, appt(store.StatusCancelledByHospital, 1), "opted out"},
		{"the change message itself goes", n(store.ChannelSMS, PurposeCancelledByHospital, "appointment:2:cancelled_by_hospital:1"), &p, nil, appt(store.StatusCancelledByHospital, 1), ""},
	}
	for _, tc := range cases {
		got := staleReason(now, tc.n, tc.p, tc.l, tc.a)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want one mentioning %q", tc.name, got, tc.want)
		}
	}
}

func TestWording(t *testing.T) {
	c := policyConfig(t)
	site := sql.NullString{String: "St James's University Hospital", Valid: true}
	a := store.Appointment{Clinic: "Sexual Health Clinic", StartsAt: london(t, "2026-03-10 10:30"), SiteName: site}
	plain, discreet := policyPatient(true, false), policyPatient(true, false)
	discreet.Discreet = true
	for _, purpose := range []string{PurposeInvite, PurposeNewLetter, "reminder_1", "reminder_2", PurposeAppointmentReminder,
		PurposeRebooked, PurposeCancelled, PurposeCancelledByHospital, PurposeChanged, PurposeNewMessage} {
		ab := about{Appointment: &a, Letter: &store.Letter{ID: 3, Title: "Your Sexual Health Clinic appointment"}, Reminder: 1}
		w := c.compose(purpose, plain, ab)
		if !strings.HasSuffix(w.Text, "User Verification Code: K7Q2XRPA") || !strings.Contains(w.Text, "https://hub.example/") {
			t.Errorf("%s: no link or no verification code at the end: %q", purpose, w.Text)
		}
		d := c.compose(purpose, discreet, ab)
		for _, secret := range []string{"Sexual", "St James"} {
			if strings.Contains(d.Text+d.Subject, secret) {
				t.Errorf("%s: a discreet record's message names %q: %q", purpose, secret, d.Text)
			}
		}
		if purpose == PurposeAppointmentReminder && (!strings.Contains(w.Text, "Sexual Health Clinic") ||
			!strings.Contains(w.Text, "Tuesday 10 March 2026 at 10:30am at St James's") || !strings.Contains(d.Text, "10:30am")) {
			t.Errorf("appointment reminder: %q / %q", w.Text, d.Text)
		}
	}
	if w := c.compose(PurposeInvite, plain, about{}); !strings.Contains(w.Text, "within 3 days") {
		t.Errorf("invite does not say when the paper copy goes: %q", w.Text)
	}
	if w := c.compose("reminder_2", plain, about{Reminder: 2}); !strings.Contains(w.Text, "within 1 day") {
		t.Errorf("second reminder: %q", w.Text)
	}
	m := store.Message{Subject: "Car park works", Body: "Level 2 is closed."}
	if w := c.composePost(PurposeNewMessage, plain, about{Message: &m}); w.Subject != "Car park works" || !strings.HasPrefix(w.Text, "Level 2 is closed.") {
		t.Errorf("a message on paper is printed in full: %+v", w)
	}
	if got := durationWords(6 * time.Second); got != "6 seconds" {
		t.Errorf("durationWords: %q", got)
	}
	html := emailHTML("Subject <x>", "Hello & welcome: https://hub.example/\n\nUser Verification Code: K7")
	if !strings.Contains(html, `<a href="https://hub.example/"`) || !strings.Contains(html, "Hello &amp; welcome") || !strings.Contains(html, "&lt;x&gt;") {
		t.Errorf("email HTML: %s", html)
	}
}

func TestDeliveryText(t *testing.T) {
	at := london(t, "2026-02-04 10:02")
	cases := map[string]store.Notification{
		"Text delivered 10:02am on 4 February":       {Channel: store.ChannelSMS, Status: store.NotifyDelivered, DeliveredAt: nullTime(at)},
		"Email sent 10:02am on 4 February":           {Channel: store.ChannelEmail, Status: store.NotifySent, SentAt: nullTime(at)},
		"Letter posted 4 February":                   {Channel: store.ChannelPost, Status: store.NotifyDelivered, DeliveredAt: nullTime(at)},
		"Text not sent: the patient read the letter": {Channel: store.ChannelSMS, Status: store.NotifyCancelled, LastError: "the patient read the letter"},
		"Text due 10:02am on 4 February":             {Channel: store.ChannelSMS, Status: store.NotifyPending, NextAttemptAt: at},
		"Email could not be sent":                    {Channel: store.ChannelEmail, Status: store.NotifyFailed},
	}
	for want, n := range cases {
		if got := DeliveryText(n); got != want {
			t.Errorf("%q, want %q", got, want)
		}
	}
}
