package store

import (
	"context"
	"fmt"
	"time"
)

var (
	qAddAudit = q(`INSERT INTO audit_events (at, actor_kind, actor_id, patient_id, action, object, detail, request_id, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	qAuditForPatient = q(`SELECT id, at, actor_kind, actor_id, patient_id, action, object, detail, request_id, ip
		FROM audit_events WHERE patient_id = ? ORDER BY at DESC, id DESC LIMIT ?`)
	qAuditByAction = q(`SELECT id, at, actor_kind, actor_id, patient_id, action, object, detail, request_id, ip
		FROM audit_events WHERE action = ? ORDER BY id`)
)

// AddAudit appends one event to the audit trail.
func (q Queries) AddAudit(ctx context.Context, e AuditEvent) error {
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	if _, err := q.exec(ctx, qAddAudit, e.At.UTC(), e.ActorKind, e.ActorID, e.PatientID, e.Action, e.Object, e.Detail,
		e.RequestID, e.IP); err != nil {
		return fmt.Errorf("store: audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditForPatient returns the newest events concerning a patient.
func (q Queries) AuditForPatient(ctx context.Context, patientID int64, limit int) ([]AuditEvent, error) {
	var es []AuditEvent
	if err := q.sel(ctx, &es, qAuditForPatient, patientID, limit); err != nil {
		return nil, fmt.Errorf("store: audit of %d: %w", patientID, err)
	}
	return es, nil
}

// AuditByAction returns every event with this action, oldest first.
func (q Queries) AuditByAction(ctx context.Context, action string) ([]AuditEvent, error) {
	var es []AuditEvent
	if err := q.sel(ctx, &es, qAuditByAction, action); err != nil {
		return nil, fmt.Errorf("store: audit %s: %w", action, err)
	}
	return es, nil
}
