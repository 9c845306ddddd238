package store

import (
	"context"
	"fmt"
	"time"
)

const appointmentColumns = `a.id, a.patient_id, a.external_id, a.clinic, a.specialty, a.clinician, a.site_id, a.starts_at,
	a.ends_at, a.kind, a.video_link, a.status, a.bring, a.instructions, a.previous_appointment_id, a.sequence,
	a.responded_at, a.status_changed_at, a.created_at, a.updated_at,
	s.name AS site_name, s.address AS site_address, s.postcode AS site_postcode`

// listColumns are what a list of appointments shows, in the order AppointmentsSince scans them.
const listColumns = `a.id, a.patient_id, a.clinic, a.site_id, a.starts_at, a.ends_at, a.kind, a.video_link, a.status,
	a.previous_appointment_id, a.sequence, a.status_changed_at, a.updated_at, s.name, s.address`

var listTimes = []string{"a.starts_at", "a.ends_at", "a.status_changed_at", "a.updated_at"}

const sinceFrom = ` FROM appointments a LEFT JOIN sites s ON s.id = a.site_id
	WHERE a.patient_id = ? AND a.ends_at >= ? ORDER BY a.starts_at, a.id`

var (
	qCreateAppointment = q(`INSERT INTO appointments (patient_id, external_id, clinic, specialty, clinician, site_id,
		starts_at, ends_at, kind, video_link, status, bring, instructions, previous_appointment_id, sequence,
		responded_at, status_changed_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	qAppointment = q(`SELECT ` + appointmentColumns + ` FROM appointments a LEFT JOIN sites s ON s.id = a.site_id WHERE a.id = ?`)
	qUpcoming    = q(`SELECT ` + appointmentColumns + ` FROM appointments a LEFT JOIN sites s ON s.id = a.site_id
		WHERE a.patient_id = ? AND a.ends_at >= ? ORDER BY a.starts_at, a.id`)
	qSince = qd(`SELECT `+listColumns+sinceFrom, `SELECT `+liteTimes(listColumns, listTimes...)+sinceFrom)
	qPast  = q(`SELECT ` + appointmentColumns + ` FROM appointments a LEFT JOIN sites s ON s.id = a.site_id
		WHERE a.patient_id = ? AND a.ends_at < ? AND a.ends_at >= ? ORDER BY a.starts_at DESC, a.id DESC`)
	qAppointmentResponse = q(`UPDATE appointments SET status = ?, sequence = sequence + 1, responded_at = ?,
		status_changed_at = ?, updated_at = ? WHERE id = ? AND status = ? AND sequence = ?`)
	qAppointmentReplacing = q(`SELECT ` + appointmentColumns + ` FROM appointments a LEFT JOIN sites s ON s.id = a.site_id
		WHERE a.patient_id = ? AND a.previous_appointment_id = ? ORDER BY a.id DESC LIMIT 1`)
)

// CreateAppointment inserts a and sets its ID. A PAS id already in use gives ErrConflict.
func (q Queries) CreateAppointment(ctx context.Context, a *Appointment) error {
	now := time.Now().UTC()
	if a.CreatedAt.IsZero() {
		a.CreatedAt, a.UpdatedAt = now, now
	}
	if a.Status == "" {
		a.Status = StatusBooked
	}
	if a.Kind == "" {
		a.Kind = "in_person"
	}
	err := q.get(ctx, &a.ID, qCreateAppointment, a.PatientID, a.ExternalID, a.Clinic, a.Specialty, a.Clinician, a.SiteID,
		a.StartsAt.UTC(), a.EndsAt.UTC(), a.Kind, a.VideoLink, a.Status, a.Bring, a.Instructions, a.PreviousAppointmentID,
		a.Sequence, a.RespondedAt, a.StatusChangedAt, a.CreatedAt, a.UpdatedAt)
	if isUniqueViolation(err) {
		return fmt.Errorf("store: appointment %s: %w", a.ExternalID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: create appointment: %w", err)
	}
	return nil
}

// Appointment returns the appointment with this id, with its site's name and address.
func (q Queries) Appointment(ctx context.Context, id int64) (Appointment, error) {
	var a Appointment
	if err := q.get(ctx, &a, qAppointment, id); err != nil {
		return a, notFound(err, "appointment", id)
	}
	return a, nil
}

// UpcomingAppointments returns a patient's appointments that have not ended by now, soonest first.
func (q Queries) UpcomingAppointments(ctx context.Context, patientID int64, now time.Time) ([]Appointment, error) {
	var as []Appointment
	if err := q.sel(ctx, &as, qUpcoming, patientID, now.UTC()); err != nil {
		return nil, fmt.Errorf("store: upcoming appointments of %d: %w", patientID, err)
	}
	return as, nil
}

// AppointmentsSince returns a patient's appointments that end at or after since, soonest first:
// the appointments page's upcoming and recent past in one query. Only what a list shows is read
// (no what-to-bring, instructions, clinician or PAS id): it is the busiest query.
func (q Queries) AppointmentsSince(ctx context.Context, patientID int64, since time.Time) ([]Appointment, error) {
	rows, err := q.stmt(ctx, qSince).QueryContext(ctx, patientID, since.UTC())
	if err != nil {
		return nil, fmt.Errorf("store: appointments of %d: %w", patientID, err)
	}
	defer rows.Close()
	as := make([]Appointment, 0, 16)
	for rows.Next() {
		as = append(as, Appointment{})
		a := &as[len(as)-1]
		if err := rows.Scan(&a.ID, &a.PatientID, &a.Clinic, &a.SiteID, (*scanTime)(&a.StartsAt), (*scanTime)(&a.EndsAt),
			&a.Kind, &a.VideoLink, &a.Status, &a.PreviousAppointmentID, &a.Sequence, (*scanNullTime)(&a.StatusChangedAt),
			(*scanTime)(&a.UpdatedAt), &a.SiteName, &a.SiteAddress); err != nil {
			return nil, fmt.Errorf("store: appointments of %d: %w", patientID, err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: appointments of %d: %w", patientID, err)
	}
	return as, nil
}

// PastAppointments returns a patient's appointments that ended between since and now, latest first.
func (q Queries) PastAppointments(ctx context.Context, patientID int64, now, since time.Time) ([]Appointment, error) {
	var as []Appointment
	if err := q.sel(ctx, &as, qPast, patientID, now.UTC(), since.UTC()); err != nil {
		return nil, fmt.Errorf("store: past appointments of %d: %w", patientID, err)
	}
	return as, nil
}

// RecordAppointmentResponse moves an appointment from status from at sequence seq to status to, as
// the patient asked, and bumps its sequence. It changes nothing and reports false when the
// appointment is no longer at that status and sequence: someone changed it meanwhile.
func (q Queries) RecordAppointmentResponse(ctx context.Context, id int64, from AppointmentStatus, seq int, to AppointmentStatus, now time.Time) (bool, error) {
	n, err := q.exec(ctx, qAppointmentResponse, to, now.UTC(), now.UTC(), now.UTC(), id, from, seq)
	if err != nil {
		return false, fmt.Errorf("store: appointment %d to %s: %w", id, to, err)
	}
	return n == 1, nil
}

// AppointmentReplacing returns the patient's appointment that replaced (was rebooked from) the
// appointment previousID.
func (q Queries) AppointmentReplacing(ctx context.Context, patientID, previousID int64) (Appointment, error) {
	var a Appointment
	if err := q.get(ctx, &a, qAppointmentReplacing, patientID, previousID); err != nil {
		return a, notFound(err, "appointment replacing", previousID)
	}
	return a, nil
}
