package store

import (
	"context"
	"fmt"
	"time"
)

var (
	qCreateMessage = q(`INSERT INTO messages (patient_id, subject, body, created_at) VALUES (?, ?, ?, ?) RETURNING id`)
	qMessages      = q(`SELECT id, patient_id, subject, body, created_at, read_at FROM messages WHERE patient_id = ? ORDER BY created_at DESC, id DESC`)
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
