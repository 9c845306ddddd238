package hub

import (
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/patienthub/patienthub/store"
)

func TestNextStatus(t *testing.T) {
	now := time.Date(2027, time.March, 10, 9, 0, 0, 0, time.UTC)
	future, past := now.Add(48*time.Hour), now.Add(-48*time.Hour)
	const (
		confirm = ActionConfirm
		rebook  = ActionRebook
		cancel  = ActionCancel
	)
	tests := []struct {
		status    store.AppointmentStatus
		starts    time.Time
		action    PatientAction
		want      store.AppointmentStatus
		refusedBy *Refusal
	}{
		// Allowed: a booked or confirmed appointment in the future.
		{store.StatusBooked, future, confirm, store.StatusConfirmed, nil},
		{store.StatusBooked, future, rebook, store.StatusRebookRequested, nil},
		{store.StatusBooked, future, cancel, store.StatusCancelRequested, nil},
		{store.StatusConfirmed, future, rebook, store.StatusRebookRequested, nil},
		{store.StatusConfirmed, future, cancel, store.StatusCancelRequested, nil},
		// Refused: asking again, or changing a request already with the booking team.
		{store.StatusConfirmed, future, confirm, "", ErrAlreadyConfirmed},
		{store.StatusRebookRequested, future, rebook, "", ErrRebookAlreadyRequested},
		{store.StatusRebookRequested, future, confirm, "", ErrRebookPending},
		{store.StatusRebookRequested, future, cancel, "", ErrRebookPending},
		{store.StatusCancelRequested, future, cancel, "", ErrCancelAlreadyRequested},
		{store.StatusCancelRequested, future, confirm, "", ErrCancelPending},
		{store.StatusCancelRequested, future, rebook, "", ErrCancelPending},
		// Refused: moved or cancelled, in the future or the past.
		{store.StatusRebooked, future, confirm, "", ErrAppointmentMoved},
		{store.StatusRebooked, future, rebook, "", ErrAppointmentMoved},
		{store.StatusRebooked, future, cancel, "", ErrAppointmentMoved},
		{store.StatusCancelled, future, confirm, "", ErrAppointmentCancelled},
		{store.StatusCancelled, future, rebook, "", ErrAppointmentCancelled},
		{store.StatusCancelled, future, cancel, "", ErrAppointmentCancelled},
		{store.StatusCancelledByHospital, future, confirm, "", ErrAppointmentCancelled},
		{store.StatusCancelledByHospital, future, rebook, "", ErrAppointmentCancelled},
		{store.StatusCancelledByHospital, future, cancel, "", ErrAppointmentCancelled},
		{store.StatusCancelled, past, cancel, "", ErrAppointmentCancelled},
		// Refused: nothing changes a past appointment.
		{store.StatusBooked, past, confirm, "", ErrAppointmentPast},
		{store.StatusBooked, past, rebook, "", ErrAppointmentPast},
		{store.StatusBooked, past, cancel, "", ErrAppointmentPast},
		{store.StatusConfirmed, past, rebook, "", ErrAppointmentPast},
		{store.StatusConfirmed, past, cancel, "", ErrAppointmentPast},
		{store.StatusConfirmed, past, confirm, "", ErrAppointmentPast},
		{store.StatusRebookRequested, past, rebook, "", ErrAppointmentPast},
		{store.StatusCancelRequested, past, cancel, "", ErrAppointmentPast},
		{store.StatusBooked, now, confirm, "", ErrAppointmentPast}, // starting now counts as started
		{store.StatusAttended, past, confirm, "", ErrAppointmentPast},
		{store.StatusAttended, past, rebook, "", ErrAppointmentPast},
		{store.StatusAttended, past, cancel, "", ErrAppointmentPast},
		{store.StatusDidNotAttend, past, confirm, "", ErrAppointmentPast},
		{store.StatusDidNotAttend, past, rebook, "", ErrAppointmentPast},
		{store.StatusDidNotAttend, past, cancel, "", ErrAppointmentPast},
		{store.StatusAttended, future, confirm, "", ErrAppointmentPast}, // the PAS says it happened
	}
	for _, tt := range tests {
		name := string(tt.status) + "/" + string(tt.action)
		if tt.starts.Before(now) {
			name += "/past"
		}
		t.Run(name, func(t *testing.T) {
			got, err := NextStatus(tt.status, tt.starts, now, tt.action)
			if tt.refusedBy != nil {
				if !errors.Is(err, tt.refusedBy) || got != "" {
					t.Fatalf("got %q, %v; want refusal %s", got, err, tt.refusedBy.Code)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestNextStatusRejectsUnknowns(t *testing.T) {
	now := time.Now()
	if _, err := NextStatus(store.StatusBooked, now.Add(time.Hour), now, "delete"); err == nil {
		t.Error("an unknown action was allowed")
	}
	if _, err := NextStatus("lost", now.Add(time.Hour), now, ActionConfirm); err == nil {
		t.Error("an unknown status was allowed")
	}
	var r *Refusal
	if _, err := NextStatus("lost", now.Add(time.Hour), now, ActionConfirm); errors.As(err, &r) {
		t.Error("an unknown status must be an error, not a refusal the patient reads")
	}
}

func TestActionsFor(t *testing.T) {
	now := time.Date(2027, time.March, 10, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		status store.AppointmentStatus
		starts time.Time
		want   Actions
	}{
		{store.StatusBooked, now.Add(time.Hour), Actions{Confirm: true, Rebook: true, Cancel: true}},
		{store.StatusConfirmed, now.Add(time.Hour), Actions{Rebook: true, Cancel: true}},
		{store.StatusRebookRequested, now.Add(time.Hour), Actions{}},
		{store.StatusCancelRequested, now.Add(time.Hour), Actions{}},
		{store.StatusRebooked, now.Add(time.Hour), Actions{}},
		{store.StatusCancelled, now.Add(time.Hour), Actions{}},
		{store.StatusBooked, now.Add(-time.Hour), Actions{}},
		{store.StatusAttended, now.Add(-time.Hour), Actions{}},
	}
	for _, tt := range tests {
		got := ActionsFor(store.Appointment{Status: tt.status, StartsAt: tt.starts}, now)
		if got != tt.want {
			t.Errorf("%s starting %v: got %+v, want %+v", tt.status, tt.starts.Sub(now), got, tt.want)
		}
		if got.Any() != (tt.want != Actions{}) {
			t.Errorf("%s: Any() = %v", tt.status, got.Any())
		}
	}
}

func TestStateOf(t *testing.T) {
	now := time.Date(2027, time.March, 10, 9, 0, 0, 0, time.UTC)
	changed := sql.NullTime{Time: time.Date(2027, time.March, 3, 23, 30, 0, 0, time.UTC), Valid: true}
	newTime := store.Appointment{StartsAt: time.Date(2027, time.April, 6, 9, 15, 0, 0, time.UTC)}
	tests := []struct {
		a       store.Appointment
		movedTo *store.Appointment
		want    State
	}{
		{store.Appointment{Status: store.StatusBooked, StartsAt: now.Add(time.Hour)}, nil, State{"Not confirmed yet", "blue"}},
		{store.Appointment{Status: store.StatusBooked, StartsAt: now.Add(-time.Hour)}, nil, State{"Booked", "grey"}},
		{store.Appointment{Status: store.StatusConfirmed}, nil, State{"Confirmed", "green"}},
		{store.Appointment{Status: store.StatusRebookRequested}, nil, State{"You asked to rebook — the booking team will call you", "yellow"}},
		{store.Appointment{Status: store.StatusCancelRequested}, nil, State{"You asked to cancel — the booking team will call you to confirm", "yellow"}},
		// 23:30 UTC on 3 March is still 3 March in London (GMT); BST moves the date.
		{store.Appointment{Status: store.StatusCancelled, StatusChangedAt: changed}, nil, State{"Cancelled on 3 March 2027", "red"}},
		{store.Appointment{Status: store.StatusCancelled, StatusChangedAt: sql.NullTime{Time: time.Date(2027, time.June, 3, 23, 30, 0, 0, time.UTC), Valid: true}}, nil,
			State{"Cancelled on 4 June 2027", "red"}},
		{store.Appointment{Status: store.StatusCancelledByHospital, StatusChangedAt: changed}, nil, State{"Cancelled by the hospital on 3 March 2027", "red"}},
		{store.Appointment{Status: store.StatusRebooked}, &newTime, State{"Moved to 6 April 2027 at 10:15am", "grey"}},
		{store.Appointment{Status: store.StatusRebooked}, nil, State{"Moved to a new time", "grey"}},
		{store.Appointment{Status: store.StatusAttended}, nil, State{"Attended", "grey"}},
		{store.Appointment{Status: store.StatusDidNotAttend}, nil, State{"Missed", "orange"}},
	}
	for _, tt := range tests {
		if got := StateOf(tt.a, tt.movedTo, now); got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.a.Status, got, tt.want)
		}
	}
}

func TestAppointmentRequestProblems(t *testing.T) {
	long := make([]rune, MaxReasonLength+1)
	for i := range long {
		long[i] = 'é'
	}
	tests := []struct {
		req    AppointmentRequest
		fields []string
	}{
		{AppointmentRequest{}, nil},
		{AppointmentRequest{Reason: "I am on holiday", CallbackTimes: []string{"morning", "evening"}}, nil},
		{AppointmentRequest{Reason: string(long[:MaxReasonLength])}, nil},
		{AppointmentRequest{Reason: string(long)}, []string{"reason"}},
		{AppointmentRequest{CallbackTimes: []string{"midnight"}}, []string{"callback-times"}},
		{AppointmentRequest{Reason: string(long), CallbackTimes: []string{"morning", "x", "y"}}, []string{"reason", "callback-times"}},
	}
	for i, tt := range tests {
		ps := tt.req.Problems()
		if len(ps) != len(tt.fields) {
			t.Errorf("%d: got %+v, want problems with %v", i, ps, tt.fields)
			continue
		}
		for j, p := range ps {
			if p.Field != tt.fields[j] || p.Message == "" {
				t.Errorf("%d: problem %d is %+v, want field %s", i, j, p, tt.fields[j])
			}
		}
	}
	r := AppointmentRequest{CallbackTimes: []string{"evening", "morning"}}
	if got := r.callbackText(); got != "Mornings (8am to midday); Early evenings (5pm to 7pm)" {
		t.Errorf("call-back times for the booking team: %q", got)
	}
}

func TestTaskProgress(t *testing.T) {
	for status, step := range map[string]int{store.TaskOpen: 1, store.TaskInProgress: 2, store.TaskDone: 3} {
		if p := TaskProgress(store.Task{Status: status}); p.Step != step || p.Text == "" {
			t.Errorf("%s: %+v", status, p)
		}
	}
}

func TestDisplayMobile(t *testing.T) {
	for in, want := range map[string]string{"+447700900001": "07700 900001", "+33612345678": "+33612345678", "": ""} {
		if got := DisplayMobile(in); got != want {
			t.Errorf("DisplayMobile(%q) = %q, want %q", in, got, want)
		}
	}
}
