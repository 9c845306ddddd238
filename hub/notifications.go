package hub

import (
	"context"
	"fmt"

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

// QueueLetterInvite queues, in tx, the invitation to read a new letter: by text or email with the
// stable sign-in link, or straight to the postal queue for a patient with no digital contact or
// who opted out. The idempotency key makes queueing it twice harmless.
func (s *Service) QueueLetterInvite(ctx context.Context, tx *store.Tx, p store.Patient, l store.Letter) error {
	n := store.Notification{Purpose: "invite", CreatedAt: s.now()}
	n.PatientID.Int64, n.PatientID.Valid = p.ID, true
	n.LetterID.Int64, n.LetterID.Valid = l.ID, true
	n.AppointmentID = l.AppointmentID
	ch := DigitalChannel(p)
	if ch == "" {
		ch, n.Purpose = store.ChannelPost, "postal_copy"
		n.Subject = l.Title
		n.Body = fmt.Sprintf("Letter %d (%s) to be printed and posted.", l.ID, l.Title)
	} else {
		link := s.Cfg.PublicURL + "/"
		what := "You have a new hospital appointment letter."
		if p.Discreet {
			what = "You have a new message."
		}
		n.Subject = s.Cfg.HospitalName + ": you have a new letter in Patient Hub"
		n.Body = fmt.Sprintf("%s: %s Read it in Patient Hub: %s Sign in with your mobile number or email address and date of birth. If you do not read it within 3 days, we will post it to you.%s",
			s.Cfg.HospitalName, what, link, verificationFooter(p))
	}
	n.Channel, n.Recipient = ch, recipient(p, ch)
	n.IdempotencyKey = fmt.Sprintf("letter:%d:%s", l.ID, n.Purpose)
	_, err := tx.EnqueueNotification(ctx, &n)
	return err
}
