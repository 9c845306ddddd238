package store

import (
	"context"
	"fmt"
	"time"
)

var (
	qCreateMessage   = q(`INSERT INTO messages (patient_id, subject, body, created_at) VALUES (?, ?, ?, ?) RETURNING id`)
	qMessages        = q(`SELECT id, patient_id, subject, body, created_at, read_at FROM messages WHERE patient_id = ? ORDER BY created_at DESC, id DESC`)
	qMessage         = q(`SELECT id, patient_id, subject, body, created_at, read_at FROM messages WHERE id = ?`)
	qMarkMessageRead = q(`UPDATE messages SET read_at = ? WHERE id = ? AND read_at IS NULL`)
)

// CreateMessage inserts a message to a patient and sets its ID.
func (q Queries) CreateMessage(ctx context.Context, m *Message) error {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now().UTC()
	}
	if err := q.get(ctx, &m.ID, qCreateMessage, m.PatientID, m.Subject, m.Body, m.CreatedAt.UTC()); err != nil {
		return fmt.Errorf("store: create message: %w", err)
	}
	return nil
}

// MessagesForPatient lists a patient's messages, newest first.
func (q Queries) MessagesForPatient(ctx context.Context, patientID int64) ([]Message, error) {
	var ms []Message
	if err := q.sel(ctx, &ms, qMessages, patientID); err != nil {
		return nil, fmt.Errorf("store: messages of %d: %w", patientID, err)
	}
	return ms, nil
}

// Message returns the message with this id.
func (q Queries) Message(ctx context.Context, id int64) (Message, error) {
	var m Message
	if err := q.get(ctx, &m, qMessage, id); err != nil {
		return m, notFound(err, "message", id)
	}
	return m, nil
}

// MarkMessageRead records when the patient first read a message. It reports whether this was the
// first time.
func (q Queries) MarkMessageRead(ctx context.Context, id int64, now time.Time) (bool, error) {
	n, err := q.exec(ctx, qMarkMessageRead, now.UTC(), id)
	if err != nil {
		return false, fmt.Errorf("store: message %d read: %w", id, err)
	}
	return n == 1, nil
}
