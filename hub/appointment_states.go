package hub

import (
	"fmt"
	"time"

	"github.com/patienthub/patienthub/store"
)

// PatientAction is something a patient can do to one of their appointments.
type PatientAction string

// What a patient can do to an appointment (DESIGN.md, "Appointment states").
const (
	ActionConfirm PatientAction = "confirm"
	ActionRebook  PatientAction = "rebook"
	ActionCancel  PatientAction = "cancel"
)

// Reasons a patient's action on an appointment is refused. Each message says what is so and what
// to do next; none of them means anything was changed.
var (
	ErrAppointmentPast        = &Refusal{"appointment_past", "This appointment has already started or happened, so it cannot be changed here. If you need another appointment, call the clinic."}
	ErrAlreadyConfirmed       = &Refusal{"already_confirmed", "You have already confirmed this appointment. Nothing else needs to be done."}
	ErrRebookAlreadyRequested = &Refusal{"rebook_already_requested", "You have already asked to rebook this appointment. The booking team will call you: there is no need to ask again."}
	ErrCancelAlreadyRequested = &Refusal{"cancel_already_requested", "You have already asked to cancel this appointment. The booking team will call you to confirm: there is no need to ask again."}
	ErrRebookPending          = &Refusal{"rebook_pending", "You have asked to rebook this appointment, so it cannot be changed here until the booking team has called you. If your plans have changed, call the clinic."}
	ErrCancelPending          = &Refusal{"cancel_pending", "You have asked to cancel this appointment, so it cannot be changed here until the booking team has called you. If your plans have changed, call the clinic."}
	ErrAppointmentMoved       = &Refusal{"appointment_moved", "This appointment has been moved to a new time, so it cannot be changed. Look at your new appointment instead."}
	ErrAppointmentCancelled   = &Refusal{"appointment_cancelled", "This appointment has been cancelled, so it cannot be changed. If you still need to be seen, call the clinic."}
	ErrAppointmentChanged     = &Refusal{"appointment_changed", "This appointment changed since you opened the page. Check its details below, then try again if you still need to."}
)

// NextStatus decides what a patient's action does to an appointment with this status that
// starts at startsAt: the status it moves to, or the refusal that says why it cannot. Nothing
// changes an appointment once it has started, except the hospital's own systems.
func NextStatus(status store.AppointmentStatus, startsAt, now time.Time, action PatientAction) (store.AppointmentStatus, error) {
	switch action {
	case ActionConfirm, ActionRebook, ActionCancel:
	default:
		return "", fmt.Errorf("hub: unknown appointment action %q", action)
	}
	switch status {
	case store.StatusAttended, store.StatusDidNotAttend:
		return "", ErrAppointmentPast
	case store.StatusRebooked:
		return "", ErrAppointmentMoved
	case store.StatusCancelled, store.StatusCancelledByHospital:
		return "", ErrAppointmentCancelled
	}
	if !now.Before(startsAt) {
		return "", ErrAppointmentPast
	}
	switch status {
	case store.StatusBooked, store.StatusConfirmed:
		switch action {
		case ActionConfirm:
			if status == store.StatusConfirmed {
				return "", ErrAlreadyConfirmed
			}
			return store.StatusConfirmed, nil
		case ActionRebook:
			return store.StatusRebookRequested, nil
		default:
			return store.StatusCancelRequested, nil
		}
	case store.StatusRebookRequested:
		if action == ActionRebook {
			return "", ErrRebookAlreadyRequested
		}
		return "", ErrRebookPending
	case store.StatusCancelRequested:
		if action == ActionCancel {
			return "", ErrCancelAlreadyRequested
		}
		return "", ErrCancelPending
	}
	return "", fmt.Errorf("hub: appointment status %q is not known", status)
}

// Actions says which actions a patient may take on an appointment now; the pages show only these.
type Actions struct{ Confirm, Rebook, Cancel bool }

// Any reports whether the patient may do anything at all.
func (a Actions) Any() bool { return a.Confirm || a.Rebook || a.Cancel }

// ActionsFor lists what the patient may do with a now.
func ActionsFor(a store.Appointment, now time.Time) Actions {
	can := func(action PatientAction) bool {
		_, err := NextStatus(a.Status, a.StartsAt, now, action)
		return err == nil
	}
	return Actions{Confirm: can(ActionConfirm), Rebook: can(ActionRebook), Cancel: can(ActionCancel)}
}

// State is an appointment's state in the patient's words, with the colour of its NHS tag.
type State struct {
	Text string
	Tone string // a tag colour: blue, green, yellow, orange, red, grey or white
}

// StateOf describes an appointment's state for the patient. movedTo is the appointment that
// replaced it, when known.
func StateOf(a store.Appointment, movedTo *store.Appointment, now time.Time) State {
	changed := a.StatusChangedAt.Time
	if !a.StatusChangedAt.Valid {
		changed = a.UpdatedAt
	}
	past := !now.Before(a.StartsAt)
	switch a.Status {
	case store.StatusBooked:
		if past {
			return State{"Booked", "grey"}
		}
		return State{"Not confirmed yet", "blue"}
	case store.StatusConfirmed:
		return State{"Confirmed", "green"}
	case store.StatusRebookRequested:
		return State{"You asked to rebook — the booking team will call you", "yellow"}
	case store.StatusCancelRequested:
		return State{"You asked to cancel — the booking team will call you to confirm", "yellow"}
	case store.StatusRebooked:
		if movedTo != nil {
			return State{"Moved to " + londonDay(movedTo.StartsAt) + " at " + nhsClock(movedTo.StartsAt), "grey"}
		}
		return State{"Moved to a new time", "grey"}
	case store.StatusCancelled:
		return State{"Cancelled on " + londonDay(changed), "red"}
	case store.StatusCancelledByHospital:
		return State{"Cancelled by the hospital on " + londonDay(changed), "red"}
	case store.StatusAttended:
		return State{"Attended", "grey"}
	case store.StatusDidNotAttend:
		return State{"Missed", "orange"}
	}
	return State{string(a.Status), "grey"}
}

// londonDay formats t as a date in Europe/London, like "14 March 2027".
func londonDay(t time.Time) string { return t.In(London).Format("2 January 2006") }

// nhsClock formats t as a time of day in Europe/London the NHS way: "2:30pm", "9am", "midday".
func nhsClock(t time.Time) string {
	local := t.In(London)
	switch {
	case local.Hour() == 12 && local.Minute() == 0:
		return "midday"
	case local.Hour() == 0 && local.Minute() == 0:
		return "midnight"
	case local.Minute() == 0:
		return local.Format("3pm")
	}
	return local.Format("3:04pm")
}

// LondonWhen formats t in Europe/London the NHS way, like "Monday 14 March 2027 at 2:30pm".
func LondonWhen(t time.Time) string {
	return t.In(London).Format("Monday 2 January 2006") + " at " + nhsClock(t)
}
