package hub

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/patienthub/patienthub/store"
)

// notifyAppointmentChange tells the patient, inside tx, about a change staff made to an
// appointment, through the notification policy: purpose PurposeRebooked (a is the new
// appointment), PurposeChanged or PurposeCancelled. A new or changed appointment also gets a new
// letter, which replaces the appointment's earlier letters and then follows the usual rules
// (reminders while unread, a paper copy after the fallback time). A patient reached only by post
// (no mobile or email, or opted out) gets that letter's paper copy at once, queued here, and no
// separate notice, since the letter says everything the notice would.
func (s *Service) notifyAppointmentChange(ctx context.Context, tx *store.Tx, a store.Appointment, purpose string, now time.Time) error {
	p, err := tx.Patient(ctx, a.PatientID)
	if err != nil {
		return err
	}
	if purpose != PurposeCancelled {
		l, err := s.writeAppointmentLetter(ctx, tx, p, a, now)
		if err != nil {
			return err
		}
		if err := s.closeReplacedLetters(ctx, tx, p, l); err != nil {
			return err
		}
		if DigitalChannel(p) == "" {
			return s.queuePostalCopy(ctx, tx, p, l)
		}
	}
	return s.QueueAppointmentChanged(ctx, tx, p, a, purpose)
}

// closeReplacedLetters closes, in tx, the earlier letters of l's appointment that are still
// unread and unposted: l replaces them, so they get no more reminders and no paper copy (each is
// recorded as a cancelled paper copy saying why), and what was queued for them is cancelled when
// it comes to be sent.
func (s *Service) closeReplacedLetters(ctx context.Context, tx *store.Tx, p store.Patient, l store.Letter) error {
	if !l.AppointmentID.Valid {
		return nil
	}
	ls, err := tx.LettersForAppointment(ctx, p.ID, l.AppointmentID.Int64)
	if err != nil {
		return err
	}
	for _, old := range ls {
		if old.ID >= l.ID || old.FirstViewedAt.Valid || old.PostedAt.Valid {
			continue
		}
		if err := s.closeLetter(ctx, tx, LetterState{Letter: old, Patient: p}, reasonReplaced); err != nil {
			return err
		}
	}
	return nil
}

// writeAppointmentLetter renders and stores the letter for appointment a.
func (s *Service) writeAppointmentLetter(ctx context.Context, tx *store.Tx, p store.Patient, a store.Appointment, now time.Time) (store.Letter, error) {
	var site *store.Site
	if a.SiteID.Valid {
		st, err := tx.Site(ctx, a.SiteID.Int64)
		if err != nil {
			return store.Letter{}, err
		}
		site = &st
	}
	data, err := LetterPDF(LetterHeader{HospitalName: s.Cfg.HospitalName, PublicURL: s.Cfg.PublicURL, Date: now}, p, a, site)
	if err != nil {
		return store.Letter{}, err
	}
	l := store.Letter{PatientID: p.ID, AppointmentID: sql.NullInt64{Int64: a.ID, Valid: true}, Title: appointmentLetterTitle(p, a),
		Source: store.LetterGenerated, CreatedAt: now}
	file := store.LetterFile{Filename: fmt.Sprintf("appointment-letter-%s-%d.pdf", a.ExternalID, a.Sequence), ContentType: "application/pdf", Data: data}
	if err := tx.CreateLetter(ctx, &l, file); err != nil {
		return store.Letter{}, err
	}
	return l, nil
}
