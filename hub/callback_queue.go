package hub

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/patienthub/patienthub/store"
)

// CallbackTargetWorkingDays is the trust's target for calling back a patient who asked to rebook
// or cancel: within 2 working days of the request.
const CallbackTargetWorkingDays = 2

// queueLength bounds the queue page; the oldest requests come first, so none is hidden for long.
const queueLength = 200

// maxCallNote is the most characters an agent may write about one call.
const maxCallNote = 1000

// Reasons an agent's action on a task is refused; nothing was changed.
var (
	ErrTaskDone      = &Refusal{"task_done", "This request has already been dealt with, so nothing was changed. Check the patient's record for what was done."}
	ErrTaskHeld      = &Refusal{"task_held", "Someone else is working on this request. Take it over only if you have agreed it with them."}
	ErrTaskNotHeld   = &Refusal{"task_not_held", "Nobody is working on this request now (it may have been put back meanwhile), so nothing was changed."}
	ErrTaskKind      = &Refusal{"task_kind", "That cannot be done with this kind of request."}
	ErrTaskNotWaited = &Refusal{"task_not_waiting", "The appointment is no longer waiting for this request (it was changed meanwhile), so nothing was changed. Check the patient's record."}
	ErrCallOutcome   = &Refusal{"call_outcome", "Select what happened on the call"}
	ErrCallNote      = &Refusal{"call_note", "The note must be " + strconv.Itoa(maxCallNote) + " characters or fewer"}
)

// CallOutcomes are what an agent may record after a call, in the order the form lists them.
var CallOutcomes = []struct{ Value, Label string }{
	{store.CallSpoke, "Spoke to the patient"},
	{store.CallNoAnswer, "No answer"},
	{store.CallVoicemail, "Left a voicemail"},
	{store.CallCallBackLater, "Asked us to call back later"},
	{store.CallWrongNumber, "Wrong or unobtainable number"},
}

// CallOutcomeText is a call outcome in words.
func CallOutcomeText(v string) string {
	for _, o := range CallOutcomes {
		if o.Value == v {
			return o.Label
		}
	}
	return v
}

// TaskKindText is a task's kind in the booking centre's words.
func TaskKindText(kind string) string {
	switch kind {
	case store.TaskRebook:
		return "Rebook"
	case store.TaskCancel:
		return "Cancel"
	case store.TaskOptOutForm:
		return "Opt-out form"
	case store.TaskContactFix:
		return "Contact details"
	}
	return kind
}

// QueueEntry is a task in the call-back queue with how long it has waited against the target.
type QueueEntry struct {
	store.QueueItem
	Waiting string    // how long it has waited, in words
	DueBy   time.Time // the target: CallbackTargetWorkingDays working days after the request
	Overdue bool
	Mine    bool // the signed-in agent is working on it
}

// KindText is the request's kind in words.
func (e QueueEntry) KindText() string { return TaskKindText(e.Kind) }

func entryOf(it store.QueueItem, staffID int64, now time.Time) QueueEntry {
	due := addWorkingDays(it.CreatedAt, CallbackTargetWorkingDays)
	return QueueEntry{QueueItem: it, Waiting: WaitingText(now.Sub(it.CreatedAt)), DueBy: due, Overdue: now.After(due),
		Mine: it.AssignedStaffID.Valid && it.AssignedStaffID.Int64 == staffID}
}

// CallbackQueue lists the requests not yet done, oldest first. Each patient shown is audited as
// seen in the queue (view events are stored in batches, so refreshing stays cheap).
func (s *Service) CallbackQueue(ctx context.Context, staffID int64, by Actor) ([]QueueEntry, error) {
	items, err := s.Store.CallbackQueue(ctx, queueLength)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]QueueEntry, len(items))
	seen := map[int64]bool{}
	for i, it := range items {
		out[i] = entryOf(it, staffID, now)
		if !seen[it.PatientID] {
			seen[it.PatientID] = true
			s.audit(ctx, by.event("staff.queue.view", it.PatientID, taskObject(it.ID), "seen in the call-back queue"))
		}
	}
	return out, nil
}

// TaskDetail is one task with its patient, its appointment and the calls made so far.
type TaskDetail struct {
	QueueEntry
	Patient     store.Patient
	Appointment *AppointmentItem
	Calls       []CallItem
}

// CallItem is one call about a task, with its outcome in words.
type CallItem struct {
	store.CallAttempt
	OutcomeText string
}

// Task returns one task for an agent to work on, and records that they saw the patient's details.
func (s *Service) Task(ctx context.Context, taskID, staffID int64, by Actor) (TaskDetail, error) {
	it, err := s.Store.QueueItem(ctx, taskID)
	if err != nil {
		return TaskDetail{}, err
	}
	now := s.now()
	d := TaskDetail{QueueEntry: entryOf(it, staffID, now)}
	if d.Patient, err = s.Store.Patient(ctx, it.PatientID); err != nil {
		return d, err
	}
	if it.AppointmentID.Valid {
		a, err := s.Store.Appointment(ctx, it.AppointmentID.Int64)
		if err != nil {
			return d, err
		}
		var movedTo *store.Appointment
		if next, err := s.Store.AppointmentReplacing(ctx, a.PatientID, a.ID); err == nil {
			movedTo = &next
		} else if !errors.Is(err, store.ErrNotFound) {
			return d, err
		}
		item := itemOf(a, movedTo, nil, now)
		d.Appointment = &item
	}
	calls, err := s.Store.CallAttempts(ctx, taskID)
	if err != nil {
		return d, err
	}
	for _, c := range calls {
		d.Calls = append(d.Calls, CallItem{CallAttempt: c, OutcomeText: CallOutcomeText(c.Outcome)})
	}
	s.audit(ctx, by.event("staff.task.view", it.PatientID, taskObject(taskID), ""))
	return d, nil
}

// ClaimTask makes the agent the one working on a task; the patient sees it as being handled.
// Someone else's task is refused unless takeOver is set.
func (s *Service) ClaimTask(ctx context.Context, taskID, staffID int64, takeOver bool, by Actor) error {
	now := s.now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		t, err := tx.Task(ctx, taskID)
		if err != nil {
			return err
		}
		if err := claim(ctx, tx, t, staffID, takeOver, now); err != nil {
			return err
		}
		detail := ""
		if takeOver && t.AssignedStaffID.Valid && t.AssignedStaffID.Int64 != staffID {
			detail = "taken over from staff " + strconv.FormatInt(t.AssignedStaffID.Int64, 10)
		}
		return s.auditTx(ctx, tx, by.event("task.claim", t.PatientID, taskObject(taskID), detail), now)
	})
}

// claim assigns t to staffID inside tx, or says why not.
func claim(ctx context.Context, tx *store.Tx, t store.Task, staffID int64, takeOver bool, now time.Time) error {
	if t.Status == store.TaskDone {
		return ErrTaskDone
	}
	ok, err := tx.ClaimTask(ctx, t.ID, staffID, takeOver, now)
	if err != nil {
		return err
	}
	if !ok {
		return ErrTaskHeld
	}
	return nil
}

// ReleaseTask puts a task the agent is working on back in the queue for anyone to pick up.
// Someone else's task is refused unless takeOver is set, as claiming it would be.
func (s *Service) ReleaseTask(ctx context.Context, taskID, staffID int64, takeOver bool, by Actor) error {
	now := s.now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		t, err := tx.Task(ctx, taskID)
		if err != nil {
			return err
		}
		if t.Status == store.TaskDone {
			return ErrTaskDone
		}
		if !t.AssignedStaffID.Valid {
			return ErrTaskNotHeld
		}
		holder := t.AssignedStaffID.Int64
		if holder != staffID && !takeOver {
			return ErrTaskHeld
		}
		ok, err := tx.ReleaseTask(ctx, taskID, holder, now)
		if err != nil {
			return err
		}
		if !ok {
			return ErrTaskNotHeld
		}
		detail := ""
		if holder != staffID {
			detail = "taken from staff " + strconv.FormatInt(holder, 10)
		}
		return s.auditTx(ctx, tx, by.event("task.release", t.PatientID, taskObject(taskID), detail), now)
	})
}

// RecordCall records one call about a task and what happened. Calling about a task nobody holds
// claims it for the agent.
func (s *Service) RecordCall(ctx context.Context, taskID, staffID int64, outcome, note string, by Actor) error {
	note = strings.TrimSpace(note)
	if CallOutcomeText(outcome) == outcome {
		return ErrCallOutcome
	}
	if utf8.RuneCountInString(note) > maxCallNote {
		return ErrCallNote
	}
	now := s.now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		t, err := tx.Task(ctx, taskID)
		if err != nil {
			return err
		}
		if !t.AssignedStaffID.Valid || t.AssignedStaffID.Int64 != staffID {
			if err := claim(ctx, tx, t, staffID, false, now); err != nil {
				return err
			}
		}
		c := store.CallAttempt{TaskID: taskID, Outcome: outcome, Note: note, CreatedAt: now}
		c.StaffID.Int64, c.StaffID.Valid = staffID, true
		if err := tx.AddCallAttempt(ctx, &c); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, by.event("task.call", t.PatientID, taskObject(taskID), outcome), now)
	})
}

// auditTx writes an audit event at now inside tx.
func (s *Service) auditTx(ctx context.Context, tx *store.Tx, e store.AuditEvent, now time.Time) error {
	e.At = now
	return tx.AddAudit(ctx, e)
}

func taskObject(id int64) string { return "task:" + strconv.FormatInt(id, 10) }

// openTaskFor reads a task inside tx for an agent finishing it: it must not be done, must be of
// kind, and is claimed for the agent when nobody holds it.
func openTaskFor(ctx context.Context, tx *store.Tx, taskID, staffID int64, kind string, now time.Time) (store.Task, error) {
	t, err := tx.Task(ctx, taskID)
	if err != nil {
		return t, err
	}
	if t.Status == store.TaskDone {
		return t, ErrTaskDone
	}
	if kind != "" && t.Kind != kind {
		return t, ErrTaskKind
	}
	if !t.AssignedStaffID.Valid || t.AssignedStaffID.Int64 != staffID {
		if err := claim(ctx, tx, t, staffID, false, now); err != nil {
			return t, err
		}
	}
	return t, nil
}

// finish marks the task done with its outcome.
func finish(ctx context.Context, tx *store.Tx, t store.Task, outcome string, now time.Time) error {
	ok, err := tx.FinishTask(ctx, t.ID, outcome, now)
	if err != nil {
		return err
	}
	if !ok {
		return ErrTaskDone
	}
	return nil
}

// taskAppointment is the appointment a task is about, which must still be at status want.
func taskAppointment(ctx context.Context, tx *store.Tx, t store.Task, want ...store.AppointmentStatus) (store.Appointment, error) {
	if !t.AppointmentID.Valid {
		return store.Appointment{}, ErrTaskKind
	}
	a, err := tx.Appointment(ctx, t.AppointmentID.Int64)
	if err != nil {
		return a, err
	}
	for _, w := range want {
		if a.Status == w {
			return a, nil
		}
	}
	return a, ErrTaskNotWaited
}

// ConfirmCancel finishes a cancel request after the agent has called the patient: the appointment
// becomes cancelled and the patient is told. An appointment that has started is not changed.
func (s *Service) ConfirmCancel(ctx context.Context, taskID, staffID int64, by Actor) error {
	now := s.now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		t, err := openTaskFor(ctx, tx, taskID, staffID, store.TaskCancel, now)
		if err != nil {
			return err
		}
		a, err := taskAppointment(ctx, tx, t, store.StatusCancelRequested)
		if err != nil {
			return err
		}
		if !now.Before(a.StartsAt) {
			return ErrAppointmentPast
		}
		if ok, err := tx.SetAppointmentStatus(ctx, a.ID, a.Status, a.Sequence, store.StatusCancelled, now); err != nil {
			return err
		} else if !ok {
			return ErrTaskNotWaited
		}
		if err := finish(ctx, tx, t, "Cancellation confirmed with the patient by phone", now); err != nil {
			return err
		}
		a.Status, a.Sequence = store.StatusCancelled, a.Sequence+1
		if err := s.notifyAppointmentChange(ctx, tx, a, PurposeCancelled, now); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, by.event("task.cancel_confirmed", t.PatientID, taskObject(taskID),
			appointmentObject(a.ID)+" cancelled"), now)
	})
}

// KeepAppointment finishes a rebook or cancel request the patient no longer wants: the
// appointment goes back to confirmed (the patient confirmed it on the call). An appointment that
// has started is not changed.
func (s *Service) KeepAppointment(ctx context.Context, taskID, staffID int64, by Actor) error {
	now := s.now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		t, err := openTaskFor(ctx, tx, taskID, staffID, "", now)
		if err != nil {
			return err
		}
		a, err := taskAppointment(ctx, tx, t, store.StatusRebookRequested, store.StatusCancelRequested)
		if err != nil {
			return err
		}
		if !now.Before(a.StartsAt) {
			return ErrAppointmentPast
		}
		if ok, err := tx.SetAppointmentStatus(ctx, a.ID, a.Status, a.Sequence, store.StatusConfirmed, now); err != nil {
			return err
		} else if !ok {
			return ErrTaskNotWaited
		}
		if err := finish(ctx, tx, t, "The patient kept the appointment", now); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, by.event("task.kept", t.PatientID, taskObject(taskID),
			fmt.Sprintf("%s %s to confirmed", appointmentObject(a.ID), a.Status)), now)
	})
}

// CloseTask finishes a task that is not about an appointment change (an opt-out form, contact
// details) with the agent's note of what was done.
func (s *Service) CloseTask(ctx context.Context, taskID, staffID int64, outcome string, by Actor) error {
	outcome = strings.TrimSpace(outcome)
	if outcome == "" || utf8.RuneCountInString(outcome) > maxCallNote {
		return &Refusal{"task_outcome", "Enter what was done, in " + strconv.Itoa(maxCallNote) + " characters or fewer"}
	}
	now := s.now()
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		t, err := openTaskFor(ctx, tx, taskID, staffID, "", now)
		if err != nil {
			return err
		}
		if t.Kind == store.TaskRebook || t.Kind == store.TaskCancel {
			return ErrTaskKind
		}
		if err := finish(ctx, tx, t, outcome, now); err != nil {
			return err
		}
		return s.auditTx(ctx, tx, by.event("task.closed", t.PatientID, taskObject(taskID), ""), now)
	})
}
