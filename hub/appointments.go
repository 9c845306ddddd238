package hub

import (
	"context"
	"strconv"

	"github.com/patienthub/patienthub/store"
)

// Retention of past appointments shown to the patient (the seed: "held for 24 months").
const pastMonthsShown = 24

// PatientAppointments is what the appointments page shows.
type PatientAppointments struct {
	Upcoming []store.Appointment
	Past     []store.Appointment
}

// AppointmentsFor returns a patient's upcoming appointments and those of the last 24 months,
// and records the view in the audit trail.
func (s *Service) AppointmentsFor(ctx context.Context, patientID int64, by Actor) (PatientAppointments, error) {
	now := s.now()
	up, err := s.Store.UpcomingAppointments(ctx, patientID, now)
	if err != nil {
		return PatientAppointments{}, err
	}
	past, err := s.Store.PastAppointments(ctx, patientID, now, now.AddDate(0, -pastMonthsShown, 0))
	if err != nil {
		return PatientAppointments{}, err
	}
	s.audit(ctx, by.event("appointments.view", patientID, "appointments", strconv.Itoa(len(up))+" upcoming"))
	return PatientAppointments{Upcoming: up, Past: past}, nil
}

// Patient returns a patient's record for display.
func (s *Service) Patient(ctx context.Context, id int64) (store.Patient, error) {
	return s.Store.Patient(ctx, id)
}
