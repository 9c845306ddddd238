package store

import (
	"context"
	"fmt"
	"time"
)

const letterColumns = `id, patient_id, appointment_id, title, source, created_at, first_viewed_at, posted_at`

var (
	qCreateLetter       = q(`INSERT INTO letters (patient_id, appointment_id, title, source, created_at, first_viewed_at, posted_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	qAddLetterFile      = q(`INSERT INTO letter_files (letter_id, filename, content_type, data) VALUES (?, ?, ?, ?)`)
	qLetter             = q(`SELECT ` + letterColumns + ` FROM letters WHERE id = ?`)
	qLetters            = q(`SELECT ` + letterColumns + ` FROM letters WHERE patient_id = ? ORDER BY created_at DESC, id DESC`)
	qLetterFile         = q(`SELECT letter_id, filename, content_type, data FROM letter_files WHERE letter_id = ?`)
	qAppointmentLetters = q(`SELECT ` + letterColumns + ` FROM letters WHERE patient_id = ? AND appointment_id = ?
		ORDER BY created_at DESC, id DESC`)
	qMarkLetterViewed = q(`UPDATE letters SET first_viewed_at = ? WHERE id = ? AND first_viewed_at IS NULL`)
	qLetterReplaced   = q(`SELECT COUNT(*) FROM letters l JOIN letters newer ON newer.appointment_id = l.appointment_id
		AND newer.patient_id = l.patient_id AND newer.id > l.id WHERE l.id = ?`)
)

// CreateLetter inserts a letter with its document and sets its ID. A letter of no stated source
// counts as uploaded: only its stored file is the letter.
func (q Queries) CreateLetter(ctx context.Context, l *Letter, file LetterFile) error {
	if l.CreatedAt.IsZero() {
		l.CreatedAt = time.Now().UTC()
	}
	if l.Source == "" {
		l.Source = LetterUploaded
	}
	if err := q.get(ctx, &l.ID, qCreateLetter, l.PatientID, l.AppointmentID, l.Title, l.Source, l.CreatedAt.UTC(), l.FirstViewedAt, l.PostedAt); err != nil {
		return fmt.Errorf("store: create letter: %w", err)
	}
	if _, err := q.exec(ctx, qAddLetterFile, l.ID, file.Filename, file.ContentType, file.Data); err != nil {
		return fmt.Errorf("store: letter %d file: %w", l.ID, err)
	}
	return nil
}

// Letter returns one letter without its document.
func (q Queries) Letter(ctx context.Context, id int64) (Letter, error) {
	var l Letter
	if err := q.get(ctx, &l, qLetter, id); err != nil {
		return l, notFound(err, "letter", id)
	}
	return l, nil
}

// LettersForPatient lists a patient's letters, newest first, without documents.
func (q Queries) LettersForPatient(ctx context.Context, patientID int64) ([]Letter, error) {
	var ls []Letter
	if err := q.sel(ctx, &ls, qLetters, patientID); err != nil {
		return nil, fmt.Errorf("store: letters of %d: %w", patientID, err)
	}
	return ls, nil
}

// LetterFile returns a letter's document.
func (q Queries) LetterFile(ctx context.Context, letterID int64) (LetterFile, error) {
	var f LetterFile
	if err := q.get(ctx, &f, qLetterFile, letterID); err != nil {
		return f, notFound(err, "letter file", letterID)
	}
	return f, nil
}

// LettersForAppointment lists the letters about one of a patient's appointments, newest first.
func (q Queries) LettersForAppointment(ctx context.Context, patientID, appointmentID int64) ([]Letter, error) {
	var ls []Letter
	if err := q.sel(ctx, &ls, qAppointmentLetters, patientID, appointmentID); err != nil {
		return nil, fmt.Errorf("store: letters of appointment %d: %w", appointmentID, err)
	}
	return ls, nil
}

// MarkLetterViewed records the first time the patient opened a letter. It reports whether this
// was the first time; a later view changes nothing.
func (q Queries) MarkLetterViewed(ctx context.Context, id int64, now time.Time) (bool, error) {
	n, err := q.exec(ctx, qMarkLetterViewed, now.UTC(), id)
	if err != nil {
		return false, fmt.Errorf("store: letter %d viewed: %w", id, err)
	}
	return n == 1, nil
}

// LetterReplaced reports whether a newer letter about the same appointment has been written, which
// replaces this one.
func (q Queries) LetterReplaced(ctx context.Context, id int64) (bool, error) {
	var n int
	if err := q.get(ctx, &n, qLetterReplaced, id); err != nil {
		return false, fmt.Errorf("store: letter %d replaced: %w", id, err)
	}
	return n > 0, nil
}
