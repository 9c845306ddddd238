package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// QueueItem is one open task in the booking centre's queue with what an agent needs to call back:
// the patient, the appointment and who is working on it.
type QueueItem struct {
	Task
	PatientName     string         `db:"patient_name"`
	HospitalNumber  string         `db:"hospital_number"`
	Mobile          sql.NullString `db:"mobile"`
	Clinic          sql.NullString `db:"clinic"`
	StartsAt        sql.NullTime   `db:"starts_at"`
	AssignedName    sql.NullString `db:"assigned_name"`
	CallAttempts    int            `db:"call_attempts"`
	AppointmentStat sql.NullString `db:"appointment_status"`
}

// Call outcomes an agent records after each call.
const (
	CallSpoke         = "spoke"
	CallNoAnswer      = "no_answer"
	CallVoicemail     = "voicemail"
	CallWrongNumber   = "wrong_number"
	CallCallBackLater = "call_back_later"
)

// CallAttempt is one call an agent made about a task.
type CallAttempt struct {
	ID        int64          `db:"id"`
	TaskID    int64          `db:"task_id"`
	StaffID   sql.NullInt64  `db:"staff_id"`
	StaffName sql.NullString `db:"staff_name"`
	Outcome   string         `db:"outcome"`
	Note      string         `db:"note"`
	CreatedAt time.Time      `db:"created_at"`
}

const queueSelect = `SELECT t.id, t.patient_id, t.appointment_id, t.kind, t.status, t.assigned_staff_id, t.patient_note,
	t.callback_times, t.outcome, t.created_at, t.updated_at, t.claimed_at, t.done_at,
	p.given_name || ' ' || p.family_name AS patient_name, p.hospital_number, p.mobile,
	a.clinic, a.starts_at, a.status AS appointment_status, s.name AS assigned_name,
	(SELECT COUNT(*) FROM call_attempts c WHERE c.task_id = t.id) AS call_attempts
	FROM tasks t JOIN patients p ON p.id = t.patient_id
	LEFT JOIN appointments a ON a.id = t.appointment_id
	LEFT JOIN staff s ON s.id = t.assigned_staff_id`

var (
	qCallbackQueue = q(queueSelect + ` WHERE t.status <> 'done' ORDER BY t.created_at, t.id LIMIT ?`)
	qQueueItem     = q(queueSelect + ` WHERE t.id = ?`)
	qClaimTask     = q(`UPDATE tasks SET status = 'in_progress', assigned_staff_id = ?, claimed_at = ?, updated_at = ?
		WHERE id = ? AND status <> 'done' AND (assigned_staff_id IS NULL OR assigned_staff_id = ? OR ?)`)
	qReleaseTask = q(`UPDATE tasks SET status = 'open', assigned_staff_id = NULL, claimed_at = NULL, updated_at = ?
		WHERE id = ? AND status = 'in_progress' AND assigned_staff_id = ?`)
	qFinishTask = q(`UPDATE tasks SET status = 'done', outcome = ?, done_at = ?, updated_at = ?
		WHERE id = ? AND status <> 'done'`)
	qAddCallAttempt = q(`INSERT INTO call_attempts (task_id, staff_id, outcome, note, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`)
	qCallAttempts   = q(`SELECT c.id, c.task_id, c.staff_id, s.name AS staff_name, c.outcome, c.note, c.created_at
		FROM call_attempts c LEFT JOIN staff s ON s.id = c.staff_id WHERE c.task_id = ? ORDER BY c.created_at, c.id`)
)

// CallbackQueue lists up to limit tasks not yet done, oldest first.
func (q Queries) CallbackQueue(ctx context.Context, limit int) ([]QueueItem, error) {
	var items []QueueItem
	if err := q.sel(ctx, &items, qCallbackQueue, limit); err != nil {
		return nil, fmt.Errorf("store: callback queue: %w", err)
	}
	return items, nil
}

// QueueItem returns one task with its patient, appointment and assignee.
func (q Queries) QueueItem(ctx context.Context, taskID int64) (QueueItem, error) {
	var it QueueItem
	if err := q.get(ctx, &it, qQueueItem, taskID); err != nil {
		return it, notFound(err, "task", taskID)
	}
	return it, nil
}

// ClaimTask assigns a task that is not done to staffID. It reports false, changing nothing, when
// someone else holds it, unless takeOver is set.
func (q Queries) ClaimTask(ctx context.Context, taskID, staffID int64, takeOver bool, now time.Time) (bool, error) {
	n, err := q.exec(ctx, qClaimTask, staffID, now.UTC(), now.UTC(), taskID, staffID, takeOver)
	if err != nil {
		return false, fmt.Errorf("store: claim task %d: %w", taskID, err)
	}
	return n == 1, nil
}

// ReleaseTask puts a task that holderID is working on back in the queue for anyone. It reports
// false, changing nothing, when the task is not being handled by holderID.
func (q Queries) ReleaseTask(ctx context.Context, taskID, holderID int64, now time.Time) (bool, error) {
	n, err := q.exec(ctx, qReleaseTask, now.UTC(), taskID, holderID)
	if err != nil {
		return false, fmt.Errorf("store: release task %d: %w", taskID, err)
	}
	return n == 1, nil
}

// FinishTask marks a task done with its outcome. It reports false when it was already done.
func (q Queries) FinishTask(ctx context.Context, taskID int64, outcome string, now time.Time) (bool, error) {
	n, err := q.exec(ctx, qFinishTask, outcome, now.UTC(), now.UTC(), taskID)
	if err != nil {
		return false, fmt.Errorf("store: finish task %d: %w", taskID, err)
	}
	return n == 1, nil
}

// AddCallAttempt records one call about a task and sets its ID.
func (q Queries) AddCallAttempt(ctx context.Context, c *CallAttempt) error {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now().UTC()
	}
	if err := q.get(ctx, &c.ID, qAddCallAttempt, c.TaskID, c.StaffID, c.Outcome, c.Note, c.CreatedAt.UTC()); err != nil {
		return fmt.Errorf("store: call attempt for task %d: %w", c.TaskID, err)
	}
	return nil
}

// CallAttempts lists the calls made about a task, oldest first.
func (q Queries) CallAttempts(ctx context.Context, taskID int64) ([]CallAttempt, error) {
	var cs []CallAttempt
	if err := q.sel(ctx, &cs, qCallAttempts, taskID); err != nil {
		return nil, fmt.Errorf("store: call attempts of task %d: %w", taskID, err)
	}
	return cs, nil
}
