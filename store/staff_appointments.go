package store

import (
	"context"
	"fmt"
	"time"
)

var (
	qAppointmentsOfPatient = q(`SELECT ` + appointmentColumns + ` FROM appointments a LEFT JOIN sites s ON s.id = a.site_id
		WHERE a.patient_id = ? ORDER BY a.starts_at DESC, a.id DESC`)
	qUpdateAppointmentDetails = q(`UPDATE appointments SET clinic = ?, specialty = ?, clinician = ?, site_id = ?,
		starts_at = ?, ends_at = ?, kind = ?, video_link = ?, bring = ?, instructions = ?, sequence = sequence + 1,
		updated_at = ? WHERE id = ? AND sequence = ?`)
	qStaffAppointmentStatus = q(`UPDATE appointments SET status = ?, sequence = sequence + 1, status_changed_at = ?,
		updated_at = ? WHERE id = ? AND status = ? AND sequence = ?`)
)

// AppointmentsOfPatient lists every appointment of a patient, past and future, latest first.
func (q Queries) AppointmentsOfPatient(ctx context.Context, patientID int64) ([]Appointment, error) {
	var as []Appointment
	if err := q.sel(ctx, &as, qAppointmentsOfPatient, patientID); err != nil {
		return nil, fmt.Errorf("store: appointments of %d: %w", patientID, err)
	}
	return as, nil
}

// UpdateAppointmentDetails saves a's clinic, site, times, kind and instructions, and bumps its
// sequence. It changes nothing and reports false when the appointment is no longer at
// sequence a.Sequence: someone changed it meanwhile.
func (q Queries) UpdateAppointmentDetails(ctx context.Context, a Appointment, now time.Time) (bool, error) {
	n, err := q.exec(ctx, qUpdateAppointmentDetails, a.Clinic, a.Specialty, a.Clinician, a.SiteID, a.StartsAt.UTC(),
		a.EndsAt.UTC(), a.Kind, a.VideoLink, a.Bring, a.Instructions, now.UTC(), a.ID, a.Sequence)
	if err != nil {
		return false, fmt.Errorf("store: update appointment %d: %w", a.ID, err)
	}
	return n == 1, nil
}

// SetAppointmentStatus moves an appointment from status from at sequence seq to status to on the
// hospital's side (no patient response is recorded) and bumps its sequence. It reports false,
// changing nothing, when the appointment has moved on meanwhile.
func (q Queries) SetAppointmentStatus(ctx context.Context, id int64, from AppointmentStatus, seq int, to AppointmentStatus, now time.Time) (bool, error) {
	n, err := q.exec(ctx, qStaffAppointmentStatus, to, now.UTC(), now.UTC(), id, from, seq)
	if err != nil {
		return false, fmt.Errorf("store: appointment %d to %s: %w", id, to, err)
	}
	return n == 1, nil
}
