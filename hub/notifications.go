package hub

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/patienthub/patienthub/store"
)

// DigitalChannel picks the channel for a patient's texts and emails: their preference where that
// contact exists, else the other one. It returns "" when the patient has neither or opted out.
func DigitalChannel(p store.Patient) store.Channel {
	if p.OptedOut() {
		return ""
	}
	hasSMS, hasEmail := p.Mobile.Valid && p.Mobile.String != "", p.Email.Valid && p.Email.String != ""
	switch {
	case p.PreferredChannel == store.ChannelEmail && hasEmail:
		return store.ChannelEmail
	case hasSMS:
		return store.ChannelSMS
	case hasEmail:
		return store.ChannelEmail
	}
	return ""
}

// recipient is the address of a patient on a channel.
func recipient(p store.Patient, ch store.Channel) string {
	switch ch {
	case store.ChannelSMS:
		return p.Mobile.String
	case store.ChannelEmail:
		return p.Email.String
	case store.ChannelPost:
		return p.FullName() + "\n" + p.Address + "\n" + p.Postcode
	}
	return ""
}

// verificationFooter ends every notification to a record, so a person whose contact and date of
// birth match several records can say which one is theirs.
func verificationFooter(p store.Patient) string {
	return "\n\nUser Verification Code: " + p.VerificationCode
}

// changePurposes are the purposes QueueAppointmentChanged accepts.
var changePurposes = map[string]bool{PurposeRebooked: true, PurposeCancelled: true, PurposeCancelledByHospital: true, PurposeChanged: true}

// QueueLetterInvite queues, in tx, the invitation to read a new appointment letter: by text or
// email with the stable sign-in link (and a push to each subscribed device), or straight to the
// postal queue for a patient with no digital contact or who opted out. Queueing it twice is harmless.
func (s *Service) QueueLetterInvite(ctx context.Context, tx *store.Tx, p store.Patient, l store.Letter) error {
	return s.queueLetterNotice(ctx, tx, p, l, PurposeInvite)
}

// QueueNewLetter queues, in tx, the message about a new letter that is not an appointment's
// invitation; like an invite, it is followed by reminders and a paper copy while the letter is unread.
func (s *Service) QueueNewLetter(ctx context.Context, tx *store.Tx, p store.Patient, l store.Letter) error {
	return s.queueLetterNotice(ctx, tx, p, l, PurposeNewLetter)
}

// queueLetterNotice queues the first message about a letter, keyed "letter:<id>:invite" whatever
// its purpose, so a letter is announced once. A letter about an appointment replaces that
// appointment's earlier letters, which are closed in the same transaction.
func (s *Service) queueLetterNotice(ctx context.Context, tx *store.Tx, p store.Patient, l store.Letter, purpose string) error {
	if err := s.closeReplacedLetters(ctx, tx, p, l); err != nil {
		return err
	}
	if DigitalChannel(p) == "" {
		return s.queuePostalCopy(ctx, tx, p, l)
	}
	_, err := s.queue(ctx, tx, p, letterKey(l.ID, PurposeInvite), purpose, about{Letter: &l}, DigitalChannel(p))
	return err
}

// QueueAppointmentChanged queues, in tx, the message that an appointment changed: purpose is
// "rebooked" (a is the new appointment), "cancelled" (as the patient asked), "cancelled_by_hospital"
// or "changed" (new time or place). It goes by text or email, with pushes, or by post to a patient
// who cannot be reached digitally. The key includes the appointment's sequence, so each change
// is told once however often this is called.
func (s *Service) QueueAppointmentChanged(ctx context.Context, tx *store.Tx, p store.Patient, a store.Appointment, purpose string) error {
	if !changePurposes[purpose] {
		return fmt.Errorf("hub: %q is not an appointment change", purpose)
	}
	ch := DigitalChannel(p)
	if ch == "" {
		ch = store.ChannelPost
	}
	key := "appointment:" + strconv.FormatInt(a.ID, 10) + ":" + purpose + ":" + strconv.Itoa(a.Sequence)
	_, err := s.queue(ctx, tx, p, key, purpose, about{Appointment: &a}, ch)
	return err
}

// QueueNewMessage queues, in tx, the message that a new message is waiting in Patient Hub. A
// patient who cannot be reached digitally gets the message itself by post.
func (s *Service) QueueNewMessage(ctx context.Context, tx *store.Tx, p store.Patient, m store.Message) error {
	ch := DigitalChannel(p)
	if ch == "" {
		ch = store.ChannelPost
	}
	key := "message:" + strconv.FormatInt(m.ID, 10) + ":" + PurposeNewMessage
	_, err := s.queue(ctx, tx, p, key, PurposeNewMessage, about{Message: &m}, ch)
	return err
}

// queuePostalCopy puts a letter in the postal queue, keyed "letter:<id>:postal_copy": whichever
// path gets there first (no digital contact, the fallback time, a failed invite), there is one copy.
func (s *Service) queuePostalCopy(ctx context.Context, tx *store.Tx, p store.Patient, l store.Letter) error {
	_, err := s.queue(ctx, tx, p, letterKey(l.ID, PurposePostalCopy), PurposePostalCopy, about{Letter: &l}, store.ChannelPost)
	return err
}

// letterKey is the idempotency key of a step about a letter; store's scheduling queries build the same text.
func letterKey(letterID int64, step string) string {
	return "letter:" + strconv.FormatInt(letterID, 10) + ":" + step
}

// appointmentReminderKey is the key of the reminder `before` an appointment at the time it
// announces (its start, in Unix seconds): a confirm or a request leaves the time, and so the
// reminder, as it was; a move makes a new one.
func appointmentReminderKey(a store.Appointment, before time.Duration) string {
	return "appointment:" + strconv.FormatInt(a.ID, 10) + ":" + reminderStep(before) + ":" + strconv.FormatInt(a.StartsAt.Unix(), 10)
}

// queue writes one message for p on ch under key, worded for its purpose, and, for a digital
// message, a push to each device the patient subscribed. Texts and pushes due in quiet hours wait
// for the morning. It reports whether the main row was new.
func (s *Service) queue(ctx context.Context, tx *store.Tx, p store.Patient, key, purpose string, ab about, ch store.Channel) (bool, error) {
	now := s.now()
	n := store.Notification{Purpose: purpose, Channel: ch, Recipient: recipient(p, ch), IdempotencyKey: key,
		CreatedAt: now, NextAttemptAt: s.notBefore(ch, purpose, now)}
	n.PatientID = store.NullID(p.ID)
	if ab.Letter != nil {
		n.LetterID = store.NullID(ab.Letter.ID)
		n.AppointmentID = ab.Letter.AppointmentID
	}
	if ab.Appointment != nil {
		n.AppointmentID = store.NullID(ab.Appointment.ID)
	}
	w := s.Cfg.compose(purpose, p, ab)
	if ch == store.ChannelPost {
		w = s.Cfg.composePost(purpose, p, ab)
	} else {
		w = s.customWording(ctx, tx.Queries, purpose, p, ab, w) // an administrator's wording, if any
	}
	n.Subject, n.Body = w.Subject, w.Text
	created, err := tx.EnqueueNotification(ctx, &n)
	if err != nil || !created || ch == store.ChannelPost || p.OptedOut() {
		return created, err
	}
	return true, s.queuePushes(ctx, tx, p, n)
}

// queuePushes adds a push, saying only that there is an update, to each of p's devices.
func (s *Service) queuePushes(ctx context.Context, tx *store.Tx, p store.Patient, main store.Notification) error {
	if s.Router == nil || !s.Router.Has(store.ChannelPush) {
		return nil
	}
	subs, err := tx.PushSubscriptionsForPatient(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, sub := range subs {
		n := main
		n.ID, n.Channel, n.Recipient = 0, store.ChannelPush, sub.Endpoint
		n.Subject, n.Body = "Patient Hub", pushText
		n.IdempotencyKey = main.IdempotencyKey + ":push:" + strconv.FormatInt(sub.ID, 10)
		n.NextAttemptAt = s.notBefore(store.ChannelPush, main.Purpose, main.CreatedAt)
		if _, err := tx.EnqueueNotification(ctx, &n); err != nil {
			return err
		}
	}
	return nil
}

// notBefore is when a message queued now may first go: at once, or after the quiet hours.
func (s *Service) notBefore(ch store.Channel, purpose string, now time.Time) time.Time {
	if holdsForQuietHours(ch, purpose) {
		if until := s.Cfg.QuietHours.Until(now); !until.IsZero() {
			return until
		}
	}
	return now
}

// DeliveryText says what became of a notification, for the patient's and staff's pages:
// "Text delivered 10:02am on 4 February", "Letter posted 4 February", "Email not sent: the patient
// read the letter".
func DeliveryText(n store.Notification) string {
	what := map[store.Channel]string{store.ChannelSMS: "Text", store.ChannelEmail: "Email",
		store.ChannelPush: "Notification to a device", store.ChannelPost: "Letter"}[n.Channel]
	at := func(t time.Time) string { return t.In(letterZone).Format("3:04pm on 2 January") }
	switch n.Status {
	case store.NotifyDelivered:
		if n.Channel == store.ChannelPost {
			return what + " posted " + n.DeliveredAt.Time.In(letterZone).Format("2 January")
		}
		return what + " delivered " + at(n.DeliveredAt.Time)
	case store.NotifySent:
		if n.Channel == store.ChannelPost {
			return what + " waiting to be posted"
		}
		return what + " sent " + at(n.SentAt.Time)
	case store.NotifyFailed:
		return what + " could not be sent"
	case store.NotifyCancelled:
		return what + " not sent: " + n.LastError
	}
	return what + " due " + at(n.NextAttemptAt)
}
