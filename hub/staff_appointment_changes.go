package hub

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/patienthub/patienthub/store"
)

// Reasons staff cannot change an appointment; nothing was changed.
var (
	ErrStaffCannotChange = &Refusal{"cannot_change", "This appointment cannot be changed here: it has started, or it is cancelled or moved, or the patient has asked to rebook or cancel it (work that from the call-back queue)."}
	ErrNothingChanged    = &Refusal{"nothing_changed", "Nothing was changed: the details are the same as before."}
	ErrStaleAppointment  = &Refusal{"stale_appointment", "Someone changed this appointment while you were editing it. Check its details, then make your change again."}
	ErrAppointmentForm   = &Refusal{"stale_appointment_form", "This form did not say which version of the appointment it changes, so nothing was changed. Open the appointment again and make your change there."}
)

// BookAppointment books a new appointment for a patient: it writes the letter and sends the
// invitation to read it (by post for a patient who cannot be reached digitally).
func (s *Service) BookAppointment(ctx context.Context, patientID int64, f AppointmentForm, by Actor) (store.Appointment, error) {
	now := s.now()
	var a store.Appointment
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.Patient(ctx, patientID)
		if err != nil {
			return err
		}
		if a, err = f.Appointment(ctx, tx.Queries, now); err != nil {
			return err
		}
		a.PatientID, a.Status, a.CreatedAt, a.UpdatedAt = p.ID, store.StatusBooked, now, now
		if a.ExternalID, err = newExternalID(); err != nil {
			return err
		}
		if err := tx.CreateAppointment(ctx, &a); err != nil {
			return err
		}
		if a, err = tx.Appointment(ctx, a.ID); err != nil {
			return err
		}
		l, err := s.writeAppointmentLetter(ctx, tx, p, a, now)
		if err != nil {
			return err
		}
		if err := s.QueueLetterInvite(ctx, tx, p, l); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, by.event("staff.appointment.booked", p.ID, appointmentObject(a.ID), LondonDateTime(a.StartsAt)), now)
	})
	return a, err
}

// ChangeAppointment saves staff's changes to an appointment they may change (StaffCanChange),
// made on the page showing sequence seq (negative when the form did not say, which is refused):
// its sequence is bumped, a new letter written and the patient told.
func (s *Service) ChangeAppointment(ctx context.Context, id int64, seq int, f AppointmentForm, by Actor) (store.Appointment, error) {
	now := s.now()
	var next store.Appointment
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		a, err := tx.Appointment(ctx, id)
		if err != nil {
			return err
		}
		if !StaffCanChange(a, now) {
			return ErrStaffCannotChange
		}
		if seq < 0 {
			return ErrAppointmentForm
		}
		if a.Sequence != seq {
			return ErrStaleAppointment
		}
		if next, err = f.Appointment(ctx, tx.Queries, now); err != nil {
			return err
		}
		next.ID, next.PatientID, next.Sequence = a.ID, a.PatientID, a.Sequence
		if sameDetails(a, next) {
			return ErrNothingChanged
		}
		if ok, err := tx.UpdateAppointmentDetails(ctx, next, now); err != nil {
			return err
		} else if !ok {
			return ErrStaleAppointment
		}
		if next, err = tx.Appointment(ctx, id); err != nil {
			return err
		}
		if err := s.notifyAppointmentChange(ctx, tx, next, PurposeChanged, now); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, by.event("staff.appointment.changed", a.PatientID, appointmentObject(id),
			fmt.Sprintf("%s to %s", LondonDateTime(a.StartsAt), LondonDateTime(next.StartsAt))), now)
	})
	return next, err
}

// sameDetails reports whether b says nothing new about appointment a.
func sameDetails(a, b store.Appointment) bool {
	return a.Clinic == b.Clinic && a.Specialty == b.Specialty && a.Clinician == b.Clinician && a.SiteID == b.SiteID &&
		a.StartsAt.Equal(b.StartsAt) && a.EndsAt.Equal(b.EndsAt) && a.Kind == b.Kind && a.VideoLink == b.VideoLink &&
		a.Bring == b.Bring && a.Instructions == b.Instructions
}

// StaffAppointment returns an appointment with its letters for the console, and audits the view.
func (s *Service) StaffAppointment(ctx context.Context, id int64, by Actor) (store.Appointment, store.Patient, []store.Letter, error) {
	a, err := s.Store.Appointment(ctx, id)
	if err != nil {
		return a, store.Patient{}, nil, err
	}
	p, err := s.Store.Patient(ctx, a.PatientID)
	if err != nil {
		return a, p, nil, err
	}
	ls, err := s.Store.LettersForAppointment(ctx, a.PatientID, a.ID)
	if err != nil {
		return a, p, nil, err
	}
	s.audit(ctx, by.event("staff.appointment.view", a.PatientID, appointmentObject(id), ""))
	return a, p, ls, nil
}

// Limits on letters staff upload.
const (
	MaxLetterBytes = 10 << 20
	maxLetterTitle = 200
)

// RegenerateLetter writes an appointment's letter again from its details and tells the patient
// there is a new letter.
func (s *Service) RegenerateLetter(ctx context.Context, appointmentID int64, by Actor) (store.Letter, error) {
	now := s.now()
	var l store.Letter
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		a, err := tx.Appointment(ctx, appointmentID)
		if err != nil {
			return err
		}
		p, err := tx.Patient(ctx, a.PatientID)
		if err != nil {
			return err
		}
		if l, err = s.writeAppointmentLetter(ctx, tx, p, a, now); err != nil {
			return err
		}
		if err := s.QueueNewLetter(ctx, tx, p, l); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, by.event("staff.letter.generated", p.ID, letterObject(l.ID), appointmentObject(a.ID)), now)
	})
	return l, err
}

// AttachLetter stores a PDF letter staff uploaded for an appointment and tells the patient. The
// file must be a PDF of at most MaxLetterBytes.
func (s *Service) AttachLetter(ctx context.Context, appointmentID int64, title, filename string, data []byte, by Actor) (store.Letter, error) {
	title = strings.TrimSpace(title)
	var ps []RequestProblem
	if title == "" || utf8.RuneCountInString(title) > maxLetterTitle {
		ps = append(ps, RequestProblem{"title", fmt.Sprintf("Enter the letter's title, in %d characters or fewer", maxLetterTitle)})
	}
	switch {
	case len(data) == 0:
		ps = append(ps, RequestProblem{"file", "Choose the letter's PDF file"})
	case len(data) > MaxLetterBytes:
		ps = append(ps, RequestProblem{"file", "The file must be smaller than 10 MB"})
	case !bytes.HasPrefix(data, []byte("%PDF-")):
		ps = append(ps, RequestProblem{"file", "The file must be a PDF"})
	}
	if len(ps) > 0 {
		return store.Letter{}, &RequestError{Problems: ps}
	}
	now := s.now()
	var l store.Letter
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		a, err := tx.Appointment(ctx, appointmentID)
		if err != nil {
			return err
		}
		p, err := tx.Patient(ctx, a.PatientID)
		if err != nil {
			return err
		}
		l = store.Letter{PatientID: p.ID, AppointmentID: sql.NullInt64{Int64: a.ID, Valid: true}, Title: title, CreatedAt: now}
		name := safeFilename(filename, "letter.pdf")
		if err := tx.CreateLetter(ctx, &l, store.LetterFile{Filename: name, ContentType: "application/pdf", Data: data}); err != nil {
			return err
		}
		if err := s.QueueNewLetter(ctx, tx, p, l); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, by.event("staff.letter.attached", p.ID, letterObject(l.ID), appointmentObject(a.ID)), now)
	})
	return l, err
}

// StaffLetterFile returns a letter's document for staff, and audits that they opened it.
func (s *Service) StaffLetterFile(ctx context.Context, id int64, by Actor) (store.LetterFile, error) {
	l, err := s.Store.Letter(ctx, id)
	if err != nil {
		return store.LetterFile{}, err
	}
	f, err := s.Store.LetterFile(ctx, id)
	if err != nil {
		return f, err
	}
	s.audit(ctx, by.event("staff.letter.open", l.PatientID, letterObject(id), ""))
	return f, nil
}

// safeFilename keeps the letters, digits, dots, dashes and underscores of a name for a download.
func safeFilename(name, fallback string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('-')
		}
	}
	if b.Len() == 0 || b.Len() > 100 {
		return fallback
	}
	return b.String()
}

// Limits on a message staff send.
const (
	maxMessageSubject = 150
	maxMessageBody    = 5000
)

// SendMessage writes a message to a patient and tells them it is waiting (by post, in full, for a
// patient who cannot be reached digitally).
func (s *Service) SendMessage(ctx context.Context, patientID int64, subject, body string, by Actor) (store.Message, error) {
	subject, body = strings.TrimSpace(subject), strings.TrimSpace(body)
	var ps []RequestProblem
	if subject == "" || utf8.RuneCountInString(subject) > maxMessageSubject {
		ps = append(ps, RequestProblem{"subject", fmt.Sprintf("Enter a subject, in %d characters or fewer", maxMessageSubject)})
	}
	if body == "" || utf8.RuneCountInString(body) > maxMessageBody {
		ps = append(ps, RequestProblem{"body", fmt.Sprintf("Enter the message, in %d characters or fewer", maxMessageBody)})
	}
	if len(ps) > 0 {
		return store.Message{}, &RequestError{Problems: ps}
	}
	now := s.now()
	m := store.Message{PatientID: patientID, Subject: subject, Body: body, CreatedAt: now}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.Patient(ctx, patientID)
		if err != nil {
			return err
		}
		if err := tx.CreateMessage(ctx, &m); err != nil {
			return err
		}
		if err := s.QueueNewMessage(ctx, tx, p, m); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, by.event("staff.message.sent", p.ID, "message:"+fmt.Sprint(m.ID), ""), now)
	})
	return m, err
}
