package hub

import (
	"context"
	"database/sql"

	"github.com/patienthub/patienthub/store"
)

// RebookFromTask finishes a rebook request after the agent has agreed a new time with the patient:
// in one transaction the old appointment becomes "rebooked", the new one is booked and linked to
// it, its letter is written, the patient is told, and the task is done.
func (s *Service) RebookFromTask(ctx context.Context, taskID, staffID int64, f AppointmentForm, by Actor) (store.Appointment, error) {
	now := s.now()
	var next store.Appointment
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		t, err := openTaskFor(ctx, tx, taskID, staffID, store.TaskRebook, now)
		if err != nil {
			return err
		}
		old, err := taskAppointment(ctx, tx, t, store.StatusRebookRequested)
		if err != nil {
			return err
		}
		if next, err = f.Appointment(ctx, tx.Queries, now); err != nil {
			return err
		}
		if ok, err := tx.SetAppointmentStatus(ctx, old.ID, old.Status, old.Sequence, store.StatusRebooked, now); err != nil {
			return err
		} else if !ok {
			return ErrTaskNotWaited
		}
		old.Status, old.Sequence = store.StatusRebooked, old.Sequence+1
		next.PatientID, next.Status, next.CreatedAt, next.UpdatedAt = old.PatientID, store.StatusBooked, now, now
		next.PreviousAppointmentID = sql.NullInt64{Int64: old.ID, Valid: true}
		if next.ExternalID, err = newExternalID(); err != nil {
			return err
		}
		if err := tx.CreateAppointment(ctx, &next); err != nil {
			return err
		}
		if next, err = tx.Appointment(ctx, next.ID); err != nil {
			return err
		}
		if err := s.notifyAppointmentChange(ctx, tx, next, PurposeRebooked, now); err != nil {
			return err
		}
		if err := finish(ctx, tx, t, "Rebooked to "+LondonDateTime(next.StartsAt), now); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, by.event("task.rebooked", t.PatientID, taskObject(taskID),
			appointmentObject(old.ID)+" rebooked as "+appointmentObject(next.ID)), now)
	})
	return next, err
}
