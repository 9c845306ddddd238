package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Task kinds: what the booking centre is asked to do.
const (
	TaskRebook     = "rebook"
	TaskCancel     = "cancel"
	TaskOptOutForm = "optout_form"
	TaskContactFix = "contact_fix"
)

// Task statuses, as the patient sees them: received, being handled, done.
const (
	TaskOpen       = "open"
	TaskInProgress = "in_progress"
	TaskDone       = "done"
)

// Task is one item in the booking centre's queue, such as a patient's request to rebook.
type Task struct {
	ID              int64         `db:"id"`
	PatientID       int64         `db:"patient_id"`
	AppointmentID   sql.NullInt64 `db:"appointment_id"`
	Kind            string        `db:"kind"`
	Status          string        `db:"status"`
	AssignedStaffID sql.NullInt64 `db:"assigned_staff_id"`
	PatientNote     string        `db:"patient_note"`
	CallbackTimes   string        `db:"callback_times"`
	Outcome         string        `db:"outcome"`
	CreatedAt       time.Time     `db:"created_at"`
	UpdatedAt       time.Time     `db:"updated_at"`
	ClaimedAt       sql.NullTime  `db:"claimed_at"`
	DoneAt          sql.NullTime  `db:"done_at"`
}

const taskColumns = `id, patient_id, appointment_id, kind, status, assigned_staff_id, patient_note, callback_times,
	outcome, created_at, updated_at, claimed_at, done_at`

var (
	qCreateTask = q(`INSERT INTO tasks (patient_id, appointment_id, kind, status, patient_note, callback_times, outcome,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	qTask                  = q(`SELECT ` + taskColumns + ` FROM tasks WHERE id = ?`)
	qLatestAppointmentTask = q(`SELECT ` + taskColumns + ` FROM tasks WHERE patient_id = ? AND appointment_id = ?
		ORDER BY created_at DESC, id DESC LIMIT 1`)
	qTasksForPatient = q(`SELECT ` + taskColumns + ` FROM tasks WHERE patient_id = ? ORDER BY created_at DESC, id DESC`)
)

// CreateTask adds t to the queue and sets its ID. An open task of the same kind for the same
// appointment gives ErrConflict, so a request is never queued twice.
func (q Queries) CreateTask(ctx context.Context, t *Task) error {
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now().UTC()
	}
	t.UpdatedAt = t.CreatedAt
	if t.Status == "" {
		t.Status = TaskOpen
	}
	err := q.get(ctx, &t.ID, qCreateTask, t.PatientID, t.AppointmentID, t.Kind, t.Status, t.PatientNote, t.CallbackTimes,
		t.Outcome, t.CreatedAt.UTC(), t.UpdatedAt.UTC())
	if isUniqueViolation(err) {
		return fmt.Errorf("store: %s task for appointment %d: %w", t.Kind, t.AppointmentID.Int64, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: create task: %w", err)
	}
	return nil
}

// Task returns the task with this id.
func (q Queries) Task(ctx context.Context, id int64) (Task, error) {
	var t Task
	if err := q.get(ctx, &t, qTask, id); err != nil {
		return t, notFound(err, "task", id)
	}
	return t, nil
}

// LatestAppointmentTask returns the newest task about one of a patient's appointments.
func (q Queries) LatestAppointmentTask(ctx context.Context, patientID, appointmentID int64) (Task, error) {
	var t Task
	if err := q.get(ctx, &t, qLatestAppointmentTask, patientID, appointmentID); err != nil {
		return t, notFound(err, "task for appointment", appointmentID)
	}
	return t, nil
}

// TasksForPatient lists every task about a patient, newest first.
func (q Queries) TasksForPatient(ctx context.Context, patientID int64) ([]Task, error) {
	var ts []Task
	if err := q.sel(ctx, &ts, qTasksForPatient, patientID); err != nil {
		return nil, fmt.Errorf("store: tasks of %d: %w", patientID, err)
	}
	return ts, nil
}
