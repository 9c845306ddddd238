package hub

import (
	"context"
	"errors"
	"strconv"

	"github.com/patienthub/patienthub/store"
)

// MessagesFor lists a patient's messages, newest first, and records the view.
func (s *Service) MessagesFor(ctx context.Context, patientID int64, by Actor) ([]store.Message, error) {
	ms, err := s.Store.MessagesForPatient(ctx, patientID)
	if err != nil {
		return nil, err
	}
	s.audit(ctx, by.event("messages.view", patientID, "messages", strconv.Itoa(len(ms))+" messages"))
	return ms, nil
}

// MessageFor returns one of a patient's messages, marking it read the first time. Another
// patient's message is not found.
func (s *Service) MessageFor(ctx context.Context, patientID, id int64, by Actor) (store.Message, error) {
	m, err := s.Store.Message(ctx, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return m, err
	}
	object := "message:" + strconv.FormatInt(id, 10)
	if err != nil || m.PatientID != patientID {
		return store.Message{}, s.denied(ctx, object, m.PatientID, by)
	}
	now := s.now()
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		first, err := tx.MarkMessageRead(ctx, m.ID, now)
		if err != nil {
			return err
		}
		detail := ""
		if first {
			detail = "first read"
			m.ReadAt.Time, m.ReadAt.Valid = now, true
		}
		e := by.event("message.view", patientID, object, detail)
		e.At = now
		return tx.AddAudit(ctx, e)
	})
	return m, err
}
