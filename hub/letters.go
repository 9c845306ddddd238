package hub

import (
	"context"
	"errors"
	"strconv"

	"github.com/patienthub/patienthub/store"
)

// LettersFor lists a patient's letters, newest first, and records the view.
func (s *Service) LettersFor(ctx context.Context, patientID int64, by Actor) ([]store.Letter, error) {
	ls, err := s.Store.LettersForPatient(ctx, patientID)
	if err != nil {
		return nil, err
	}
	s.audit(ctx, by.event("letters.view", patientID, "letters", strconv.Itoa(len(ls))+" letters"))
	return ls, nil
}

// LetterFor returns one of a patient's letters and records that the patient read it: the first
// time stops its reminders and its paper copy. Another patient's letter is not found.
func (s *Service) LetterFor(ctx context.Context, patientID, id int64, by Actor) (store.Letter, error) {
	l, err := s.ownLetter(ctx, patientID, id, by)
	if err != nil {
		return l, err
	}
	return s.letterRead(ctx, l, "letter.view", by)
}

// LetterFileFor returns one of a patient's letters with its document, recording the read like
// LetterFor.
func (s *Service) LetterFileFor(ctx context.Context, patientID, id int64, by Actor) (store.Letter, store.LetterFile, error) {
	l, err := s.ownLetter(ctx, patientID, id, by)
	if err != nil {
		return l, store.LetterFile{}, err
	}
	f, err := s.Store.LetterFile(ctx, l.ID)
	if err != nil {
		return l, f, err
	}
	l, err = s.letterRead(ctx, l, "letter.open", by)
	return l, f, err
}

// letterRead records a view of l, and its first view, in one transaction.
func (s *Service) letterRead(ctx context.Context, l store.Letter, action string, by Actor) (store.Letter, error) {
	now := s.now()
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		first, err := tx.MarkLetterViewed(ctx, l.ID, now)
		if err != nil {
			return err
		}
		detail := ""
		if first {
			detail = "first view"
			l.FirstViewedAt.Time, l.FirstViewedAt.Valid = now, true
		}
		e := by.event(action, l.PatientID, letterObject(l.ID), detail)
		e.At = now
		return tx.AddAudit(ctx, e)
	})
	return l, err
}

// ownLetter returns the letter when it is the patient's own; any other id is audited and not found.
func (s *Service) ownLetter(ctx context.Context, patientID, id int64, by Actor) (store.Letter, error) {
	l, err := s.Store.Letter(ctx, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return l, err
	}
	if err == nil && l.PatientID == patientID {
		return l, nil
	}
	return store.Letter{}, s.denied(ctx, letterObject(id), l.PatientID, by)
}

func letterObject(id int64) string { return "letter:" + strconv.FormatInt(id, 10) }
