package hub

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/patienthub/patienthub/store"
)

// Scheduler finds what has fallen due (letter reminders, paper copies, appointment reminders) and
// queues it. Every message it queues has an idempotency key, and each candidate is decided in its
// own transaction, so running it twice, or on several servers at once, queues nothing twice.
type Scheduler struct {
	Service  *Service
	Log      *slog.Logger
	Interval time.Duration // how often to look; default the configuration's SchedulerInterval
	Batch    int           // candidates read per query; default 500
}

// Run schedules until ctx is cancelled.
func (sc *Scheduler) Run(ctx context.Context) {
	if sc.Interval == 0 {
		sc.Interval = sc.Service.Cfg.SchedulerInterval()
	}
	t := time.NewTicker(sc.Interval)
	defer t.Stop()
	for {
		for ctx.Err() == nil {
			queued, more, err := sc.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				sc.log().Error("scheduling notifications", "err", err)
			}
			if !more || queued == 0 || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (sc *Scheduler) log() *slog.Logger {
	if sc.Log != nil {
		return sc.Log
	}
	return sc.Service.Log
}

// RunOnce looks once for everything due now. It returns how many messages it queued and whether
// a query filled its batch (so there may be more to do at once).
func (sc *Scheduler) RunOnce(ctx context.Context) (queued int, more bool, err error) {
	s, cfg := sc.Service, sc.Service.Cfg.NotifyConfig
	batch := sc.Batch
	if batch == 0 {
		batch = 500
	}
	now := s.now()
	var letters []store.LetterDue
	collect := func(ls []store.LetterDue, err error) error {
		more = more || len(ls) == batch
		letters = append(letters, ls...)
		return err
	}
	if err := collect(s.Store.LettersWithoutDigitalRoute(ctx, batch)); err != nil {
		return 0, false, err
	}
	// Each reminder's window runs from its time to the next step's; the paper copy's has no end.
	for k, after := range cfg.LetterReminders {
		until := cfg.PostalFallbackAfter
		if k+1 < len(cfg.LetterReminders) {
			until = cfg.LetterReminders[k+1]
		}
		if err := collect(s.Store.LettersDue(ctx, ReminderPurpose(k+1), now.Add(-until), now.Add(-after), batch)); err != nil {
			return 0, false, err
		}
	}
	if err := collect(s.Store.LettersDue(ctx, PurposePostalCopy, time.Unix(0, 0), now.Add(-cfg.PostalFallbackAfter), batch)); err != nil {
		return 0, false, err
	}
	seen := map[int64]bool{}
	for _, due := range letters {
		if seen[due.LetterID] {
			continue
		}
		seen[due.LetterID] = true
		n, err := sc.letter(ctx, due, now)
		if err != nil {
			// One letter that cannot be handled must not hold up the others.
			sc.log().Error("scheduling a letter's follow-up", "letter", due.LetterID, "err", err)
			continue
		}
		queued += n
	}
	for i, before := range cfg.AppointmentReminders {
		next := time.Duration(0)
		if i+1 < len(cfg.AppointmentReminders) {
			next = cfg.AppointmentReminders[i+1]
		}
		as, err := s.Store.AppointmentsDue(ctx, reminderStep(before), before, now.Add(next), now.Add(before), batch)
		if err != nil {
			return queued, false, err
		}
		more = more || len(as) == batch
		for _, due := range as {
			n, err := sc.appointment(ctx, due, before, now)
			if err != nil {
				sc.log().Error("scheduling an appointment reminder", "appointment", due.AppointmentID, "err", err)
				continue
			}
			queued += n
		}
	}
	if queued > 0 {
		sc.log().Info("notifications scheduled", "queued", queued)
	}
	return queued, more, nil
}

// letter decides and queues what one unread letter needs, in one transaction.
func (sc *Scheduler) letter(ctx context.Context, due store.LetterDue, now time.Time) (int, error) {
	s := sc.Service
	queued := 0
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		st, err := letterState(ctx, tx, due)
		if err != nil {
			return err
		}
		act := s.Cfg.LetterFollowUp(now, st)
		switch {
		case act.Done != "":
			return s.closeLetter(ctx, tx, st, act.Done)
		case act.Purpose == PurposePostalCopy:
			queued++
			return s.queuePostalCopy(ctx, tx, st.Patient, st.Letter)
		case act.Purpose != "":
			ab := about{Letter: &st.Letter, Appointment: st.Appointment}
			ab.Reminder = len(s.Cfg.LetterReminders)
			for k := range s.Cfg.LetterReminders {
				if ReminderPurpose(k+1) == act.Purpose {
					ab.Reminder = k + 1
				}
			}
			created, err := s.queue(ctx, tx, st.Patient, letterKey(st.Letter.ID, act.Purpose), act.Purpose, ab, DigitalChannel(st.Patient))
			if created {
				queued++
			}
			return err
		}
		return nil
	})
	return queued, err
}

// letterState loads what the letter policy needs, within tx.
func letterState(ctx context.Context, tx *store.Tx, due store.LetterDue) (LetterState, error) {
	var st LetterState
	var err error
	if st.Letter, err = tx.Letter(ctx, due.LetterID); err != nil {
		return st, err
	}
	if st.Patient, err = tx.Patient(ctx, due.PatientID); err != nil {
		return st, err
	}
	if st.Letter.AppointmentID.Valid {
		if st.Replaced, err = tx.LetterReplaced(ctx, st.Letter.ID); err != nil {
			return st, err
		}
		a, err := tx.Appointment(ctx, st.Letter.AppointmentID.Int64)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return st, err
		}
		if err == nil {
			st.Appointment = &a
		}
	}
	return st, nil
}

// closeLetter records that a letter needs no paper copy, and why, as a cancelled paper copy: the
// patient's log says what happened, and the scheduler does not look at the letter again.
func (s *Service) closeLetter(ctx context.Context, tx *store.Tx, st LetterState, reason string) error {
	now := s.now()
	n := store.Notification{Purpose: PurposePostalCopy, Channel: store.ChannelPost, Recipient: recipient(st.Patient, store.ChannelPost),
		Subject: st.Letter.Title, Body: reason, IdempotencyKey: letterKey(st.Letter.ID, PurposePostalCopy),
		Status: store.NotifyCancelled, LastError: reason, CreatedAt: now, NextAttemptAt: now,
		PatientID: store.NullID(st.Patient.ID), LetterID: store.NullID(st.Letter.ID), AppointmentID: st.Letter.AppointmentID}
	_, err := tx.EnqueueNotification(ctx, &n)
	return err
}

// appointment queues the reminder `before` one appointment when the policy says it is due.
func (sc *Scheduler) appointment(ctx context.Context, due store.AppointmentDue, before time.Duration, now time.Time) (int, error) {
	s := sc.Service
	queued := 0
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		a, err := tx.Appointment(ctx, due.AppointmentID)
		if err != nil {
			return err
		}
		p, err := tx.Patient(ctx, a.PatientID)
		if err != nil {
			return err
		}
		if !s.Cfg.AppointmentReminderDue(now, a, p, before) {
			return nil
		}
		created, err := s.queue(ctx, tx, p, appointmentReminderKey(a, before), PurposeAppointmentReminder,
			about{Appointment: &a, Before: before}, DigitalChannel(p))
		if created {
			queued++
		}
		return err
	})
	return queued, err
}
