package hub

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/patienthub/patienthub/store"
)

// Notification purposes: why a message goes. Other use cases pass the change purposes to
// QueueAppointmentChanged.
const (
	PurposeInvite              = "invite"
	PurposeNewLetter           = "new_letter"
	PurposePostalCopy          = "postal_copy"
	PurposeAppointmentReminder = "appointment_reminder"
	PurposeRebooked            = "rebooked"
	PurposeCancelled           = "cancelled"
	PurposeCancelledByHospital = "cancelled_by_hospital"
	PurposeChanged             = "changed"
	PurposeNewMessage          = "new_message"
	PurposeSignInCode          = "sign_in_code"
)

// ReminderPurpose is the purpose of the k-th reminder (from 1) about an unread letter.
func ReminderPurpose(k int) string { return "reminder_" + strconv.Itoa(k) }

func isLetterReminder(purpose string) bool { return strings.HasPrefix(purpose, "reminder_") }

// QuietHours is the part of each day (Europe/London) when no texts or pushes go out.
type QuietHours struct {
	On         bool
	Start, End time.Duration // since local midnight; End before Start spans midnight
}

// ParseQuietHours reads "21:00-08:00", or "off".
func ParseQuietHours(v string) (QuietHours, error) {
	if v == "off" {
		return QuietHours{}, nil
	}
	from, to, ok := strings.Cut(v, "-")
	start, err1 := clockTime(from)
	end, err2 := clockTime(to)
	if !ok || err1 != nil || err2 != nil || start == end {
		return QuietHours{}, fmt.Errorf("must be two different times like 21:00-08:00, or off")
	}
	return QuietHours{On: true, Start: start, End: end}, nil
}

func clockTime(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// String writes the quiet hours as they are configured.
func (q QuietHours) String() string {
	if !q.On {
		return "off"
	}
	f := func(d time.Duration) string { return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60) }
	return f(q.Start) + "-" + f(q.End)
}

// Until returns when the quiet hours that t falls in end, or the zero time when t is not quiet.
func (q QuietHours) Until(t time.Time) time.Time {
	if !q.On {
		return time.Time{}
	}
	local := t.In(letterZone)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, letterZone)
	since := local.Sub(midnight)
	at := func(dayOffset int, d time.Duration) time.Time {
		return time.Date(local.Year(), local.Month(), local.Day()+dayOffset, int(d.Hours()), int(d.Minutes())%60, 0, 0, letterZone).UTC()
	}
	if q.Start < q.End {
		if since >= q.Start && since < q.End {
			return at(0, q.End)
		}
		return time.Time{}
	}
	switch {
	case since >= q.Start:
		return at(1, q.End)
	case since < q.End:
		return at(0, q.End)
	}
	return time.Time{}
}

// holdsForQuietHours reports whether a message on ch waits out the quiet hours: texts and pushes
// wake a phone; emails do not, and sign-in codes are wanted now.
func holdsForQuietHours(ch store.Channel, purpose string) bool {
	return (ch == store.ChannelSMS || ch == store.ChannelPush) && purpose != PurposeSignInCode
}

// LetterState is what the letter policy looks at for one unread letter.
type LetterState struct {
	Letter      store.Letter
	Patient     store.Patient
	Appointment *store.Appointment // nil for a letter about no appointment
	Replaced    bool               // a newer letter about the same appointment replaces it
}

// reasonReplaced is why a replaced letter gets nothing more.
const reasonReplaced = "a newer letter replaced it"

// answered reports whether the patient has answered since letter l was written: confirmed, or
// asked to rebook or cancel. A response from before l (a confirm of the time l now changes) does
// not count, so l is followed up like any new letter.
func answered(a store.Appointment, l store.Letter) bool {
	if a.RespondedAt.Valid && a.RespondedAt.Time.Before(l.CreatedAt) {
		return a.Status != store.StatusBooked && a.Status != store.StatusConfirmed
	}
	return a.Status != store.StatusBooked || a.RespondedAt.Valid
}

// LetterAction is what is due for a letter now: a purpose to queue, or a reason it needs nothing
// more (recorded once, so the letter is not looked at again), or neither.
type LetterAction struct {
	Purpose string
	Done    string
}

// LetterFollowUp decides what an unread letter needs now: while it stays unread, reminder k once
// the k-th reminder time has passed (only the latest one due, so a scheduler that was stopped does
// not send a burst), and at the postal fallback time, or at once for a patient who cannot be
// reached digitally, a paper copy. A letter a newer one replaced, a patient who answered since the
// letter, or an appointment cancelled, moved or passed, needs nothing more.
func (c NotifyConfig) LetterFollowUp(now time.Time, st LetterState) LetterAction {
	l := st.Letter
	if l.FirstViewedAt.Valid || l.PostedAt.Valid {
		return LetterAction{}
	}
	if st.Replaced {
		return LetterAction{Done: "no paper copy: " + reasonReplaced}
	}
	if a := st.Appointment; a != nil {
		switch {
		case answered(*a, l):
			return LetterAction{Done: "no paper copy: the appointment is " + strings.ReplaceAll(string(a.Status), "_", " ")}
		case !a.StartsAt.After(now):
			return LetterAction{Done: "no paper copy: the appointment has passed"}
		}
	}
	if DigitalChannel(st.Patient) == "" {
		return LetterAction{Purpose: PurposePostalCopy}
	}
	age := now.Sub(l.CreatedAt)
	if age >= c.PostalFallbackAfter {
		return LetterAction{Purpose: PurposePostalCopy}
	}
	for k := len(c.LetterReminders); k >= 1; k-- {
		if age >= c.LetterReminders[k-1] {
			return LetterAction{Purpose: ReminderPurpose(k)}
		}
	}
	return LetterAction{}
}

// AppointmentReminderDue reports whether the reminder `before` an appointment is due now: the
// appointment is booked or confirmed and still ahead, the patient can be reached digitally, now is
// past the reminder time but not yet at the next (shorter) one, and the appointment was booked
// before the reminder time (an appointment booked within the week gets its invite, not a 7-day
// reminder).
func (c NotifyConfig) AppointmentReminderDue(now time.Time, a store.Appointment, p store.Patient, before time.Duration) bool {
	if a.Status != store.StatusBooked && a.Status != store.StatusConfirmed {
		return false
	}
	if !a.StartsAt.After(now) || DigitalChannel(p) == "" {
		return false
	}
	remindAt := a.StartsAt.Add(-before)
	if now.Before(remindAt) || a.CreatedAt.After(remindAt) {
		return false
	}
	next := time.Duration(0)
	for _, d := range c.AppointmentReminders {
		if d < before {
			next = max(next, d)
		}
	}
	return now.Before(a.StartsAt.Add(-next))
}

// reminderStep names the reminder `before` an appointment in its idempotency key: "reminder_168h".
func reminderStep(before time.Duration) string {
	switch {
	case before%time.Hour == 0:
		return fmt.Sprintf("reminder_%dh", before/time.Hour)
	case before%time.Second == 0:
		return fmt.Sprintf("reminder_%ds", before/time.Second)
	}
	return fmt.Sprintf("reminder_%dms", before/time.Millisecond)
}

// postFallback says what a message becomes on paper when no digital channel is left: invites
// become the letter's paper copy; changes and messages go as a short letter; reminders need no
// paper (the paper copy of an unread letter follows on its own schedule).
func postFallback(purpose string) (ok bool, postalCopy bool) {
	switch purpose {
	case PurposeInvite, PurposeNewLetter:
		return true, true
	case PurposeRebooked, PurposeCancelled, PurposeCancelledByHospital, PurposeChanged, PurposeNewMessage:
		return true, false
	}
	return false, false
}

// fallbackChannel is where a message goes after a permanent failure on n's channel: the patient's
// other digital contact not yet tried, else post when the purpose allows, else nowhere ("").
// Pushes are only ever in addition, and post is the end of the line. The channels already tried
// are n's own and those its key names: each fallback's key adds ":after-<failed channel>".
func fallbackChannel(p store.Patient, n store.Notification) store.Channel {
	if n.Channel == store.ChannelPush || n.Channel == store.ChannelPost {
		return ""
	}
	tried := map[store.Channel]bool{n.Channel: true}
	for _, part := range strings.Split(n.IdempotencyKey, ":") {
		if ch, ok := strings.CutPrefix(part, "after-"); ok {
			tried[store.Channel(ch)] = true
		}
	}
	if !p.OptedOut() {
		first := DigitalChannel(p)
		for _, ch := range []store.Channel{first, otherChannel(first)} {
			if ch != "" && !tried[ch] && hasChannel(p, ch) {
				return ch
			}
		}
	}
	if ok, _ := postFallback(n.Purpose); ok {
		return store.ChannelPost
	}
	return ""
}

func otherChannel(ch store.Channel) store.Channel {
	switch ch {
	case store.ChannelSMS:
		return store.ChannelEmail
	case store.ChannelEmail:
		return store.ChannelSMS
	}
	return ""
}

// staleReason says why a queued message should no longer go, or "" when it still should: the
// letter it is about was read or posted, the appointment moved on, the patient opted out.
func staleReason(now time.Time, n store.Notification, p *store.Patient, l *store.Letter, a *store.Appointment) string {
	if n.Purpose == PurposeSignInCode {
		return ""
	}
	if p != nil && p.OptedOut() && n.Channel != store.ChannelPost {
		return "the patient opted out"
	}
	switch {
	case aboutTheLetter(n.Purpose):
		if l != nil && l.FirstViewedAt.Valid {
			return "the patient read the letter"
		}
		if l != nil && l.PostedAt.Valid {
			return "the letter was posted"
		}
		if a == nil {
			return ""
		}
		if !a.StartsAt.After(now) {
			return "the appointment has passed"
		}
		switch a.Status {
		case store.StatusCancelled, store.StatusCancelledByHospital, store.StatusRebooked:
			return "the appointment is " + strings.ReplaceAll(string(a.Status), "_", " ")
		}
		var letter store.Letter // with no letter, any response counts
		if l != nil {
			letter = *l
		}
		if isLetterReminder(n.Purpose) && answered(*a, letter) {
			return "the patient answered"
		}
	case n.Purpose == PurposeAppointmentReminder && a != nil:
		if a.Status != store.StatusBooked && a.Status != store.StatusConfirmed {
			return "the appointment is " + strings.ReplaceAll(string(a.Status), "_", " ")
		}
		if !a.StartsAt.After(now) {
			return "the appointment has passed"
		}
		if at, ok := keyStartsAt(n.IdempotencyKey); ok && at != a.StartsAt.Unix() {
			return "the appointment changed"
		}
	}
	return ""
}

// aboutTheLetter reports whether a message of this purpose is one of a letter's own steps: its
// announcement, a reminder or its paper copy.
func aboutTheLetter(purpose string) bool {
	return purpose == PurposeInvite || purpose == PurposeNewLetter || isLetterReminder(purpose) || purpose == PurposePostalCopy
}

// keyStartsAt reads the start time (Unix seconds) an appointment reminder announces from the end
// of its key, "appointment:<id>:<step>:<starts_at>", before any channel or push suffix.
func keyStartsAt(key string) (int64, bool) {
	parts := strings.Split(key, ":")
	if len(parts) < 4 || parts[0] != "appointment" {
		return 0, false
	}
	at, err := strconv.ParseInt(parts[3], 10, 64)
	return at, err == nil
}
