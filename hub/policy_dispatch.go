package hub

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/patienthub/patienthub/notify"
	"github.com/patienthub/patienthub/store"
)

// DispatchPolicy is the hub's side of the dispatcher: what still goes, when, in what words, and
// what replaces a message that failed for good.
func (s *Service) DispatchPolicy() notify.Policy { return dispatchPolicy{s} }

type dispatchPolicy struct{ s *Service }

// Prepare checks, at send time, that the message is still wanted (a reminder for a letter read
// since it was queued is cancelled, not sent), holds texts and pushes through the quiet hours,
// and renders the email's HTML, the push's payload or the printable letter.
func (d dispatchPolicy) Prepare(ctx context.Context, n store.Notification, now time.Time) (notify.Decision, error) {
	s := d.s
	p, ab, err := s.loadAbout(ctx, s.Store.Queries, n)
	if err != nil {
		return notify.Decision{}, err
	}
	if reason, err := s.staleNow(ctx, s.Store.Queries, now, n, p, ab); err != nil || reason != "" {
		return notify.Decision{Cancel: reason}, err
	}
	if holdsForQuietHours(n.Channel, n.Purpose) {
		if until := s.Cfg.QuietHours.Until(now); !until.IsZero() {
			return notify.Decision{Wait: until}, nil
		}
	}
	m := notify.Message{Channel: n.Channel, To: n.Recipient, Purpose: n.Purpose, Subject: n.Subject, Text: n.Body,
		Ref: n.IdempotencyKey}
	switch n.Channel {
	case store.ChannelEmail:
		m.HTML = emailHTML(n.Subject, n.Body)
	case store.ChannelPush:
		m.Subject, m.Text, m.URL = "Patient Hub", pushText, s.Cfg.PublicURL+pushPath(n)
	case store.ChannelPost:
		m.Document = func() ([]byte, error) { return s.PostDocument(ctx, n) }
	}
	return notify.Decision{Message: m}, nil
}

// Failed records a permanent failure and, in the same transaction, queues the message on the
// next channel: the patient's other contact, then post (SMS → email → post).
func (d dispatchPolicy) Failed(ctx context.Context, n store.Notification, provider, reason string, now time.Time) error {
	return d.s.Store.InTx(ctx, func(tx *store.Tx) error {
		ok, err := tx.RecordFailed(ctx, store.ClaimOf(n), provider, reason, now)
		if err != nil || !ok {
			return err
		}
		return d.s.fallback(ctx, tx, n)
	})
}

// RecordDelivery records what a provider later said became of a message: delivered (for a letter,
// posted), undelivered (then it falls back to the next channel), or lost (then it is sent again).
// A report about a message the hub does not know is ErrNotFound.
func (s *Service) RecordDelivery(ctx context.Context, r notify.DeliveryReport) error {
	n, err := s.Store.NotificationByProviderRef(ctx, r.Provider, r.Ref)
	if err != nil {
		return err
	}
	now := s.now()
	at := r.At
	if at.IsZero() {
		at = now
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		switch r.Outcome {
		case notify.OutcomeDelivered:
			changed, err := tx.MarkDelivered(ctx, n.ID, at, now)
			if err == nil && changed && n.Channel == store.ChannelPost && n.LetterID.Valid {
				err = tx.MarkLetterPosted(ctx, n.LetterID.Int64, at)
			}
			return err
		case notify.OutcomeUndelivered:
			changed, err := tx.MarkDeliveryFailed(ctx, n.ID, r.Detail, now)
			if err != nil || !changed {
				return err
			}
			return s.fallback(ctx, tx, n)
		case notify.OutcomeResend:
			_, err := tx.MarkDeliveryRetry(ctx, n.ID, r.Detail, now.Add(notify.DefaultBackoff(n.Attempts)), now)
			return err
		}
		return nil
	})
}

// fallback queues what replaces n after it failed for good, in tx: the same words on the
// patient's next channel, or on paper (an invite becomes the letter's paper copy).
func (s *Service) fallback(ctx context.Context, tx *store.Tx, n store.Notification) error {
	if !n.PatientID.Valid || n.Purpose == PurposeSignInCode {
		return nil
	}
	p, ab, err := s.loadAbout(ctx, tx.Queries, n)
	if err != nil || p == nil {
		return err
	}
	next := fallbackChannel(*p, n)
	switch {
	case next == "":
		return nil
	case next == store.ChannelPost:
		if _, postalCopy := postFallback(n.Purpose); postalCopy && ab.Letter != nil {
			return s.queuePostalCopy(ctx, tx, *p, *ab.Letter)
		}
		_, err := s.queue(ctx, tx, *p, fallbackKey(n), n.Purpose, ab, store.ChannelPost)
		return err
	}
	now := s.now()
	again := n
	again.ID, again.Channel, again.Recipient = 0, next, recipient(*p, next)
	again.IdempotencyKey = fallbackKey(n)
	again.Status, again.Attempts, again.Provider, again.ProviderRef, again.LastError = store.NotifyPending, 0, "", "", ""
	again.CreatedAt, again.NextAttemptAt = now, s.notBefore(next, n.Purpose, now)
	again.SentAt, again.DeliveredAt = sql.NullTime{}, sql.NullTime{}
	_, err = tx.EnqueueNotification(ctx, &again)
	return err
}

// fallbackKey is the key of what replaces n after it failed: one replacement per failed row.
func fallbackKey(n store.Notification) string {
	return n.IdempotencyKey + ":after-" + string(n.Channel)
}

// loadAbout loads the patient, letter, appointment and message a notification is about.
func (s *Service) loadAbout(ctx context.Context, q store.Queries, n store.Notification) (*store.Patient, about, error) {
	var ab about
	var p *store.Patient
	if n.PatientID.Valid {
		pt, err := q.Patient(ctx, n.PatientID.Int64)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, ab, err
		}
		if err == nil {
			p = &pt
		}
	}
	if n.LetterID.Valid {
		l, err := q.Letter(ctx, n.LetterID.Int64)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, ab, err
		}
		if err == nil {
			ab.Letter = &l
		}
	}
	if n.AppointmentID.Valid {
		a, err := q.Appointment(ctx, n.AppointmentID.Int64)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, ab, err
		}
		if err == nil {
			ab.Appointment = &a
		}
	}
	if id, ok := keyID(n.IdempotencyKey, "message"); ok {
		m, err := q.Message(ctx, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, ab, err
		}
		if err == nil {
			ab.Message = &m
		}
	}
	if k, err := strconv.Atoi(strings.TrimPrefix(n.Purpose, "reminder_")); err == nil && isLetterReminder(n.Purpose) {
		ab.Reminder = k
	}
	return p, ab, nil
}

// staleNow says why a queued message should no longer go (staleReason), or that a newer letter
// about the same appointment replaced the letter it is about; "" when it still should.
func (s *Service) staleNow(ctx context.Context, q store.Queries, now time.Time, n store.Notification, p *store.Patient, ab about) (string, error) {
	if reason := staleReason(now, n, p, ab.Letter, ab.Appointment); reason != "" || ab.Letter == nil || !aboutTheLetter(n.Purpose) {
		return reason, nil
	}
	replaced, err := q.LetterReplaced(ctx, ab.Letter.ID)
	if err != nil || !replaced {
		return "", err
	}
	return reasonReplaced, nil
}

// keyID reads the id from a key "<kind>:<id>:...".
func keyID(key, kind string) (int64, bool) {
	rest, ok := strings.CutPrefix(key, kind+":")
	if !ok {
		return 0, false
	}
	idText, _, _ := strings.Cut(rest, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	return id, err == nil
}
