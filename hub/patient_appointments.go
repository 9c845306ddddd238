package hub

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/patienthub/patienthub/store"
)

// MaxReasonLength is the most characters a patient may write as the reason for a request.
const MaxReasonLength = 500

// CallbackTime is a time of day a patient may ask the booking team to call back.
type CallbackTime struct{ Value, Label string }

// CallbackTimes are the call-back times a patient can choose from, in order.
var CallbackTimes = []CallbackTime{
	{"morning", "Mornings (8am to midday)"},
	{"afternoon", "Afternoons (midday to 5pm)"},
	{"evening", "Early evenings (5pm to 7pm)"},
}

// AppointmentRequest is what a patient adds when asking to rebook or cancel: both are optional.
type AppointmentRequest struct {
	Reason        string
	CallbackTimes []string // values of CallbackTimes
}

// RequestProblem is one thing wrong with an AppointmentRequest: the field and the message to show.
type RequestProblem struct{ Field, Message string }

// Problems lists what is wrong with the request, in the words to show beside each field.
func (r AppointmentRequest) Problems() []RequestProblem {
	var ps []RequestProblem
	if utf8.RuneCountInString(strings.TrimSpace(r.Reason)) > MaxReasonLength {
		ps = append(ps, RequestProblem{"reason", fmt.Sprintf("Your reason must be %d characters or fewer", MaxReasonLength)})
	}
	for _, v := range r.CallbackTimes {
		if callbackLabel(v) == "" {
			ps = append(ps, RequestProblem{"callback-times", "Select the times we can call you from the list"})
			break
		}
	}
	return ps
}

// RequestError refuses a request whose details are not right; nothing was changed.
type RequestError struct{ Problems []RequestProblem }

func (e *RequestError) Error() string {
	return "hub: the request has problems: " + e.Problems[0].Message
}

func callbackLabel(value string) string {
	for _, c := range CallbackTimes {
		if c.Value == value {
			return c.Label
		}
	}
	return ""
}

// callbackText is the call-back times as the booking team reads them in their queue.
func (r AppointmentRequest) callbackText() string {
	labels := make([]string, 0, len(r.CallbackTimes))
	for _, c := range CallbackTimes {
		for _, v := range r.CallbackTimes {
			if v == c.Value {
				labels = append(labels, c.Label)
				break
			}
		}
	}
	return strings.Join(labels, "; ")
}

// ConfirmAppointment records that the patient will come. sequence is the appointment's sequence
// on the page the patient acted on: when it has changed since, nothing changes and a refusal
// says why.
func (s *Service) ConfirmAppointment(ctx context.Context, patientID, id int64, sequence int, by Actor) (store.Appointment, error) {
	return s.actOnAppointment(ctx, patientID, id, sequence, ActionConfirm, AppointmentRequest{}, by)
}

// RequestRebook records the patient's request for a new time and puts a task in the booking
// centre's queue to call them back.
func (s *Service) RequestRebook(ctx context.Context, patientID, id int64, sequence int, req AppointmentRequest, by Actor) (store.Appointment, error) {
	return s.actOnAppointment(ctx, patientID, id, sequence, ActionRebook, req, by)
}

// RequestCancel records the patient's request to cancel and puts a task in the booking centre's
// queue to call them and confirm it.
func (s *Service) RequestCancel(ctx context.Context, patientID, id int64, sequence int, req AppointmentRequest, by Actor) (store.Appointment, error) {
	return s.actOnAppointment(ctx, patientID, id, sequence, ActionCancel, req, by)
}

// actOnAppointment runs one patient action in one transaction: the status change (only from the
// status and sequence the patient saw), the booking centre's task, and the audit event. A
// refused action changes nothing and is audited as refused.
func (s *Service) actOnAppointment(ctx context.Context, patientID, id int64, sequence int, action PatientAction, req AppointmentRequest, by Actor) (store.Appointment, error) {
	a, err := s.ownAppointment(ctx, patientID, id, by)
	if err != nil {
		return a, err
	}
	req.Reason = strings.TrimSpace(req.Reason)
	if ps := req.Problems(); len(ps) > 0 {
		return a, &RequestError{Problems: ps}
	}
	object, now := appointmentObject(a.ID), s.now()
	refused := func(err error) (store.Appointment, error) {
		var r *Refusal
		if errors.As(err, &r) {
			s.audit(ctx, by.event("appointment."+string(action)+".refused", patientID, object, r.Code))
		}
		return a, err
	}
	to, err := NextStatus(a.Status, a.StartsAt, now, action)
	if err != nil {
		return refused(err)
	}
	if sequence != a.Sequence {
		return refused(ErrAppointmentChanged)
	}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		ok, err := tx.RecordAppointmentResponse(ctx, a.ID, a.Status, a.Sequence, to, now)
		if err != nil {
			return err
		}
		if !ok {
			// Changed between reading and writing, perhaps by the same person's second click.
			if a, err = tx.Appointment(ctx, a.ID); err != nil {
				return err
			}
			if _, err := NextStatus(a.Status, a.StartsAt, now, action); err != nil {
				return err
			}
			return ErrAppointmentChanged
		}
		detail := fmt.Sprintf("%s to %s", a.Status, to)
		if kind := taskKindOf(action); kind != "" {
			t := store.Task{PatientID: patientID, Kind: kind, PatientNote: req.Reason, CallbackTimes: req.callbackText(), CreatedAt: now}
			t.AppointmentID.Int64, t.AppointmentID.Valid = a.ID, true
			if err := tx.CreateTask(ctx, &t); errors.Is(err, store.ErrConflict) {
				if action == ActionRebook {
					return ErrRebookAlreadyRequested
				}
				return ErrCancelAlreadyRequested
			} else if err != nil {
				return err
			}
			detail += fmt.Sprintf("; task %d", t.ID)
		}
		e := by.event("appointment."+string(action), patientID, object, detail)
		e.At = now
		return tx.AddAudit(ctx, e)
	})
	if err != nil {
		return refused(err)
	}
	return s.Store.Appointment(ctx, a.ID)
}

// taskKindOf is the booking centre task an action creates, or "" for none.
func taskKindOf(action PatientAction) string {
	switch action {
	case ActionRebook:
		return store.TaskRebook
	case ActionCancel:
		return store.TaskCancel
	}
	return ""
}

// Progress is a booking centre task's progress in the patient's words.
type Progress struct {
	Step int // 1 received, 2 being handled, 3 done
	Text string
}

// TaskProgress says how far the booking centre has got with a patient's request.
func TaskProgress(t store.Task) Progress {
	switch t.Status {
	case store.TaskInProgress:
		return Progress{2, "Being handled: a member of the booking team is working on your request"}
	case store.TaskDone:
		return Progress{3, "Done"}
	}
	return Progress{1, "Received: your request is waiting for the booking team"}
}
